package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// hotOption is the option ID the sandbox gives extra inquiries to (Options.HotInquiries).
var hotOption = strconv.FormatInt(sandbox.DemoHotVendorItemID, 10)

// export is one demo export.
type export struct {
	Title string
	File  string
	Args  []string
	Show  int // lines of the output to show
}

// demoExports are the exports: a 30-day period, one option ID, waiting transfers, and the product
// questions still waiting for an answer.
func demoExports(today time.Time) []export {
	from := today.AddDate(0, 0, -29).Format("2006-01-02")
	to := today.Format("2006-01-02")
	return []export{
		{
			Title: "Every inquiry of the last 30 days (Korean calendar days), as CSV",
			File:  "inquiries_30d.csv",
			Args: []string{"coupang_callcenter_inquiry", "--where", fmt.Sprintf("inquiry_at between '%s' and '%s 23:59:59'", from, to),
				"--select", "inquiry_id,inquiry_at,vendor_item_id,inquiry_status,cs_partner_counseling_status,item_name"},
			Show: 6,
		},
		{
			Title: "All inquiries about one option ID (vendor_item_id), as JSON",
			File:  "option_" + hotOption + ".json",
			Args: []string{"coupang_callcenter_inquiry", "--where", "vendor_item_id = " + hotOption, "--output", "json",
				"--select", "inquiry_id,inquiry_at,vendor_item_ids,item_name,answered_at"},
			Show: 5,
		},
		{
			Title: "Transfers from Coupang's CS agents still waiting for the seller's answer (reply table)",
			File:  "transfers_waiting.csv",
			Args: []string{"coupang_callcenter_inquiry_reply", "--where", "partner_counseling_status = 'TRANSFER'",
				"--where", "need_answer = true", "--select", "inquiry_id,vendor_item_id,answer_id,reply_at,receptionist_name,partner_transfer_status"},
			Show: 6,
		},
		{
			Title: "Product-page questions (product Q&A) of the last 7 days still waiting for an answer",
			File:  "product_questions_waiting.csv",
			Args: []string{"coupang_product_inquiry", "--where", "answered_type = 'NOANSWER'",
				"--select", "inquiry_id,inquiry_at,vendor_item_id,content"},
			Show: 6,
		},
	}
}

// runDemo starts the sandbox on a free loopback port, runs the exports with the export command in
// bin and stops the sandbox, whatever happens.
func runDemo(ctx context.Context, bin, outDir string, w io.Writer) error {
	start := time.Now()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	sb := sandbox.New(sandbox.Options{PerDay: 20, HotInquiries: 40})
	baseURL, stop, err := sb.Start()
	if err != nil {
		return err
	}
	defer stop()
	first, last := sb.Span()
	fmt.Fprintf(w, "Sandbox: a fake Coupang API on loopback, no account needed.\n  COUPANG_BASE_URL=%s COUPANG_VENDOR_ID=%s\n  %d inquiries from %s to %s (built in %s)\n",
		baseURL, sb.VendorID(), sb.Count(), first.Format(api.DateLayout), last.Format(api.DateLayout), time.Since(start).Round(time.Millisecond))
	// os/exec uses the last value of a repeated key, so these override the user's own credentials,
	// while COUPANG_RATE_LIMIT_DIR (for a machine whose /tmp cannot be shared) still applies.
	env := append(os.Environ(),
		"COUPANG_BASE_URL="+baseURL, "COUPANG_VENDOR_ID="+sb.VendorID(), "COUPANG_ACCESS_KEY="+sb.AccessKey(), "COUPANG_SECRET_KEY="+sb.SecretKey())

	total := 0
	for i, ex := range demoExports(time.Now().In(api.KST)) {
		sb.ResetLog()
		path := filepath.Join(outDir, ex.File)
		fmt.Fprintf(w, "\n%d. %s\n$ steampipe_export_coupang %s > %s\n", i+1, ex.Title, shellQuote(ex.Args), path)
		started := time.Now()
		if err := exportTo(ctx, bin, env, ex.Args, path); err != nil {
			os.Remove(path) // never leave a partial export behind
			return err
		}
		elapsed := time.Since(started)
		// Complete: the sandbox logs each request before its answer is sent.
		reqs := sb.Log()
		total += len(reqs)
		if err := showHead(w, path, ex.Show); err != nil {
			return err
		}
		fmt.Fprintf(w, "   %d rows, %s, %s:\n", countRows(path), plural(len(reqs), "API request"), elapsed.Round(100*time.Millisecond))
		for k, r := range reqs {
			if k == 3 && len(reqs) > 4 {
				fmt.Fprintf(w, "     ... %d more\n", len(reqs)-3)
				break
			}
			fmt.Fprintf(w, "     %s\n", shortRequest(r))
		}
	}
	fmt.Fprintf(w, "\nDone in %s: %s in all (the plugin waits 250ms between requests, Coupang's safe rate); exports kept in %s/.\n",
		time.Since(start).Round(100*time.Millisecond), plural(total, "request"), outDir)
	fmt.Fprintf(w, "Next: `%s/steampipe_export_coupang coupang_callcenter_inquiry --output xlsx > inquiries.xlsx` for Excel (or `--bom` on a CSV),\n"+
		"`%s/steampipe_export_coupang --help`, `make test`, or `make install` to use the plugin from Steampipe.\n", bin, bin)
	return nil
}

// exportTo runs steampipe_export_coupang with env, its output into path.
func exportTo(ctx context.Context, bin string, env, args []string, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "steampipe_export_coupang"), args...)
	cmd.Env = env
	cmd.Stdout = f
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; sandbox stopped, %s removed", path)
		}
		return fmt.Errorf("export failed: %w", err)
	}
	return f.Sync()
}

// showHead prints the first lines of a file, each cut to fit a terminal.
func showHead(w io.Writer, path string, lines int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for i := 0; i < lines && sc.Scan(); i++ {
		fmt.Fprintf(w, "   | %s\n", cut(sc.Text(), 110))
	}
	return sc.Err()
}

// countRows counts the rows of an export: CSV records after the header, or JSON array elements;
// 0 when the file cannot be read as such.
func countRows(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	if strings.HasSuffix(path, ".json") {
		var rows []json.RawMessage
		if json.Unmarshal(data, &rows) != nil {
			return 0
		}
		return len(rows)
	}
	records, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		return 0
	}
	return max(len(records)-1, 0)
}

// cut shortens s to at most n runes.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// shortRequest keeps the parts of a logged request a reader cares about: "GET .../path?query -> 200".
func shortRequest(r sandbox.RequestRecord) string {
	path := strings.Replace(r.Path, "/v2/providers/openapi/apis/api/v5/vendors/", ".../", 1)
	return cut(fmt.Sprintf("%s %s?%s -> %d", r.Method, path, r.RawQuery, r.Status), 150)
}

// shellQuote writes arguments as a shell would need them.
func shellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " '\"()=,<>*") {
			a = `"` + strings.ReplaceAll(a, `"`, `\"`) + `"`
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// plural writes "1 request" or "3 requests".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
