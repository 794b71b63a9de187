package ratelimit

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandbox"
)

// The tests below run several OS processes, each this test binary re-executed in a helper mode
// (TestMain), against one sandbox that logs every request. Each helper prints the send time its
// budget recorded for each request, under the shared lock; the tests count those per closed
// 1-second window, and the sandbox's requests. The arrival times are only logged: how far they
// trail the sends depends on scheduling, which a loaded machine stretches past the window's
// margin (the bench measures arrivals, docs/performance.md), so no assertion rests on them.

const (
	envHelper = "RATELIMIT_TEST_HELPER" // "send" or "hold"
	envBase   = "RATELIMIT_TEST_BASE"
	envID     = "RATELIMIT_TEST_INQUIRY"
	envCount  = "RATELIMIT_TEST_REQUESTS"
	envRate   = "RATELIMIT_TEST_RATE"
	testRate  = 20 // high enough for short tests, low enough that processes contend
)

func TestMain(m *testing.M) {
	switch os.Getenv(envHelper) {
	case "":
		os.Exit(m.Run())
	case "send":
		err := helperSend()
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "hold":
		b, err := Open("", sandbox.DemoVendorID, sandbox.DemoAccessKey, os.Getenv(envBase))
		var f *os.File
		if err == nil {
			f, err = openFile(b.path)
		}
		if err == nil {
			err = lockFile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute) // until killed
		os.Exit(2)
	}
}

// helperSend gets one inquiry envCount times through an API client that waits on the shared
// budget, as the plugin's does, and prints a line after each request.
func helperSend() error {
	base := os.Getenv(envBase)
	id, _ := strconv.ParseInt(os.Getenv(envID), 10, 64)
	n, _ := strconv.Atoi(os.Getenv(envCount))
	rate, _ := strconv.ParseFloat(os.Getenv(envRate), 64)
	b, err := Open("", sandbox.DemoVendorID, sandbox.DemoAccessKey, base)
	if err != nil {
		return err
	}
	c, err := api.New(api.Config{BaseURL: base, VendorID: sandbox.DemoVendorID, AccessKey: sandbox.DemoAccessKey,
		SecretKey: sandbox.DemoSecretKey, MaxAttempts: 1})
	if err != nil {
		return err
	}
	var recorded atomic.Int64 // the budget's latest clock reading: the send time record wrote
	b.now = func() time.Time { t := time.Now(); recorded.Store(t.UnixNano()); return t }
	r := FromLimiter(rate, 1)
	c = c.WithReserve(func(ctx context.Context) (func(), error) {
		sent, err := b.Reserve(ctx, r)
		if err != nil {
			return nil, err
		}
		return func() { sent(); fmt.Println("at", recorded.Load()) }, nil
	})
	fmt.Println("start")
	for i := range n {
		if _, err := c.GetInquiry(context.Background(), id); err != nil {
			return fmt.Errorf("request %d: %w", i+1, err)
		}
		fmt.Println("sent", i+1)
	}
	return nil
}

// helper is one started helper process with its stdout lines but the send times, which go to
// sends (complete once lines is closed).
type helper struct {
	cmd    *exec.Cmd
	lines  chan string
	sends  []time.Time
	stderr *strings.Builder
}

func startHelper(t *testing.T, mode, base string, id int64, requests int) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envHelper+"="+mode, envBase+"="+base, envID+"="+strconv.FormatInt(id, 10),
		envCount+"="+strconv.Itoa(requests), envRate+"="+strconv.Itoa(testRate))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h := &helper{cmd: cmd, lines: make(chan string, requests+2), stderr: &strings.Builder{}}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if at, ok := strings.CutPrefix(s.Text(), "at "); ok {
				ns, _ := strconv.ParseInt(at, 10, 64)
				h.sends = append(h.sends, time.Unix(0, ns))
				continue
			}
			h.lines <- s.Text()
		}
		close(h.lines)
		_, _ = io.Copy(io.Discard, out)
	}()
	return h
}

// await reads lines until want (failing if the helper ends first).
func (h *helper) await(t *testing.T, want string) {
	t.Helper()
	for line := range h.lines {
		if line == want {
			return
		}
	}
	t.Fatalf("helper ended before printing %q: %v; stderr: %s", want, h.cmd.Wait(), h.stderr)
}

func (h *helper) wait(t *testing.T) {
	t.Helper()
	for range h.lines {
	}
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("helper: %v; stderr: %s", err, h.stderr)
	}
}

// startSandbox serves the sandbox, and gives the helpers a budget directory of their own.
func startSandbox(t *testing.T) (*sandbox.Server, string, int64) {
	t.Setenv(EnvDir, t.TempDir())
	s := sandbox.New(sandbox.Options{Days: 2, PerDay: 5})
	base, stop, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return s, base, s.Inquiries()[0].InquiryID
}

// checkLog asserts the sandbox saw want requests, none refused, and that the helpers' budgets
// recorded never more than testRate sends in a closed 1-second window. The helpers must be done.
func checkLog(t *testing.T, s *sandbox.Server, want int, hs ...*helper) []sandbox.RequestRecord {
	t.Helper()
	log := s.Log()
	refused := 0
	for _, r := range log {
		if r.Status != 200 {
			refused++
		}
	}
	var sends []time.Time
	for _, h := range hs {
		sends = append(sends, h.sends...)
	}
	most := sandbox.MostInWindow(sends, time.Second)
	t.Logf("%d requests, %d not 200; %d sends recorded, at most %d in a closed 1-second window (%d arrivals)",
		len(log), refused, len(sends), most, sandbox.MostInWindow(sandbox.Arrivals(log), time.Second))
	if len(log) != want || refused != 0 || most > testRate {
		for _, r := range log {
			t.Logf("%d %s %d", r.N, r.Time.Format("05.000000"), r.Status)
		}
		t.Fatalf("want %d requests, all 200, at most %d sends in any 1-second window", want, testRate)
	}
	return log
}

// TestProcessesShareOneBudget: four processes of one seller, and a fifth killed with SIGKILL part
// way through its requests, together stay within one budget.
func TestProcessesShareOneBudget(t *testing.T) {
	s, base, id := startSandbox(t)
	const procs, each = 4, 15
	var hs []*helper
	for range procs {
		hs = append(hs, startHelper(t, "send", base, id, each))
	}
	victim := startHelper(t, "send", base, id, 1000)
	victim.await(t, "sent 3")
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = victim.cmd.Wait()
	for range victim.lines { // until its send times are all read
	}
	for _, h := range hs {
		for range h.lines {
		}
		if err := h.cmd.Wait(); err != nil {
			t.Errorf("helper: %v; stderr: %s", err, h.stderr)
		}
	}
	killed := s.Requests() - procs*each // the victim's, logged before or in flight when it died
	if killed < 3 {
		t.Fatalf("the killed process made %d requests, want at least 3", killed)
	}
	checkLog(t, s, procs*each+int(killed), append(hs, victim)...)
}

// TestKilledLockHolder: a process killed with SIGKILL while it holds the budget's lock does not
// stall the others: the kernel releases its flock, and a waiting process sends only after that.
func TestKilledLockHolder(t *testing.T) {
	s, base, id := startSandbox(t)
	holder := startHelper(t, "hold", base, id, 0)
	holder.await(t, "locked")
	sender := startHelper(t, "send", base, id, 5)
	sender.await(t, "start") // about to wait on the budget, whose lock the holder has
	time.Sleep(200 * time.Millisecond)
	if got := s.Requests(); got != 0 {
		t.Fatalf("%d requests sent while another process held the lock", got)
	}
	killedAt := time.Now()
	if err := holder.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	sender.wait(t)
	for _, r := range checkLog(t, s, 5, sender) {
		if r.Time.Before(killedAt) {
			t.Fatalf("request %d arrived at %s, before the lock holder was killed at %s", r.N, r.Time, killedAt)
		}
	}
}
