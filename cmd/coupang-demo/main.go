// Command coupang-demo is `make demo`: it starts the offline sandbox (package internal/sandbox, as
// cmd/coupang-sandbox serves it) in-process on a free loopback port, runs four exports against it
// with steampipe_export_coupang, shows their first lines and how many API requests each made, and
// stops the sandbox, also when interrupted. No network and no Coupang account are needed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	bin := flag.String("bin", "bin", "folder holding steampipe_export_coupang")
	out := flag.String("out", "bin/demo", "folder the exports are written to")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runDemo(ctx, *bin, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "coupang-demo:", err)
		stop()
		os.Exit(1)
	}
}
