package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTornFileRecovers: a state file this package did not write (a torn write, or anything else)
// costs one window's wait, never an extra request, and is rewritten as a valid log.
func TestTornFileRecovers(t *testing.T) {
	t.Parallel()
	// A torn write, and whole lines this package never writes (negative times).
	for _, content := range []string{"17000000\x00garbage", strings.Repeat("-000000000000000001\n", 4)} {
		b, err := Open(t.TempDir(), "A00012345", "key", "http://127.0.0.1:1")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(b.path, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
		r := Rate{Requests: 4, Per: time.Second, Burst: 4}
		wait, _, err := b.check(context.Background(), r)
		if err != nil || wait != r.window() {
			t.Fatalf("take on %q: wait %s, err %v; want %s", content, wait, err, r.window())
		}
		buf, _ := os.ReadFile(b.path)
		if log, ok := parse(buf); !ok || len(log) != 4 {
			t.Fatalf("file not repaired: %q", buf)
		}
		// With the clock past the window, the repaired log admits a request at once.
		b.now = func() time.Time { return time.Now().Add(r.window()) }
		wait, sent, err := b.check(context.Background(), r)
		if err != nil || wait != 0 {
			t.Fatalf("after the window: wait %s, err %v", wait, err)
		}
		sent()
	}
}

// TestWaitSleepsUntilAdmitted: Reserve sleeps for exactly the waits the rule computes (a fake clock
// advanced by the sleeps) and records every request.
func TestWaitSleepsUntilAdmitted(t *testing.T) {
	t.Parallel()
	b, _, slept := sleepingBudget(t)
	r := Rate{Requests: 4, Per: time.Second, Burst: 1}
	send(t, b, r, 9)
	if want := 8 * r.window() / 4; *slept != want {
		t.Fatalf("slept %s for 9 requests, want %s", *slept, want)
	}
}

// TestReserveQueues: goroutines of one Budget take turns, so only one of them checks the file and
// sleeps at a time (on the fake clock, 20 requests sleep exactly as one goroutine making them all
// would; goroutines sleeping side by side would each advance it), and one whose context ends while
// queued leaves at once with nothing recorded.
func TestReserveQueues(t *testing.T) {
	t.Parallel()
	b, _, slept := sleepingBudget(t)
	r := Rate{Requests: 4, Per: time.Second, Burst: 1}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { send(t, b, r, 1) })
	}
	wg.Wait()
	if want := 19 * r.window() / 4; *slept != want {
		t.Fatalf("slept %s for 20 requests from 20 goroutines, want %s", *slept, want)
	}
	held, err := b.Reserve(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := b.Reserve(ctx, r); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Reserve queued behind a held turn: %v, want the context's error", err)
	}
	held()
	buf, _ := os.ReadFile(b.path)
	if log, _ := parse(buf); len(log) != 4 {
		t.Fatalf("the log holds %d sends, want the window's 4 (the queued Reserve recorded none)", len(log))
	}
}

// TestLogShrinksWithTheRate: a log written under a larger budget is cut to the smaller budget's
// length by the next send, with no stale line left after it.
func TestLogShrinksWithTheRate(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	b := stoppedBudget(t, &now)
	for _, r := range []Rate{{Requests: 8, Per: time.Second, Burst: 8}, {Requests: 3, Per: time.Second, Burst: 3}} {
		send(t, b, r, r.Requests)
		buf, _ := os.ReadFile(b.path)
		if log, ok := parse(buf); !ok || len(log) != r.Requests {
			t.Fatalf("after %d sends under %+v the file is %q", r.Requests, r, buf)
		}
		now = now.Add(r.window())
	}
}

// sleepingBudget is a stoppedBudget whose sleeps advance its clock and add up in *slept.
func sleepingBudget(t *testing.T) (b *Budget, now *time.Time, slept *time.Duration) {
	now, slept = new(time.Time), new(time.Duration)
	*now = time.Unix(1_700_000_000, 0)
	b = stoppedBudget(t, now)
	b.sleep = func(_ context.Context, d time.Duration) error { *now = now.Add(d); *slept += d; return nil }
	return b, now, slept
}

// stoppedBudget opens a budget in a fresh directory, on a clock that reads *now.
func stoppedBudget(t *testing.T, now *time.Time) *Budget {
	t.Helper()
	b, err := Open(t.TempDir(), "A00012345", "key", "http://127.0.0.1:2")
	if err != nil {
		t.Fatal(err)
	}
	b.now = func() time.Time { return *now }
	return b
}

// send makes n requests through b under r, each sent as soon as it is reserved.
func send(t *testing.T, b *Budget, r Rate, n int) {
	t.Helper()
	for range n {
		sent, err := b.Reserve(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		sent()
	}
}

// TestGoroutinesShareOneBudget: goroutines of one process, on one Budget and on a second one for
// the same keys (as two connections would open), admit exactly the budget at a stopped clock: each
// check opens the file anew, and flock excludes the open files of one process too.
func TestGoroutinesShareOneBudget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Unix(1_700_000_000, 0)
	errFull := errors.New("full")
	var budgets []*Budget
	for range 2 {
		b, err := Open(dir, "A00012345", "key", "http://127.0.0.1:3")
		if err != nil {
			t.Fatal(err)
		}
		b.now = func() time.Time { return now }
		b.sleep = func(context.Context, time.Duration) error { return errFull }
		budgets = append(budgets, b)
	}
	r := Rate{Requests: 5, Per: time.Second, Burst: 5}
	var admitted atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 40 {
		wg.Go(func() {
			<-start
			sent, err := budgets[i%2].Reserve(context.Background(), r)
			if errors.Is(err, errFull) {
				return
			}
			if err != nil {
				t.Error(err)
				return
			}
			admitted.Add(1)
			time.Sleep(time.Millisecond) // holds the lock, as a request being written does
			sent()
		})
	}
	close(start)
	wg.Wait()
	if got := admitted.Load(); got != int32(r.Requests) {
		t.Fatalf("%d requests admitted at a stopped clock, want %d", got, r.Requests)
	}
}

// TestOpenRefusesUnsafeDirectories: a symlinked directory, or one anyone may write without the
// sticky bit, is refused with an error naming the path and the variable that moves it.
func TestOpenRefusesUnsafeDirectories(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	open := filepath.Join(tmp, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(tmp, "link")
	if err := os.Symlink(t.TempDir(), link); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{open, link} {
		_, err := Open(dir, "A00012345", "key", "x")
		if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), EnvDir) {
			t.Errorf("Open(%s): %v", dir, err)
		}
	}
	// A fresh directory is made sticky and world-writable; its files readable and writable by all.
	fresh := filepath.Join(tmp, "fresh")
	b, err := Open(fresh, "A00012345", "key", "x")
	if err != nil {
		t.Fatal(err)
	}
	di, _ := os.Stat(fresh)
	fi, _ := os.Stat(b.path)
	if di.Mode()&os.ModeSticky == 0 || di.Mode().Perm() != 0o777 || fi.Mode().Perm() != 0o666 {
		t.Fatalf("modes: dir %s, file %s", di.Mode(), fi.Mode())
	}
	if strings.Contains(b.path, "A00012345") || strings.Contains(b.path, "key") {
		t.Fatalf("file name %s shows the seller or key", b.path)
	}
}

// TestFileNameKeysEverySeller: the vendor, the key and the base URL each get their own budget.
func TestFileNameKeysEverySeller(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, k := range [][3]string{{"A1", "key", "https://a"}, {"A2", "key", "https://a"}, {"A1", "key2", "https://a"}, {"A1", "key", "https://b"}} {
		names[FileName(k[0], k[1], k[2])] = true
	}
	if len(names) != 4 {
		t.Fatalf("%d file names for 4 sellers", len(names))
	}
}

// TestDefaultDirFollowsTheEnvironment: COUPANG_RATE_LIMIT_DIR moves the shared directory.
func TestDefaultDirFollowsTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	if got := DefaultDir(); got != dir {
		t.Fatalf("DefaultDir() = %s with %s=%s", got, EnvDir, dir)
	}
}

// TestReserveEdges: an unlimited rate takes no lock and writes nothing; a cancelled context
// reserves nothing even with room in the budget; a send that could not be recorded fails the next
// Reserve.
func TestReserveEdges(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	b := stoppedBudget(t, &now)
	sent, err := b.Reserve(context.Background(), Rate{})
	if err != nil {
		t.Fatal(err)
	}
	sent()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Reserve(ctx, Rate{Requests: 4, Per: time.Second, Burst: 4}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Reserve on a cancelled context: %v", err)
	}
	if buf, _ := os.ReadFile(b.path); len(buf) != 0 {
		t.Fatalf("the state file holds %q, want nothing recorded", buf)
	}
	failed := errors.New("disk full")
	b.failed.Store(&failed)
	if _, err := b.Reserve(context.Background(), Rate{Requests: 4, Per: time.Second, Burst: 4}); !errors.Is(err, failed) {
		t.Fatalf("Reserve after a failed record: %v", err)
	}
}

// TestParseRefusesForeignFiles: only whole newline-terminated records, at most maxLog of them,
// are a log; a longer file is read as unknown (a window's wait), not cut to its first maxLog lines.
func TestParseRefusesForeignFiles(t *testing.T) {
	t.Parallel()
	if _, ok := parse([]byte("0000000000000000001x")); ok {
		t.Error("a record without its newline parsed")
	}
	now := time.Unix(1_700_000_000, 0)
	b := stoppedBudget(t, &now)
	old := []byte(strings.Repeat(fmt.Sprintf("%019d\n", now.Add(-time.Hour).UnixNano()), maxLog+1))
	if err := os.WriteFile(b.path, old, 0o666); err != nil {
		t.Fatal(err)
	}
	r := Rate{Requests: 4, Per: time.Second, Burst: 4}
	if wait, _, err := b.check(context.Background(), r); err != nil || wait != r.window() {
		t.Fatalf("a log of %d lines: wait %s, err %v; want %s", maxLog+1, wait, err, r.window())
	}
}

// BenchmarkWait is the cost of one uncontended budget check and record (lock, read, write, unlock).
func BenchmarkWait(b *testing.B) {
	bud, err := Open(b.TempDir(), "A00012345", "key", "bench")
	if err != nil {
		b.Fatal(err)
	}
	r := FromLimiter(1e9, 1e9)
	for b.Loop() {
		sent, err := bud.Reserve(context.Background(), r)
		if err != nil {
			b.Fatal(err)
		}
		sent()
	}
}

// TestBudgetClockStepBack: after the wall clock steps back an hour, send times an hour ahead are
// read as now and written so: the next request waits one window, not until the clock catches up,
// and the requests after it keep the rate.
func TestBudgetClockStepBack(t *testing.T) {
	t.Parallel()
	b, now, slept := sleepingBudget(t)
	r := Rate{Requests: 4, Per: time.Second, Burst: 4}
	var ahead strings.Builder
	for i := range 4 {
		fmt.Fprintf(&ahead, "%019d\n", now.Add(time.Hour).UnixNano()+int64(i))
	}
	if err := os.WriteFile(b.path, []byte(ahead.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	send(t, b, r, 1)
	if *slept > r.window() {
		t.Fatalf("the first request after the step waited %s, want at most one window (%s)", *slept, r.window())
	}
	*slept = 0
	send(t, b, r, 4)
	if *slept > r.window() {
		t.Errorf("4 more requests waited %s, want at most one window (%s)", *slept, r.window())
	}
}

// TestNote: the note beside a budget starts empty, keeps what an update returns (a shorter note
// replaces a longer one whole), is left as it was when the update returns nil, and reads as empty
// when it is longer than any note (a foreign file).
func TestNote(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := Open(dir, "A00012345", "access-key", "https://api-gateway.coupang.com")
	if err != nil {
		t.Fatal(err)
	}
	update := func(next string) {
		t.Helper()
		if err := b.Note(func([]byte) []byte { return []byte(next) }); err != nil {
			t.Fatal(err)
		}
	}
	read := func() string {
		t.Helper()
		var got string
		if err := b.Note(func(note []byte) []byte { got = string(note); return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(); got != "" {
		t.Fatalf("new note %q", got)
	}
	update("a longer note")
	update("short")
	if got := read(); got != "short" {
		t.Fatalf("after a shorter note: %q", got)
	}
	path := filepath.Join(dir, strings.TrimSuffix(FileName("A00012345", "access-key", "https://api-gateway.coupang.com"), ".log")+".note")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", maxNote+1)), 0o666); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != "" {
		t.Fatalf("an oversized file reads as %.20q...", got)
	}
	update("mine")
	if got := read(); got != "mine" {
		t.Fatalf("after rewriting an oversized file: %q", got)
	}
}

// TestDirectoryRemovedUnderABudget: a budget whose directory was removed after Open (by a /tmp
// cleaner, such as macOS's daily clean-tmps or systemd-tmpfiles, while a Steampipe service sat
// idle) makes it again, sticky and world-writable, on its next check and note, instead of failing
// every query until the process restarts.
func TestDirectoryRemovedUnderABudget(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "budgets")
	now := time.Unix(1_700_000_000, 0)
	b, err := Open(dir, "A00012345", "key", "http://127.0.0.1:4")
	if err != nil {
		t.Fatal(err)
	}
	b.now = func() time.Time { return now }
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	send(t, b, Rate{Requests: 4, Per: time.Second, Burst: 4}, 1)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := b.Note(func([]byte) []byte { return []byte("note") }); err != nil {
		t.Fatal(err)
	}
	if di, err := os.Stat(dir); err != nil || di.Mode()&os.ModeSticky == 0 || di.Mode().Perm() != 0o777 {
		t.Fatalf("the directory made again: %v, %v", di, err)
	}
}
