package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/internal/sandboxproc"
)

// sandboxProc is a running coupang-sandbox and the requests it has logged.
type sandboxProc struct {
	*sandboxproc.Proc
	log *io.PipeWriter // the sandbox's stderr, read by readLog

	mu       sync.Mutex
	requests []string // one line per request: "GET /path?query -> 200"
	banner   string
}

// startSandbox starts coupang-sandbox on a free loopback port and reads its credentials.
func startSandbox(ctx context.Context, bin string, args ...string) (*sandboxProc, error) {
	path := filepath.Join(bin, "coupang-sandbox")
	r, w := io.Pipe()
	s := &sandboxProc{log: w}
	go s.readLog(r)
	p, err := sandboxproc.Start(ctx, path, append([]string{"--listen", "127.0.0.1:0", "--verbose"}, args...), w)
	if err != nil {
		w.Close()
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("starting %s (run `make demo`, which builds it): %w", path, err)
		}
		return nil, err
	}
	s.Proc = p
	return s, nil
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
	_, _ = io.Copy(io.Discard, r) // a line too long for the scanner must not block the sandbox
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

// stop ends the sandbox and its log.
func (s *sandboxProc) stop() {
	s.Proc.Stop()
	s.log.Close()
}
