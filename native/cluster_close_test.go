package native_test

import (
	"context"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Closing the driver while a transaction waits for a routing table from a
// slow router ends that wait promptly, and nothing is left running.
func TestClusterCloseDuringSlowRoutingFetch(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	c := newScenarioCluster(t, "slow", "data")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"slow"}, Readers: []string{"data"}, Writers: []string{"data"}})
	c.Member("slow").SetLatency(3 * time.Second)
	d, err := native.NewDriver("neo4j://"+c.Member("slow").Address(), native.NoAuth())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		s := d.NewSession(ctx, onNeo4j)
		defer s.Close(ctx)
		_, err := native.ExecuteRead(ctx, s, whoServes(ctx))
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	require.NoError(t, d.Close(ctx))
	select {
	case err := <-done:
		require.ErrorIs(t, err, native.ErrDriverClosed, "the caller's context was not cancelled: %v", err)
		require.NotErrorIs(t, err, context.Canceled)
	case <-time.After(2 * time.Second):
		t.Fatal("the transaction still waits for the routing table after Close")
	}
	require.Less(t, time.Since(start), 2*time.Second)
	for _, m := range c.Members() {
		m.Stub().Close()
	}
}

// The caller's deadline bounds the wait for a routing table from a slow router.
func TestClusterDeadlineWhileWaitingForRoutingTable(t *testing.T) {
	c := newScenarioCluster(t, "slow", "data")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"slow"}, Readers: []string{"data"}, Writers: []string{"data"}})
	c.Member("slow").SetLatency(3 * time.Second)
	d := scenarioDriver(t, "neo4j://"+c.Member("slow").Address())
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	s := d.NewSession(ctx, onNeo4j)
	defer s.Close(context.Background())
	start := time.Now()
	_, err := native.ExecuteRead(ctx, s, whoServes(ctx))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 2*time.Second)

	// Without the latency the next transaction gets its table.
	c.Member("slow").SetLatency(0)
	require.Equal(t, "data", read(scenarioCtx(t), t, d, onNeo4j))
}
