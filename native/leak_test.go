package native

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Driver work of every kind — pooled waits, cancellation, retries, Close —
// leaves no goroutine behind.
func TestNoGoroutineLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := newFakeServer(t)
	defer srv.shutdown()
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fields: []string{"x"}, records: [][]any{{int64(1)}, {int64(2)}}}
	}
	d, err := NewDriver(srv.uri(), NoAuth(), func(c *Config) {
		c.MaxConnectionPoolSize = 1
		c.ConnectionAcquisitionTimeout = 50 * time.Millisecond
	})
	require.NoError(t, err)
	ctx := context.Background()
	s1 := d.NewSession(ctx, SessionConfig{FetchSize: 1})
	res, err := s1.Run(ctx, "q", nil)
	require.NoError(t, err)
	require.True(t, res.Next(ctx))
	s2 := d.NewSession(ctx, SessionConfig{})
	_, err = s2.Run(ctx, "q", nil) // pool exhausted: times out
	require.ErrorIs(t, err, ErrPoolAcquisitionTimeout)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	require.False(t, res.Next(cctx))
	require.NoError(t, s1.Close(ctx))
	_, err = s2.ExecuteRead(ctx, func(tx ManagedTransaction) (any, error) {
		r, err := tx.Run(ctx, "q", nil)
		if err != nil {
			return nil, err
		}
		return r.Collect(ctx)
	})
	require.NoError(t, err)
	require.NoError(t, s2.Close(ctx))
	require.NoError(t, d.Close(ctx))
}
