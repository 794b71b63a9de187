// Command peakrss runs a program and writes the program's own peak resident set size, in KiB, to
// a file. coupang-bench starts the export binary through it.
//
// Usage:
//
//	peakrss REPORT_FILE PROGRAM [ARG...]
//
// The program inherits stdin, stdout, stderr and the environment; peakrss exits with its exit code
// (128+n if it died of signal n) after writing the peak RSS (rusage ru_maxrss, KiB on Linux) as one
// decimal line to REPORT_FILE.
//
// Why a separate process: on Linux a child's ru_maxrss is not its own peak alone. Go starts
// children with clone(CLONE_VFORK|CLONE_VM), so until exec the child runs on its parent's address
// space, and exec folds that address space's high-water RSS into the child's ru_maxrss
// (fs/exec.c: exec_mmap -> setmax_mm_hiwater_rss). Started straight from coupang-bench, whose own
// peak holds the sandbox data of earlier scenarios and the data set of the export being measured,
// the export "peaked" at 409 MB for 100,000 rows and 553 MB for 1,000,000 while its own heap never
// passed 60 MB. This program's address space is a few MB, so the figure it reports is the
// program's own peak, raised at most to that floor.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peakrss REPORT_FILE PROGRAM [ARG...]")
		return 2
	}
	report, program := args[0], args[1]
	cmd := exec.Command(program, args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Pass interrupts on, so that stopping the benchmark stops the program rather than orphaning it.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		return 127
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		return 127
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "peakrss: no resource usage for the program")
		return 127
	}
	if err := os.WriteFile(report, []byte(strconv.FormatInt(int64(ru.Maxrss), 10)+"\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		return 127
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}
