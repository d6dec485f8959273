package bolt

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Message forms of Bolt 3.0–4.3 against scripted peers.

var legacyRouting = map[string]string{"address": "h:1", "region": "x"}

// dialRouted connects to a peer negotiating v with the routing context set; hello
// checks HELLO's extra dictionary before the peer answers it.
func dialRouted(t *testing.T, v Version, hello func(extra map[string]any), script func(p *peer)) *Conn {
	t.Helper()
	cli, p := startPeer(t, func(p *peer) {
		p.handshake(v)
		f := p.expect(sigHello)
		if f != nil {
			hello(f[0].(map[string]any))
		}
		p.success(map[string]any{"server": "Neo4j/4.x", "connection_id": "bolt-3"})
		script(p)
	})
	cfg := classicConfig(v, BasicAuth("u", "p", ""))
	cfg.RoutingContext = legacyRouting
	c, err := NewConn(context.Background(), cli, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		c.closeTransport()
		p.wait()
	})
	return c
}

func TestLegacyHelloRouting(t *testing.T) {
	for _, tc := range []struct {
		v          Version
		routing    bool
		patchUTC   bool
		userAgentK string
	}{
		{Version{3, 0}, false, false, "user_agent"},
		{Version{4, 0}, false, false, "user_agent"},
		{Version{4, 1}, true, false, "user_agent"},
		{Version{4, 2}, true, false, "user_agent"},
		{Version{4, 3}, true, true, "user_agent"},
	} {
		dialRouted(t, tc.v, func(extra map[string]any) {
			_, hasRouting := extra["routing"]
			assert.Equal(t, tc.routing, hasRouting, "%s routing in HELLO %v", tc.v, extra)
			if tc.routing {
				assert.Equal(t, map[string]any{"address": "h:1", "region": "x"}, extra["routing"])
			}
			_, hasPatch := extra["patch_bolt"]
			assert.Equal(t, tc.patchUTC, hasPatch, "%s patch_bolt", tc.v)
			assert.Equal(t, "basic", extra["scheme"], "%s auth in HELLO", tc.v)
			assert.Equal(t, "u", extra["principal"])
			assert.Contains(t, extra, tc.userAgentK)
			assert.NotContains(t, extra, "bolt_agent")
		}, func(p *peer) {})
	}
}

func TestBolt3PullAllAndNoDatabase(t *testing.T) {
	v := Version{3, 0}
	c, _, p := dialPeer(t, v, func(p *peer) {
		run := p.expect(sigRun)
		assert.Equal(t, map[string]any{"bookmarks": []any{"b1"}, "tx_timeout": int64(2000), "mode": "r"}, run[2])
		pull := p.expect(sigPull)
		assert.Empty(t, pull, "PULL_ALL has no fields")
		p.success(map[string]any{"fields": []any{"n"}})
		p.record(int64(1))
		p.record(int64(2))
		p.success(map[string]any{"bookmark": "b2", "type": "r"})
		// Consume of a second result: DISCARD_ALL is never needed, PULL_ALL fetched all.
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"n"}})
		p.record(int64(3))
		p.success(map[string]any{"bookmark": "b3"})
		// Explicit transaction with two results.
		begin := p.expect(sigBegin)
		assert.Equal(t, map[string]any{"tx_metadata": map[string]any{"k": "v"}}, begin[0])
		p.expectAll(sigRun, sigPull)
		p.success(nil)
		p.success(map[string]any{"fields": []any{"a"}})
		p.record(int64(10))
		p.success(nil)
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"b"}})
		p.record(int64(20))
		p.success(nil)
		p.expect(sigCommit)
		p.success(map[string]any{"bookmark": "b4"})
	})
	ctx := context.Background()
	s, err := c.Run(ctx, "RETURN 1", nil, &TxConfig{Bookmarks: []string{"b1"}, Timeout: 2 * time.Second, TimeoutSet: true, Mode: Read}, 1)
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(1)}, {int64(2)}}, collect(t, s), "fetch size 1 still streams everything")
	sum, _ := s.Summary()
	require.Equal(t, "b2", sum.Meta.Map()["bookmark"])

	s, err = c.Run(ctx, "RETURN 3", nil, nil, 0)
	require.NoError(t, err)
	sum, err = s.Consume(ctx)
	require.NoError(t, err)
	require.Equal(t, "b3", sum.Meta.Map()["bookmark"])

	require.NoError(t, c.Begin(ctx, TxConfig{Metadata: map[string]any{"k": "v"}}))
	s1, s2 := runTwo(ctx, t, c, 1)
	require.Equal(t, [][]any{{int64(20)}}, collect(t, s2))
	require.Equal(t, [][]any{{int64(10)}}, collect(t, s1), "first result buffered while the second ran")
	cr, err := c.Commit(ctx)
	require.NoError(t, err)
	require.Equal(t, "b4", cr.Bookmark)
	p.wait()

	// Options 3.0 cannot carry fail before anything is sent, naming option and version.
	_, err = c.Run(ctx, "RETURN 1", nil, &TxConfig{Database: "movies"}, 0)
	require.ErrorIs(t, err, ErrUnsupported)
	require.ErrorContains(t, err, `database "movies" needs Bolt 4.0+, but this connection negotiated Bolt 3.0`)
	err = c.Begin(ctx, TxConfig{ImpersonatedUser: "bob"})
	require.ErrorContains(t, err, `impersonation of user "bob" needs Bolt 4.4+, but this connection negotiated Bolt 3.0`)
	_, err = c.Route(ctx, RouteRequest{Database: "movies"})
	require.ErrorContains(t, err, `database "movies" needs Bolt 4.0+`)
	require.True(t, c.IsIdle())
}

func TestBolt3ConsumeInTx(t *testing.T) {
	c, _, p := dialPeer(t, Version{3, 0}, func(p *peer) {
		p.expectAll(sigBegin, sigRun, sigPull)
		p.success(nil)
		p.success(map[string]any{"fields": []any{"a"}})
		p.record(int64(1))
		p.success(map[string]any{"type": "r"})
		p.expect(sigRollback)
		p.success(nil)
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s, err := c.Run(ctx, "A", nil, nil, 0)
	require.NoError(t, err)
	sum, err := s.Consume(ctx)
	require.NoError(t, err)
	require.Equal(t, "r", sum.Meta.Map()["type"])
	require.NoError(t, c.Rollback(ctx))
	p.wait()
}

// routeRecord is the one record a routing procedure returns.
func routeRecord(p *peer) {
	p.success(map[string]any{"fields": []any{"ttl", "servers"}})
	p.record(int64(300), []any{
		map[string]any{"addresses": []any{"r:1"}, "role": "ROUTE"},
		map[string]any{"addresses": []any{"a:1", "b:1"}, "role": "READ"},
		map[string]any{"addresses": []any{"w:1"}, "role": "WRITE"},
	})
	p.success(map[string]any{"type": "r"})
}

var procTable = RoutingTable{TTL: 300 * time.Second, Routers: []string{"r:1"}, Readers: []string{"a:1", "b:1"}, Writers: []string{"w:1"}}

func TestRouteByProcedure3(t *testing.T) {
	c := dialRouted(t, Version{3, 0}, func(map[string]any) {}, func(p *peer) {
		run := p.expect(sigRun)
		assert.Equal(t, "CALL dbms.cluster.routing.getRoutingTable($context)", run[0])
		assert.Equal(t, map[string]any{"context": map[string]any{"address": "h:1", "region": "x"}}, run[1])
		assert.Equal(t, map[string]any{"mode": "r"}, run[2])
		assert.Empty(t, p.expect(sigPull))
		routeRecord(p)
	})
	rt, err := c.Route(context.Background(), RouteRequest{Bookmarks: []string{"b"}})
	require.NoError(t, err)
	require.Equal(t, procTable, rt)
	require.True(t, c.IsIdle())
}

func TestRouteByProcedure4(t *testing.T) {
	for _, v := range []Version{{4, 0}, {4, 1}, {4, 2}} {
		c := dialRouted(t, v, func(map[string]any) {}, func(p *peer) {
			run := p.expect(sigRun)
			assert.Equal(t, "CALL dbms.routing.getRoutingTable($context, $database)", run[0])
			assert.Equal(t, map[string]any{"context": map[string]any{"address": "h:1", "region": "x"}, "database": "adb"}, run[1])
			assert.Equal(t, map[string]any{"bookmarks": []any{"sys:1"}, "mode": "r", "db": "system"}, run[2])
			assert.Equal(t, []any{map[string]any{"n": int64(-1)}}, p.expect(sigPull))
			routeRecord(p)
			// The default database: $database is null.
			run = p.expect(sigRun)
			assert.Equal(t, map[string]any{"context": map[string]any{"address": "h:9"}, "database": nil}, run[1])
			p.expect(sigPull)
			routeRecord(p)
		})
		ctx := context.Background()
		rt, err := c.Route(ctx, RouteRequest{Bookmarks: []string{"sys:1"}, Database: "adb"})
		require.NoError(t, err, v)
		want := procTable
		want.Database = "adb"
		require.Equal(t, want, rt, v)
		rt, err = c.Route(ctx, RouteRequest{Routing: map[string]string{"address": "h:9"}})
		require.NoError(t, err, v)
		require.Equal(t, procTable, rt, v)
		require.True(t, c.IsIdle())
		_, err = c.Route(ctx, RouteRequest{ImpersonatedUser: "bob"})
		require.ErrorIs(t, err, ErrUnsupported)
		require.ErrorContains(t, err, `impersonation of user "bob" needs Bolt 4.4+, but this connection negotiated Bolt `+v.String())
	}
}

// An empty answer (a 3.x server without a table) is an error; the connection stays usable.
func TestRouteByProcedureEmpty(t *testing.T) {
	c := dialRouted(t, Version{4, 1}, func(map[string]any) {}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"ttl", "servers"}})
		p.success(nil)
		p.expectAll(sigRun, sigPull)
		p.failure("Neo.ClientError.Procedure.ProcedureNotFound", "no such procedure")
		p.ignored()
	})
	_, err := c.Route(context.Background(), RouteRequest{})
	require.ErrorContains(t, err, "routing procedure returned 0 records")
	require.True(t, c.IsIdle())
	_, err = c.Route(context.Background(), RouteRequest{})
	requireServerError(t, err, "Neo.ClientError.Procedure.ProcedureNotFound")
}

func TestRoute43DatabaseAsString(t *testing.T) {
	c := dialRouted(t, Version{4, 3}, func(map[string]any) {}, func(p *peer) {
		r := p.expect(sigRoute)
		assert.Equal(t, map[string]any{"address": "h:1", "region": "x"}, r[0])
		assert.Equal(t, []any{"b"}, r[1])
		assert.Equal(t, "adb", r[2])
		p.success(map[string]any{"rt": map[string]any{"ttl": int64(300), "servers": []any{
			map[string]any{"addresses": []any{"r:1"}, "role": "ROUTE"},
		}}})
		r = p.expect(sigRoute)
		assert.Equal(t, []any{}, r[1])
		assert.Nil(t, r[2], "default database is null")
		assert.Len(t, r, 3)
		p.success(map[string]any{"rt": map[string]any{"ttl": int64(1), "servers": []any{}}})
	})
	ctx := context.Background()
	rt, err := c.Route(ctx, RouteRequest{Bookmarks: []string{"b"}, Database: "adb"})
	require.NoError(t, err)
	require.Equal(t, []string{"r:1"}, rt.Routers)
	require.Equal(t, "adb", rt.Database, "4.3 does not name it: the one asked for")
	_, err = c.Route(ctx, RouteRequest{})
	require.NoError(t, err)
}
