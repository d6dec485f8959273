package bench

import (
	"context"
	"testing"
)

// TestAllocsPerOp pins the allocations of one boltwire RETURN 1 (Run, Next,
// Record, Next) and one ExecuteWrite of a small CREATE, sequentially against the
// in-process canned peer: the figures of BenchmarkReturnOne and
// BenchmarkExecuteWrite (they include the benchmark loop's and the peer's few,
// which do not change with the driver). A driver change that allocates more per
// query or transaction fails here.
func TestAllocsPerOp(t *testing.T) {
	e, _ := env(t)
	ctx := context.Background()
	const n = 2000
	for _, c := range []struct {
		name string
		f    OpFunc
		max  float64
	}{
		{"RETURN 1", ReturnOneBoltwire, 10.25},
		{"ExecuteWrite", WriteBoltwire, 34.25},
	} {
		var err error
		total := testing.AllocsPerRun(3, func() {
			var o Outcome
			if o, err = c.f(ctx, e, n, 1); err == nil && o.Rows != n {
				t.Errorf("%s: %d rows for %d operations", c.name, o.Rows, n)
			}
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		perOp := total / n
		t.Logf("%s: %.2f allocations per operation", c.name, perOp)
		if perOp > c.max {
			t.Errorf("%s allocates %.2f times per operation, want at most %v", c.name, perOp, c.max)
		}
	}
}
