// Command coupang-demo is `make demo`: it starts the offline sandbox (package internal/sandbox, as
// cmd/coupang-sandbox serves it) in-process on a free loopback port, runs four exports against it
// with steampipe_export_coupang, shows their first lines and the API requests each made, and stops
// the sandbox, also when interrupted. No network and no Coupang account are needed.
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

func main() {
	bin := flag.String("bin", "bin", "folder holding steampipe_export_coupang")
	out := flag.String("out", "bin/demo", "folder the exports are written to")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runDemo(ctx, *bin, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "coupang-demo:", err)
		os.Exit(1)
	}
}

// export is one demo export: what it shows, the file it writes and the export command's arguments.
type export struct {
	Title, File string
	Args        []string
}

// demoExports are the exports: a 30-day period, one option ID, waiting transfers, and the product
// questions still waiting for an answer.
func demoExports(today time.Time) []export {
	from, to := today.AddDate(0, 0, -29).Format(api.DateLayout), today.Format(api.DateLayout)
	hot := strconv.FormatInt(sandbox.DemoHotVendorItemID, 10) // the option ID with Options.HotInquiries
	return []export{
		{"Every inquiry of the last 30 days (Korean calendar days), as CSV", "inquiries_30d.csv",
			[]string{"coupang_callcenter_inquiry", "--where", fmt.Sprintf("inquiry_at between '%s' and '%s 23:59:59'", from, to),
				"--select", "inquiry_id,inquiry_at,vendor_item_id,inquiry_status,cs_partner_counseling_status,item_name"}},
		{"All inquiries about one option ID (vendor_item_id), as JSON", "option_" + hot + ".json",
			[]string{"coupang_callcenter_inquiry", "--where", "vendor_item_id = " + hot, "--output", "json",
				"--select", "inquiry_id,inquiry_at,vendor_item_ids,item_name,answered_at"}},
		{"Transfers from Coupang's CS agents still waiting for the seller's answer (reply table)", "transfers_waiting.csv",
			[]string{"coupang_callcenter_inquiry_reply", "--where", "partner_counseling_status = 'TRANSFER'",
				"--where", "need_answer = true", "--select", "inquiry_id,vendor_item_id,answer_id,reply_at,receptionist_name,partner_transfer_status"}},
		{"Product-page questions (product Q&A) of the last 7 days still waiting for an answer", "product_questions_waiting.csv",
			[]string{"coupang_product_inquiry", "--where", "answered_type = 'NOANSWER'", "--select", "inquiry_id,inquiry_at,vendor_item_id,content"}},
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
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "steampipe_export_coupang"), ex.Args...)
		cmd.Env = env
		cmd.Stderr = os.Stderr
		data, err := cmd.Output() // a file only once complete: no partial export is left behind
		switch {
		case ctx.Err() != nil:
			return errors.New("interrupted; sandbox stopped")
		case err != nil:
			return fmt.Errorf("export failed: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		lines := strings.Split(string(data), "\n")
		for _, line := range lines[:min(6, len(lines)-1)] {
			fmt.Fprintf(w, "   | %s\n", cut(line, 110))
		}
		rows, err := countRows(data, ex.File)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		// Complete: the sandbox logs each request before its answer is sent.
		reqs := sb.Log()
		total += len(reqs)
		fmt.Fprintf(w, "   %d rows, API requests: %d\n", rows, len(reqs))
		for k, r := range reqs {
			if k == 3 && len(reqs) > 4 {
				fmt.Fprintf(w, "     ... %d more\n", len(reqs)-3)
				break
			}
			path := strings.Replace(r.Path, "/v2/providers/openapi/apis/api/v5/vendors/", ".../", 1)
			fmt.Fprintf(w, "     %s\n", cut(fmt.Sprintf("%s %s?%s -> %d", r.Method, path, r.RawQuery, r.Status), 150))
		}
	}
	fmt.Fprintf(w, "\nDone in %s: %d API requests in all (the plugin sends at most 4 per 1.05 s, under Coupang's rate); exports kept in %s/.\n",
		time.Since(start).Round(100*time.Millisecond), total, outDir)
	fmt.Fprintf(w, "Next: the demo's sandbox has stopped: run `make build`, start `%s/coupang-sandbox` in another terminal and paste the\n"+
		"export lines it prints here (or export your own COUPANG_VENDOR_ID, COUPANG_ACCESS_KEY and COUPANG_SECRET_KEY), then\n"+
		"`%s/steampipe_export_coupang coupang_callcenter_inquiry --output xlsx > inquiries.xlsx` for Excel (or `--bom` on a CSV),\n"+
		"`%s/steampipe_export_coupang --help`, `make test`, or `make install` to use the plugin from Steampipe.\n", bin, bin, bin)
	return nil
}

// countRows counts an export's rows from its output: JSON array elements, or CSV records after
// the header. The export's own count shows only on a terminal.
func countRows(data []byte, file string) (int, error) {
	if strings.HasSuffix(file, ".json") {
		var rows []json.RawMessage
		err := json.Unmarshal(data, &rows)
		return len(rows), err
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	return max(len(records)-1, 0), err
}

// cut shortens s to at most n runes.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// shellQuote writes arguments as a shell would need them (the demo's have no backslash).
func shellQuote(args []string) string {
	out := slices.Clone(args)
	for i, a := range out {
		if strings.ContainsAny(a, " '\"()=,<>*") {
			out[i] = strconv.Quote(a)
		}
	}
	return strings.Join(out, " ")
}
