package main

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/boltwire/neo4j/bench"
)

// verify compares every subject's full canonical hash with the reference and
// returns the reference outcome for the timed runs. On the canned peer the
// reference is the generator; on a real server it is the official driver.
func (r *report) verify(ctx context.Context, e *bench.Env, w *bench.Workload, canned bool, sql bool) (bench.Outcome, error) {
	type canonFunc func(context.Context, *bench.Env, *bench.Workload) (bench.Canon, error)
	others := []struct {
		name string
		f    canonFunc
	}{{"boltwire", bench.CanonBoltwire}, {"floor", bench.CanonFloor}}
	var want bench.Canon
	if canned {
		want, _ = bench.Expected(w)
		others = append(others, struct {
			name string
			f    canonFunc
		}{"official", bench.CanonOfficial})
	} else {
		c, err := bench.CanonOfficial(ctx, e, w)
		if err != nil {
			return bench.Outcome{}, fmt.Errorf("official: %w", err)
		}
		want = c
	}
	if sql {
		others = append(others, struct {
			name string
			f    canonFunc
		}{"database/sql", bench.CanonSQL})
	}
	for _, o := range others {
		c, err := o.f(ctx, e, w)
		if err != nil {
			return bench.Outcome{}, fmt.Errorf("%s: %w", o.name, err)
		}
		if c.Rows != want.Rows || c.Hash != want.Hash || c.Out != want.Out {
			return bench.Outcome{}, fmt.Errorf("%s returned different values: %d rows, hash %x, checksum %x; reference %d rows, hash %x, checksum %x",
				o.name, c.Rows, c.Hash, c.Out.Sum, want.Rows, want.Hash, want.Out.Sum)
		}
	}
	return want.Out, nil
}

func stream(ctx context.Context, e *bench.Env, w *bench.Workload, f bench.StreamFunc) func() (bench.Outcome, error) {
	return func() (bench.Outcome, error) { return f(ctx, e, w) }
}

// streamSection times the streaming workloads (and, on the canned peer,
// boltwire under deadline and cancel contexts).
func (r *report) streamSection(ps pass) {
	if !r.section("stream") {
		return
	}
	ctx, e, ws, reps, canned, where := ps.ctx, ps.e, ps.ws, ps.reps, ps.canned, ps.where
	r.p("\n### Streaming (rows/s; ratio = boltwire ÷ official)\n\n")
	r.p("| workload | rows | official | boltwire | floor | **boltwire ÷ official** (paired) | floor ÷ boltwire | allocs/row off / bw / floor | B/row off / bw / floor |\n")
	r.p("|---|---|---|---|---|---|---|---|---|\n")
	var ctxRows []string
	for _, name := range []string{"ints", "mixed", "nodes", "paths"} {
		w := ws[name]
		log.Printf("[%s] stream %s: verifying", where, name)
		want, err := r.verify(ctx, e, w, canned, canned && (name == "ints" || name == "mixed"))
		if err != nil {
			r.p("| %s | %d | WRONG ANSWER: %s | | | | | | |\n", name, w.Rows, shorten(err.Error()))
			continue
		}
		tctx, cancel1 := bench.MakeContext("timeout")
		cctx, cancel2 := bench.MakeContext("cancel")
		log.Printf("[%s] stream %s: timing", where, name)
		subjects := []bench.Subject{
			{Name: "official", Run: stream(ctx, e, w, bench.StreamOfficial), Want: want},
			{Name: "boltwire", Run: stream(ctx, e, w, bench.StreamBoltwire), Want: want},
			{Name: "boltwire-timeout", Run: stream(tctx, e, w, bench.StreamBoltwire), Want: want},
			{Name: "boltwire-cancel", Run: stream(cctx, e, w, bench.StreamBoltwire), Want: want},
			{Name: "floor", Run: stream(ctx, e, w, bench.StreamFloor), Want: want},
		}
		if !canned { // the context variants measure the driver: the canned peer's job
			subjects = []bench.Subject{subjects[0], subjects[1], subjects[4]}
		}
		st := bench.Interleave(subjects, reps)
		cancel1()
		cancel2()
		off, bw, fl := st["official"], st["boltwire"], st["floor"]
		rt := ratio(bw, off)
		r.p("| %s | %d | %s | %s | %s | **%s** (%s) | %s | %s / %s / %s | %s / %s / %s |\n", name, w.Rows,
			rate(off), rate(bw), rate(fl), fx(rt), fx(bench.PairedRatio(bw, off)), fx(ratio(fl, bw)),
			f1(off.AllocsPer()), f1(bw.AllocsPer()), f1(fl.AllocsPer()),
			f1(off.BytesPer()), f1(bw.BytesPer()), f1(fl.BytesPer()))
		// Paired: the median over rounds of (context rate ÷ Background rate in
		// the same round). The effect is a few per cent, below the spread of
		// single runs on a loaded machine, so a ratio of medians taken from
		// different rounds would mostly measure load drift.
		cost := func(s *bench.Stat) float64 { return 1 - bench.PairedRatio(s, bw) }
		tc, cc := cost(st["boltwire-timeout"]), cost(st["boltwire-cancel"])
		ctxRows = append(ctxRows, fmt.Sprintf("| %s | %s | %s | %s | %+.1f %% | %+.1f %% |", name, rate(bw),
			rate(st["boltwire-timeout"]), rate(st["boltwire-cancel"]), 100*tc, 100*cc))
		if canned {
			goal := map[string]float64{"ints": 3, "mixed": 1.6, "nodes": 1.5, "paths": 1.3}[name]
			r.target(fmt.Sprintf("stream %s vs official", name), fmt.Sprintf("≥ %.1f×", goal), fx(rt), rt >= goal)
			worst := math.Max(tc, cc)
			r.target(fmt.Sprintf("deadline/cancel context cost, %s", name), "≤ 5 %",
				fmt.Sprintf("%+.1f %% / %+.1f %%", 100*tc, 100*cc), worst <= 0.05)
			if name == "ints" {
				fr := ratio(fl, bw)
				r.target("stream ints vs floor", "floor ÷ boltwire ≤ 1.25", fx(fr), fr <= 1.25)
				// Per-batch and per-query allocations (PULL, slabs, summary)
				// amortise to ~0.02 a row over 1,000,000 rows.
				a := bw.AllocsPer()
				r.target("allocations per integer row", "≤ 2 (≤ 2.05 with per-batch allocations amortised)",
					fmt.Sprintf("%.3f", a), a <= 2.05)
			}
		}
	}
	if !canned {
		ctxRows = nil
	}
	if len(ctxRows) > 0 {
		r.p("\n### Context cost (boltwire, same interleaved runs as above)\n\n")
		r.p("| workload | Background | WithTimeout(1h) | WithCancel | timeout cost | cancel cost |\n|---|---|---|---|---|---|\n")
		for _, l := range ctxRows {
			r.p("%s\n", l)
		}
		r.p("\n(cost = 1 − the median over rounds of the rate ÷ the Background rate of the same round (paired); positive = slower than context.Background, negative = the context run was faster, i.e. noise. The rates shown are medians.)\n")
	}
}

// peakSection samples the heap while streaming integers.
func (r *report) peakSection(ps pass) {
	if !r.section("peak") {
		return
	}
	ctx, e, ws, canned := ps.ctx, ps.e, ps.ws, ps.canned
	r.p("\n### Peak heap while streaming integers (fetch size 1000)\n\n")
	r.p("Heap objects (live + not yet collected) sampled every 0.5 ms, above the level after a GC just before the run. Bounded by the fetch size means the 1,000,000-row figure is about the 100,000-row one.\n\n")
	r.p("| subject | %d rows | %d rows |\n|---|---|---|\n", ws["ints"].Rows/10, ws["ints"].Rows)
	small := bench.PeakWorkload(*flagShort)
	for _, s := range []struct {
		name string
		f    bench.StreamFunc
	}{{"official", bench.StreamOfficial}, {"boltwire", bench.StreamBoltwire}, {"floor", bench.StreamFloor}} {
		var peaks [2]uint64
		var failed error
		for i, w := range []*bench.Workload{small, ws["ints"]} {
			var best uint64 = math.MaxUint64
			for k := 0; k < 3; k++ { // the lowest of three: the GC's timing adds noise upward only
				pk, o, err := bench.PeakHeap(stream(ctx, e, w, s.f))
				if err == nil && o.Rows != w.Rows {
					err = fmt.Errorf("%d rows, want %d", o.Rows, w.Rows)
				}
				if err != nil {
					failed = err
					break
				}
				best = min(best, pk)
			}
			peaks[i] = best
		}
		if failed != nil {
			r.p("| %s | FAILED: %s | |\n", s.name, shorten(failed.Error()))
			continue
		}
		r.p("| %s | %.2f MiB | %.2f MiB |\n", s.name, float64(peaks[0])/(1<<20), float64(peaks[1])/(1<<20))
		if canned && s.name == "boltwire" {
			ok := float64(peaks[1]) <= 1.5*float64(peaks[0])+(1<<20)
			r.target("peak heap bounded by fetch size (1M vs 100k rows)", "1M-row peak ≤ 1.5 × 100k-row peak + 1 MiB",
				fmt.Sprintf("%.2f vs %.2f MiB", float64(peaks[1])/(1<<20), float64(peaks[0])/(1<<20)), ok)
		}
	}
}
