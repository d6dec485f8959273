package routing

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/stretchr/testify/require"
)

// stubRouter returns a Router whose Fetch dials the router (bolt.Dial with the
// routing context) and sends ROUTE on a fresh connection, as native does with
// a pooled one.
func stubRouter(t *testing.T, initial string, c *clock, mod func(*Config)) *Router {
	t.Helper()
	acquire := func(ctx context.Context, addr string, _ any) (*bolt.Conn, error) {
		return bolt.Dial(ctx, bolt.DialConfig{Address: addr, Auth: bolt.BasicAuth("neo4j", "pw", ""),
			RoutingContext: map[string]string{"address": initial}, ConnectTimeout: 5 * time.Second})
	}
	release := func(conn *bolt.Conn, _ error) { conn.Close() }
	cfg := Config{InitialAddress: initial, Fetch: BoltFetch(acquire, release), Now: c.Now}
	if mod != nil {
		mod(&cfg)
	}
	r, err := New(cfg)
	require.NoError(t, err)
	return r
}

// runOn runs a write (or read) auto-commit query on addr and returns its error.
func runOn(t *testing.T, addr string, mode bolt.AccessMode) error {
	t.Helper()
	conn, err := bolt.Dial(bg, bolt.DialConfig{Address: addr, Auth: bolt.BasicAuth("neo4j", "pw", ""), ConnectTimeout: 5 * time.Second})
	if err != nil {
		return err
	}
	defer conn.Close()
	st, err := conn.Run(bg, "CREATE ()", nil, &bolt.TxConfig{Database: "neo4j", Mode: mode}, 0)
	if err != nil {
		return err
	}
	_, err = st.Consume(bg)
	return err
}

func TestStubClusterSelectionAndLeaderChange(t *testing.T) {
	cl := boltstub.NewCluster(t, boltstub.Handshake{}, "core1", "core2", "core3")
	cl.SetRoles("neo4j", boltstub.Roles{Routers: []string{"core1", "core2"}, Readers: []string{"core2", "core3"}, Writers: []string{"core1"}})
	core1, core2, core3 := cl.Member("core1"), cl.Member("core2"), cl.Member("core3")
	c := newClock()
	r := stubRouter(t, core1.Address(), c, nil)

	reads := map[string]int{}
	for i := 0; i < 4; i++ {
		addr, db, err := r.Select(bg, "neo4j", "", Read, nil)
		require.NoError(t, err)
		require.Equal(t, "neo4j", db)
		reads[addr]++
	}
	require.Equal(t, map[string]int{core2.Address(): 2, core3.Address(): 2}, reads)
	w, _, err := r.Select(bg, "neo4j", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, core1.Address(), w)
	require.Equal(t, 1, core1.Count("ROUTE"))

	// The leader moves: core1 answers NotALeader, the caller forgets it as writer,
	// the next write selection refreshes and finds core3.
	cl.SetRoles("neo4j", boltstub.Roles{Routers: []string{"core1", "core2"}, Readers: []string{"core1", "core2"}, Writers: []string{"core3"}})
	err = runOn(t, w, bolt.Write)
	var se *bolt.ServerError
	require.ErrorAs(t, err, &se)
	require.True(t, se.IsRoutingError())
	r.ForgetWriter("neo4j", w)
	w, _, err = r.Select(bg, "neo4j", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, core3.Address(), w)
	require.NoError(t, runOn(t, w, bolt.Write))
	require.Equal(t, 2, core1.Count("ROUTE"), "the refresh asks the first known router")
}

func TestStubClusterRouterFailoverAndRemovedMember(t *testing.T) {
	cl := boltstub.NewCluster(t, boltstub.Handshake{}, "core1", "core2", "core3")
	roles := boltstub.Roles{Routers: []string{"core1", "core2"}, Readers: []string{"core1", "core3"}, Writers: []string{"core2"}}
	cl.SetRoles("neo4j", roles)
	core1, core2 := cl.Member("core1"), cl.Member("core2")
	c := newClock()
	var removed []string
	r := stubRouter(t, core1.Address(), c, func(cfg *Config) { cfg.OnRemove = func(a string) { removed = append(removed, a) } })
	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)

	// core1 dies: a connection error to it removes it everywhere.
	core1.SetDown(true)
	require.ErrorIs(t, runOn(t, core1.Address(), bolt.Read), bolt.ErrDefunct)
	r.Forget(core1.Address())
	require.Equal(t, []string{core1.Address()}, removed)
	cl.SetRoles("neo4j", boltstub.Roles{Routers: []string{"core2"}, Readers: []string{"core3"}, Writers: []string{"core2"}})

	c.Advance(time.Hour)
	before := core1.Stub().Connections()
	for i := 0; i < 5; i++ {
		addr, _, err := r.Select(bg, "neo4j", "", Read, nil)
		require.NoError(t, err)
		require.NotEqual(t, core1.Address(), addr)
	}
	require.Equal(t, before, core1.Stub().Connections(), "no request reaches a removed member")
	require.Equal(t, 1, core2.Count("ROUTE"))
}

func TestStubClusterAllRoutersDown(t *testing.T) {
	cl := boltstub.NewCluster(t, boltstub.Handshake{}, "core1", "core2")
	cl.SetRoles("neo4j", boltstub.Roles{Routers: []string{"core1", "core2"}, Readers: []string{"core1"}, Writers: []string{"core1"}})
	c := newClock()
	r := stubRouter(t, cl.Member("core1").Address(), c, nil)
	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)

	cl.Member("core1").SetDown(true)
	cl.Member("core2").FailRoute("Neo.TransientError.General.DatabaseUnavailable", "database unavailable")
	c.Advance(time.Hour)
	_, _, err = r.Select(bg, "neo4j", "", Read, nil)
	var de *DiscoveryError
	require.ErrorAs(t, err, &de)
	require.Len(t, de.Attempts, 2, "core1 from the table, core2 from the table; the seed is core1 again")
	require.Equal(t, cl.Addresses("core1", "core2"), []string{de.Attempts[0].Address, de.Attempts[1].Address})
	require.ErrorIs(t, de.Attempts[0].Err, bolt.ErrDefunct)
	var se *bolt.ServerError
	require.True(t, errors.As(de.Attempts[1].Err, &se) && se.IsDatabaseUnavailable())
	require.ErrorContains(t, err, "database unavailable")
}

func TestStubClusterDatabaseNotFoundIsFatal(t *testing.T) {
	cl := boltstub.NewCluster(t, boltstub.Handshake{}, "core1", "core2")
	c := newClock()
	r := stubRouter(t, cl.Member("core1").Address(), c, func(cfg *Config) {
		cfg.Resolver = func(string) []string { return cl.Addresses("core1", "core2") }
	})
	_, _, err := r.Select(bg, "nope", "", Read, nil)
	var se *bolt.ServerError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "Neo.ClientError.Database.DatabaseNotFound", se.Code)
	require.Zero(t, cl.Member("core2").Count("ROUTE"), "a fatal answer stops discovery")
}

func TestStubClusterHomeDatabaseCacheWithSSR(t *testing.T) {
	for _, ssr := range []bool{false, true} {
		cl := boltstub.NewCluster(t, boltstub.Handshake{}, "core1")
		cl.SetRoles("neo4j", boltstub.Roles{Routers: []string{"core1"}, Readers: []string{"core1"}, Writers: []string{"core1"}})
		cl.SetRoles("sales", boltstub.Roles{Routers: []string{"core1"}, Readers: []string{"core1"}, Writers: []string{"core1"}})
		cl.SetHome("alice", "sales")
		if ssr {
			cl.SetHints(boltstub.M{"ssr.enabled": true})
		}
		r := stubRouter(t, cl.Member("core1").Address(), newClock(), nil)
		for i := 0; i < 3; i++ {
			_, db, err := r.Select(bg, "", "alice", Write, nil)
			require.NoError(t, err)
			require.Equal(t, "sales", db)
		}
		_, db, err := r.Select(bg, "", "", Write, nil)
		require.NoError(t, err)
		require.Equal(t, "neo4j", db)
		routes := cl.Member("core1").Count("ROUTE")
		if ssr {
			require.Equal(t, 2, routes, "one ROUTE per user, then the cache")
		} else {
			require.Equal(t, 4, routes, "without ssr.enabled every home-database selection asks")
		}
		var sawNullDB bool
		for _, m := range cl.Member("core1").Stub().Received() {
			if m.Name == "ROUTE" {
				_, hasDB := m.Extra()["db"]
				sawNullDB = sawNullDB || !hasDB
				require.Equal(t, cl.Member("core1").Address(), m.Field(0).(map[string]any)["address"])
			}
		}
		require.True(t, sawNullDB, "home database is asked with no db")
	}
}

func TestStubClusterConcurrentSelectsShareOneRoute(t *testing.T) {
	cl := boltstub.NewCluster(t, boltstub.Handshake{}, "core1", "core2")
	cl.SetRoles("neo4j", boltstub.Roles{Routers: []string{"core1"}, Readers: []string{"core1", "core2"}, Writers: []string{"core1"}})
	cl.Member("core1").SetLatency(100 * time.Millisecond)
	r := stubRouter(t, cl.Member("core1").Address(), newClock(), nil)

	const callers = 64
	errs := make(chan error, callers)
	for i := 0; i < callers; i++ {
		go func() { _, _, err := r.Select(bg, "neo4j", "", Read, nil); errs <- err }()
	}
	for i := 0; i < callers; i++ {
		require.NoError(t, <-errs)
	}
	require.Equal(t, 1, cl.Member("core1").Count("ROUTE"))
	require.Equal(t, 1, cl.Member("core1").Stub().Connections())
}
