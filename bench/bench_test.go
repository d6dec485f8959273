package bench

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// The benchmarks run every subject against an in-process canned peer (the
// report command puts the peer in its own process instead). Under -short the
// streaming workloads shrink by ShortDivisor. One op is one whole result
// stream (or one query / transaction for RETURN 1 and ExecuteWrite); rows/s
// and allocs/row are reported as extra metrics. Profile one subject with e.g.
//
//	go test -run '^$' -bench 'Stream/ints/boltwire' -benchtime 20x -cpuprofile cpu.out -memprofile mem.out

var (
	setupOnce sync.Once
	setupErr  error
	testPeer  *Peer
	testEnv   *Env
	testWork  map[string]*Workload
)

func env(b testing.TB) (*Env, map[string]*Workload) {
	setupOnce.Do(func() {
		ws := Workloads(testing.Short())
		testWork = map[string]*Workload{}
		for _, w := range ws {
			testWork[w.Name] = w
		}
		if testPeer, setupErr = StartPeer(ws); setupErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		testEnv, setupErr = OpenEnv(ctx, "canned", testPeer.URI(), "neo4j", "bench-password")
	})
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	return testEnv, testWork
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testEnv != nil {
		testEnv.Close(context.Background())
	}
	if testPeer != nil {
		testPeer.Close()
	}
	os.Exit(code)
}

// TestEquality checks that every subject returns exactly the rows the peer
// serves (full canonical hash and the timed runs' checksum).
func TestEquality(t *testing.T) {
	e, ws := env(t)
	ctx := context.Background()
	for _, name := range []string{"ints", "mixed", "nodes", "paths", "wide"} {
		w := ws[name]
		wantC, wantO := Expected(w)
		for sname, f := range map[string]func(context.Context, *Env, *Workload) (Canon, error){
			"official": CanonOfficial, "boltwire": CanonBoltwire, "floor": CanonFloor, "database/sql": CanonSQL,
		} {
			if sname == "database/sql" && name != "wide" && name != "mixed" && name != "ints" {
				continue
			}
			c, err := f(ctx, e, w)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, sname, err)
			}
			if c.Rows != wantC.Rows || c.Hash != wantC.Hash {
				t.Errorf("%s/%s: %d rows hash %x, want %d rows hash %x", name, sname, c.Rows, c.Hash, wantC.Rows, wantC.Hash)
			}
		}
		for sname, f := range streamSubjects(w) {
			o, err := f(ctx, e, w)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, sname, err)
			}
			if o != wantO {
				t.Errorf("%s/%s: outcome %+v, want %+v", name, sname, o, wantO)
			}
		}
	}
	for sname, f := range map[string]OpFunc{"official": ReturnOneOfficial, "boltwire": ReturnOneBoltwire} {
		o, err := f(ctx, e, 16, 4)
		if err != nil || o.Rows != 16 || o.Sum != 16 {
			t.Errorf("return1/%s: %+v %v", sname, o, err)
		}
	}
	for sname, f := range map[string]OpFunc{"official": WriteOfficial, "boltwire": WriteBoltwire} {
		o, err := f(ctx, e, 16, 4)
		if err != nil || o.Rows != 16 || o.Sum != 16 {
			t.Errorf("write/%s: %+v %v", sname, o, err)
		}
	}
}

// streamSubjects lists the subjects that stream w.
func streamSubjects(w *Workload) map[string]StreamFunc {
	m := map[string]StreamFunc{"official": StreamOfficial, "boltwire": StreamBoltwire, "floor": StreamFloor}
	if w.Kind == KindWide {
		m["native-scan"] = WideNativeScan
		m["database-sql"] = WideSQL
		m["sqlx"] = WideSQLX
	}
	return m
}

func benchStream(b *testing.B, ctx context.Context, f StreamFunc, e *Env, w *Workload, want Outcome) {
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for i := 0; i < b.N; i++ {
		o, err := f(ctx, e, w)
		if err != nil {
			b.Fatal(err)
		}
		if o != want {
			b.Fatalf("wrong answer: %+v, want %+v", o, want)
		}
		rows += o.Rows
	}
	b.StopTimer()
	if rows > 0 {
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	}
}

// BenchmarkStream streams each workload through each subject.
func BenchmarkStream(b *testing.B) {
	e, ws := env(b)
	for _, name := range []string{"ints", "mixed", "nodes", "paths", "wide"} {
		w := ws[name]
		_, want := Expected(w)
		for _, sname := range []string{"official", "boltwire", "floor", "native-scan", "database-sql", "sqlx"} {
			f := streamSubjects(w)[sname]
			if f == nil {
				continue
			}
			b.Run(fmt.Sprintf("%s/%s", name, sname), func(b *testing.B) {
				benchStream(b, context.Background(), f, e, w, want)
			})
		}
	}
}

// BenchmarkContext streams through boltwire under a background, a deadline
// and a cancel context.
func BenchmarkContext(b *testing.B) {
	e, ws := env(b)
	for _, name := range []string{"ints", "mixed", "nodes", "paths"} {
		w := ws[name]
		_, want := Expected(w)
		for _, c := range []string{"background", "timeout", "cancel"} {
			b.Run(name+"/"+c, func(b *testing.B) {
				ctx, cancel := MakeContext(c)
				defer cancel()
				benchStream(b, ctx, StreamBoltwire, e, w, want)
			})
		}
	}
}

// BenchmarkReturnOne runs RETURN 1 sequentially and with 8 and 64 goroutines.
func BenchmarkReturnOne(b *testing.B) {
	e, _ := env(b)
	for _, g := range []int{1, 8, 64} {
		for _, s := range []struct {
			name string
			f    OpFunc
		}{{"official", ReturnOneOfficial}, {"boltwire", ReturnOneBoltwire}} {
			b.Run(fmt.Sprintf("g%d/%s", g, s.name), func(b *testing.B) { benchOps(b, s.f, e, g) })
		}
	}
}

// BenchmarkExecuteWrite runs one small CREATE per ExecuteWrite, sequentially
// and with 64 goroutines.
func BenchmarkExecuteWrite(b *testing.B) {
	e, _ := env(b)
	for _, g := range []int{1, 64} {
		for _, s := range []struct {
			name string
			f    OpFunc
		}{{"official", WriteOfficial}, {"boltwire", WriteBoltwire}} {
			b.Run(fmt.Sprintf("g%d/%s", g, s.name), func(b *testing.B) { benchOps(b, s.f, e, g) })
		}
	}
}

func benchOps(b *testing.B, f OpFunc, e *Env, g int) {
	b.ReportAllocs()
	n := b.N
	if n < g {
		n = g
	}
	b.ResetTimer()
	o, err := f(context.Background(), e, n, g)
	if err != nil {
		b.Fatal(err)
	}
	if o.Rows != n || o.Sum != uint64(n) {
		b.Fatalf("wrong answer: %+v for %d ops", o, n)
	}
}

// BenchmarkWideSQLNull times database/sql's own Rows.Next + Scan over the
// null driver (no driver work): the part of the database/sql figure no
// driver can remove.
func BenchmarkWideSQLNull(b *testing.B) {
	_, ws := env(b)
	w := ws["wide"]
	_, want := Expected(w)
	db, err := OpenNullSQL(w)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchStream(b, context.Background(), func(ctx context.Context, _ *Env, w *Workload) (Outcome, error) {
		return WideSQLNull(ctx, db, w)
	}, nil, w, want)
}
