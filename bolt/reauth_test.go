package bolt

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// QueueReAuth sends LOGOFF + LOGON together with the next request: the peer
// answers nothing until RUN has arrived, as a server processing a pipeline does.
func TestQueueReAuthGoesOutWithNextRequest(t *testing.T) {
	c, cli, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.expect(sigLogoff)
		f := p.expect(sigLogon)
		assert.Equal(t, map[string]any{"scheme": "basic", "principal": "v", "credentials": "w"}, f[0])
		p.expectAll(sigRun, sigPull)
		p.success(nil)
		p.success(nil)
		p.success(map[string]any{"fields": []any{"n"}})
		p.record(int64(1))
		p.success(nil)
	})
	ctx := context.Background()
	writes := cli.writes.Load()
	require.NoError(t, c.QueueReAuth(ctx, BasicAuth("v", "w", ""), time.Second))
	require.Equal(t, writes, cli.writes.Load(), "nothing is written before the next request")
	s, err := c.Run(ctx, "RETURN 1", nil, nil, -1)
	require.NoError(t, err)
	require.Equal(t, writes+1, cli.writes.Load(), "LOGOFF, LOGON, RUN and PULL in one write")
	rec, err := s.Next(ctx)
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, rec)
	_, err = s.Consume(ctx)
	require.NoError(t, err)
	require.Equal(t, "v", c.Auth()["principal"])
	require.True(t, c.IsIdle())
	p.wait()
}

// A LOGON rejected in the pipeline is the error of the request behind it.
func TestQueueReAuthRejectedFailsNextRequest(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.expectAll(sigLogoff, sigLogon, sigBegin)
		p.success(nil)
		p.failure("Neo.ClientError.Security.Unauthorized", "bad credentials")
		// and the server hangs up
	})
	ctx := context.Background()
	require.NoError(t, c.QueueReAuth(ctx, BasicAuth("v", "bad", ""), time.Second))
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	_, err := c.Run(ctx, "RETURN 1", nil, nil, -1)
	requireServerError(t, err, "Neo.ClientError.Security.Unauthorized")
	require.True(t, c.IsDefunct())
	p.wait()
}

// A peer that never answers the pipelined LOGON fails the connection after the
// re-auth timeout, even when the request's context has no deadline.
func TestQueueReAuthTimeoutBoundsTheReply(t *testing.T) {
	release := make(chan struct{})
	c, _, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.expectAll(sigLogoff, sigLogon, sigRun, sigPull)
		<-release
	})
	defer close(release)
	require.NoError(t, c.QueueReAuth(context.Background(), BasicAuth("v", "w", ""), 200*time.Millisecond))
	start := time.Now()
	_, err := c.Run(context.Background(), "RETURN 1", nil, nil, -1)
	var ce *ConnectivityError
	require.ErrorAs(t, err, &ce)
	require.Contains(t, err.Error(), "no reply to LOGOFF within 200ms")
	require.Less(t, time.Since(start), 3*time.Second)
	require.True(t, c.IsDefunct())
	release <- struct{}{}
	p.wait()
}

// Once the re-auth replies are in, the timeout no longer applies: a slow query
// is bounded by its context only.
func TestQueueReAuthTimeoutEndsWithTheReply(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.expectAll(sigLogoff, sigLogon, sigRun, sigPull)
		p.success(nil)
		p.success(nil)
		time.Sleep(400 * time.Millisecond) // longer than the re-auth timeout
		p.success(map[string]any{"fields": []any{"n"}})
		p.success(nil)
	})
	require.NoError(t, c.QueueReAuth(context.Background(), BasicAuth("v", "w", ""), 150*time.Millisecond))
	s, err := c.Run(context.Background(), "RETURN 1", nil, nil, -1)
	require.NoError(t, err)
	_, err = s.Consume(context.Background())
	require.NoError(t, err)
	p.wait()
}

func TestQueueReAuthStateErrors(t *testing.T) {
	old, _, _ := dialPeer(t, Version{5, 0}, func(p *peer) {})
	require.ErrorIs(t, old.QueueReAuth(context.Background(), NoAuth(), 0), ErrUnsupported)

	c, _, _ := dialPeer(t, Version{5, 1}, func(p *peer) {})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	require.ErrorIs(t, c.QueueReAuth(ctx, NoAuth(), 0), ErrBusy)

	c2, _, _ := dialPeer(t, Version{5, 1}, func(p *peer) {})
	err := c2.QueueReAuth(ctx, Auth{"scheme": "custom", "parameters": map[string]any{"x": struct{}{}}}, 0)
	require.Error(t, err)
	require.True(t, c2.IsIdle(), "an unencodable token queues nothing (not even LOGOFF)")
}

// A server that fails a request and hangs up without answering the requests
// pipelined behind it: those report the FAILURE, not the lost connection.
func TestFailureThenHangupReportsTheFailure(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 0}, func(p *peer) {
		p.expectAll(sigBegin, sigRun, sigPull)
		p.failure("Neo.ClientError.Security.TokenExpired", "Token expired")
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	_, err := c.Run(ctx, "RETURN 1", nil, nil, -1)
	requireServerError(t, err, "Neo.ClientError.Security.TokenExpired")
	p.wait()

	// Without an earlier FAILURE a hang-up is a connectivity error, as before.
	c2, _, p2 := dialPeer(t, Version{5, 0}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
	})
	_, err = c2.Run(ctx, "RETURN 1", nil, nil, -1)
	var ce *ConnectivityError
	require.ErrorAs(t, err, &ce)
	require.False(t, strings.Contains(err.Error(), "ignored"))
	p2.wait()
}

// quiet checks that the client sends nothing within d (it waits for replies).
func (p *peer) quiet(d time.Duration) {
	p.nc.SetReadDeadline(time.Now().Add(d))
	defer p.nc.SetReadDeadline(time.Time{})
	if b, err := p.rd.readMessage(); err == nil {
		p.t.Errorf("peer: expected silence, got % x", b)
	} else if !isTimeout(err) {
		p.t.Errorf("peer: expected silence, got %v", err)
	}
}

// RESET overtakes the requests before it on a real server, which fails a
// LOGOFF so overtaken: Reset lets a queued re-authentication finish first.
func TestResetWaitsForQueuedReAuth(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.expectAll(sigLogoff, sigLogon)
		p.quiet(100 * time.Millisecond)
		p.success(nil)
		p.success(nil)
		p.expect(sigReset)
		p.success(nil)
	})
	ctx := context.Background()
	require.NoError(t, c.QueueReAuth(ctx, BasicAuth("v", "w", ""), 0))
	require.NoError(t, c.Reset(ctx))
	require.True(t, c.IsIdle())
	p.wait()
}

// Sync sends what is queued and reports the server's verdict on it.
func TestSyncSendsQueuedReAuth(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.expectAll(sigLogoff, sigLogon)
		p.success(nil)
		p.success(nil)
		p.expectAll(sigLogoff, sigLogon)
		p.success(nil)
		p.failure("Neo.ClientError.Security.Unauthorized", "no")
	})
	ctx := context.Background()
	require.NoError(t, c.Sync(ctx), "nothing queued")
	require.NoError(t, c.QueueReAuth(ctx, BasicAuth("v", "w", ""), 0))
	require.NoError(t, c.Sync(ctx))
	require.True(t, c.IsIdle())
	require.NoError(t, c.QueueReAuth(ctx, BasicAuth("v", "bad", ""), 0))
	requireServerError(t, c.Sync(ctx), "Neo.ClientError.Security.Unauthorized")
	require.True(t, c.IsDefunct())
	p.wait()
}
