package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// hotOption is the option ID the sandbox gives extra inquiries to (--hot-inquiries).
const hotOption = "3285906659"

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

// runDemo starts the sandbox, runs the exports and stops the sandbox, whatever happens.
func runDemo(ctx context.Context, bin, outDir string, w io.Writer) error {
	start := time.Now()
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	sb, err := startSandbox(ctx, bin, "--per-day", "20", "--hot-inquiries", "40")
	if err != nil {
		return err
	}
	defer sb.stop()
	fmt.Fprintf(w, "Sandbox: a fake Coupang API on loopback, no account needed.\n  %s\n  %s\n",
		strings.Join(sb.Env[:2], " "), sb.waitBanner())

	total := 0
	for i, ex := range demoExports(time.Now().In(api.KST)) {
		n, err := runExport(ctx, bin, outDir, sb, i+1, ex, w)
		total += n
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nDone in %s: %s in all (the plugin waits 250ms between requests, Coupang's safe rate); exports kept in %s/.\n",
		time.Since(start).Round(100*time.Millisecond), plural(total, "request"), outDir)
	fmt.Fprintf(w, "Next: `%s/steampipe_export_coupang coupang_callcenter_inquiry --output xlsx > inquiries.xlsx` for Excel (or `--bom` on a CSV),\n"+
		"`%s/steampipe_export_coupang --help`, `make test`, or `make install` to use the plugin from Steampipe.\n", bin, bin)
	return nil
}

// runExport runs one export into its file and shows its first lines and requests.
func runExport(ctx context.Context, bin, outDir string, sb *sandboxProc, n int, ex export, w io.Writer) (int, error) {
	path := filepath.Join(outDir, ex.File)
	fmt.Fprintf(w, "\n%d. %s\n$ steampipe_export_coupang %s > %s\n", n, ex.Title, shellQuote(ex.Args), path)
	before := sb.requestCount()
	started := time.Now()
	if err := exportTo(ctx, bin, sb, ex.Args, path); err != nil {
		os.Remove(path) // never leave a partial export behind
		return 0, err
	}
	elapsed := time.Since(started)
	reqs := sb.requestsSince(before)
	if err := showHead(w, path, ex.Show); err != nil {
		return len(reqs), err
	}
	fmt.Fprintf(w, "   %d rows, %s, %s:\n", countRows(path), plural(len(reqs), "API request"), elapsed.Round(100*time.Millisecond))
	for i, r := range reqs {
		if i == 3 && len(reqs) > 4 {
			fmt.Fprintf(w, "     ... %d more\n", len(reqs)-3)
			break
		}
		fmt.Fprintf(w, "     %s\n", shortRequest(r))
	}
	return len(reqs), nil
}

// exportTo runs steampipe_export_coupang with the sandbox's credentials in the environment.
func exportTo(ctx context.Context, bin string, sb *sandboxProc, args []string, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "steampipe_export_coupang"), args...)
	cmd.Env = sb.Environ()
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

// countRows counts the rows of an export: CSV records after the header, or JSON array elements.
func countRows(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	s := string(data)
	if strings.HasSuffix(path, ".json") {
		if strings.TrimSpace(s) == "[]" {
			return 0
		}
		return strings.Count(s, "\n{")
	}
	records, quoted := 0, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '\n' && !quoted:
			records++
		}
	}
	return max(records-1, 0)
}

// cut shortens s to at most n runes.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// shortRequest keeps the parts of a logged request a reader cares about.
func shortRequest(r string) string {
	r = strings.Replace(r, "/v2/providers/openapi/apis/api/v5/vendors/", ".../", 1)
	return cut(r, 150)
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
