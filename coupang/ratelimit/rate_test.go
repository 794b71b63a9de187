package ratelimit

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestFromLimiter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fill   float64
		bucket int64
		want   Rate
	}{
		{4, 1, Rate{4, time.Second, 1}},
		{4, 10, Rate{4, time.Second, 4}}, // the burst never exceeds one window
		{4.9, 0, Rate{4, time.Second, 1}},
		{0.5, 1, Rate{1, 2 * time.Second, 1}},
		{1000, 1000, Rate{maxLog, 100 * time.Millisecond, maxLog}}, // same rate, shorter window
		{0, 1, Rate{}},
		{-1, 1, Rate{}},
		{math.Inf(1), 1, Rate{}},
	} {
		if got := FromLimiter(c.fill, c.bucket); got != c.want {
			t.Errorf("FromLimiter(%g, %d) = %+v, want %+v", c.fill, c.bucket, got, c.want)
		}
	}
	if !FromLimiter(0, 1).Unlimited() || FromLimiter(4, 1).Unlimited() {
		t.Error("Unlimited is wrong")
	}
}

// mostInWindow is the largest number of sorted times in one closed window of length w.
func mostInWindow(ts []int64, w time.Duration) int {
	most, lo := 0, 0
	for hi := range ts {
		for ts[hi]-ts[lo] > int64(w) {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// simulate sends n requests as fast as admit allows, on a fake clock, and returns the send times.
func simulate(r Rate, n int) []int64 {
	var log, sent []int64
	now := int64(1_700_000_000_000_000_000)
	for len(sent) < n {
		wait, next := admit(log, now, r)
		if wait > 0 {
			now += int64(wait)
			continue
		}
		log = next
		sent = append(sent, now)
	}
	return sent
}

// TestAdmitSlidingWindow checks the rule on the log it produces: never more than Requests in a
// closed window of Per, never more than Burst in Per*Burst/Requests, and no slower than the 5%
// margin makes it.
func TestAdmitSlidingWindow(t *testing.T) {
	t.Parallel()
	for _, r := range []Rate{{4, time.Second, 1}, {4, time.Second, 4}, {20, time.Second, 5}, {1, 2 * time.Second, 1}, {maxLog, 10 * time.Millisecond, maxLog}} {
		sent := simulate(r, 10*r.Requests+3)
		if got := mostInWindow(sent, r.Per); got != r.Requests {
			t.Errorf("%+v: %d requests in one closed window of %s, want %d", r, got, r.Per, r.Requests)
		}
		if got := mostInWindow(sent, r.Per*time.Duration(r.Burst)/time.Duration(r.Requests)); got > r.Burst {
			t.Errorf("%+v: a burst of %d", r, got)
		}
		span := time.Duration(sent[len(sent)-1] - sent[0])
		if most := r.window()*time.Duration(len(sent)-1)/time.Duration(r.Requests) + time.Duration(len(sent)); span > most {
			t.Errorf("%+v: %d requests took %s, more than %s", r, len(sent), span, most)
		}
	}
}

// TestAdmitWindowEdge: the request after 4 at 4 per second, exactly 1 s after the first of them,
// must wait (it would make 5 in a closed 1-second window); it is sent once the margin has passed.
func TestAdmitWindowEdge(t *testing.T) {
	t.Parallel()
	r := Rate{Requests: 4, Per: time.Second, Burst: 4}
	t0 := int64(1_700_000_000_000_000_000)
	log := []int64{t0, t0 + 1, t0 + 2, t0 + 3}
	wait, got := admit(slices.Clone(log), t0+int64(time.Second), r)
	if wait != 50*time.Millisecond || !slices.Equal(got, log) {
		t.Fatalf("at exactly 1 s: wait %s, log %v; want 50ms and the log unchanged", wait, got)
	}
	wait, got = admit(slices.Clone(log), t0+int64(r.window())-1, r)
	if wait != 1 || !slices.Equal(got, log) {
		t.Fatalf("1 ns before the margin: wait %s, log %v; want 1ns and the log unchanged", wait, got)
	}
	wait, got = admit(slices.Clone(log), t0+int64(r.window()), r)
	if wait != 0 || !slices.Equal(got, []int64{t0 + 1, t0 + 2, t0 + 3, t0 + int64(r.window())}) {
		t.Fatalf("after the margin: wait %s, log %v", wait, got)
	}
}

// TestAdmitClockBackwards: send times in the future (the wall clock stepped back an hour) delay a
// request by at most one window, not an hour.
func TestAdmitClockBackwards(t *testing.T) {
	t.Parallel()
	r := Rate{Requests: 4, Per: time.Second, Burst: 1}
	now := int64(1_700_000_000_000_000_000)
	hour := int64(time.Hour)
	wait, _ := admit([]int64{now + hour, now + hour + 1, now + hour + 2, now + hour + 3}, now, r)
	if wait <= 0 || wait > r.window() {
		t.Fatalf("wait %s after a backward step, want (0, %s]", wait, r.window())
	}
}

// TestFromLimiterTinyRateStaysLimited: a fill rate far below 1 gives a window too long for a
// Duration, or for a Unix time plus it: it must stay a limit (one request, then a wait), never turn
// into none.
func TestFromLimiterTinyRateStaysLimited(t *testing.T) {
	t.Parallel()
	now := int64(1_700_000_000_000_000_000)
	for _, fill := range []float64{1e-12, 1.2e-10, 1e-300} {
		r := FromLimiter(fill, 1)
		if r.Unlimited() {
			t.Errorf("FromLimiter(%g, 1) = %+v is unlimited", fill, r)
			continue
		}
		if wait, _ := admit([]int64{now}, now+int64(time.Hour), r); wait <= 0 {
			t.Errorf("FromLimiter(%g, 1) = %+v: a second request an hour after the first is sent at once", fill, r)
		}
	}
}
