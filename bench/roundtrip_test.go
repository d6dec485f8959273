package bench

import (
	"context"
	"testing"
	"time"
)

// TestRoundTrips pins the number of times each driver waits for the server:
// boltwire's ExecuteWrite pipelines BEGIN+RUN+PULL and then sends COMMIT (2),
// RETURN 1 in auto-commit is RUN+PULL (1). The peer holds its replies until
// the client has been quiet for 10 ms, so the count does not depend on how a
// client's writes are split into TCP segments, and every count is repeated to
// show it is deterministic.
func TestRoundTrips(t *testing.T) {
	e, _ := env(t)
	testPeer.SetQuietFlush(10 * time.Millisecond)
	defer testPeer.SetQuietFlush(0)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    OpFunc
		want int64 // -1: not pinned (the official driver), only logged
	}{
		{"ExecuteWrite/boltwire", WriteBoltwire, 2},
		{"ReturnOne/boltwire", ReturnOneBoltwire, 1},
		{"ExecuteWrite/official", WriteOfficial, -1},
		{"ReturnOne/official", ReturnOneOfficial, -1},
	} {
		op := func() error { _, err := c.f(ctx, e, 1, 1); return err }
		seen := map[int64]int{}
		for i := 0; i < 10; i++ {
			n, err := CountRoundTrips(testPeer, op, op)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			seen[n]++
		}
		t.Logf("%s: round trips seen %v", c.name, seen)
		if c.want >= 0 && seen[c.want] != 10 {
			t.Errorf("%s: round trips %v in 10 counts, want %d every time", c.name, seen, c.want)
		}
	}
}
