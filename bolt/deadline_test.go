package bolt

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCancelBlockedReadWithoutDeadline(t *testing.T) {
	release := make(chan struct{})
	c, _, _ := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		<-release // never answer
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	_, hasDeadline := ctx.Deadline()
	require.False(t, hasDeadline)
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := c.Run(ctx, "RETURN 1", nil, nil, -1)
	require.Less(t, time.Since(start), 2*time.Second, "cancellation must wake the blocked read")
	require.ErrorIs(t, err, context.Canceled)
	var ce *ConnectivityError
	require.ErrorAs(t, err, &ce)
	require.True(t, c.IsDefunct(), "interrupted mid-request: never reused")
}

func TestDeadlineMidStream(t *testing.T) {
	release := make(chan struct{})
	c, _, _ := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"a"}})
		p.record(int64(1))
		<-release
	})
	defer close(release)
	s, err := c.Run(context.Background(), "A", nil, nil, 10)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r, err := s.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, r)
	start := time.Now()
	_, err = s.Next(ctx)
	require.Less(t, time.Since(start), 2*time.Second)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.True(t, c.IsDefunct())
	_, err = s.Next(context.Background())
	require.ErrorIs(t, err, ErrDefunct)
}

func TestCancelledBeforeCallLeavesConnUsable(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{}})
		p.success(nil)
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Run(ctx, "A", nil, nil, 1)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, c.IsDefunct())
	s, err := c.Run(context.Background(), "A", nil, nil, 1)
	require.NoError(t, err)
	require.Empty(t, collect(t, s))
	p.wait()
}

func TestRecvTimeoutHint(t *testing.T) {
	release := make(chan struct{})
	v := Version{5, 8}
	cli, _ := startPeer(t, func(p *peer) {
		p.handshake(v)
		p.expectAll(sigHello, sigLogon)
		p.success(map[string]any{"hints": map[string]any{"connection.recv_timeout_seconds": int64(1)}})
		p.success(nil)
		p.expectAll(sigRun, sigPull)
		<-release
	})
	defer close(release)
	c, err := NewConn(context.Background(), cli, classicConfig(v, NoAuth()))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Run(context.Background(), "A", nil, nil, 1)
	require.Error(t, err)
	require.ErrorIs(t, err, os.ErrDeadlineExceeded)
	require.Less(t, time.Since(start), 3*time.Second)
	require.True(t, c.IsDefunct())
}

// Reading many records with a cancellable context must not start goroutines or leave
// AfterFunc registrations behind.
func TestNoGoroutinePerRead(t *testing.T) {
	const n = 2000
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"a"}})
		for i := 0; i < n; i++ {
			p.record(int64(i))
		}
		p.success(nil)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := c.Run(ctx, "A", nil, nil, -1)
	require.NoError(t, err)
	before := runtime.NumGoroutine()
	maxSeen := before
	for i := 0; ; i++ {
		r, err := s.Next(ctx)
		require.NoError(t, err)
		if r == nil {
			require.Equal(t, n, i)
			break
		}
		maxSeen = max(maxSeen, runtime.NumGoroutine())
	}
	p.wait()
	require.LessOrEqual(t, maxSeen, before+1)
	cancel() // a late cancel must not disturb the idle connection
	time.Sleep(20 * time.Millisecond)
	require.False(t, c.IsDefunct())
	require.LessOrEqual(t, runtime.NumGoroutine(), before)
}
