package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// options are the parsed command line.
type options struct {
	Table      string
	Select     []string
	Where      []string
	Limit      int64 // -1 for no limit
	Output     string
	BOM        bool
	Config     string
	HasConfig  bool
	Connection string
	ConfigDir  string
	Verbose    bool
	Help       bool
}

// usageLine is the command's synopsis.
const usageLine = `steampipe_export_coupang TABLE [--select a,b] [--where "COND"]... [--limit N]
                         [--output csv|json|jsonl|xlsx] [--bom]
                         [--config 'HCL attributes' | --connection NAME [--config-dir DIR]] [--verbose]`

// parseArgs reads the command line with package flag; flags may come before or after TABLE.
func parseArgs(args []string) (options, error) {
	o := options{Limit: -1}
	fs := flag.NewFlagSet("steampipe_export_coupang", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller; --help is ours
	fs.Func("select", "", func(v string) error {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
				o.Select = append(o.Select, c)
			}
		}
		return nil
	})
	fs.Func("where", "", func(v string) error { o.Where = append(o.Where, v); return nil })
	fs.Func("config", "", func(v string) error { o.Config, o.HasConfig = v, true; return nil })
	var limit *string
	fs.Func("limit", "", func(v string) error { limit = &v; return nil })
	fs.StringVar(&o.Output, "output", formatCSV, "")
	fs.StringVar(&o.Connection, "connection", "", "")
	fs.StringVar(&o.ConfigDir, "config-dir", "", "")
	fs.BoolVar(&o.BOM, "bom", false, "")
	for _, name := range []string{"v", "verbose"} {
		fs.BoolVar(&o.Verbose, name, false, "")
	}
	for _, name := range []string{"h", "help"} {
		fs.BoolVar(&o.Help, name, false, "")
	}
	// flag stops at the first argument that is not a flag: take it as TABLE and read on.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return o, flagError(err)
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" || len(rest) == 0 {
			positional = append(positional, rest...)
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
	if limit != nil {
		n, err := strconv.ParseInt(strings.TrimSpace(*limit), 10, 64)
		if err != nil || n < 0 {
			return o, fmt.Errorf("bad --limit %q: write a whole number, 0 or more", *limit)
		}
		o.Limit = n
	}
	o.Output = strings.ToLower(o.Output)
	return o, o.finish(positional)
}

// flagError says what package flag found wrong in our words.
func flagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Errorf("unknown flag %q (see --help)", "--"+name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Errorf("flag --%s needs a value", name)
	}
	return err
}

// finish checks the flags together and takes the table name.
func (o *options) finish(positional []string) error {
	if len(positional) == 1 {
		o.Table = strings.ToLower(positional[0])
	}
	switch {
	case o.Help: // TABLE --help shows that table.
		return nil
	case len(positional) == 0:
		return fmt.Errorf("missing TABLE: usage: %s", usageLine)
	case len(positional) > 1:
		return fmt.Errorf("one TABLE only, got %s (quote a --where condition that contains spaces, like --where \"inquiry_at >= '2024-05-01'\")", strings.Join(positional, " "))
	case o.HasConfig && o.Connection != "":
		return fmt.Errorf("use either --config or --connection, not both")
	case o.ConfigDir != "" && o.Connection == "":
		return fmt.Errorf("--config-dir needs --connection NAME")
	}
	return checkFormat(o.Output, o.BOM)
}
