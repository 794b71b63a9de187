package main

import (
	"fmt"
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

// flagsWithValue are the flags that take a value, as `--flag value` or `--flag=value`.
var flagsWithValue = map[string]bool{
	"select": true, "where": true, "limit": true, "output": true,
	"config": true, "connection": true, "config-dir": true,
}

// parseArgs reads the command line; flags may come before or after TABLE.
func parseArgs(args []string) (options, error) {
	o := options{Limit: -1, Output: formatCSV}
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if flagsWithValue[name] && !hasValue {
			if i+1 >= len(args) {
				return o, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		if err := o.set(name, value, hasValue); err != nil {
			return o, err
		}
	}
	return o, o.finish(positional)
}

// set applies one flag.
func (o *options) set(name, value string, hasValue bool) error {
	switch name {
	case "h", "help":
		o.Help = true
	case "v", "verbose":
		o.Verbose = !hasValue || value == "true"
	case "bom":
		o.BOM = !hasValue || value == "true"
	case "select":
		for _, c := range strings.Split(value, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
				o.Select = append(o.Select, c)
			}
		}
	case "where":
		o.Where = append(o.Where, value)
	case "limit":
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("bad --limit %q: write a whole number, 0 or more", value)
		}
		o.Limit = n
	case "output":
		o.Output = strings.ToLower(value)
	case "config":
		o.Config, o.HasConfig = value, true
	case "connection":
		o.Connection = value
	case "config-dir":
		o.ConfigDir = value
	default:
		return fmt.Errorf("unknown flag %q (see --help)", "--"+name)
	}
	return nil
}

// finish checks the flags together and takes the table name.
func (o *options) finish(positional []string) error {
	if o.Help {
		// TABLE --help shows that table.
		if len(positional) == 1 {
			o.Table = strings.ToLower(positional[0])
		}
		return nil
	}
	switch len(positional) {
	case 0:
		return fmt.Errorf("missing TABLE: usage: %s", usageLine)
	case 1:
		o.Table = strings.ToLower(positional[0])
	default:
		return fmt.Errorf("one TABLE only, got %s (quote a --where condition that contains spaces, like --where \"inquiry_at >= '2024-05-01'\")", strings.Join(positional, " "))
	}
	if err := checkFormat(o.Output, o.BOM); err != nil {
		return err
	}
	if o.HasConfig && o.Connection != "" {
		return fmt.Errorf("use either --config or --connection, not both")
	}
	if o.ConfigDir != "" && o.Connection == "" {
		return fmt.Errorf("--config-dir needs --connection NAME")
	}
	return nil
}
