package query

import (
	"context"
	"fmt"
	"sync"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang/api"
)

// reqState tracks one request of the plan; only the coordinating goroutine touches it.
type reqState struct {
	win      int
	req      api.ListRequest
	total    int // pages to fetch, known after page 1
	next     int // next page to dispatch
	received int // pages handled
}

// job is one page for a worker; req is a copy so workers never touch reqState.
type job struct {
	st   *reqState
	req  api.ListRequest
	page int
}

// result is a worker's answer to a job.
type result[T any] struct {
	job
	pg  *page[T]
	err error
}

// scheduler orders pending pages: the remaining pages of requests already started come before new
// first pages, so windows complete roughly newest first and the deduper can forget them early.
// Throughput is set by the rate limiter either way; this order keeps memory flat.
type scheduler struct {
	firsts []*reqState // every request, in plan order (newest window first)
	nextF  int
	cont   []*reqState // FIFO of started requests with pages left to dispatch
}

// peek returns the next job, if any.
func (s *scheduler) peek() (job, bool) {
	if len(s.cont) > 0 {
		st := s.cont[0]
		return job{st: st, req: st.req, page: st.next}, true
	}
	if s.nextF < len(s.firsts) {
		st := s.firsts[s.nextF]
		return job{st: st, req: st.req, page: 1}, true
	}
	return job{}, false
}

// pop consumes the job peek returned.
func (s *scheduler) pop() {
	if len(s.cont) > 0 {
		st := s.cont[0]
		if st.next++; st.next > st.total {
			s.cont[0] = nil
			s.cont = s.cont[1:]
		}
		return
	}
	s.nextF++
}

// concurrent fetches every request's first page, then each request's remaining pages as soon as
// its totalPages is known, with at most Workers requests in flight. Pages come back through a
// small channel and are streamed here, on the caller's goroutine, as they arrive.
func (s *streamer[T, R]) concurrent(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	jobs := make(chan job)
	results := make(chan result[T], Workers)
	var wg sync.WaitGroup
	defer func() {
		// Stop the workers and wait for them, so none outlives Fetch.
		cancel()
		close(jobs)
		wg.Wait()
	}()
	for range Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.work(ctx, jobs, results)
		}()
	}
	return s.coordinate(ctx, jobs, results)
}

// work runs jobs until the channel closes or the fetch is cancelled.
func (s *streamer[T, R]) work(ctx context.Context, jobs <-chan job, results chan<- result[T]) {
	for j := range jobs {
		pg, err := s.listPage(ctx, j.req, j.page)
		select {
		case results <- result[T]{job: j, pg: pg, err: err}:
		case <-ctx.Done():
			return
		}
	}
}

// coordinate dispatches jobs and handles results until every page is done, a request fails, the
// consumer stops or ctx is cancelled.
func (s *streamer[T, R]) coordinate(ctx context.Context, jobs chan<- job, results <-chan result[T]) error {
	sched, pending := s.newSchedule()
	inFlight := 0
	for {
		next, ok := sched.peek()
		if !ok && inFlight == 0 {
			return nil
		}
		send := jobs
		if !ok {
			send = nil // nothing to dispatch: only wait for results
		}
		select {
		case send <- next:
			sched.pop()
			inFlight++
		case r := <-results:
			inFlight--
			more, err := s.handle(r, sched, pending)
			if err != nil || !more {
				return err
			}
		case <-ctx.Done():
			return fmt.Errorf("list inquiries: %w", ctx.Err())
		}
	}
}

// newSchedule creates a reqState per request and counts each window's unfinished requests.
func (s *streamer[T, R]) newSchedule() (*scheduler, []int) {
	sched := &scheduler{}
	pending := make([]int, len(s.plan.Windows))
	for wi, w := range s.plan.Windows {
		for _, req := range w.Requests {
			sched.firsts = append(sched.firsts, &reqState{win: wi, req: req, next: 2})
		}
		pending[wi] = len(w.Requests)
	}
	return sched, pending
}

// handle validates and streams one page, schedules a first page's remaining pages, and tells the
// deduper when a window is complete.
func (s *streamer[T, R]) handle(r result[T], sched *scheduler, pending []int) (more bool, err error) {
	if r.err != nil {
		return false, r.err
	}
	st := r.st
	total, err := s.checkPage(st.req, r.page, st.total, r.pg)
	if err != nil {
		return false, err
	}
	if r.page == 1 {
		st.total = total
		if total >= 2 {
			sched.cont = append(sched.cont, st)
		}
	}
	if !s.stream(st.win, r.pg) {
		return false, nil
	}
	if st.received++; st.received >= max(1, st.total) {
		if pending[st.win]--; pending[st.win] == 0 {
			s.dd.windowDone(st.win)
		}
	}
	return true, nil
}
