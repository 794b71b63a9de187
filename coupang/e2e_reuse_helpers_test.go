package coupang_test

import (
	"context"
	"sync"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
)

// stepClock is a clock for the plugin's reuse of fetched rows that a test moves by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

// newStepClock returns a stepClock starting now.
func newStepClock() *stepClock {
	return &stepClock{t: time.Now()}
}

// context returns ctx with the clock as the plugin's reuse clock: it takes effect for a connection
// when a query under it builds the connection (the runner's first query).
func (c *stepClock) context(ctx context.Context) context.Context {
	return coupang.WithReuseClock(ctx, c.now)
}

// useStepClock gives e's queries a stepClock starting now; call it before e's first query.
func (e *env) useStepClock() *stepClock {
	e.clock = newStepClock()
	return e.clock
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
