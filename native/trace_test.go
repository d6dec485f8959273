package native

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestBoltTraceRedactsCredentials(t *testing.T) {
	srv := peopleServer(t)
	var driverTrace, sessionTrace syncBuffer
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
