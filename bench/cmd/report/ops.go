package main

import (
	"context"
	"fmt"
	"log"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/boltwire/neo4j/bench"
)

// opSpec describes a per-operation section: RETURN 1 or ExecuteWrite, timed
// with several goroutine counts.
type opSpec struct {
	section, title, header, unit, label string
	counts                              map[int]int // operations per run by goroutines
	realDiv                             int         // the real server runs counts/realDiv
	official, boltwire                  bench.OpFunc
	goal                                float64
	allocGoal                           float64 // > 0: target on allocations per op (1 goroutine)
}

var opSpecs = []opSpec{
	{section: "return1", title: "RETURN 1 (queries/s; one session per goroutine, Run + Next until false)",
		header: "queries/run", unit: "query", label: "RETURN 1",
		counts: map[int]int{1: 10000, 8: 20000, 64: 20000}, realDiv: 4,
		official: bench.ReturnOneOfficial, boltwire: bench.ReturnOneBoltwire, goal: 1, allocGoal: 30},
	{section: "write", title: "ExecuteWrite of one CREATE (transactions/s)",
		header: "tx/run", unit: "tx", label: "ExecuteWrite",
		counts: map[int]int{1: 5000, 64: 20000}, realDiv: 10,
		official: bench.WriteOfficial, boltwire: bench.WriteBoltwire, goal: 1.6},
}

// opSections runs every opSpec.
func (r *report) opSections(ps pass) {
	for _, sp := range opSpecs {
		r.opSection(ps, sp)
	}
}

func (r *report) opSection(ps pass, sp opSpec) {
	if !r.section(sp.section) {
		return
	}
	r.p("\n### %s\n\n", sp.title)
	r.p("| goroutines | %s | official | boltwire | **boltwire ÷ official** (paired) | allocs/%s off / bw | B/%s off / bw |\n|---|---|---|---|---|---|---|\n",
		sp.header, sp.unit, sp.unit)
	for _, g := range slices.Sorted(maps.Keys(sp.counts)) {
		n := sp.counts[g]
		if !ps.canned {
			n /= sp.realDiv
		}
		if *flagShort {
			n = 64
		}
		if g != 1 || !ps.canned {
			rt, _, _ := r.opRow(ps, sp, n, g, "")
			if ps.canned {
				r.target(fmt.Sprintf("%s, %d goroutines, vs official", sp.label, g), fmt.Sprintf("≥ %.1f×", sp.goal), fx(rt), rt >= sp.goal)
			}
			continue
		}
		r.onePlacements(ps, sp, n)
	}
}

// onePlacements runs the one-goroutine line unpinned and, when it can, with
// each fixed placement of the two processes (see placement). The target is
// judged on the fixed placements, both of which must meet it; the unpinned
// figure is shown beside them.
func (r *report) onePlacements(ps pass, sp opSpec, n int) {
	ratios := map[string]float64{}
	var unpinnedBW *bench.Stat
	pinErr := canPin()
	for _, pl := range placements {
		if pl.name != "unpinned" {
			if pinErr != nil {
				r.p("| 1 (%s) | not run: %v | | | | | |\n", pl.name, pinErr)
				continue
			}
			if err := pin(ps.peerPID, pl); err != nil {
				pinErr = err
				r.p("| 1 (%s) | not run: %s | | | | | |\n", pl.name, shorten(err.Error()))
				continue
			}
		}
		rt, _, bw := r.opRow(ps, sp, n, 1, pl.name)
		ratios[pl.name] = rt
		if pl.name == "unpinned" {
			unpinnedBW = bw
		}
	}
	if pinErr == nil {
		if err := pin(ps.peerPID, placements[0]); err != nil {
			log.Printf("unpinning: %v", err)
		}
	}
	split, same, un := ratios["split"], ratios["same"], ratios["unpinned"]
	got := fmt.Sprintf("split %s / same %s (unpinned %s)", fx(split), fx(same), fx(un))
	met := split >= sp.goal && same >= sp.goal
	if pinErr != nil {
		got = fmt.Sprintf("unpinned %s (placements not run: %s)", fx(un), shorten(pinErr.Error()))
		met = un >= sp.goal
	}
	r.target(fmt.Sprintf("%s, 1 goroutine, vs official (placement fixed)", sp.label), fmt.Sprintf("≥ %.1f× in both", sp.goal), got, met)
	if sp.allocGoal > 0 {
		a := unpinnedBW.AllocsPer()
		r.target(fmt.Sprintf("allocations per %s", sp.label), fmt.Sprintf("≤ %.0f", sp.allocGoal), f1(a), a <= sp.allocGoal)
	}
}

// opRow times n operations with g goroutines for both drivers and prints
// one table row; where names the placement of a one-goroutine row.
func (r *report) opRow(ps pass, sp opSpec, n, g int, where string) (rt float64, off, bw *bench.Stat) {
	label := fmt.Sprint(g)
	if where != "" {
		label += " (" + where + ")"
	}
	log.Printf("[%s] %s × %s goroutines", ps.where, sp.label, label)
	want := bench.Outcome{Rows: n, Sum: uint64(n)}
	op := func(f bench.OpFunc) func() (bench.Outcome, error) {
		return func() (bench.Outcome, error) { return f(ps.ctx, ps.e, n, g) }
	}
	st := bench.Interleave([]bench.Subject{
		{Name: "official", Run: op(sp.official), Want: want},
		{Name: "boltwire", Run: op(sp.boltwire), Want: want},
	}, ps.reps)
	off, bw = st["official"], st["boltwire"]
	rt = ratio(bw, off)
	r.p("| %s | %d | %s | %s | **%s** (%s) | %s / %s | %s / %s |\n", label, n, rate(off), rate(bw), fx(rt), fx(bench.PairedRatio(bw, off)),
		f1(off.AllocsPer()), f1(bw.AllocsPer()), f1(off.BytesPer()), f1(bw.BytesPer()))
	return rt, off, bw
}

// roundTrips counts the round trips of one ExecuteWrite and one RETURN 1 on
// an in-process peer in quiet-flush mode (replies wait until the client has
// sent nothing for 10 ms), five times each: the count is the number of times
// the client waited for the server, whatever the TCP segmentation.
func (r *report) roundTrips() {
	if !r.section("write") {
		return
	}
	ctx := context.Background()
	p, err := bench.StartPeer([]*bench.Workload{bench.WriteWorkload(), bench.ReturnOneWorkload()})
	if err != nil {
		return
	}
	defer p.Close()
	p.SetQuietFlush(10 * time.Millisecond)
	e, err := bench.OpenEnv(ctx, "canned", p.URI(), "neo4j", "bench-password")
	if err != nil {
		r.p("\nround trips: %v\n", err)
		return
	}
	defer e.Close(ctx)
	const counts = 5
	r.p("\n### Round trips per operation (counted by the canned peer: reply batches, each sent after the client was quiet for 10 ms; %d counts each)\n\n| operation | official | boltwire |\n|---|---|---|\n", counts)
	for _, op := range []struct {
		name  string
		f, g  bench.OpFunc
		check bool
	}{{"ExecuteWrite(CREATE)", bench.WriteOfficial, bench.WriteBoltwire, true}, {"RETURN 1 (auto-commit)", bench.ReturnOneOfficial, bench.ReturnOneBoltwire, false}} {
		var got [2]string
		for i, f := range []bench.OpFunc{op.f, op.g} {
			run := func() error { _, err := f(ctx, e, 1, 1); return err }
			seen := map[int64]bool{}
			for k := 0; k < counts; k++ {
				n, err := bench.CountRoundTrips(p, run, run)
				if err != nil {
					n = -1
				}
				seen[n] = true
			}
			var vals []string
			for _, n := range slices.Sorted(maps.Keys(seen)) {
				vals = append(vals, fmt.Sprint(n))
			}
			got[i] = strings.Join(vals, ", ")
		}
		r.p("| %s | %s | %s |\n", op.name, got[0], got[1])
		if op.check {
			r.target("ExecuteWrite round trips (BEGIN+RUN+PULL pipelined, COMMIT)", "2", got[1], got[1] == "2")
		}
	}
}
