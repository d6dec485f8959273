// Command report runs boltwire's side-by-side benchmarks and writes
// RESULTS.md: the canned Bolt peer (in a child process of its own, so its
// work and allocations are not counted against the drivers) and, unless
// -real=false, a real Neo4j started with ../testserver/neo4j-server. Run it
// from the bench directory:
//
//	go run ./cmd/report            # everything, about 10 minutes
//	go run ./cmd/report -short     # tiny workloads, canned peer only
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/boltwire/neo4j/bench"
)

var (
	flagPeer   = flag.Bool("peer", false, "internal: serve the canned peer on stdout's address until stdin closes")
	flagShort  = flag.Bool("short", false, "shrink the workloads and skip the real server")
	flagReps   = flag.Int("reps", 5, "timed repetitions per subject (canned peer)")
	flagReal   = flag.Bool("real", true, "also run against a real Neo4j (../testserver/neo4j-server)")
	flagRealRp = flag.Int("real-reps", 2, "timed repetitions per subject (real server)")
	flagOut    = flag.String("out", "RESULTS.md", "report file")
	flagLine   = flag.String("line", "5", "neo4j-server --line")
	flagCanned = flag.Bool("canned", true, "run against the canned peer")
	flagReAnal = flag.Bool("reanalyse", false, "only replace the ANALYSIS.md part of an existing report file")
	flagOnly   = flag.String("only", "", "run only these sections, comma-separated (stream, wide, return1, write, peak)")
)

func main() {
	flag.Parse()
	log.SetFlags(log.Ltime)
	if *flagPeer {
		servePeer()
		return
	}
	if *flagShort {
		*flagReal = false
	}
	if *flagReAnal {
		reanalyse()
		return
	}
	r := &report{started: time.Now().UTC()}
	r.header()
	ctx := context.Background()
	if *flagCanned {
		peer, peerIn, addr, err := startChildPeer()
		if err != nil {
			log.Fatalf("canned peer: %v", err)
		}
		env, err := bench.OpenEnv(ctx, "canned", "bolt://"+addr, "neo4j", "bench-password")
		if err != nil {
			log.Fatalf("canned peer: %v", err)
		}
		r.runTarget(ctx, env, *flagReps, true)
		env.Close(ctx)
		peerIn.Close()
		peer.Wait()
		r.roundTrips()
	}
	if *flagReal {
		if err := r.realServer(ctx); err != nil {
			r.p("\n**Real server: not run** — %v\n", err)
			log.Printf("real server: %v", err)
		}
	}
	r.finish()
	if err := os.WriteFile(*flagOut, r.buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *flagOut)
}

// servePeer is the child process: it prints "PEER host:port" and serves until
// stdin closes.
func servePeer() {
	p, err := bench.StartPeer(bench.PeerWorkloads(*flagShort))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("PEER", p.Addr())
	io.Copy(io.Discard, os.Stdin)
	p.Close()
}

func startChildPeer() (*exec.Cmd, io.WriteCloser, string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, "", err
	}
	args := []string{"-peer"}
	if *flagShort {
		args = append(args, "-short")
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, "", err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, "", err
	}
	log.Printf("encoding the canned streams in the peer process...")
	if err := cmd.Start(); err != nil {
		return nil, nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return nil, nil, "", fmt.Errorf("peer did not start: %w", err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "PEER ")
	if !ok {
		return nil, nil, "", fmt.Errorf("peer said %q", line)
	}
	return cmd, in, addr, nil
}

type report struct {
	buf     bytes.Buffer
	started time.Time
	targets []target
}

type target struct {
	name, want, got string
	met             bool
}

func (r *report) p(format string, args ...any) { fmt.Fprintf(&r.buf, format, args...) }

func (r *report) target(name, want, got string, met bool) {
	r.targets = append(r.targets, target{name, want, got, met})
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSpace(string(b))
}

func cpuModel() string {
	for _, l := range strings.Split(readFile("/proc/cpuinfo"), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	for _, l := range strings.Split(readFile("/proc/meminfo"), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:"))
		}
	}
	return "unknown"
}

func loadavg() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 4 {
		return "unknown"
	}
	return strings.Join(f[:3], " ") + " (runnable/total tasks " + f[3] + ")"
}

func modVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			v := d.Version
			if d.Replace != nil {
				v += " => " + d.Replace.Path
			}
			return v
		}
	}
	return "unknown"
}

func gitDescribe() string {
	out, err := exec.Command("git", "-C", "..", "log", "-1", "--format=%h %cI %s", "--", "bolt", "native", "sqldriver", "dbtype", "conv").Output()
	if err != nil {
		return "unknown"
	}
	desc := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", "..", "status", "--porcelain", "--untracked-files=no", "--", "bolt", "native", "sqldriver", "dbtype", "conv").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		desc += " (+ uncommitted changes in the work tree)"
	}
	return desc
}

func (r *report) header() {
	r.p("# boltwire vs the official Neo4j Go driver — benchmark results\n\n")
	r.p("Generated by `cd bench && go run ./cmd/report%s` (see README.md). Do not edit by hand: the\n", map[bool]string{true: " -short", false: ""}[*flagShort])
	r.p("analysis at the end comes from `bench/ANALYSIS.md`.\n\n")
	r.p("| | |\n|---|---|\n")
	r.p("| date | %s |\n", r.started.Format("2006-01-02 15:04 MST"))
	r.p("| machine | %d CPUs (nproc), %s, %s RAM, GOMAXPROCS %d |\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.GOMAXPROCS(0))
	r.p("| Go | %s %s/%s |\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	r.p("| official driver | github.com/neo4j/neo4j-go-driver/v5 %s |\n", modVersion("github.com/neo4j/neo4j-go-driver/v5"))
	r.p("| boltwire | last commit to bolt/native/sqldriver/dbtype/conv: %s |\n", gitDescribe())
	r.p("| database/sql, sqlx | boltwire sqldriver; github.com/jmoiron/sqlx %s |\n", modVersion("github.com/jmoiron/sqlx"))
	r.p("| load average at start | %s |\n", loadavg())
	r.p("| method | subjects interleaved (order rotated each round), 1 warm-up + %d timed runs each on the canned peer (%d on the real server), GC before every run, **median** reported; min–max in brackets; ratios are ratios of medians, \"(paired)\" is the median of the per-round ratios (a cross-check that cancels load drifting between rounds); allocations are whole-process `runtime.MemStats` deltas (the canned peer runs in a child process) |\n", *flagReps, *flagRealRp)
	r.p("| canned peer | Bolt %d.%d on loopback, pre-encoded byte streams, fetch size 1000 for every subject |\n\n", bench.PeerVersion[0], bench.PeerVersion[1])
	if *flagShort {
		r.p("**-short run: workloads divided by %d; numbers are not meaningful.**\n\n", bench.ShortDivisor)
	}
}

func human(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v >= 1e6:
		return fmt.Sprintf("%.2f M", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f k", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func rate(st *bench.Stat) string {
	if st == nil {
		return "—"
	}
	if st.Err != nil {
		return "FAILED: " + shorten(st.Err.Error())
	}
	lo, hi := st.Spread()
	return fmt.Sprintf("%s [%s–%s]", human(st.Median()), human(lo), human(hi))
}

func shorten(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

func ratio(a, b *bench.Stat) float64 {
	if a == nil || b == nil || a.Err != nil || b.Err != nil {
		return math.NaN()
	}
	return a.Median() / b.Median()
}

func fx(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.2f×", v)
}

func f1(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

func (r *report) section(name string) bool {
	if *flagOnly == "" {
		return true
	}
	for _, s := range strings.Split(*flagOnly, ",") {
		if s != "" && strings.Contains(name, s) {
			return true
		}
	}
	return false
}

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

func (r *report) runTarget(ctx context.Context, e *bench.Env, reps int, canned bool) {
	ws := map[string]*bench.Workload{}
	for _, w := range bench.Workloads(*flagShort) {
		ws[w.Name] = w
	}
	where := "canned peer"
	if !canned {
		where = "real Neo4j"
	}
	r.p("\n## %s\n", strings.ToUpper(where[:1])+where[1:])
	r.p("\nLoad average before: %s\n", loadavg())

	if r.section("stream") {
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
			cost := func(s *bench.Stat) float64 { return 1 - ratio(s, bw) }
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
			r.p("\n(cost = 1 − rate ÷ Background rate: positive = slower than context.Background; a negative cost means the context run was faster, i.e. noise.)\n")
		}
	}

	if r.section("wide") {
		w := ws["wide"]
		r.p("\n### database/sql and sqlx on wide rows (%d rows × %d columns; ratio vs native Result.Scan into the same fields)\n\n", w.Rows, bench.WideColumns)
		log.Printf("[%s] wide: verifying", where)
		want, err := r.verify(ctx, e, w, canned, true)
		if err != nil {
			r.p("WRONG ANSWER: %s\n", shorten(err.Error()))
		} else {
			log.Printf("[%s] wide: timing", where)
			st := bench.Interleave([]bench.Subject{
				{Name: "official (Record.Values)", Run: stream(ctx, e, w, bench.StreamOfficial), Want: want},
				{Name: "native (Record.Values)", Run: stream(ctx, e, w, bench.StreamBoltwire), Want: want},
				{Name: "native (Result.Scan)", Run: stream(ctx, e, w, bench.WideNativeScan), Want: want},
				{Name: "database/sql (Rows.Scan)", Run: stream(ctx, e, w, bench.WideSQL), Want: want},
				{Name: "sqlx (StructScan)", Run: stream(ctx, e, w, bench.WideSQLX), Want: want},
				{Name: "floor", Run: stream(ctx, e, w, bench.StreamFloor), Want: want},
			}, reps)
			base := st["native (Result.Scan)"]
			r.p("| subject | rows/s | ÷ native Scan (paired) | allocs/row | B/row |\n|---|---|---|---|---|\n")
			for _, n := range []string{"official (Record.Values)", "native (Record.Values)", "native (Result.Scan)", "database/sql (Rows.Scan)", "sqlx (StructScan)", "floor"} {
				s := st[n]
				r.p("| %s | %s | %s (%s) | %s | %s |\n", n, rate(s), fx(ratio(s, base)), fx(bench.PairedRatio(s, base)), f1(s.AllocsPer()), f1(s.BytesPer()))
			}
			if canned {
				q := ratio(st["database/sql (Rows.Scan)"], base)
				r.target("database/sql on wide rows vs native", "≥ 0.8×", fx(q), q >= 0.8)
				q = ratio(st["sqlx (StructScan)"], base)
				r.target("sqlx on wide rows vs native", "≥ 0.8× (same goal)", fx(q), q >= 0.8)
			}
		}
	}

	if r.section("return1") {
		r.p("\n### RETURN 1 (queries/s; one session per goroutine, Run + Next until false)\n\n")
		r.p("| goroutines | queries/run | official | boltwire | **boltwire ÷ official** (paired) | allocs/query off / bw | B/query off / bw |\n|---|---|---|---|---|---|---|\n")
		for _, g := range []int{1, 8, 64} {
			n := map[int]int{1: 10000, 8: 20000, 64: 20000}[g]
			if !canned {
				n /= 4
			}
			if *flagShort {
				n = 64
			}
			log.Printf("[%s] RETURN 1 × %d goroutines", where, g)
			st := bench.Interleave([]bench.Subject{
				{Name: "official", Run: func() (bench.Outcome, error) { return bench.ReturnOneOfficial(ctx, e, n, g) }, Want: bench.Outcome{Rows: n, Sum: uint64(n)}},
				{Name: "boltwire", Run: func() (bench.Outcome, error) { return bench.ReturnOneBoltwire(ctx, e, n, g) }, Want: bench.Outcome{Rows: n, Sum: uint64(n)}},
			}, reps)
			off, bw := st["official"], st["boltwire"]
			rt := ratio(bw, off)
			r.p("| %d | %d | %s | %s | **%s** (%s) | %s / %s | %s / %s |\n", g, n, rate(off), rate(bw), fx(rt), fx(bench.PairedRatio(bw, off)),
				f1(off.AllocsPer()), f1(bw.AllocsPer()), f1(off.BytesPer()), f1(bw.BytesPer()))
			if canned {
				r.target(fmt.Sprintf("RETURN 1, %d goroutine(s), vs official", g), "≥ 1.0×", fx(rt), rt >= 1)
				if g == 1 {
					a := bw.AllocsPer()
					r.target("allocations per RETURN 1", "≤ 30", f1(a), a <= 30)
				}
			}
		}
	}

	if r.section("write") {
		r.p("\n### ExecuteWrite of one CREATE (transactions/s)\n\n")
		r.p("| goroutines | tx/run | official | boltwire | **boltwire ÷ official** (paired) | allocs/tx off / bw | B/tx off / bw |\n|---|---|---|---|---|---|---|\n")
		for _, g := range []int{1, 64} {
			n := map[int]int{1: 5000, 64: 20000}[g]
			if !canned {
				n /= 10
			}
			if *flagShort {
				n = 64
			}
			log.Printf("[%s] ExecuteWrite × %d goroutines", where, g)
			st := bench.Interleave([]bench.Subject{
				{Name: "official", Run: func() (bench.Outcome, error) { return bench.WriteOfficial(ctx, e, n, g) }, Want: bench.Outcome{Rows: n, Sum: uint64(n)}},
				{Name: "boltwire", Run: func() (bench.Outcome, error) { return bench.WriteBoltwire(ctx, e, n, g) }, Want: bench.Outcome{Rows: n, Sum: uint64(n)}},
			}, reps)
			off, bw := st["official"], st["boltwire"]
			rt := ratio(bw, off)
			r.p("| %d | %d | %s | %s | **%s** (%s) | %s / %s | %s / %s |\n", g, n, rate(off), rate(bw), fx(rt), fx(bench.PairedRatio(bw, off)),
				f1(off.AllocsPer()), f1(bw.AllocsPer()), f1(off.BytesPer()), f1(bw.BytesPer()))
			if canned {
				r.target(fmt.Sprintf("ExecuteWrite, %d goroutine(s), vs official", g), "≥ 1.6×", fx(rt), rt >= 1.6)
			}
		}
	}

	if r.section("peak") {
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
	r.p("\nLoad average after: %s\n", loadavg())
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

// realServer starts ../testserver/neo4j-server, loads the graph workloads'
// data and runs the same sections.
func (r *report) realServer(ctx context.Context) error {
	log.Printf("starting neo4j-server --line %s (this takes 10–30 s)...", *flagLine)
	logf, err := os.CreateTemp("", "bench-neo4j-server-*.log")
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command("../testserver/neo4j-server", "--line", *flagLine)
	cmd.Stderr = logf
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
		}
	}()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY ") {
				ready <- sc.Text()
				break
			}
		}
		close(ready)
		io.Copy(io.Discard, stdout)
	}()
	var line string
	select {
	case l, ok := <-ready:
		if !ok {
			return fmt.Errorf("neo4j-server exited without READY (log: %s)", logf.Name())
		}
		line = l
	case <-time.After(5 * time.Minute):
		return errors.New("neo4j-server: no READY within 5 minutes")
	}
	f := strings.Fields(line)
	if len(f) < 3 {
		return fmt.Errorf("neo4j-server said %q", line)
	}
	user, pass, _ := strings.Cut(f[2], ":")
	log.Printf("real server at %s", f[1])
	e, err := bench.OpenEnv(ctx, "neo4j", f[1], user, pass)
	if err != nil {
		return err
	}
	defer e.Close(ctx)
	info, err := e.Boltwire.GetServerInfo(ctx)
	if err == nil {
		r.p("\n---\n\nReal server: %s, Bolt %d.%d negotiated by boltwire, `testserver/neo4j-server --line %s` on the same machine (so the server's CPU competes with the drivers').\n",
			info.Agent(), info.ProtocolVersion().Major, info.ProtocolVersion().Minor, *flagLine)
	}
	for _, w := range bench.Workloads(false) {
		if len(w.Setup) > 0 {
			log.Printf("setting up %s on the real server", w.Name)
			if err := bench.RunSetup(ctx, e, w); err != nil {
				return err
			}
		}
	}
	r.runTarget(ctx, e, *flagRealRp, false)
	return nil
}

// analysisMark separates the measured part of the report from ANALYSIS.md.
const analysisMark = "\n---\n\n"

// reanalyse replaces the analysis at the end of *flagOut with ANALYSIS.md,
// leaving the measurements alone.
func reanalyse() {
	b, err := os.ReadFile(*flagOut)
	if err != nil {
		log.Fatal(err)
	}
	a := readFile("ANALYSIS.md")
	first, _, _ := strings.Cut(a, "\n")
	i := strings.LastIndex(string(b), analysisMark+first)
	if i < 0 {
		log.Fatalf("%s has no analysis part starting with %q", *flagOut, first)
	}
	out := string(b[:i]) + analysisMark + a + "\n"
	if err := os.WriteFile(*flagOut, []byte(out), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("replaced the analysis in %s", *flagOut)
}

func (r *report) finish() {
	var tb bytes.Buffer
	fmt.Fprintf(&tb, "\n## Targets (canned peer, same run)\n\n| target | goal | measured | |\n|---|---|---|---|\n")
	met := 0
	for _, t := range r.targets {
		fmt.Fprintf(&tb, "| %s | %s | %s | %s |\n", t.name, t.want, t.got, mark(t.met))
		if t.met {
			met++
		}
	}
	fmt.Fprintf(&tb, "\n%d of %d targets met in this run.\n", met, len(r.targets))
	// Put the targets right after the header table.
	out := r.buf.Bytes()
	i := bytes.Index(out, []byte("\n## "))
	var final bytes.Buffer
	if i < 0 {
		final.Write(out)
		final.Write(tb.Bytes())
	} else {
		final.Write(out[:i])
		final.Write(tb.Bytes())
		final.Write(out[i:])
	}
	fmt.Fprintf(&final, "\nFinished %s; took %s.\n", time.Now().UTC().Format("15:04 MST"), time.Since(r.started).Round(time.Second))
	if a := readFile("ANALYSIS.md"); a != "" {
		final.WriteString(analysisMark)
		final.WriteString(a)
		final.WriteString("\n")
	}
	r.buf = final
}
