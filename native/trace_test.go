package native

import (
	"context"
	"strings"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestBoltTraceRedactsCredentials(t *testing.T) {
	srv := peopleServer(t)
	var driverTrace, sessionTrace neo4jtest.SyncBuffer
	d, err := NewDriver(srv.uri(), BasicAuth("neo4j", "hunter2-secret", ""), func(c *Config) { c.BoltTrace = &driverTrace })
	require.NoError(t, err)
	ctx := context.Background()
	defer d.Close(ctx)
	s := d.NewSession(ctx, SessionConfig{})
	res, err := s.Run(ctx, "RETURN $p", map[string]any{"p": 1})
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close(ctx))
	out := driverTrace.String()
	require.Contains(t, out, "C: HELLO")
	require.Contains(t, out, "C: RUN")
	require.Contains(t, out, "S: SUCCESS")
	require.NotContains(t, out, "hunter2-secret")

	// A session-level trace sees that session's messages.
	other := BasicAuth("bob", "other-secret", "")
	s = d.NewSession(ctx, SessionConfig{BoltTrace: &sessionTrace, Auth: &other})
	res, err = s.Run(ctx, "RETURN 2", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close(ctx))
	st := sessionTrace.String()
	require.Contains(t, st, "C: RUN")
	require.True(t, strings.Contains(st, "LOGON") || strings.Contains(st, "HELLO"))
	require.NotContains(t, st, "other-secret")
	require.NotContains(t, driverTrace.String(), "other-secret")
}
