package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// progress shows requests made, rows written and elapsed time on one stderr line, only when
// stderr is a terminal and stdout is not (rows on the terminal show progress themselves, and a
// progress line between them would run into the CSV), so redirected output and logs stay clean.
type progress struct {
	w        io.Writer
	requests func() int64
	start    time.Time
	rows     atomic.Int64 // rows written
	stop     func()       // prints the final line, if the line is shown
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// startProgress starts refreshing the progress line, if it is shown.
func startProgress(stderr, stdout io.Writer, requests func() int64) *progress {
	p := &progress{w: stderr, requests: requests, start: time.Now(), stop: func() {}}
	if !isTerminal(stderr) || isTerminal(stdout) {
		return p
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.print()
			}
		}
	}()
	p.stop = func() {
		close(done)
		<-stopped
		p.print()
		fmt.Fprintln(p.w)
	}
	return p
}

func (p *progress) print() {
	// \033[K clears what a longer previous line left behind.
	fmt.Fprintf(p.w, "\r%s, %s, %s\033[K", plural(p.requests(), "request"), plural(p.rows.Load(), "row"),
		time.Since(p.start).Round(100*time.Millisecond))
}

// plural writes a count with its noun: 1 request, 2 requests.
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
