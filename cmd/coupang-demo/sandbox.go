package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// sandboxProc is a running coupang-sandbox and the requests it has logged.
type sandboxProc struct {
	cmd  *exec.Cmd
	env  []string // COUPANG_* assignments printed at start
	done chan struct{}

	mu       sync.Mutex
	requests []string // one line per request: "GET /path?query -> 200"
	banner   string
}

// startSandbox starts coupang-sandbox on a free loopback port and reads its credentials.
func startSandbox(ctx context.Context, bin string, args ...string) (*sandboxProc, error) {
	path := filepath.Join(bin, "coupang-sandbox")
	cmd := exec.Command(path, append([]string{"--listen", "127.0.0.1:0", "--verbose"}, args...)...)
	cmd.SysProcAttr = childAttr()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (run `make demo`, which builds it): %w", path, err)
	}
	s := &sandboxProc{cmd: cmd, done: make(chan struct{})}
	go s.readLog(stderr)
	go func() { _ = cmd.Wait(); close(s.done) }()
	if err := s.readEnv(ctx, stdout); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// readEnv reads the four COUPANG_* lines the sandbox prints when it is ready.
func (s *sandboxProc) readEnv(ctx context.Context, stdout io.Reader) error {
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(30 * time.Second)
	for len(s.env) < 4 {
		select {
		case line, ok := <-lines:
			if !ok {
				return errors.New("coupang-sandbox exited before it was ready")
			}
			if strings.HasPrefix(line, "COUPANG_") {
				s.env = append(s.env, line)
			}
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout:
			return errors.New("coupang-sandbox did not start within 30s")
		}
	}
	go func() {
		for range lines { // keep draining
		}
	}()
	return nil
}

// readLog collects the request lines of --verbose: "TIME #N GET /path?query -> 200".
func (s *sandboxProc) readLog(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		s.mu.Lock()
		if i := strings.Index(line, " #"); i >= 0 && strings.Contains(line, " -> ") {
			if j := strings.IndexByte(line[i+2:], ' '); j >= 0 {
				s.requests = append(s.requests, line[i+2+j+1:])
			}
		} else if strings.Contains(line, "inquiries from") {
			s.banner = strings.TrimPrefix(line, "coupang-sandbox: ")
		}
		s.mu.Unlock()
	}
}

// waitBanner returns the sandbox's line describing its data set, waiting briefly for it.
func (s *sandboxProc) waitBanner() string {
	for i := 0; i < 100; i++ {
		s.mu.Lock()
		b := s.banner
		s.mu.Unlock()
		if b != "" {
			return b
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ""
}

// requestCount is the number of requests logged so far.
func (s *sandboxProc) requestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// requestsSince returns the requests logged after the first n. The sandbox logs a request before
// its answer is sent, so every request of a finished export is already logged or in the pipe:
// it waits until the log has been quiet for a moment.
func (s *sandboxProc) requestsSince(n int) []string {
	last := -1
	for i := 0; i < 50; i++ {
		c := s.requestCount()
		if c == last {
			break
		}
		last = c
		time.Sleep(20 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests[n:]...)
}

// stop ends the sandbox (SIGTERM, then kill) and waits for it.
func (s *sandboxProc) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// environ is the current environment plus the sandbox's COUPANG_* credentials.
func (s *sandboxProc) environ() []string {
	env := make([]string, 0, len(os.Environ())+len(s.env))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COUPANG_") {
			env = append(env, kv)
		}
	}
	return append(env, s.env...)
}
