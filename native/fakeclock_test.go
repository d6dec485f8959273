package native_test

import (
	"context"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/internal/clock"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// The liveness check and the connection lifetime read the driver's clock
// (internal/clock), so a fake clock decides when a pooled connection is pinged
// or retired.
func TestPoolFollowsFakeClock(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	query := `
		C: RUN "RETURN 1 AS n" * *
		S: SUCCESS {"fields": ["n"]}
		C: PULL *
		S: RECORD [1]
		S: SUCCESS {"type": "r"}
	`
	first := boltstub.MustParse(t, "!: BOLT 5.0\nC: LOGIN\n"+query+query+"C: RESET\nS: SUCCESS\n"+query+"?: GOODBYE")
	second := boltstub.MustParse(t, "!: BOLT 5.0\nC: LOGIN\n"+query+"?: GOODBYE")
	stub := boltstub.New(t, "server", first, second)

	fake := clock.Install()
	defer clock.Uninstall()
	d, err := native.NewDriver("bolt://"+stub.Address(), native.NoAuth(), func(c *native.Config) {
		c.ConnectionLivenessCheckTimeout = 2 * time.Second
		c.MaxConnectionLifetime = time.Hour
	})
	require.NoError(t, err)
	defer d.Close(ctx)
	run := func() {
		t.Helper()
		s := d.NewSession(ctx, native.SessionConfig{})
		defer s.Close(ctx)
		res, err := s.Run(ctx, "RETURN 1 AS n", nil)
		_, err = native.Single(ctx, res, err)
		require.NoError(t, err)
	}
	run()
	fake.Advance(2*time.Second - time.Millisecond)
	run()
	require.Equal(t, 0, stub.Count("RESET"), "idle for less than the liveness timeout")
	fake.Advance(2*time.Second + time.Millisecond)
	run()
	require.Equal(t, 1, stub.Count("RESET"), "idle for longer: pinged before reuse")
	fake.Advance(time.Hour)
	run()
	require.Equal(t, 2, stub.Connections(), "past MaxConnectionLifetime: retired, a new one dialled")
}
