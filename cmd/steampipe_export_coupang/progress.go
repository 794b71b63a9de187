package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// progress shows requests made, rows written and elapsed time on one stderr line, only when
// stderr is a terminal, so redirected output and logs stay clean.
type progress struct {
	w        io.Writer
	requests func() int64
	start    time.Time
	rows     atomic.Int64
	done     chan struct{}
	wg       sync.WaitGroup
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

// startProgress starts refreshing the progress line; it does nothing unless stderr is a terminal.
func startProgress(stderr io.Writer, requests func() int64) *progress {
	p := &progress{w: stderr, requests: requests, start: time.Now()}
	if !isTerminal(stderr) {
		return p
	}
	p.done = make(chan struct{})
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-tick.C:
			p.print("\r")
		}
	}
}

// add counts written rows.
func (p *progress) add(n int64) { p.rows.Add(n) }

func (p *progress) print(prefix string) {
	// \033[K clears what a longer previous line left behind.
	fmt.Fprintf(p.w, "%s%d requests, %d rows, %s\033[K", prefix, p.requests(), p.rows.Load(),
		time.Since(p.start).Round(100*time.Millisecond))
}

// stop prints the final line, if the line is shown.
func (p *progress) stop(rows int64) {
	if p.done == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	p.rows.Store(rows)
	p.print("\r")
	fmt.Fprintln(p.w)
}
