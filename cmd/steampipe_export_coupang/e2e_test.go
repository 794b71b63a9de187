package main

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/ratelimit"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/inprocess"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow is the sandbox's "today" for the golden files: 2026-01-15 21:00 Korean time.
var fixedNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// fastLimiter replaces the plugin's 4 requests/second in tests that run many exports; the tests
// that check the command's defaults keep the plugin's limiter.
var fastLimiter = inprocess.Limiter{Name: "coupang_api", FillRate: 1000, BucketSize: 1000, Scope: []string{"connection"}}

// startSandbox serves a small data set dated relative to fixedNow and returns it with a --config
// value for it.
func startSandbox(t *testing.T) (*sandbox.Server, string) {
	t.Helper()
	s, _, config := startSandboxWith(t, smallDataSet)
	return s, config
}

// smallDataSet is the golden files' data set: about 4 inquiries a day over 10 days, and 3 more on
// option ID 3285906659.
var smallDataSet = sandbox.Options{Seed: 7, Days: 10, PerDay: 4, HotVendorItemID: 3285906659, HotInquiries: 3}

// asCommandEnv set in its environment makes the test binary run as the export command, with the
// arguments it was started with, for tests that need a process of its own.
const asCommandEnv = "COUPANG_EXPORT_TEST_AS_COMMAND"

// TestMain turns off the SDK's debug.FreeOSMemory every 100 streamed rows (a memory guard for
// long-running Steampipe plugins), which costs these many small exports a third of their time, and
// keeps the sellers' shared request budgets in a directory of this process's own, so that no other
// process's sends count against these tests (or theirs against it). The same directory stands for
// Steampipe's install directory, whose config/*.spc every export reads for limiter blocks: the
// machine's own .spc files (a limiter, a file being edited) must not change or fail these tests.
func TestMain(m *testing.M) {
	if os.Getenv(asCommandEnv) != "" {
		main() // the test binary as the command, started by a test (TestSignalsCancelExport)
	}
	os.Setenv("STEAMPIPE_FREE_MEM_INTERVAL", "0")
	os.Exit(withOwnDir(m))
}

// ownDirEnv names the test process's directory for the processes it starts: a fuzzing run's
// workers, which the fuzzing engine kills without running their deferred calls, use their
// parent's, which the parent removes.
const ownDirEnv = "COUPANG_EXPORT_TEST_DIR"

// withOwnDir runs the tests with the shared request budgets and Steampipe's install directory in
// a new temporary directory, or in the parent test process's.
func withOwnDir(m *testing.M) int {
	dir := os.Getenv(ownDirEnv)
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "coupang-export-test-"); err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		os.Setenv(ownDirEnv, dir)
	}
	os.Setenv(ratelimit.EnvDir, dir)
	os.Setenv("STEAMPIPE_INSTALL_DIR", dir) // config/ is absent: no .spc files
	return m.Run()
}

// startSandboxWith serves a data set built at fixedNow. Afterwards the sandbox checks signatures
// against the real clock, which is what the plugin signs with. The sandbox accepts an access key
// of its own: the budget file is per key (and base URL), so each test draws from a budget no
// other test sends against.
func startSandboxWith(t *testing.T, opts sandbox.Options) (s *sandbox.Server, baseURL, config string) {
	t.Helper()
	opts.AccessKey = "access-key-" + rand.Text()
	opts.BlockAfter = cmp.Or(opts.BlockAfter, 10)
	var built atomic.Bool
	opts.Now = func() time.Time {
		if built.Load() {
			return time.Now()
		}
		return fixedNow
	}
	s = sandbox.New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	baseURL = ts.URL
	built.Store(true)
	config = fmt.Sprintf(`vendor_id = %q access_key = %q secret_key = %q base_url = %q`,
		s.VendorID(), s.AccessKey(), s.SecretKey(), baseURL)
	return s, baseURL, config
}

// runCmd runs the command in-process and returns its exit code, stdout and stderr.
func runCmd(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// runFast is runCmd with fastLimiter, for tests that run many exports.
func runFast(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr, inprocess.WithRateLimiter(fastLimiter))
	return code, stdout.String(), stderr.String()
}

// checkGolden compares got, rows in canonical order, with testdata/name byte for byte, or rewrites
// it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	got = canonicalOutput(t, strings.TrimPrefix(filepath.Ext(name), "."), got)
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./cmd/steampipe_export_coupang -run TestExportGolden -update")
	assert.Equal(t, string(want), got, "output differs from %s (rerun with -update if the change is intended)", path)
}

func TestExportGolden(t *testing.T) {
	t.Parallel()
	s, config := startSandbox(t)
	tests := []struct {
		golden string
		args   []string
	}{
		{"period.csv", []string{"coupang_callcenter_inquiry", "--where", "inquiry_at between '2026-01-09' and '2026-01-15 23:59:59'"}},
		{"period.json", []string{"coupang_callcenter_inquiry", "--output", "json", "--where", "inquiry_at >= 2026-01-14", "--where", "inquiry_at < '2026-01-15T00:00:00+09:00'"}},
		{"option.json", []string{"coupang_callcenter_inquiry", "--output", "json", "--where", "vendor_item_id = 3285906659"}},
		{"transfers.csv", []string{"coupang_callcenter_inquiry_reply", "--where", "partner_counseling_status = 'TRANSFER'", "--where", "need_answer = true",
			"--where", "inquiry_at between 2026-01-06 and 2026-01-15", "--select", "inquiry_id,answer_id,reply_at,need_answer,partner_transfer_status,content"}},
		{"replies.jsonl", []string{"coupang_callcenter_inquiry_reply", "--output", "jsonl", "--where", "inquiry_at between 2026-01-13 and 2026-01-14",
			"--where", "answer_type in ('vendor')"}},
		{"empty.json", []string{"coupang_callcenter_inquiry", "--output", "json", "--where", "inquiry_at between 2025-01-01 and 2025-01-02"}},
		{"empty.csv", []string{"coupang_callcenter_inquiry", "--select", "inquiry_id,title", "--where", "vendor_item_id = 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, stdout, stderr := runCmd(append(tt.args, "--config", config)...)
			require.Equal(t, 0, code, "stderr: %s", stderr)
			assert.Empty(t, stderr)
			checkGolden(t, tt.golden, stdout)
			if strings.HasSuffix(tt.golden, ".json") {
				var rows []map[string]any
				assert.NoError(t, json.Unmarshal([]byte(stdout), &rows))
			}
		})
	}
	assert.Greater(t, s.Requests(), int64(0))
}

func TestExportOutputIsFiltered(t *testing.T) {
	t.Parallel()
	_, config := startSandbox(t)
	// need_answer is not a key column and != is not a key operator: both are applied to every row.
	code, stdout, stderr := runCmd("coupang_callcenter_inquiry_reply", "--config", config, "--output", "jsonl",
		"--where", "inquiry_at between 2026-01-06 and 2026-01-15", "--where", "need_answer = true", "--where", "answer_type != 'vendor'")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.NotEmpty(t, lines)
	for _, line := range lines {
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		assert.Equal(t, true, r["need_answer"])
		assert.NotEqual(t, "vendor", r["answer_type"])
	}
}

// TestExportLike: like keeps the inquiries whose content holds the text, as the sandbox's own data
// says, and not like the others.
func TestExportLike(t *testing.T) {
	t.Parallel()
	s, config := startSandbox(t)
	word := []rune(s.Inquiries()[0].Content)[:2]
	want := map[bool][]string{}
	for _, inq := range s.Inquiries() {
		has := strings.Contains(inq.Content, string(word))
		want[has] = append(want[has], strconv.FormatInt(inq.InquiryID, 10))
	}
	for _, negated := range []bool{false, true} {
		op := map[bool]string{false: "like", true: "not like"}[negated]
		code, stdout, stderr := runFast("coupang_callcenter_inquiry", "--config", config, "--output", "csv", "--select", "inquiry_id",
			"--where", "inquiry_at between 2026-01-01 and 2026-01-16", "--where", fmt.Sprintf("content %s '%%%s%%'", op, string(word)))
		require.Equal(t, 0, code, stderr)
		got := slices.Compact(slices.Sorted(slices.Values(strings.Fields(stdout)[1:]))) // one row per option
		assert.Equal(t, slices.Sorted(slices.Values(want[!negated])), got, op)
	}
	assert.NotEmpty(t, want[true])
	assert.NotEmpty(t, want[false])
}

// TestExportValuesThatMatchNothing: an ID of 0 or a time before 2010, which the plugin refuses
// from Turbot's FDW (there they stand for a subquery's or a wrapped value), is the user's own in
// the export: no row, as in Postgres, and no request for what nothing can match.
func TestExportValuesThatMatchNothing(t *testing.T) {
	t.Parallel()
	s, config := startSandbox(t)
	export := func(where string) (int, string) {
		t.Helper()
		code, stdout, stderr := runCmd("coupang_callcenter_inquiry", "--config", config, "--output", "jsonl", "--select", "inquiry_id", "--where", where)
		require.Equal(t, 0, code, stderr)
		return strings.Count(stdout, "\n"), stdout
	}
	for _, where := range []string{"inquiry_id = 0", "vendor_item_id = 0", "inquiry_at < '2009-12-31'", "inquiry_at >= '2031-01-01'"} {
		before := s.Requests()
		rows, _ := export(where)
		assert.Zero(t, rows, where)
		assert.Equal(t, before, s.Requests(), "%s: no request", where)
	}
	id := s.Inquiries()[0].InquiryID
	rows, stdout := export(fmt.Sprintf("inquiry_id in (0, %d)", id))
	assert.Equal(t, 1, rows)
	assert.Contains(t, stdout, strconv.FormatInt(id, 10))
}

func TestExportLimit(t *testing.T) {
	t.Parallel()
	_, config := startSandbox(t)
	for _, tt := range []struct {
		args []string
		rows int
	}{
		{[]string{"--limit", "3"}, 3},
		{[]string{"--limit", "0"}, 0},
		{[]string{"--limit", "0", "--where", "item_name != ''"}, 0}, // the limit stays local, rows come
		// The limit stays local when a condition is not a key column qual.
		{[]string{"--limit", "2", "--where", "inquiry_status = 'complete'", "--where", "item_name != ''"}, 2},
	} {
		args := append([]string{"coupang_callcenter_inquiry", "--config", config, "--output", "jsonl",
			"--where", "inquiry_at between 2026-01-06 and 2026-01-15"}, tt.args...)
		code, stdout, stderr := runCmd(args...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, tt.rows, strings.Count(stdout, "\n"), tt.args)
	}
}

// failingWriter fails every write, as a full disk or a closed pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestExportReportsFailedWrite: output that fails to reach stdout fails the export, also when all
// of it sat in the command's buffer until the end.
func TestExportReportsFailedWrite(t *testing.T) {
	t.Parallel()
	_, config := startSandbox(t)
	var stderr bytes.Buffer
	code := run([]string{"coupang_callcenter_inquiry", "--config", config, "--limit", "1",
		"--where", "inquiry_at between 2026-01-06 and 2026-01-15"}, failingWriter{}, &stderr, inprocess.WithRateLimiter(fastLimiter))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "writing output: disk full")
}

func TestExportBadInput(t *testing.T) {
	// Not parallel: it clears the process's COUPANG_* environment (t.Setenv).
	_, config := startSandbox(t)
	for _, key := range []string{"COUPANG_VENDOR_ID", "COUPANG_ACCESS_KEY", "COUPANG_SECRET_KEY", "COUPANG_BASE_URL"} {
		t.Setenv(key, "")
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"unknown table", []string{"coupang_nope", "--config", config},
			[]string{`unknown table "coupang_nope": choose one of coupang_callcenter_inquiry, coupang_callcenter_inquiry_reply`}},
		{"unknown column", []string{"coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_time > 2026-01-01"},
			[]string{`unknown column "inquiry_time" in table coupang_callcenter_inquiry`, "inquiry_at"}},
		{"unknown select column", []string{"coupang_callcenter_inquiry", "--config", config, "--select", "inquiry_id,nope"},
			[]string{`bad --select: unknown column "nope"`}},
		{"bad operator", []string{"coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_id ~ 3"},
			[]string{`bad operator "~"`, "use one of ="}},
		{"bad operator word", []string{"coupang_callcenter_inquiry", "--config", config, "--where", "item_name similar to '%a%'"},
			[]string{`bad operator "similar"`, "use one of =", "like, ilike"}},
		{"bad timestamp", []string{"coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_at >= 2026-02-30"},
			[]string{`bad timestamp "2026-02-30" for inquiry_at`, "RFC 3339"}},
		{"bad number", []string{"coupang_callcenter_inquiry", "--config", config, "--where", "vendor_item_id = abc"},
			[]string{`bad number "abc" for vendor_item_id`}},
		{"bad status", []string{"coupang_callcenter_inquiry", "--config", config, "--where", "partner_counseling_status = 'WAITING'"},
			[]string{"WAITING", "NO_ANSWER"}},
		{"missing credentials", []string{"coupang_callcenter_inquiry"},
			[]string{"vendor_id, access_key, secret_key are not set", "COUPANG_VENDOR_ID, COUPANG_ACCESS_KEY, COUPANG_SECRET_KEY"}},
		{"bad config", []string{"coupang_callcenter_inquiry", "--config", `vendor_id = "A1`}, []string{"bad --config"}},
		{"missing connection", []string{"coupang_callcenter_inquiry", "--connection", "nope", "--config-dir", t.TempDir()}, []string{"no .spc files"}},
		{"bad flag", []string{"coupang_callcenter_inquiry", "--format", "csv"}, []string{`unknown flag "--format"`}},
		{"no table", nil, []string{"missing TABLE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(tt.args...)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout, "nothing on stdout")
			assert.True(t, strings.HasPrefix(stderr, "steampipe_export_coupang: "), stderr)
			for _, w := range tt.want {
				assert.Contains(t, stderr, w)
			}
		})
	}
}

func TestExportConnectionFromSpc(t *testing.T) {
	t.Parallel()
	s, baseURL, _ := startSandboxWith(t, smallDataSet)
	dir := t.TempDir()
	spc := fmt.Sprintf(`connection "shop_a" {
  plugin     = "local/coupang"
  vendor_id  = %q
  access_key = %q
  secret_key = %q
  base_url   = %q
}
`, s.VendorID(), s.AccessKey(), s.SecretKey(), baseURL)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "coupang.spc"), []byte(spc), 0o600))
	code, stdout, stderr := runCmd("coupang_callcenter_inquiry", "--connection", "shop_a", "--config-dir", dir,
		"--select", "inquiry_id", "--where", "inquiry_at between 2026-01-14 and 2026-01-15")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "inquiry_id\n1015"), stdout)

	code, stdout, stderr = runCmd("coupang_callcenter_inquiry", "--connection", "shop_b", "--config-dir", dir)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, `connection "shop_b" not found`)
}

func TestHelpListsTablesAndKeyColumns(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCmd("--help")
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		"Usage:", "--where", "coupang_callcenter_inquiry\n", "coupang_callcenter_inquiry_reply\n",
		"inquiry_at (= > >= < <=)", "vendor_item_id (=)", "answer_type (=)", "need_answer", "BOOLEAN", "TIMESTAMPTZ",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.NotContains(t, stdout, "sp_connection_name")
}

// TestHelpSaysVariablesFillInConfig: an argument --config leaves out comes from its COUPANG_*
// variable, as the help says; it said the variables were read only without --config, so a
// COUPANG_BASE_URL left from the sandbox silently sent exports with --config keys there.
func TestHelpSaysVariablesFillInConfig(t *testing.T) {
	// Not parallel: it sets COUPANG_BASE_URL (t.Setenv).
	s, baseURL, _ := startSandboxWith(t, smallDataSet)
	t.Setenv("COUPANG_BASE_URL", baseURL)
	code, stdout, stderr := runFast("coupang_callcenter_inquiry", "--select", "inquiry_id", "--limit", "1",
		"--where", "inquiry_at between 2026-01-14 and 2026-01-15",
		"--config", fmt.Sprintf(`vendor_id = %q access_key = %q secret_key = %q`, s.VendorID(), s.AccessKey(), s.SecretKey()))
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, 2, strings.Count(stdout, "\n"), "the rows of the sandbox COUPANG_BASE_URL names")

	_, help, _ := runCmd("--help")
	assert.NotContains(t, help, "Without --config or --connection the plugin reads")
	assert.Contains(t, help, "COUPANG_BASE_URL give the arguments\nthat --config or --connection leave out")
}

// TestExportFailsWhenAPIFailsMidway injects a failure after the first requests succeeded, many times
// over: the export must end with exit code 1 and an error every time, never with a complete-looking
// result, and the failure must really come mid-way: after rows were written, with requests both
// before and at the fault.
func TestExportFailsWhenAPIFailsMidway(t *testing.T) {
	t.Parallel()
	// About 40 inquiries a day: a 14-day export takes two windows of about ten pages each. Each run
	// has a sandbox (a seller) of its own: a 403 stops the seller's later exports for a minute
	// (TestRefusalStopsLaterExports).
	seller := func() (*sandbox.Server, string) {
		s, _, config := startSandboxWith(t, sandbox.Options{Seed: 3, Days: 20, PerDay: 40})
		return s, config
	}
	faults := []func() *sandbox.Fault{
		func() *sandbox.Fault { return sandbox.FaultStatus(http.StatusForbidden, "Not allowed IP") },
		func() *sandbox.Fault { return sandbox.FaultStatus(http.StatusBadRequest, "Invalid vendor ID") },
		sandbox.FaultMalformedJSON,
		func() *sandbox.Fault { return sandbox.FaultCodeInBody(400, "bad request") },
		sandbox.FaultHTML403,
	}
	afterRows := regexp.MustCompile(`query on coupang_callcenter_inquiry failed(?: after (\d+) rows \(the output is incomplete\))?: `)
	// The failure always follows successful pages, but the SDK may hand the export the error before
	// the rows of those pages (it races the two), so a single run can report 0 rows written (the
	// error then says only "failed", and the output is empty). Most runs must have written rows:
	// that is what "mid-way" means for the file the user gets.
	runsWithRows := 0
	for i := 0; i < 50; i++ {
		fault := faults[i%len(faults)]
		s, config := seller()
		start := s.Requests()
		failFrom := start + 2 + int64(i%7) // the first one to seven requests of this run succeed
		var faulted atomic.Int64
		s.SetFault(func(n int64, r *http.Request) *sandbox.Fault {
			// Never a first page: the windows' first pages may be asked for in any order, and one
			// of them is the export's first rows.
			if n >= failFrom && r.URL.Query().Get("pageNum") != "1" {
				faulted.Add(1)
				return fault()
			}
			return nil
		})
		format := []string{"csv", "json", "jsonl"}[i%3]
		code, stdout, stderr := runFast("coupang_callcenter_inquiry", "--config", config, "--output", format,
			"--where", "inquiry_at between 2026-01-02 and 2026-01-15")
		require.Equal(t, 1, code, "run %d (%s): exit code; stderr: %s", i, format, stderr)
		require.Contains(t, stderr, "coupang api", "run %d", i)
		m := afterRows.FindStringSubmatch(stderr)
		require.NotNil(t, m, "run %d: the error must say how many rows were written before the failure: %s", i, stderr)
		rows := 0
		if m[1] != "" {
			var err error
			rows, err = strconv.Atoi(m[1])
			require.NoError(t, err)
			require.Positive(t, rows, "run %d: \"after 0 rows\" is said as plain \"failed\"", i)
			runsWithRows++
		}
		assert.GreaterOrEqual(t, faulted.Load(), int64(1), "run %d: the fault was served", i)
		assert.Less(t, s.Requests()-start, int64(50), "run %d: the export stopped at the fault", i)
		switch format {
		case "json":
			var rows []any
			require.Error(t, json.Unmarshal([]byte(stdout), &rows), "run %d: a failed export must not be a complete JSON array", i)
		case "csv":
			records, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			require.NoError(t, err, "run %d", i)
			if rows == 0 {
				assert.Empty(t, records, "run %d: nothing is written before the first row", i)
			} else {
				assert.Len(t, records, rows+1, "run %d: header and the rows written before the failure", i)
			}
		case "jsonl":
			assert.Equal(t, rows, strings.Count(stdout, "\n"), "run %d: the rows written before the failure", i)
		}
	}
	t.Logf("%d of 50 failed exports had written rows", runsWithRows)
	assert.Greater(t, runsWithRows, 25, "most failed exports must have written rows before the failure")

	// A server error that persists is retried (with backoff) and then fails the export too.
	s, config := seller()
	failFrom := s.Requests() + 3
	s.SetFault(func(n int64, r *http.Request) *sandbox.Fault {
		if n >= failFrom {
			return sandbox.FaultStatus(http.StatusServiceUnavailable, "Service Unavailable")
		}
		return nil
	})
	code, _, stderr := runFast("coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_at between 2026-01-02 and 2026-01-15")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "HTTP 503")
	assert.Contains(t, stderr, "attempts")
	s.SetFault(nil)
}

// When the default lookback decides the range (no lower bound on inquiry_at, no option ID), one
// stderr line names the Korean days read and how to read others; with a lower bound, none.
func TestExportDefaultWindowNotice(t *testing.T) {
	t.Parallel()
	_, config := startSandbox(t)
	for _, where := range []string{"answered_at >= '2026-01-01'", "inquiry_at < '2026-01-10'"} {
		code, _, stderr := runCmd("coupang_callcenter_inquiry", "--config", config, "--output", "jsonl", "--where", where)
		require.Equal(t, 0, code, stderr)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		require.Len(t, lines, 1, where)
		assert.Regexp(t, `^steampipe_export_coupang: coupang_callcenter_inquiry: no lower bound on inquiry_at and no vendor_item_id: `+
			`read only the \d+ Korean days \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(default_lookback_days\); .*inquiry_at >= `, lines[0], where)
	}
	code, _, stderr := runCmd("coupang_callcenter_inquiry", "--config", config, "--where", "inquiry_at < '2026-01-10'", "--where", "inquiry_at >= '2026-01-01'")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	_, out, _ := runCmd("--help", "--config", config)
	assert.Contains(t, out, "Without a lower bound on inquiry_at and without vendor_item_id")
}

// TestExportBoundsPostgresRewrites: a bound written under not, or in every arm of an or, bounds the
// listing as Postgres' planner makes it bound the FDW's scan, instead of leaving the default
// lookback to decide the range (which read the last 7 days only, and lost the older rows).
func TestExportBoundsPostgresRewrites(t *testing.T) {
	t.Parallel()
	_, config := startSandbox(t)
	export := func(where string) ([]string, string) { // the rows in order, as windows complete in any order
		t.Helper()
		code, stdout, stderr := runCmd("coupang_callcenter_inquiry", "--config", config, "--output", "csv", "--select", "inquiry_id,vendor_item_id", "--where", where)
		require.Equal(t, 0, code, stderr)
		return slices.Sorted(slices.Values(strings.Split(stdout, "\n"))), stderr
	}
	want, _ := export("inquiry_at >= '2025-12-20' and inquiry_at < '2026-01-14'")
	lastWeek, _ := export("inquiry_at >= '2026-01-07' and inquiry_at < '2026-01-14'") // what the lookback reads
	require.Greater(t, len(want), len(lastWeek), "rows before the default lookback")
	for _, where := range []string{
		"inquiry_at < '2026-01-14' and not inquiry_at < '2025-12-20'",
		"not (inquiry_at < '2025-12-20' or inquiry_at >= '2026-01-14')",
		"inquiry_at < '2026-01-14' and not not inquiry_at >= '2025-12-20'",
		"inquiry_at < '2026-01-14' and ((inquiry_at >= '2025-12-20' and inquiry_status = 'progress') or (inquiry_at >= '2025-12-20' and inquiry_status <> 'progress'))",
	} {
		got, stderr := export(where)
		assert.Equal(t, want, got, where)
		assert.Empty(t, stderr, "%s: no default-lookback notice", where)
	}
}

// TestHelpReadsNoConfig: --help works whatever --config, --connection or the .spc files say.
func TestHelpReadsNoConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeSpc(t, dir, "broken.spc", `connection "shop" {`)
	for _, args := range [][]string{
		{"--help", "--connection", "shop", "--config-dir", dir},
		{"coupang_callcenter_inquiry", "--help", "--config", `vendor_id = "A1`},
	} {
		code, stdout, stderr := runCmd(args...)
		require.Equal(t, 0, code, "%v: %s", args, stderr)
		assert.Contains(t, stdout, "Usage:", args)
	}
}

func TestTableHelpShowsOneTable(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCmd("coupang_callcenter_inquiry_reply", "--help")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "steampipe_export_coupang coupang_callcenter_inquiry_reply [--select a,b]")
	assert.Contains(t, stdout, "answer_type (=)")
	assert.NotContains(t, stdout, "\n  coupang_callcenter_inquiry\n", "only the table asked for")
	assert.NotContains(t, stdout, "Flags:")

	code, _, stderr = runCmd("coupang_nope", "--help")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `unknown table "coupang_nope": choose one of coupang_callcenter_inquiry`)
}

func TestConnectionHints(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"coupang_callcenter_inquiry", "--connection", "shop", "--config-dir", dir},
	} {
		code, _, stderr := runCmd(args...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, `plugin = "local/coupang"`)
		assert.Contains(t, stderr, "--config")
		assert.NotContains(t, stderr, "make install")
	}
	writeSpc(t, dir, "other.spc", `connection "other" {
  plugin = "local/coupang"
}`)
	code, _, stderr := runCmd("coupang_callcenter_inquiry", "--connection", "shop", "--config-dir", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `connection "shop" not found`)
	assert.Contains(t, stderr, `connection "shop" { plugin = "local/coupang"`)
	assert.NotContains(t, stderr, "make install")
}
