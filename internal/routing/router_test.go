package routing

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

var bg = context.Background()

func TestNewValidatesConfig(t *testing.T) {
	fetch := func(context.Context, string, Request) (Table, error) { return Table{}, nil }
	_, err := New(Config{InitialAddress: "a:1"})
	require.ErrorIs(t, err, ErrInvalidConfig)
	require.ErrorContains(t, err, "Fetch")
	_, err = New(Config{Fetch: fetch})
	require.ErrorIs(t, err, ErrInvalidConfig)
	require.ErrorContains(t, err, "InitialAddress")
	_, err = New(Config{Fetch: fetch, InitialAddress: "a:1", PurgeAfter: -time.Second})
	require.ErrorContains(t, err, "PurgeAfter")
}

func TestSelectFetchesFromSeedThenUsesCache(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("r1:1", "r2:1"), l("rd1:1"), l("w1:1")))
	r := newTestRouter(t, n, c, func(cfg *Config) { cfg.RoutingContext = map[string]string{"region": "eu"} })

	addr, db, err := r.Select(bg, "neo4j", "bob", Write, []string{"bm1"})
	require.NoError(t, err)
	require.Equal(t, "w1:1", addr)
	require.Equal(t, "neo4j", db)
	require.Equal(t, Request{
		Database: "neo4j", ImpersonatedUser: "bob", Bookmarks: []string{"bm1"},
		RoutingContext: map[string]string{"region": "eu", "address": "seed:7687"},
	}, n.lastReq())

	addr, _, err = r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "rd1:1", addr)
	require.Equal(t, 1, n.count(), "a fresh table must not be fetched again")

	tb, ok := r.Table("neo4j")
	require.True(t, ok)
	require.Equal(t, l("r1:1", "r2:1"), tb.Routers)
	require.Equal(t, c.Now().Add(5*time.Minute), tb.Expires)
}

func TestExpiredTableIsRefetchedFromKnownRouter(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("r1:1"), l("a:1"), l("w:1")))
	n.answer("r1:1", table("neo4j", l("r1:1"), l("b:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)

	addr, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "a:1", addr)

	c.Advance(5*time.Minute - time.Nanosecond)
	addr, _, _ = r.Select(bg, "neo4j", "", Read, nil)
	require.Equal(t, "a:1", addr, "still fresh one nanosecond before the TTL")

	c.Advance(time.Nanosecond)
	addr, _, err = r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "b:1", addr)
	require.Equal(t, l("seed:7687", "r1:1"), n.addrs())
}

func TestEmptyRoleListTriggersRefresh(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("r1:1"), l("a:1"), nil))
	r := newTestRouter(t, n, c, nil)

	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)

	// No writer in the fresh table: a write refreshes, and when the new table
	// still has none the error says so.
	n.answer("r1:1", table("neo4j", l("r1:1"), l("a:1"), nil))
	_, _, err = r.Select(bg, "neo4j", "", Write, nil)
	require.ErrorIs(t, err, ErrNoServers)
	require.ErrorContains(t, err, `no write server for database "neo4j"`)
	require.Equal(t, l("seed:7687", "r1:1"), n.addrs())

	// Leader elected: the next write refreshes again and finds it.
	n.answer("r1:1", table("neo4j", l("r1:1"), l("a:1"), l("w:1")))
	addr, _, err := r.Select(bg, "neo4j", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, "w:1", addr)

	// Readers forgotten one by one: the last removal makes the next read refresh.
	r.Forget("a:1")
	n.answer("r1:1", table("neo4j", l("r1:1"), l("c:1"), l("w:1")))
	addr, _, err = r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "c:1", addr)
	require.Equal(t, 4, n.count())
}

func TestRouterFailoverDropsFailedRouter(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("r1:1", "r2:1"), l("a:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)

	n.fail("r1:1", errRefused)
	n.answer("r2:1", table("neo4j", l("r2:1"), l("b:1"), l("w:1")))
	c.Advance(time.Hour)
	addr, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "b:1", addr)
	require.Equal(t, l("seed:7687", "r1:1", "r2:1"), n.addrs())
	tb, _ := r.Table("neo4j")
	require.Equal(t, l("r2:1"), tb.Routers)
}

func TestAllRoutersDownListsEveryAttempt(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("r1:1", "r2:1"), l("a:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)

	timeout := errors.New("i/o timeout")
	n.fail("r1:1", errRefused)
	n.fail("r2:1", timeout)
	n.fail("seed:7687", errors.New("no route to host"))
	c.Advance(time.Hour)
	_, _, err = r.Select(bg, "neo4j", "", Read, nil)
	require.ErrorIs(t, err, ErrNoRouters)
	require.ErrorIs(t, err, errRefused)
	require.ErrorIs(t, err, timeout)
	var de *DiscoveryError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "neo4j", de.Database)
	require.Len(t, de.Attempts, 3)
	require.Equal(t, `routing: no router could provide a routing table for database "neo4j"; tried `+
		`r1:1 (connection refused), r2:1 (i/o timeout), seed:7687 (no route to host)`, err.Error())
}

func TestResolverExpandsInitialAddress(t *testing.T) {
	n, c := newFakeNet(), newClock()
	var asked []string
	n.answer("m2:7687", table("neo4j", l("m2:7687"), l("m2:7687"), l("m2:7687")))
	r := newTestRouter(t, n, c, func(cfg *Config) {
		cfg.InitialAddress = "cluster.example:7687"
		cfg.Resolver = func(a string) []string { asked = append(asked, a); return l("m1:7687", "m2:7687") }
	})
	addr, _, err := r.Select(bg, "neo4j", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, "m2:7687", addr)
	require.Equal(t, l("cluster.example:7687"), asked)
	require.Equal(t, l("m1:7687", "m2:7687"), n.addrs(), "the unresolved name itself is not tried")
	require.Equal(t, "cluster.example:7687", n.lastReq().RoutingContext["address"])

	// When every known router is gone, the resolver is asked again.
	n.fail("m2:7687", errRefused)
	n.answer("m1:7687", table("neo4j", l("m1:7687"), l("m1:7687"), l("m1:7687")))
	c.Advance(time.Hour)
	addr, _, err = r.Select(bg, "neo4j", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, "m1:7687", addr)
	require.Equal(t, l("m1:7687", "m2:7687", "m2:7687", "m1:7687"), n.addrs())
	require.Len(t, asked, 2)
}

func TestEmptyResolverAnswerMeansInitialAddress(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("seed:7687"), l("seed:7687"), l("seed:7687")))
	r := newTestRouter(t, n, c, func(cfg *Config) { cfg.Resolver = func(string) []string { return nil } })
	_, _, err := r.Select(bg, "neo4j", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, l("seed:7687"), n.addrs())
}

func TestFatalErrorStopsDiscovery(t *testing.T) {
	n, c := newFakeNet(), newClock()
	notFound := &bolt.ServerError{Code: "Neo.ClientError.Database.DatabaseNotFound", Message: "no such db",
		Classification: bolt.ClientError, Category: "Database", Title: "DatabaseNotFound"}
	n.fail("m1:1", notFound)
	n.answer("m2:1", table("nope", l("m2:1"), l("m2:1"), l("m2:1")))
	r := newTestRouter(t, n, c, func(cfg *Config) { cfg.Resolver = func(string) []string { return l("m1:1", "m2:1") } })
	_, _, err := r.Select(bg, "nope", "", Read, nil)
	var se *bolt.ServerError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "DatabaseNotFound", se.Title)
	require.NotErrorIs(t, err, ErrNoRouters)
	require.ErrorContains(t, err, `router m1:1 refused the table for database "nope"`)
	require.Equal(t, l("m1:1"), n.addrs())
}

func TestTableWithoutRoutersIsAFailedAttempt(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", nil, l("a:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.ErrorIs(t, err, ErrNoRouters)
	require.ErrorContains(t, err, "seed:7687 (router seed:7687 answered a table without routers")
}

func TestHomeDatabaseResolution(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.handle("seed:7687", func(_ context.Context, req Request) (Table, error) {
		db := req.Database
		if db == "" {
			db = "home-of-" + req.ImpersonatedUser
		}
		return table(db, l("seed:7687"), l("a:1"), l("w:1")), nil
	})
	r := newTestRouter(t, n, c, nil)

	_, db, err := r.Select(bg, "", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "home-of-", db)
	require.Equal(t, "", n.lastReq().Database)
	_, db, err = r.Select(bg, "", "alice", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "home-of-alice", db)
	require.Equal(t, "alice", n.lastReq().ImpersonatedUser)

	// Without ssr.enabled every home-database selection asks again.
	_, _, err = r.Select(bg, "", "alice", Read, nil)
	require.NoError(t, err)
	require.Equal(t, 3, n.count())
	_, ok := r.HomeDatabase("alice")
	require.False(t, ok)
	// The resolved name is a normal table, used without a fetch.
	_, _, err = r.Select(bg, "home-of-alice", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, 3, n.count())
}

func TestHomeDatabaseCachedWithSSR(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.handle("seed:7687", func(_ context.Context, req Request) (Table, error) {
		db := req.Database
		if db == "" {
			db = "home-of-" + req.ImpersonatedUser
		}
		tb := table(db, l("seed:7687"), l("a:1"), l("w:1"))
		tb.SSR = true
		return tb, nil
	})
	r := newTestRouter(t, n, c, nil)

	for i := 0; i < 3; i++ {
		_, db, err := r.Select(bg, "", "alice", Write, nil)
		require.NoError(t, err)
		require.Equal(t, "home-of-alice", db)
	}
	require.Equal(t, 1, n.count(), "the resolution is cached across selections")
	home, ok := r.HomeDatabase("alice")
	require.True(t, ok)
	require.Equal(t, "home-of-alice", home)

	// Per user: bob has his own resolution.
	_, db, err := r.Select(bg, "", "bob", Write, nil)
	require.NoError(t, err)
	require.Equal(t, "home-of-bob", db)
	require.Equal(t, 2, n.count())

	// The cache lives as long as the table: after the TTL, ROUTE with no db again.
	c.Advance(5 * time.Minute)
	_, db, err = r.Select(bg, "", "alice", Write, nil)
	require.NoError(t, err)
	require.Equal(t, "home-of-alice", db)
	require.Equal(t, 3, n.count())
	require.Equal(t, "", n.lastReq().Database)
}

func TestLeastConnectedThenRoundRobin(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("seed:7687"), l("a:1", "b:1", "c:1"), l("w:1")))
	var mu sync.Mutex
	inUse := map[string]int{}
	r := newTestRouter(t, n, c, func(cfg *Config) {
		cfg.InUse = func(a string) int { mu.Lock(); defer mu.Unlock(); return inUse[a] }
	})
	pick := func() string {
		addr, _, err := r.Select(bg, "neo4j", "", Read, nil)
		require.NoError(t, err)
		return addr
	}
	require.Equal(t, l("a:1", "b:1", "c:1", "a:1", "b:1"), l(pick(), pick(), pick(), pick(), pick()))

	mu.Lock()
	inUse["a:1"], inUse["b:1"], inUse["c:1"] = 3, 1, 2
	mu.Unlock()
	require.Equal(t, l("b:1", "b:1"), l(pick(), pick()))

	mu.Lock()
	inUse["a:1"] = 1
	mu.Unlock()
	got := map[string]int{}
	for i := 0; i < 4; i++ {
		got[pick()]++
	}
	require.Equal(t, map[string]int{"a:1": 2, "b:1": 2}, got, "ties share the load")

	list, _, err := r.Candidates(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)
	require.Len(t, list, 3)
	require.Equal(t, "c:1", list[2], "the busiest server comes last")
}

func TestForgetAndForgetWriter(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.handle("seed:7687", func(_ context.Context, req Request) (Table, error) {
		return table(req.Database, l("x:1", "y:1"), l("x:1", "y:1"), l("x:1")), nil
	})
	var removed []string
	r := newTestRouter(t, n, c, func(cfg *Config) { cfg.OnRemove = func(a string) { removed = append(removed, a) } })
	for _, db := range l("one", "two") {
		_, _, err := r.Select(bg, db, "", Write, nil)
		require.NoError(t, err)
	}

	r.ForgetWriter("one", "x:1")
	one, _ := r.Table("one")
	two, _ := r.Table("two")
	require.Empty(t, one.Writers)
	require.Equal(t, l("x:1", "y:1"), one.Readers, "a demoted writer stays a reader")
	require.Equal(t, l("x:1"), two.Writers, "other databases keep their writer")
	require.Empty(t, removed)

	r.Forget("y:1")
	require.Equal(t, l("y:1"), removed)
	for _, db := range l("one", "two") {
		tb, _ := r.Table(db)
		require.Equal(t, l("x:1"), tb.Routers)
		require.Equal(t, l("x:1"), tb.Readers)
	}
	require.Equal(t, l("x:1"), r.Servers())
	require.Equal(t, l("one", "two"), r.Databases())
}

func TestPurgeDropsUnusedTables(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.handle("seed:7687", func(_ context.Context, req Request) (Table, error) {
		return table(req.Database, l("seed:7687"), l("a:1"), l("w:1")), nil
	})
	r := newTestRouter(t, n, c, func(cfg *Config) { cfg.PurgeAfter = time.Minute })
	_, _, err := r.Select(bg, "old", "", Read, nil)
	require.NoError(t, err)

	c.Advance(5*time.Minute + time.Minute)
	r.Purge()
	require.Equal(t, l("old"), r.Databases(), "kept until PurgeAfter has passed since expiry")

	c.Advance(time.Nanosecond)
	_, _, err = r.Select(bg, "new", "", Read, nil) // a completed fetch purges too
	require.NoError(t, err)
	require.Equal(t, l("new"), r.Databases())
}

func TestForceRefresh(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("seed:7687"), l("a:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.NoError(t, err)
	n.answer("seed:7687", table("neo4j", l("seed:7687"), l("b:1"), l("w:1")))
	tb, err := r.ForceRefresh(bg, "neo4j")
	require.NoError(t, err)
	require.Equal(t, l("b:1"), tb.Readers)
	require.Equal(t, 2, n.count())

	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, err = r.ForceRefresh(ctx, "neo4j")
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = r.Select(ctx, "neo4j", "", Read, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 2, n.count())
}

func TestAccessModeString(t *testing.T) {
	require.Equal(t, "read", Read.String())
	require.Equal(t, "write", Write.String())
	require.True(t, strings.Contains(table("x", nil, nil, nil).String(), `db="x"`))
}

func TestHomeDatabasePerSessionAuth(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.handle("seed:7687", func(_ context.Context, req Request) (Table, error) {
		db := req.Database
		if db == "" {
			db = "home-of-" + req.Auth.(string)
		}
		tb := table(db, l("seed:7687"), l("a:1"), l("w:1"))
		tb.SSR = true
		return tb, nil
	})
	r := newTestRouter(t, n, c, nil)
	for i := 0; i < 2; i++ {
		for _, user := range l("ann", "ben") {
			_, db, err := r.Lookup(bg, Query{Mode: Read, AuthKey: "basic/" + user, Auth: user})
			require.NoError(t, err)
			require.Equal(t, "home-of-"+user, db)
		}
	}
	require.Equal(t, 2, n.count(), "one resolution per session user, then the cache")
	_, ok := r.HomeDatabase("")
	require.False(t, ok, "the driver user's home database was never resolved")
}

// A server before Bolt 4.4 does not name the default database: its table is kept
// under "" and used until it expires, not fetched for every query.
func TestUnnamedDefaultDatabaseTableIsCached(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("", l("r1:1"), l("rd1:1", "rd2:1"), l("w1:1")))
	n.answer("r1:1", table("", l("r1:1"), l("rd1:1", "rd2:1"), l("w1:1")))
	r := newTestRouter(t, n, c, nil)
	addr, db, err := r.Select(bg, "", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "rd1:1", addr)
	require.Equal(t, "", db)
	addr, _, err = r.Select(bg, "", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "rd2:1", addr, "round robin over the cached table")
	_, _, err = r.Select(bg, "", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, 1, n.count(), "a fresh unnamed table must not be fetched again")
	tb, ok := r.Table("")
	require.True(t, ok)
	require.Equal(t, l("w1:1"), tb.Writers)
	r.ForgetWriter("", "w1:1")
	_, _, err = r.Select(bg, "", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, 2, n.count(), "no writer left: fetched again")
	require.Equal(t, l("seed:7687", "r1:1"), n.addrs(), "from the router the table named")
}

// A table the server did not name (Bolt before 4.4, default database) is refreshed
// from the routers it lists, like a named one, not from the initial address (D29).
func TestUnnamedDefaultTableRefreshedFromItsRouters(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("", l("r2:1"), l("a:1"), l("w:1")))
	n.answer("r2:1", table("", l("r2:1"), l("b:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	addr, _, err := r.Select(bg, "", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "a:1", addr)
	r.Forget("a:1")
	addr, _, err = r.Select(bg, "", "", Read, nil)
	require.NoError(t, err)
	require.Equal(t, "b:1", addr)
	require.Equal(t, l("seed:7687", "r2:1"), n.addrs(), "the second fetch goes to the table's router")
}
