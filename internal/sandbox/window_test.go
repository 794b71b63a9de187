package sandbox

import (
	"math"
	"testing"
	"time"
)

// TestAdmitAtWindowEdge: with 4 per second, a fifth request exactly 1 s after the first is refused
// (it would make 5 in the closed window), and admitted 1 ns later.
func TestAdmitAtWindowEdge(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var adm []time.Time
	var ok bool
	for i := range 4 {
		if adm, ok = admitAt(adm, t0.Add(time.Duration(i)*250*time.Millisecond), 4); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if adm, ok = admitAt(adm, t0.Add(time.Second), 4); ok {
		t.Fatal("a request exactly 1 s after the 4th-last was admitted: 5 in a closed 1-second window")
	}
	if len(adm) != 4 {
		t.Fatalf("a refused request changed the window: %d times", len(adm))
	}
	if adm, ok = admitAt(adm, t0.Add(time.Second+time.Nanosecond), 4); !ok || len(adm) != 4 || !adm[0].Equal(t0.Add(250*time.Millisecond)) {
		t.Fatalf("1 ns later: admitted %v, window %v", ok, adm)
	}
}

// TestAdmitAtBelowOne: below 1 per second, one request per closed 1/rate seconds; a rate too small
// for a Duration window still refuses the second request.
func TestAdmitAtBelowOne(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	adm, ok := admitAt(nil, t0, 0.5)
	if !ok {
		t.Fatal("first request refused")
	}
	if adm, ok = admitAt(adm, t0.Add(2*time.Second), 0.5); ok {
		t.Fatal("at 0.5/s, a request exactly 2 s after the last was admitted: 2 in a closed 2-second window")
	}
	if _, ok = admitAt(adm, t0.Add(2*time.Second+time.Nanosecond), 0.5); !ok {
		t.Fatal("at 0.5/s, a request 2 s + 1 ns after the last was refused")
	}
	for _, rate := range []float64{1e-10, 1e-300} {
		adm, _ := admitAt(nil, t0, rate)
		if _, ok := admitAt(adm, t0.Add(24*time.Hour), rate); ok {
			t.Errorf("at %g/s, a second request a day later was admitted", rate)
		}
	}
}

// TestAdmitAtNoLimit: +Inf, and a rate past int's range, admit every request, however close.
func TestAdmitAtNoLimit(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, rate := range []float64{math.Inf(1), 1e300} {
		var adm []time.Time
		var ok bool
		for i := range 1000 {
			if adm, ok = admitAt(adm, t0, rate); !ok {
				t.Fatalf("at %g/s, request %d refused", rate, i+1)
			}
		}
		if math.IsInf(rate, 1) && len(adm) != 0 {
			t.Errorf("+Inf tracked %d admissions: with no limit there is nothing to count", len(adm))
		}
	}
}

func TestMostInWindow(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms ...int) []time.Time {
		var ts []time.Time
		for _, m := range ms {
			ts = append(ts, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return ts
	}
	for _, c := range []struct {
		ms   []int
		want int
	}{
		{nil, 0},
		{[]int{0}, 1},
		{[]int{0, 250, 500, 750, 1000}, 5}, // the closed window holds both ends
		{[]int{0, 250, 500, 750, 1001}, 4}, // 1 ms later it does not
		{[]int{1001, 0, 750, 500, 250}, 4}, // order does not matter
		{[]int{0, 10, 20, 2000, 2001, 2002, 2003}, 4},
	} {
		if got := MostInWindow(at(c.ms...), time.Second); got != c.want {
			t.Errorf("MostInWindow(%v) = %d, want %d", c.ms, got, c.want)
		}
	}
}
