package coupang_test

import (
	"sync"
	"testing"
	"time"

	"github.com/seller-sql/steampipe-plugin-coupang/coupang"
)

// stepClock is a clock for the plugin's reuse of fetched rows that a test moves by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

// newStepClock installs a stepClock, starting now, for the rest of the test.
func newStepClock(t *testing.T) *stepClock {
	c := &stepClock{t: time.Now()}
	t.Cleanup(coupang.SetReuseClock(c.now))
	return c
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
