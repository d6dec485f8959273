package native_test

import (
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
	ctx := scenarioCtx(t)
	query := return1Exchange
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
	runReturn1(ctx, t, d)
	fake.Advance(2*time.Second - time.Millisecond)
	runReturn1(ctx, t, d)
	require.Equal(t, 0, stub.Count("RESET"), "idle for less than the liveness timeout")
	fake.Advance(2*time.Second + time.Millisecond)
	runReturn1(ctx, t, d)
	require.Equal(t, 1, stub.Count("RESET"), "idle for longer: pinged before reuse")
	fake.Advance(time.Hour)
	runReturn1(ctx, t, d)
	require.Equal(t, 2, stub.Connections(), "past MaxConnectionLifetime: retired, a new one dialled")
}
