package bolt

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDialClassicHelloWithAuthBefore51(t *testing.T) {
	v := Version{5, 0}
	cli, p := startPeer(t, func(p *peer) {
		hs := p.handshake(v)
		assert.Equal(t, "60 60 b0 17 00 00 00 05 00 00 00 00 00 00 00 00 00 00 00 00", hexOf(hs))
		f := p.expect(sigHello)
		extra := f[0].(map[string]any)
		if extra["scheme"] != "basic" || extra["principal"] != "u" || extra["credentials"] != "p" {
			t.Errorf("HELLO 5.0 must carry auth, got %v", extra)
		}
		if _, ok := extra["bolt_agent"]; ok {
			t.Errorf("bolt_agent sent on 5.0")
		}
		p.success(map[string]any{"server": "Neo4j/5.0.0", "connection_id": "bolt-1",
			"hints": map[string]any{"connection.recv_timeout_seconds": int64(7)}})
	})
	c, err := NewConn(context.Background(), cli, classicConfig(v, BasicAuth("u", "p", "")))
	require.NoError(t, err)
	p.wait()
	require.Equal(t, v, c.Version())
	require.Equal(t, "Neo4j/5.0.0", c.ServerAgent())
	require.Equal(t, "bolt-1", c.ConnectionID())
	require.Equal(t, 7*time.Second, c.Hints().RecvTimeout)
	require.True(t, c.IsIdle())
}

func TestDialHelloAndLogonInOneWrite(t *testing.T) {
	v := Version{5, 8}
	cli, p := startPeer(t, func(p *peer) {
		p.handshake(v)
		f := p.expect(sigHello)
		extra := f[0].(map[string]any)
		if _, ok := extra["credentials"]; ok {
			t.Errorf("HELLO 5.8 carries credentials")
		}
		if _, ok := extra["bolt_agent"]; !ok {
			t.Errorf("HELLO 5.8 lacks bolt_agent")
		}
		f = p.expect(sigLogon)
		assert.Equal(t, map[string]any{"scheme": "basic", "principal": "u", "credentials": "p"}, f[0])
		p.success(map[string]any{"server": "Neo4j/5.26.0", "connection_id": "bolt-2"})
		p.success(nil)
	})
	c, err := NewConn(context.Background(), cli, classicConfig(v, BasicAuth("u", "p", "")))
	require.NoError(t, err)
	p.wait()
	require.Equal(t, int32(2), cli.writes.Load(), "handshake, then HELLO+LOGON in one write")
	require.Equal(t, v, c.Version())
}

func TestDialAuthFailure(t *testing.T) {
	v := Version{5, 8}
	cli, _ := startPeer(t, func(p *peer) {
		p.handshake(v)
		p.expectAll(sigHello, sigLogon)
		p.success(map[string]any{"server": "Neo4j/5.26.0"})
		p.failure("Neo.ClientError.Security.Unauthorized", "bad credentials")
	})
	_, err := NewConn(context.Background(), cli, classicConfig(v, BasicAuth("u", "bad", "")))
	var se *ServerError
	require.ErrorAs(t, err, &se)
	require.True(t, se.IsAuthenticationError())
}

func TestRunPullPipelinedAndBatches(t *testing.T) {
	c, cli, p := dialPeer(t, Version{5, 4}, func(p *peer) {
		run := p.expect(sigRun)
		assert.Equal(t, "RETURN $x", run[0])
		assert.Equal(t, map[string]any{"x": int64(1)}, run[1])
		assert.Equal(t, map[string]any{"mode": "r", "db": "neo4j"}, run[2])
		pull := p.expect(sigPull)
		assert.Equal(t, map[string]any{"n": int64(2)}, pull[0])
		p.success(map[string]any{"fields": []any{"x"}, "t_first": int64(1)})
		p.record(int64(1))
		p.record(int64(2))
		p.success(map[string]any{"has_more": true})
		pull = p.expect(sigPull)
		assert.Equal(t, map[string]any{"n": int64(2)}, pull[0])
		p.record(int64(3))
		p.success(map[string]any{"bookmark": "bm1", "type": "r", "t_last": int64(2)})
	})
	writes := cli.writes.Load()
	s, err := c.Run(context.Background(), "RETURN $x", map[string]any{"x": 1}, &TxConfig{Mode: Read, Database: "neo4j"}, 2)
	require.NoError(t, err)
	require.Equal(t, writes+1, cli.writes.Load(), "RUN and PULL go out in one write")
	require.Equal(t, []string{"x"}, s.Keys())
	require.False(t, c.IsIdle())
	var got []int64
	for {
		r, err := s.Next(context.Background())
		require.NoError(t, err)
		if r == nil {
			break
		}
		got = append(got, r[0].(int64))
	}
	require.Equal(t, []int64{1, 2, 3}, got)
	sum, err := s.Consume(context.Background())
	require.NoError(t, err)
	require.Equal(t, "bm1", sum.Bookmark())
	require.Equal(t, int64(1), sum.Meta.Map()["t_first"])
	require.Equal(t, int64(2), sum.Meta.Map()["t_last"])
	require.NotContains(t, sum.Meta.Map(), "has_more")
	require.True(t, c.IsIdle())
	p.wait()
}

func TestFailureIgnoredThenResetBeforeNextRun(t *testing.T) {
	c, cli, p := dialPeer(t, Version{4, 4}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.failure("Neo.ClientError.Statement.SyntaxError", "bad")
		p.ignored()
		// Next Run: RESET pipelined before RUN + PULL.
		p.expectAll(sigReset, sigRun, sigPull)
		p.success(nil)
		p.success(map[string]any{"fields": []any{"a"}})
		p.record(int64(1))
		p.success(nil)
	})
	_, err := c.Run(context.Background(), "RETURN 1 +", nil, nil, -1)
	se := requireServerError(t, err, "Neo.ClientError.Statement.SyntaxError")
	require.Equal(t, ClientError, se.Classification)
	require.Equal(t, "Statement", se.Category)
	require.Equal(t, "SyntaxError", se.Title)
	require.False(t, c.IsIdle(), "failed connection is not idle")
	require.False(t, c.IsDefunct())

	w := cli.writes.Load()
	s, err := c.Run(context.Background(), "RETURN 1", nil, nil, -1)
	require.NoError(t, err)
	require.Equal(t, w+1, cli.writes.Load(), "RESET+RUN+PULL in one write")
	requireNext(context.Background(), t, s, []any{int64(1)})
	requireNext(context.Background(), t, s, nil)
	require.True(t, c.IsIdle())
	p.wait()
}

func TestExplicitTxTwoRoundTrips(t *testing.T) {
	c, cli, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		b := p.expect(sigBegin)
		assert.Equal(t, map[string]any{"bookmarks": []any{"b0"}, "tx_timeout": int64(1500),
			"tx_metadata": map[string]any{"app": "x"}, "db": "movies", "imp_user": "bob"}, b[0])
		run := p.expect(sigRun)
		assert.Equal(t, map[string]any{}, run[2], "RUN in a tx has an empty extra")
		p.expect(sigPull)
		p.success(map[string]any{})
		p.success(map[string]any{"fields": []any{"n"}, "qid": int64(0)})
		p.record(int64(7))
		p.success(map[string]any{"type": "w"})
		p.expect(sigCommit)
		p.success(map[string]any{"bookmark": "b1", "db": "movies"})
	})
	w := cli.writes.Load()
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{Bookmarks: []string{"b0"}, Timeout: 1500 * time.Millisecond,
		TimeoutSet: true, Metadata: map[string]any{"app": "x"}, Database: "movies", ImpersonatedUser: "bob"}))
	require.Equal(t, w, cli.writes.Load(), "BEGIN is queued")
	require.True(t, c.InTx())
	s, err := c.Run(ctx, "CREATE (n) RETURN 7", nil, nil, -1)
	require.NoError(t, err)
	require.Equal(t, int64(0), s.QID())
	requireNext(ctx, t, s, []any{int64(7)})
	res, err := c.Commit(ctx)
	require.NoError(t, err)
	require.Equal(t, CommitResult{Bookmark: "b1", Database: "movies"}, res)
	require.Equal(t, w+2, cli.writes.Load(), "BEGIN+RUN+PULL, then COMMIT")
	require.False(t, c.InTx())
	require.True(t, c.IsIdle())
	p.wait()
}

func TestBeginFailureSurfacesFromRun(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigBegin, sigRun, sigPull)
		p.failure("Neo.ClientError.Database.DatabaseNotFound", "no such db")
		p.ignored()
		p.ignored()
		p.expect(sigReset)
		p.success(nil)
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{Database: "nope"}))
	_, err := c.Run(ctx, "RETURN 1", nil, nil, -1)
	requireServerError(t, err, "Neo.ClientError.Database.DatabaseNotFound")
	var ig *IgnoredError
	require.ErrorAs(t, err, &ig)
	require.NoError(t, c.Rollback(ctx), "rollback of a failed tx sends RESET")
	require.True(t, c.IsIdle())
	p.wait()
}

func TestTwoStreamsInOneTx(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 0}, func(p *peer) {
		p.openTxResult("a", 0, int64(1))
		// Second RUN while the first stream is still open on the server.
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"b"}, "qid": int64(1)})
		p.record("x")
		p.success(nil)
		// First stream continues by qid.
		pull := p.expect(sigPull)
		assert.Equal(t, map[string]any{"n": int64(1), "qid": int64(0)}, pull[0])
		p.record(int64(2))
		p.success(nil)
		p.expect(sigCommit)
		p.success(map[string]any{"bookmark": "bm"})
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s1, s2 := runTwo(ctx, t, c, 1)
	requireNext(ctx, t, s2, []any{"x"})
	requireNext(ctx, t, s1, []any{int64(1)}, "buffered record")
	requireNext(ctx, t, s1, []any{int64(2)}, "pulled by qid")
	requireNext(ctx, t, s1, nil)
	_, err := c.Commit(ctx)
	require.NoError(t, err)
	p.wait()
}

func TestAutoCommitStreamBufferedByNextRun(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 4}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"a"}})
		p.record(int64(1))
		p.success(map[string]any{"has_more": true})
		pull := p.expect(sigPull)
		assert.Equal(t, map[string]any{"n": int64(-1)}, pull[0], "rest pulled at once")
		p.record(int64(2))
		p.record(int64(3))
		p.success(map[string]any{"bookmark": "b"})
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"b"}})
		p.success(nil)
	})
	ctx := context.Background()
	s1, s2 := runTwo(ctx, t, c, 1)
	require.Equal(t, [][]any{{int64(1)}, {int64(2)}, {int64(3)}}, collect(t, s1))
	require.Empty(t, collect(t, s2))
	sum, err := s1.Consume(ctx)
	require.NoError(t, err)
	require.Equal(t, "b", sum.Bookmark())
	p.wait()
}

func TestConsumeDiscards(t *testing.T) {
	c, _, p := dialPeer(t, Version{4, 4}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"a"}})
		p.record(int64(1))
		p.success(map[string]any{"has_more": true})
		d := p.expect(sigDiscard)
		assert.Equal(t, map[string]any{"n": int64(-1)}, d[0])
		p.success(map[string]any{"type": "r", "bookmark": "bx"})
	})
	s, err := c.Run(context.Background(), "A", nil, nil, 1)
	require.NoError(t, err)
	sum, err := s.Consume(context.Background())
	require.NoError(t, err)
	require.Equal(t, "bx", sum.Bookmark())
	requireNext(context.Background(), t, s, nil)
	require.True(t, c.IsIdle())
	p.wait()
}

func TestRollbackDiscardsOpenStreams(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.openTxResult("a", 3, int64(1))
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"b"}, "qid": int64(4)})
		p.record(int64(2))
		p.success(map[string]any{"has_more": true})
		d := p.expect(sigDiscard)
		assert.Equal(t, map[string]any{"n": int64(-1), "qid": int64(3)}, d[0], "earlier result by its qid")
		d = p.expect(sigDiscard)
		assert.Equal(t, map[string]any{"n": int64(-1)}, d[0], "latest result: qid left out")
		p.expect(sigRollback)
		p.success(nil)
		p.success(nil)
		p.success(nil)
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s1, s2 := runTwo(ctx, t, c, 1)
	require.NoError(t, c.Rollback(ctx))
	require.True(t, c.IsIdle())
	require.Equal(t, [][]any{{int64(1)}}, collect(t, s1))
	require.Equal(t, [][]any{{int64(2)}}, collect(t, s2))
	p.wait()
}

func TestResetClosesStream(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"a"}})
		p.expect(sigReset)
		p.record(int64(1)) // records still in flight before the interrupt
		p.ignored()
		p.success(nil)
	})
	ctx := context.Background()
	s, err := c.Run(ctx, "A", nil, nil, 10)
	require.NoError(t, err)
	require.NoError(t, c.Reset(ctx))
	_, err = s.Next(ctx)
	require.ErrorIs(t, err, ErrStreamClosed)
	require.True(t, c.IsIdle())
	p.wait()
}

func TestRouteAndTelemetry(t *testing.T) {
	v := Version{5, 8}
	cli, p := startPeer(t, func(p *peer) {
		p.handshake(v)
		p.expectAll(sigHello, sigLogon)
		p.success(map[string]any{"server": "Neo4j/5", "hints": map[string]any{"telemetry.enabled": true, "ssr.enabled": true}})
		p.success(nil)
		tel := p.expect(sigTelemetry)
		assert.Equal(t, int64(TelemetryAutoCommit), tel[0])
		r := p.expect(sigRoute)
		assert.Equal(t, map[string]any{"address": "h:1"}, r[0])
		assert.Equal(t, []any{"b"}, r[1])
		assert.Equal(t, map[string]any{"db": "neo4j"}, r[2])
		p.success(nil)
		p.success(map[string]any{"rt": map[string]any{"ttl": int64(300), "db": "neo4j", "servers": []any{
			map[string]any{"addresses": []any{"a:1"}, "role": "WRITE"},
			map[string]any{"addresses": []any{"a:1", "b:1"}, "role": "READ"},
			map[string]any{"addresses": []any{"c:1"}, "role": "ROUTE"},
		}}})
	})
	cfg := classicConfig(v, NoAuth())
	cfg.RoutingContext = map[string]string{"address": "h:1"}
	c, err := NewConn(context.Background(), cli, cfg)
	require.NoError(t, err)
	require.True(t, c.Hints().Telemetry)
	require.True(t, c.Hints().SSR)
	acked := c.Telemetry(TelemetryAutoCommit)
	require.False(t, acked(), "no reply read yet")
	rt, err := c.Route(context.Background(), RouteRequest{Bookmarks: []string{"b"}, Database: "neo4j"})
	require.NoError(t, err)
	require.True(t, acked(), "TELEMETRY was answered with SUCCESS")
	require.Equal(t, RoutingTable{TTL: 300 * time.Second, Database: "neo4j", Writers: []string{"a:1"},
		Readers: []string{"a:1", "b:1"}, Routers: []string{"c:1"}}, rt)
	p.wait()
}

func TestReAuth(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 1}, func(p *peer) {
		p.expect(sigLogoff)
		f := p.expect(sigLogon)
		assert.Equal(t, map[string]any{"scheme": "bearer", "credentials": "tok"}, f[0])
		p.success(nil)
		p.success(nil)
	})
	require.NoError(t, c.ReAuth(context.Background(), BearerAuth("tok")))
	p.wait()

	old, _, _ := dialPeer(t, Version{5, 0}, func(p *peer) {})
	require.ErrorIs(t, old.ReAuth(context.Background(), NoAuth()), ErrUnsupported)
}

func TestStateErrors(t *testing.T) {
	c, _, _ := dialPeer(t, Version{5, 8}, func(p *peer) {})
	ctx := context.Background()
	_, err := c.Commit(ctx)
	require.ErrorIs(t, err, ErrBusy)
	require.ErrorIs(t, c.Rollback(ctx), ErrBusy)
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	require.ErrorIs(t, c.Begin(ctx, TxConfig{}), ErrBusy)
	_, err = c.Route(ctx, RouteRequest{})
	require.ErrorIs(t, err, ErrBusy)
	_, err = c.Run(ctx, "x", nil, &TxConfig{}, 1)
	require.ErrorIs(t, err, ErrBusy)
}

func TestNotificationFiltersNeed52(t *testing.T) {
	cli, _ := startPeer(t, func(p *peer) { p.handshake(Version{5, 1}) })
	cfg := classicConfig(Version{5, 1}, NoAuth())
	cfg.Notifications = NotificationConfig{MinimumSeverity: "OFF"}
	_, err := NewConn(context.Background(), cli, cfg)
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestProtocolViolationMakesDefunct(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.record(int64(1)) // RECORD before RUN's SUCCESS
	})
	_, err := c.Run(context.Background(), "A", nil, nil, 1)
	var pe *ProtocolError
	require.ErrorAs(t, err, &pe)
	var ce *ConnectivityError
	require.ErrorAs(t, err, &ce)
	require.True(t, c.IsDefunct())
	_, err = c.Run(context.Background(), "A", nil, nil, 1)
	require.ErrorIs(t, err, ErrDefunct)
	p.wait()
}

func TestServerCloseMidStream(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"a"}})
		p.write([]byte{0x00, 0x05, 0xB1, 0x71}) // truncated chunk, then close
	})
	s, err := c.Run(context.Background(), "A", nil, nil, 1)
	require.NoError(t, err)
	_, err = s.Next(context.Background())
	require.ErrorIs(t, err, ErrDefunct)
	require.True(t, c.IsDefunct())
	p.wait()
	require.True(t, errors.Is(s.Err(), ErrDefunct))
}

// A second RUN in a transaction goes out without waiting for the first result's PULL.
func TestSecondRunInTxDoesNotWait(t *testing.T) {
	secondRunDoesNotWait(t, Version{5, 8}, true, -1, nil)
}
