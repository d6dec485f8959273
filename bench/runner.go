package bench

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync/atomic"
	"time"
)

// Sample is one timed run of one subject.
type Sample struct {
	Dur     time.Duration // wall-clock time of the run
	Rows    int           // rows streamed or operations done
	Mallocs uint64        // heap allocations during the run (whole process)
	Bytes   uint64        // bytes allocated during the run
}

// Rate is rows (or operations) per second.
func (s Sample) Rate() float64 { return float64(s.Rows) / s.Dur.Seconds() }

// Subject is one contestant of a case.
type Subject struct {
	Name string                  // the subject's name in tables, e.g. "boltwire"
	Run  func() (Outcome, error) // does the case's work once and reports what it saw
	// Want, if Rows > 0, is the outcome every run must produce.
	Want Outcome
}

// Stat summarises a subject's samples.
type Stat struct {
	Samples []Sample // the timed runs, in order (none after a failure)
	Err     error    // the first error or wrong answer; the subject was not timed after it
}

// Median returns the median rate.
func (s *Stat) Median() float64 {
	if s == nil || len(s.Samples) == 0 {
		return math.NaN()
	}
	r := make([]float64, len(s.Samples))
	for i, x := range s.Samples {
		r[i] = x.Rate()
	}
	return median(r)
}

// Spread returns the lowest and highest rate.
func (s *Stat) Spread() (lo, hi float64) {
	if s == nil || len(s.Samples) == 0 {
		return math.NaN(), math.NaN()
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range s.Samples {
		lo, hi = math.Min(lo, x.Rate()), math.Max(hi, x.Rate())
	}
	return lo, hi
}

// AllocsPer returns the median allocations per row (or operation).
func (s *Stat) AllocsPer() float64 {
	if s == nil || len(s.Samples) == 0 {
		return math.NaN()
	}
	r := make([]float64, len(s.Samples))
	for i, x := range s.Samples {
		r[i] = float64(x.Mallocs) / float64(x.Rows)
	}
	return median(r)
}

// BytesPer returns the median bytes allocated per row (or operation).
func (s *Stat) BytesPer() float64 {
	if s == nil || len(s.Samples) == 0 {
		return math.NaN()
	}
	r := make([]float64, len(s.Samples))
	for i, x := range s.Samples {
		r[i] = float64(x.Bytes) / float64(x.Rows)
	}
	return median(r)
}

func median(r []float64) float64 {
	slices.Sort(r)
	n := len(r)
	if n%2 == 1 {
		return r[n/2]
	}
	return (r[n/2-1] + r[n/2]) / 2
}

// Measure runs f once after a GC and returns its sample and outcome.
func Measure(f func() (Outcome, error)) (Sample, Outcome, error) {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t := time.Now()
	o, err := f()
	d := time.Since(t)
	runtime.ReadMemStats(&m1)
	return Sample{Dur: d, Rows: o.Rows, Mallocs: m1.Mallocs - m0.Mallocs, Bytes: m1.TotalAlloc - m0.TotalAlloc}, o, err
}

// Interleave runs each subject once untimed (warm-up), then reps rounds in
// which every subject runs once, the order rotating each round, and returns
// the stats by subject name. A run whose outcome differs from the subject's
// Want is a wrong answer: the subject is marked failed and not timed further.
func Interleave(subjects []Subject, reps int) map[string]*Stat {
	out := map[string]*Stat{}
	for _, s := range subjects {
		st := &Stat{}
		out[s.Name] = st
		if o, err := s.Run(); err != nil {
			st.Err = err
		} else if s.Want.Rows > 0 && o != s.Want {
			st.Err = fmt.Errorf("wrong answer: %+v, want %+v", o, s.Want)
		}
	}
	for r := 0; r < reps; r++ {
		for i := range subjects {
			s := subjects[(i+r)%len(subjects)]
			st := out[s.Name]
			if st.Err != nil {
				continue
			}
			smp, o, err := Measure(s.Run)
			switch {
			case err != nil:
				st.Err = err
			case s.Want.Rows > 0 && o != s.Want:
				st.Err = fmt.Errorf("wrong answer: %+v, want %+v", o, s.Want)
			default:
				st.Samples = append(st.Samples, smp)
			}
		}
	}
	return out
}

// PeakHeap streams with f while sampling the heap (live and not yet
// collected objects) every half millisecond, and returns the highest value
// seen above the level measured after a GC just before the run.
func PeakHeap(f func() (Outcome, error)) (peak uint64, o Outcome, err error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var max atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if v := read(); v > max.Load() {
					max.Store(v)
				}
			}
		}
	}()
	o, err = f()
	close(stop)
	<-done
	if v := read(); v > max.Load() {
		max.Store(v)
	}
	if m := max.Load(); m > base {
		peak = m - base
	}
	return peak, o, err
}

// CountRoundTrips runs op once on a fresh in-process peer and returns the
// number of reply batches (round trips) the peer sent, minus the connection
// set-up (handshake, HELLO/LOGON) measured by warm, which is run first.
func CountRoundTrips(p *Peer, warm, op func() error) (int64, error) {
	if err := warm(); err != nil {
		return 0, err
	}
	before := p.Flushes()
	if err := op(); err != nil {
		return 0, err
	}
	return p.Flushes() - before, nil
}

// WithEnvTimeout is a helper for set-up steps.
func WithEnvTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// PairedRatio is the median over rounds of a's rate divided by b's rate in the
// same round. Subjects of a round run back to back, so this cancels load that
// drifts between rounds; it is the cross-check of the ratio of medians.
func PairedRatio(a, b *Stat) float64 {
	if a == nil || b == nil || a.Err != nil || b.Err != nil {
		return math.NaN()
	}
	n := min(len(a.Samples), len(b.Samples))
	if n == 0 {
		return math.NaN()
	}
	r := make([]float64, n)
	for i := 0; i < n; i++ {
		r[i] = a.Samples[i].Rate() / b.Samples[i].Rate()
	}
	return median(r)
}
