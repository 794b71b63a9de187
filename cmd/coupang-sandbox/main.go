// Command coupang-sandbox serves the strict Coupang-compatible fake API (package internal/sandbox) on
// a loopback address until SIGINT or SIGTERM. It prints on stdout shell export lines that work pasted
// into bash or zsh, or run with eval: COUPANG_BASE_URL, COUPANG_VENDOR_ID, COUPANG_ACCESS_KEY,
// COUPANG_SECRET_KEY and, with --hot-inquiries, COUPANG_SANDBOX_HOT_VENDOR_ITEM_ID.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "coupang-sandbox:", err)
		os.Exit(1)
	}
}

// parseFlags reads and checks the command line, so that a bad flag is refused before anything starts.
func parseFlags(args []string) (o sandbox.Options, listen string, verbose bool, err error) {
	fs := flag.NewFlagSet("coupang-sandbox", flag.ContinueOnError)
	fs.StringVar(&listen, "listen", "127.0.0.1:0", "loopback address to listen on (host:port; port 0 picks a free one)")
	fs.Int64Var(&o.Seed, "seed", sandbox.DefaultSeed, "seed of the generated data set")
	fs.IntVar(&o.Days, "days", sandbox.DefaultDays, "Korean calendar days of data, today included")
	fs.IntVar(&o.PerDay, "per-day", sandbox.DefaultPerDay, "average inquiries per day")
	fs.DurationVar(&o.Latency, "latency", 0, "latency added to every response (e.g. 50ms)")
	// Strict defaults: Coupang's notice throttles sellers above 10 calls per second but sellers report
	// 429 from about 5; it blocks sellers causing many errors in a short time without saying how many,
	// and the plugin lets at most 10 unknown inquiry IDs through a minute.
	fs.Float64Var(&o.RateLimit, "rate-limit", 5, "requests per second allowed before answering 429 (0 or +Inf = unlimited)")
	fs.IntVar(&o.BlockAfter, "block-after", 10, "more errors than this within a minute block the caller: an HTML 403 to every request for 10 minutes (0 = never)")
	fs.Int64Var(&o.HotVendorItemID, "hot-vendor-item-id", sandbox.DemoHotVendorItemID, "option ID that receives --hot-inquiries extra inquiries")
	fs.IntVar(&o.HotInquiries, "hot-inquiries", 0, "extra inquiries concentrated on --hot-vendor-item-id")
	fs.StringVar(&o.VendorID, "vendor-id", sandbox.DemoVendorID, "accepted seller ID")
	fs.StringVar(&o.AccessKey, "access-key", sandbox.DemoAccessKey, "accepted access key")
	fs.StringVar(&o.SecretKey, "secret-key", sandbox.DemoSecretKey, "accepted secret key")
	fs.BoolVar(&verbose, "verbose", false, "log every request on stderr")
	switch err := fs.Parse(args); {
	case err != nil:
		return o, "", false, err
	case fs.NArg() > 0:
		return o, "", false, fmt.Errorf("unexpected arguments: %v", fs.Args())
	case o.Days <= 0 || o.PerDay < 0 || o.HotInquiries < 0 || !(o.RateLimit >= 0) || o.Latency < 0 || o.BlockAfter < 0:
		return o, "", false, fmt.Errorf("--days must be positive; --per-day, --hot-inquiries, --rate-limit, --latency and --block-after must be 0 or more")
	case o.HotVendorItemID <= 0 || o.HotVendorItemID >= 1e18: // the list refuses any other vendorItemId
		return o, "", false, fmt.Errorf("--hot-vendor-item-id must be a positive option ID of at most 18 digits, got %d", o.HotVendorItemID)
	case o.Seed == 0: // Options reads 0 as the default seed
		return o, "", false, fmt.Errorf("--seed 0 would be the default seed %d: pick another number", sandbox.DefaultSeed)
	case o.HotInquiries == 0 && flagSet(fs, "hot-vendor-item-id"):
		return o, "", false, errors.New("--hot-vendor-item-id does nothing alone: add --hot-inquiries N, the extra inquiries on that option")
	}
	if o.PerDay == 0 {
		o.PerDay = -1 // none: a zero Options.PerDay means the default
	}
	return o, listen, verbose, nil
}

// flagSet reports whether the command line set the flag name.
func flagSet(fs *flag.FlagSet, name string) (set bool) {
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func run(args []string) error {
	o, listen, verbose, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) { // the usage is printed: --help is no failure
		return nil
	} else if err != nil {
		return err
	}
	start := time.Now()
	s := sandbox.New(o)
	if verbose {
		s.SetVerbose(func(r sandbox.RequestRecord) {
			q := ""
			if r.RawQuery != "" {
				q = "?" + r.RawQuery
			}
			f := ""
			if r.Fault != "" {
				f = " fault=" + r.Fault
			}
			fmt.Fprintf(os.Stderr, "%s #%d %s %s%s -> %d%s\n", r.Time.Format(time.RFC3339Nano), r.N, r.Method, r.Path, q, r.Status, f)
		})
	}
	baseURL, stop, err := s.StartOn(listen)
	if err != nil {
		return err
	}
	defer stop()
	first, last := s.Span()
	// Pasted without export, a plain assignment stays a shell variable that the plugin, a child
	// process, never sees.
	fmt.Print(exportLines(s, baseURL))
	fmt.Fprintf(os.Stderr, "coupang-sandbox: %d inquiries from %s to %s (built in %s), serving %s; Ctrl-C to stop\n",
		s.Count(), first.Format(time.DateOnly), last.Format(time.DateOnly), time.Since(start).Round(time.Millisecond), baseURL)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	got := <-sig
	fmt.Fprintf(os.Stderr, "coupang-sandbox: %s, stopping after %d requests\n", got, s.Requests())
	return nil
}

// exportLines returns the shell export lines of the sandbox at baseURL, each value quoted when the
// shell would otherwise split or expand it (a key given with a space, a $ or a quote).
func exportLines(s *sandbox.Server, baseURL string) string {
	var b strings.Builder
	for _, kv := range [][2]string{{"COUPANG_BASE_URL", baseURL}, {"COUPANG_VENDOR_ID", s.VendorID()},
		{"COUPANG_ACCESS_KEY", s.AccessKey()}, {"COUPANG_SECRET_KEY", s.SecretKey()}} {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellWord(kv[1]))
	}
	if hot := s.HotVendorItemID(); hot != 0 {
		fmt.Fprintf(&b, "export COUPANG_SANDBOX_HOT_VENDOR_ITEM_ID=%d\n", hot)
	}
	return b.String()
}

// shellWord returns v as is when bash and zsh read it as one literal word, else in single quotes.
func shellWord(v string) string {
	if v != "" && !strings.ContainsFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+,=", r))
	}) {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
