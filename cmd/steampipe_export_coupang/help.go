package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

const helpIntro = `Export a table of the Coupang Steampipe plugin to CSV, JSON, JSON lines or an Excel workbook, without Steampipe.

Usage:
  %s

Flags:
  --select a,b           columns to write, in this order (default: every column, in table order)
  --where "COND"         keep rows matching COND, written as in SQL; repeated --where flags are ANDed:
                           col = v, col != v, col < v, col <= v, col > v, col >= v,
                           col in (v1, v2), col between v1 and v2, col is null, col is not null,
                           joined with and, or, not and parentheses
                         values: 'quoted', "quoted", or bare numbers and words;
                         timestamps: RFC 3339, yyyy-MM-dd or 'yyyy-MM-dd HH:mm:ss' (no offset: Korean time, UTC+9),
                           or now(), current_date (Korean midnight), each +/- interval '7 days'
  --limit N              write at most N rows
  --output FORMAT        csv (default; header line, NULL as an empty field), json (one array), jsonl,
                         or xlsx (one sheet; numbers, IDs and Korean date-times as typed cells)
  --bom                  start the CSV with a UTF-8 byte-order mark, so Excel reads Korean text correctly
  --config 'HCL'         connection arguments, like 'vendor_id = "A00012345" access_key = "..." secret_key = "..."'
  --connection NAME      read connection "NAME" { plugin = "local/coupang" ... } from the .spc files in --config-dir
  --config-dir DIR       default ~/.steampipe/config; a limiter block in its plugin "coupang" block applies
  --verbose              show the plugin's logs on stderr
  -h, --help             this help; TABLE --help shows one table

Without --config or --connection the plugin reads COUPANG_VENDOR_ID, COUPANG_ACCESS_KEY,
COUPANG_SECRET_KEY and COUPANG_BASE_URL. Conditions on key columns with the operators listed below
are sent to Coupang (not those under or / not); every condition is also checked on every row.
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
	if table == "" {
		fmt.Fprintf(&b, helpIntro, usageLine)
		for _, name := range cat.names() {
			writeTableHelp(&b, cat[name])
		}
	} else {
		t, err := cat.lookup(table)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "Usage:\n  %s\n\nTable:", strings.Replace(usageLine, "TABLE", t.Name, 1))
		writeTableHelp(&b, t)
		b.WriteString("\nSee steampipe_export_coupang --help for the flags and every table.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTableHelp(b *strings.Builder, t *table) {
	fmt.Fprintf(b, "\n  %s\n", t.Name)
	if len(t.KeyColumns) > 0 {
		keys := make([]string, len(t.KeyColumns))
		for i, kc := range t.KeyColumns {
			keys[i] = fmt.Sprintf("%s (%s)", kc.Name, strings.Join(kc.Operators, " "))
		}
		fmt.Fprintf(b, "    key columns: %s\n", strings.Join(keys, ", "))
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, c := range t.Columns {
		fmt.Fprintf(tw, "    %s\t%s\t%s\n", c.Name, typeName(c.Type), c.Description)
	}
	tw.Flush()
}
