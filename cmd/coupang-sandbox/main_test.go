package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// TestParseFlagsRefusesBadFlags: flag values that cannot configure a sandbox are refused before it starts,
// with a message naming the flag (parseFlags, not run: an accepted flag would start a server that waits
// for a signal).
func TestParseFlagsRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--rate-limit", "NaN"},
		{"--rate-limit", "-1"},
		{"--days", "0"},
		{"--latency", "-1s"},
		{"--block-after", "-1"},
		{"--hot-vendor-item-id", "-5"},
		{"--hot-vendor-item-id", "0"},
		{"--hot-vendor-item-id", "1000000000000000000"},
		{"--hot-vendor-item-id", "5"}, // alone: no --hot-inquiries
		{"--seed", "0"},
		{"extra"},
	} {
		_, _, _, err := parseFlags(args)
		if err == nil {
			t.Fatalf("%v: accepted", args)
		}
		if name := strings.TrimPrefix(args[0], "--"); args[0] != "extra" && !strings.Contains(err.Error(), name) {
			t.Errorf("%v: %v does not name --%s", args, err, name)
		}
	}
}

// TestHotOptionWithInquiries: --hot-vendor-item-id is taken with --hot-inquiries, and a seed other than 0.
func TestHotOptionWithInquiries(t *testing.T) {
	t.Parallel()
	o, _, _, err := parseFlags([]string{"--hot-vendor-item-id", "5", "--hot-inquiries", "3", "--seed", "-2"})
	if err != nil || o.HotVendorItemID != 5 || o.HotInquiries != 3 || o.Seed != -2 {
		t.Fatalf("got %d, %d, seed %d, %v; want 5, 3, seed -2", o.HotVendorItemID, o.HotInquiries, o.Seed, err)
	}
}

// TestHelpIsNoFailure: --help prints the usage and ends run without an error (exit 0), before
// anything starts.
func TestHelpIsNoFailure(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		if err := run(args); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestStrictByDefault: without flags the sandbox answers 429 above 5 requests per second, the lowest
// rate at which sellers report Coupang's 429, and blocks after more than 10 errors within a minute,
// so that a client tried against it is held to the strict reading; 0 lifts either.
func TestStrictByDefault(t *testing.T) {
	t.Parallel()
	o, _, _, err := parseFlags(nil)
	if err != nil || o.RateLimit != 5 || o.BlockAfter != 10 {
		t.Fatalf("no flags: rate limit %v, block after %d, %v; want 5 and 10", o.RateLimit, o.BlockAfter, err)
	}
	if o, _, _, err = parseFlags([]string{"--rate-limit", "0", "--block-after", "0"}); err != nil || o.RateLimit != 0 || o.BlockAfter != 0 {
		t.Fatalf("--rate-limit 0 --block-after 0: %v, %d, %v; want 0 and 0", o.RateLimit, o.BlockAfter, err)
	}
}

// TestPerDayZeroMeansNone: --per-day 0, which the flag check accepts, serves no generated inquiry
// (only --hot-inquiries ones), not the default 40 a day that a zero Options.PerDay stands for.
func TestPerDayZeroMeansNone(t *testing.T) {
	t.Parallel()
	o, _, _, err := parseFlags([]string{"--per-day", "0", "--days", "3"})
	if err != nil {
		t.Fatal(err)
	}
	if n := sandbox.New(o).Count(); n != 0 {
		t.Errorf("--per-day 0: %d inquiries, want 0", n)
	}
	o, _, _, err = parseFlags([]string{"--per-day", "0", "--days", "3", "--hot-inquiries", "7"})
	if err != nil {
		t.Fatal(err)
	}
	if n := sandbox.New(o).Count(); n != 7 {
		t.Errorf("--per-day 0 --hot-inquiries 7: %d inquiries, want 7", n)
	}
}

// TestExportLinesSurviveTheShell: the printed export lines, run by a shell, set each variable to
// exactly the value given, also one with a space, a $ or a quote; the demo values stay unquoted.
func TestExportLinesSurviveTheShell(t *testing.T) {
	t.Parallel()
	s := sandbox.New(sandbox.Options{Days: 1, PerDay: 1, VendorID: "A0001 2345", AccessKey: "key$HOME`x`", SecretKey: `it's "a" \secret`})
	lines := exportLines(s, "http://127.0.0.1:1234")
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	out, err := exec.Command(bash, "-c", lines+`printf '%s\n' "$COUPANG_BASE_URL" "$COUPANG_VENDOR_ID" "$COUPANG_ACCESS_KEY" "$COUPANG_SECRET_KEY"`).Output()
	if err != nil {
		t.Fatalf("%s: %v", lines, err)
	}
	want := "http://127.0.0.1:1234\nA0001 2345\nkey$HOME`x`\nit's \"a\" \\secret\n"
	if string(out) != want {
		t.Errorf("the shell read\n%s\nfrom\n%s\nwant\n%s", out, lines, want)
	}
	plain := exportLines(sandbox.New(sandbox.Options{Days: 1, PerDay: 1}), "http://127.0.0.1:1234")
	if want := "export COUPANG_BASE_URL=http://127.0.0.1:1234\nexport COUPANG_VENDOR_ID=" + sandbox.DemoVendorID + "\n"; !strings.HasPrefix(plain, want) {
		t.Errorf("demo values: got\n%s\nwant them unquoted", plain)
	}
}
