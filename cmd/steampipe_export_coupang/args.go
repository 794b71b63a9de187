package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
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
	Connection string
	ConfigDir  string
	Verbose    bool
	Help       bool
}

const usageLine = `steampipe_export_coupang TABLE [--select a,b] [--where "COND"]... [--limit N]
                         [--output csv|json|jsonl|xlsx] [--bom]
                         [--config 'HCL attributes' | --connection NAME [--config-dir DIR]] [--verbose]`

// parseArgs reads the command line with package flag; flags may come before or after TABLE.
func parseArgs(args []string) (options, error) {
	o := options{Limit: -1, Output: formatCSV}
	fs := flag.NewFlagSet("steampipe_export_coupang", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller; --help is ours
	var bad error            // a value's error in our words: package flag rewords what a Func returns
	// A blank value (an unset shell variable) of these flags would silently mean what leaving the
	// flag out means, maybe another seller's keys from the COUPANG_* variables: it is refused.
	withoutIt := map[string]string{"config": "the COUPANG_* variables are used", "connection": "the COUPANG_* variables are used",
		"config-dir": "$STEAMPIPE_INSTALL_DIR/config or else ~/.steampipe/config is read"}
	value := func(name string, set func(string) error) {
		fs.Func(name, "", func(v string) error {
			switch {
			case v == "--": // `--flag -- TABLE`: flag takes "--" as the value, not as the end of the flags
				bad = fmt.Errorf("flag --%s needs a value, got %q", name, v)
			case withoutIt[name] != "" && strings.TrimSpace(v) == "":
				bad = fmt.Errorf("flag --%s is empty: give it a value, or leave it out (without --%s, %s)", name, name, withoutIt[name])
			default:
				bad = set(v)
			}
			return bad
		})
	}
	// An empty name (--select "", --select "a,,b" from an unset shell variable) or a column named
	// twice is refused: the first would silently select every column, or one fewer than asked; the
	// second would write a JSON object with one key twice.
	value("select", func(v string) error {
		for _, c := range strings.Split(v, ",") {
			switch c = strings.ToLower(strings.TrimSpace(c)); {
			case c == "":
				return fmt.Errorf("bad --select %q: a column name is empty; write names separated by commas, like --select inquiry_id,content (without --select, every column is written)", v)
			case slices.Contains(o.Select, c):
				return fmt.Errorf("bad --select %q: column %s is selected twice; name each column once", v, c)
			}
			o.Select = append(o.Select, c)
		}
		return nil
	})
	value("where", func(v string) error { o.Where = append(o.Where, v); return nil })
	// A second --config or --connection would replace the first whole, and what the first set would
	// come from the COUPANG_* variables, maybe another seller's: refused, unlike --where, which adds up.
	once := func(p *string, twice string) func(string) error {
		return func(v string) error {
			if *p != "" {
				return errors.New(twice)
			}
			*p = v
			return nil
		}
	}
	value("config", once(&o.Config, `flag --config is given twice: write every argument in one --config, like --config 'vendor_id = "A00012345" access_key = "..." secret_key = "..."'`))
	value("connection", once(&o.Connection, "flag --connection is given twice: name one connection (export each connection in a run of its own)"))
	value("limit", func(v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("bad --limit %q: write a whole number, 0 or more", v)
		}
		o.Limit = n
		return nil
	})
	value("output", func(v string) error { o.Output = strings.ToLower(v); return nil })
	value("config-dir", func(v string) error { o.ConfigDir = v; return nil })
	for name, p := range map[string]*bool{"bom": &o.BOM, "v": &o.Verbose, "verbose": &o.Verbose, "h": &o.Help, "help": &o.Help} {
		fs.BoolVar(p, name, false, "")
	}
	// flag stops at the first argument that is not a flag: take it as TABLE and read on.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return o, cmp.Or(bad, flagError(err))
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" || len(rest) == 0 {
			positional = append(positional, rest...)
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
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
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok { // --bom=yes
		_, name, _ := strings.Cut(rest, " for -")
		name, _, _ = strings.Cut(name, ":")
		return fmt.Errorf("--%s takes no value (or =true/=false)", name)
	}
	if arg, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok { // ---where
		return fmt.Errorf("unknown flag %q (see --help)", arg)
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
	case o.Config != "" && o.Connection != "":
		return fmt.Errorf("use either --config or --connection, not both")
	case o.ConfigDir != "" && o.Connection == "":
		return fmt.Errorf("--config-dir needs --connection NAME")
	case !slices.Contains([]string{formatCSV, formatJSON, formatJSONL, formatXLSX}, o.Output):
		return fmt.Errorf("unknown --output %q: use csv, json, jsonl or xlsx", o.Output)
	case o.BOM && o.Output != formatCSV:
		return fmt.Errorf("--bom is for --output csv only (xlsx and JSON need no byte-order mark): drop --bom")
	}
	return nil
}

const helpIntro = `Export a table of the Coupang Steampipe plugin to CSV, JSON, JSON lines or an Excel workbook, without Steampipe.

Usage:
  %s

Flags:
  --select a,b           columns to write, in this order (default: every column, in table order)
  --where "COND"         keep rows matching COND, written as in SQL; repeated --where flags are ANDed:
                           col = v, col != v, col < v, col <= v, col > v, col >= v,
                           col in (v1, v2), col between v1 and v2, col is null, col is not null,
                           text_col like '%%word%%', text_col ilike 'a_c%%' (%% any text, _ one character),
                           bool_col, bool_col is [not] true, bool_col is [not] false,
                           'v' < col (a value first: quoted, a whole number, now() or current_date),
                           joined with and, or, not and parentheses
                         values: 'quoted', "quoted", or bare numbers and words (not a column's name, nor null);
                         timestamps: RFC 3339, yyyy-MM-dd or 'yyyy-MM-dd HH:mm:ss' (no offset: Korean time, UTC+9),
                           or now(), current_date (Korean midnight), each +/- interval '7 days'
  --limit N              write at most N rows
  --output FORMAT        csv (default; header line, NULL as an empty field), json (one array), jsonl,
                         or xlsx (one sheet; numbers, IDs and Korean date-times as typed cells)
  --bom                  start the CSV with a UTF-8 byte-order mark, so Excel reads Korean text correctly
  --config 'HCL'         connection arguments, like 'vendor_id = "A00012345" access_key = "..." secret_key = "..."'
  --connection NAME      read connection "NAME" { plugin = "local/coupang" ... } from the .spc files in --config-dir
  --config-dir DIR       with --connection; default $STEAMPIPE_INSTALL_DIR/config if set, else ~/.steampipe/config.
                         A limiter block in a plugin "coupang" block there applies (the default directory's
                         also with --config or the COUPANG_* variables)
  --verbose              show the plugin's logs on stderr
  -h, --help             this help; TABLE --help shows one table

COUPANG_VENDOR_ID, COUPANG_ACCESS_KEY, COUPANG_SECRET_KEY and COUPANG_BASE_URL give the arguments
that --config or --connection leave out (all of them without either): unset COUPANG_BASE_URL after
trying the sandbox, or exports with your keys still go to it. Conditions on key columns with the operators listed below
are passed to the plugin (not those under or / not, but x = a or x in (b, c) goes as x in (a, b, c)), which sends them to Coupang or, for inquiry_status,
cs_partner_counseling_status and answer_type, applies them itself; every condition is also checked on every row.
Errors go to stderr with exit code 1.

Without a lower bound on inquiry_at and without vendor_item_id, only default_lookback_days (7) Korean
days are read: those ending today, or ending at the upper bound of inquiry_at. A line on stderr then
names the days read; give inquiry_at a lower bound (--where "inquiry_at >= '2024-05-01'") to read others.

Examples:
  steampipe_export_coupang coupang_callcenter_inquiry --where "inquiry_at >= now() - interval '7 days'" --output xlsx > week.xlsx
  steampipe_export_coupang coupang_callcenter_inquiry --where "inquiry_at between '2026-01-01' and '2026-01-31 23:59:59'" --bom > january.csv
  steampipe_export_coupang coupang_callcenter_inquiry --where "vendor_item_id in (4154908138, 4010207040)" --output json
  steampipe_export_coupang coupang_callcenter_inquiry_reply --where "partner_counseling_status = 'TRANSFER' and need_answer = true"

Tables:
`

// writeHelp prints the usage and every table with its columns, key columns and their operators;
// with a table name (TABLE --help), the usage and that table only.
func writeHelp(w io.Writer, cat catalog, table string) error {
	var b strings.Builder
	names, end := cat.names(), ""
	if table == "" {
		fmt.Fprintf(&b, helpIntro, usageLine)
	} else if t, err := cat.lookup(table); err != nil {
		return err
	} else {
		fmt.Fprintf(&b, "Usage:\n  %s\n\nTable:", strings.Replace(usageLine, "TABLE", t.Name, 1))
		names, end = []string{t.Name}, "\nSee steampipe_export_coupang --help for the flags and every table.\n"
	}
	for _, t := range names {
		fmt.Fprintf(&b, "\n  %s\n", t)
		var keys []string
		for _, kc := range cat[t].KeyColumns {
			keys = append(keys, fmt.Sprintf("%s (%s)", kc.Name, strings.Join(kc.Operators, " ")))
		}
		if keys != nil {
			fmt.Fprintf(&b, "    key columns: %s\n", strings.Join(keys, ", "))
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, c := range cat[t].Columns {
			fmt.Fprintf(tw, "    %s\t%s\t%s\n", c.Name, typeName[c.Type], c.Description)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String()+end)
	return err
}
