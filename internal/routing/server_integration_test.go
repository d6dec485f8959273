package routing

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// dialReal connects to s with server-side routing context {address: s}.
func dialReal(ctx context.Context, s *neo4jtest.Server, addr string) (*bolt.Conn, error) {
	auth := bolt.NoAuth()
	if s.User != "" {
		auth = bolt.BasicAuth(s.User, s.Password, "")
	}
	return bolt.Dial(ctx, bolt.DialConfig{Address: addr, Auth: auth, ConnectTimeout: 30 * time.Second,
		RoutingContext: map[string]string{"address": s.Address()}})
}

// requireSelf checks that addr names the server s (the host may be its
// advertised name rather than 127.0.0.1).
func requireSelf(t *testing.T, s *neo4jtest.Server, list []string) {
	t.Helper()
	require.Len(t, list, 1, "a single instance lists only itself: %v", list)
	if !neo4jtest.External() {
		require.Equal(t, s.Address(), list[0])
		return
	}
	_, port, err := net.SplitHostPort(list[0])
	require.NoError(t, err)
	require.Equal(t, strconv.Itoa(s.Port), port, "address %s", list[0])
}

func TestIntegrationRouteOnSingleInstance(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()
		conn, err := dialReal(ctx, s, s.Address())
		require.NoError(t, err)
		defer conn.Close()
		t.Logf("Bolt %s, hints %+v", conn.Version(), conn.Hints().Raw)

		rt, err := conn.Route(ctx, bolt.RouteRequest{Database: "neo4j"})
		require.NoError(t, err)
		t.Logf("neo4j: %+v", rt)
		require.Equal(t, "neo4j", rt.Database)
		require.Positive(t, rt.TTL)
		requireSelf(t, s, rt.Routers)
		requireSelf(t, s, rt.Readers)
		requireSelf(t, s, rt.Writers)
		require.Equal(t, rt.Routers, rt.Writers)

		// No database: the server resolves the user's home database.
		home, err := conn.Route(ctx, bolt.RouteRequest{})
		require.NoError(t, err)
		require.Equal(t, "neo4j", home.Database)

		// The system database is served by the same instance.
		sys, err := conn.Route(ctx, bolt.RouteRequest{Database: "system"})
		require.NoError(t, err)
		require.Equal(t, "system", sys.Database)
		requireSelf(t, s, sys.Writers)

		// An unknown database is an error that stops discovery.
		_, err = conn.Route(ctx, bolt.RouteRequest{Database: "no-such-db"})
		var se *bolt.ServerError
		require.ErrorAs(t, err, &se)
		require.True(t, se.IsFatalDuringDiscovery(), "%s", se.Code)
	})
}

func TestIntegrationRouterOnSingleInstance(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()
		acquire := func(ctx context.Context, addr string, _ any) (*bolt.Conn, error) { return dialReal(ctx, s, addr) }
		release := func(c *bolt.Conn, _ error) { c.Close() }
		r, err := New(Config{InitialAddress: s.Address(), Fetch: BoltFetch(acquire, release)})
		require.NoError(t, err)

		addr, db, err := r.Select(ctx, "", "", Write, nil)
		require.NoError(t, err)
		require.Equal(t, "neo4j", db)
		requireSelf(t, s, []string{addr})
		tb, ok := r.Table("neo4j")
		require.True(t, ok)
		requireSelf(t, s, tb.Routers)
		// Both server lines send ssr.enabled: the home database is cached.
		require.True(t, tb.SSR)
		home, ok := r.HomeDatabase("")
		require.True(t, ok)
		require.Equal(t, "neo4j", home)

		_, _, err = r.Select(ctx, "no-such-db", "", Read, nil)
		var se *bolt.ServerError
		require.ErrorAs(t, err, &se)
		require.Equal(t, "Neo.ClientError.Database.DatabaseNotFound", se.Code)
	})
}
