package main

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// heapMetric is the bytes held by heap objects, live or not yet swept: what the heap holds at a
// sample, read without stopping the world.
const heapMetric = "/memory/classes/heap/objects:bytes"

// heapSampler samples heapMetric every interval and keeps the peak above the value at start.
type heapSampler struct {
	base uint64
	peak uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

// startHeapSampler collects garbage, takes the baseline and starts sampling.
func startHeapSampler(interval time.Duration) *heapSampler {
	runtime.GC()
	h := &heapSampler{stop: make(chan struct{})}
	h.base = readHeap()
	h.peak = h.base
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.peak = max(h.peak, readHeap())
			}
		}
	}()
	return h
}

// done stops sampling and returns the peak heap above the baseline, in bytes.
func (h *heapSampler) done() uint64 {
	close(h.stop)
	h.wg.Wait()
	h.peak = max(h.peak, readHeap())
	return h.peak - h.base
}

func readHeap() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
