package native_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// Scenario tests of neo4j:// routing: the native driver against scripted
// clusters (internal/boltstub). Every member answers RETURN queries with its
// own name, so a test sees where each transaction ran.

// scenarioTimeout bounds every scenario on a loaded machine.
const scenarioTimeout = 60 * time.Second

// newScenarioCluster starts members that answer every query with their name.
func newScenarioCluster(t *testing.T, names ...string) *boltstub.Cluster {
	t.Helper()
	c := boltstub.NewCluster(t, boltstub.Handshake{}, names...)
	for _, m := range c.Members() {
		name := m.Name()
		m.OnQuery(func(boltstub.Query) boltstub.Result {
			return boltstub.Result{Fields: []string{"server"}, Records: [][]any{{name}}}
		})
	}
	return c
}

// scenarioDriver opens a routing driver on uri, closed when the test ends.
func scenarioDriver(t *testing.T, uri string, opts ...func(*native.Config)) native.Driver {
	t.Helper()
	d, err := native.NewDriver(uri, native.BasicAuth("neo4j", "pass", ""), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

// scenarioCtx is a bounded context for one scenario.
func scenarioCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
	t.Cleanup(cancel)
	return ctx
}

// whoServes runs a query and returns the member that answered it.
func whoServes(ctx context.Context) func(native.ManagedTransaction) (string, error) {
	return func(tx native.ManagedTransaction) (string, error) {
		res, err := tx.Run(ctx, "RETURN server", nil)
		rec, err := native.Single(ctx, res, err)
		if err != nil {
			return "", err
		}
		return rec.Values[0].(string), nil
	}
}

// read runs one managed read transaction in a new session.
func read(ctx context.Context, t *testing.T, d native.Driver, cfg native.SessionConfig) string {
	t.Helper()
	s := d.NewSession(ctx, cfg)
	defer s.Close(ctx)
	who, err := native.ExecuteRead(ctx, s, whoServes(ctx))
	require.NoError(t, err)
	return who
}

// write runs one managed write transaction in a new session.
func write(ctx context.Context, t *testing.T, d native.Driver, cfg native.SessionConfig) string {
	t.Helper()
	s := d.NewSession(ctx, cfg)
	defer s.Close(ctx)
	who, err := native.ExecuteWrite(ctx, s, whoServes(ctx))
	require.NoError(t, err)
	return who
}

// onNeo4j names the database, so sessions share its table (a session with no
// database resolves its home database with a ROUTE of its own unless the
// server announces ssr.enabled; see TestClusterHomeDatabaseResolutionAndCache).
var onNeo4j = native.SessionConfig{DatabaseName: "neo4j"}

// runCount counts the BEGIN and auto-commit RUN messages a member received
// (transactions sent to it).
func runCount(m *boltstub.Member) int { return m.Count("BEGIN") + m.Count("RUN") }

func TestClusterReadWriteSplit(t *testing.T) {
	c := newScenarioCluster(t, "router", "r1", "r2", "leader")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"router"}, Readers: []string{"r1", "r2"}, Writers: []string{"leader"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("router").Address())

	for range 6 {
		require.Contains(t, []string{"r1", "r2"}, read(ctx, t, d, onNeo4j))
		require.Equal(t, "leader", write(ctx, t, d, onNeo4j))
	}
	// Auto-commit and explicit transactions follow the session's access mode.
	s := d.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j", AccessMode: native.AccessModeRead})
	res, err := s.Run(ctx, "RETURN server", nil)
	rec, err := native.Single(ctx, res, err)
	require.NoError(t, err)
	require.Contains(t, []string{"r1", "r2"}, rec.Values[0])
	require.NoError(t, s.Close(ctx))
	s = d.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j", AccessMode: native.AccessModeWrite})
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err = tx.Run(ctx, "RETURN server", nil)
	rec, err = native.Single(ctx, res, err)
	require.NoError(t, err)
	require.Equal(t, "leader", rec.Values[0])
	require.NoError(t, tx.Commit(ctx))
	require.NoError(t, s.Close(ctx))

	require.Zero(t, runCount(c.Member("router")), "the router serves no transaction")
	require.Equal(t, 1, c.Member("router").Count("ROUTE"), "one table serves every session")
	for _, name := range []string{"r1", "r2"} {
		for _, m := range c.Member(name).Stub().Received() {
			// BEGIN and auto-commit RUN carry the mode; RUN in a transaction has no extra fields.
			if m.Sig == boltstub.SigBegin || m.Sig == boltstub.SigRun && len(m.Extra()) > 0 {
				require.Equal(t, "r", m.Extra()["mode"], "%s got %s", name, m)
			}
		}
	}
}

func TestClusterSpreadRoundRobinAndLeastConnected(t *testing.T) {
	c := newScenarioCluster(t, "a", "b", "c")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"a", "b", "c"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())

	// Idle servers take turns.
	got := map[string]int{}
	for range 9 {
		got[read(ctx, t, d, onNeo4j)]++
	}
	require.Equal(t, map[string]int{"a": 3, "b": 3, "c": 3}, got, "round-robin among idle readers")

	// A reader busy with an open transaction is passed over while others idle.
	busy := d.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j", AccessMode: native.AccessModeRead})
	defer busy.Close(ctx)
	tx, err := busy.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx.Run(ctx, "RETURN server", nil)
	rec, err := native.Single(ctx, res, err)
	require.NoError(t, err)
	held := rec.Values[0].(string)
	got = map[string]int{}
	for range 6 {
		got[read(ctx, t, d, onNeo4j)]++
	}
	require.Zero(t, got[held], "least-connected: %s holds a transaction (%v)", held, got)
	require.Len(t, got, 2, "the two idle readers share the load: %v", got)
	require.NoError(t, tx.Rollback(ctx))
}

func TestClusterTTLExpiryAndRefresh(t *testing.T) {
	c := newScenarioCluster(t, "a", "b", "c")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
	c.SetTTL(1)
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	require.Equal(t, "b", read(ctx, t, d, onNeo4j))
	// The topology changes; the held table is still fresh and still used.
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"c"}, Writers: []string{"a"}})
	require.Equal(t, "b", read(ctx, t, d, onNeo4j))
	require.Equal(t, 1, c.Member("a").Count("ROUTE"))
	time.Sleep(1200 * time.Millisecond)
	require.Equal(t, "c", read(ctx, t, d, onNeo4j), "expired table refreshed")
	require.Equal(t, 2, c.Member("a").Count("ROUTE"))
}

func TestClusterRouterFailover(t *testing.T) {
	c := newScenarioCluster(t, "r1", "r2", "data")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"r1", "r2"}, Readers: []string{"data"}, Writers: []string{"data"}})
	c.SetTTL(1)
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("r1").Address())
	require.Equal(t, "data", read(ctx, t, d, onNeo4j))
	c.Member("r1").SetDown(true)
	time.Sleep(1200 * time.Millisecond)
	require.Equal(t, "data", read(ctx, t, d, onNeo4j))
	require.Equal(t, 1, c.Member("r1").Count("ROUTE"))
	require.Equal(t, 1, c.Member("r2").Count("ROUTE"), "the second router answered")
}

func TestClusterMemberDiesMidTransaction(t *testing.T) {
	c := newScenarioCluster(t, "router", "r1", "r2")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"router"}, Readers: []string{"r1", "r2"}, Writers: []string{"router"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("router").Address())
	s := d.NewSession(ctx, onNeo4j)
	defer s.Close(ctx)
	var attempts []string
	got, err := native.ExecuteRead(ctx, s, func(tx native.ManagedTransaction) (string, error) {
		first, err := whoServes(ctx)(tx)
		if err != nil {
			return "", err
		}
		attempts = append(attempts, first)
		if len(attempts) == 1 {
			c.Member(first).SetDown(true) // dies between two queries
		}
		return whoServes(ctx)(tx)
	})
	require.NoError(t, err)
	require.Len(t, attempts, 2, "retried once")
	require.NotEqual(t, attempts[0], got, "the retry ran on the other reader")
	require.Equal(t, attempts[1], got)
	// The dead member was forgotten: later reads avoid it without trying it.
	dead := attempts[0]
	before := c.Member(dead).Stub().Connections()
	for range 4 {
		require.Equal(t, got, read(ctx, t, d, onNeo4j))
	}
	require.Equal(t, before, c.Member(dead).Stub().Connections(), "no new connection to the forgotten reader")
}

func TestClusterLeaderSwitchDuringExecuteWrite(t *testing.T) {
	c := newScenarioCluster(t, "a", "b", "c")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a", "b", "c"}, Readers: []string{"b", "c"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	require.Equal(t, "a", write(ctx, t, d, onNeo4j))

	// The leader moves to b while the driver still holds a fresh table naming a:
	// a answers NotALeader, the driver forgets it as a writer, refreshes, and
	// retries on b.
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a", "b", "c"}, Readers: []string{"a", "c"}, Writers: []string{"b"}})
	got, tries := countedWrite(ctx, t, d, onNeo4j)
	require.Equal(t, "b", got)
	require.Equal(t, int32(2), tries, "one failed attempt on the old leader")
	routes := 0
	for _, m := range c.Members() {
		routes += m.Count("ROUTE")
	}
	require.Equal(t, 2, routes, "one refresh after NotALeader")
	// a stays a reader.
	seen := map[string]bool{}
	for range 4 {
		seen[read(ctx, t, d, onNeo4j)] = true
	}
	require.Equal(t, map[string]bool{"a": true, "c": true}, seen)
}

// A table without readers is not a valid answer (TestKit
// test_should_fail_on_routing_table_with_no_reader): discovery refuses it, and a
// managed transaction retries until the router lists readers again.
func TestClusterReaderlessTableRefused(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	time.AfterFunc(300*time.Millisecond, func() {
		c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
	})
	require.Equal(t, "a", write(ctx, t, d, onNeo4j))
	require.GreaterOrEqual(t, c.Member("a").Count("ROUTE"), 2, "the reader-less answer was not used")
	require.Equal(t, "b", read(ctx, t, d, onNeo4j))
}

func TestClusterAllRoutersDown(t *testing.T) {
	c := newScenarioCluster(t, "r1", "r2", "data")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"r1", "r2"}, Readers: []string{"data"}, Writers: []string{"data"}})
	c.SetTTL(1)
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("r1").Address(), func(cfg *native.Config) {
		cfg.MaxTransactionRetryTime = 0
	})
	require.Equal(t, "data", read(ctx, t, d, onNeo4j))
	c.Member("r1").SetDown(true)
	c.Member("r2").SetDown(true)
	time.Sleep(1200 * time.Millisecond)

	s := d.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j", AccessMode: native.AccessModeRead})
	defer s.Close(ctx)
	_, err := s.Run(ctx, "RETURN server", nil)
	require.Error(t, err)
	require.True(t, native.IsConnectivityError(err), "%T %v", err, err)
	require.True(t, native.IsRetryable(err))
	msg := err.Error()
	for _, name := range []string{"r1", "r2"} {
		require.Contains(t, msg, c.Member(name).Address(), "the error names every router tried: %s", msg)
	}
	// The failed routers were dropped from the table: the next discovery falls
	// back to the URI's address.
	_, err = native.ExecuteRead(ctx, s, whoServes(ctx))
	require.Error(t, err)
	require.Contains(t, err.Error(), c.Member("r1").Address())

	// Routers come back: the next transaction finds them.
	c.Member("r1").SetDown(false)
	require.Equal(t, "data", read(ctx, t, d, onNeo4j))
}

func TestClusterHomeDatabaseResolutionAndCache(t *testing.T) {
	for _, ssr := range []bool{false, true} {
		t.Run(fmt.Sprintf("ssr=%t", ssr), func(t *testing.T) {
			c := newScenarioCluster(t, "a", "b")
			c.SetRoles("home", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
			c.SetRoles("other", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"a"}, Writers: []string{"b"}})
			c.SetHome("", "home")
			c.SetHome("alice", "other")
			if ssr {
				c.SetHints(boltstub.M{"ssr.enabled": true})
			}
			ctx := scenarioCtx(t)
			d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
			for range 3 {
				require.Equal(t, "b", read(ctx, t, d, native.SessionConfig{}))
				require.Equal(t, "a", write(ctx, t, d, native.SessionConfig{}))
			}
			routes := c.Member("a").Count("ROUTE")
			if ssr {
				require.Equal(t, 1, routes, "the home database is cached across sessions")
			} else {
				require.Equal(t, 6, routes, "without ssr every session resolves its home database")
			}
			// Impersonated users have their own home.
			require.Equal(t, "a", read(ctx, t, d, native.SessionConfig{ImpersonatedUser: "alice"}))
			require.Equal(t, "b", write(ctx, t, d, native.SessionConfig{ImpersonatedUser: "alice"}))
			// Transactions name the resolved database.
			for _, m := range c.Member("b").Stub().Received() {
				if m.Sig == boltstub.SigBegin {
					require.Contains(t, []string{"home", "other"}, m.Extra()["db"], "%s", m)
				}
			}
			// A session pins its home for its lifetime.
			s := d.NewSession(ctx, native.SessionConfig{})
			defer s.Close(ctx)
			_, err := native.ExecuteRead(ctx, s, whoServes(ctx))
			require.NoError(t, err)
			c.SetHome("", "other")
			got, err := native.ExecuteRead(ctx, s, whoServes(ctx))
			require.NoError(t, err)
			require.Equal(t, "b", got, "pinned home database")
		})
	}
}

func TestClusterAddressResolver(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a", "b"}, Readers: []string{"b"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	var mu sync.Mutex
	var asked []string
	d := scenarioDriver(t, "neo4j://cluster.invalid:7687?region=eu", func(cfg *native.Config) {
		cfg.AddressResolver = func(address string) []string {
			mu.Lock()
			asked = append(asked, address)
			mu.Unlock()
			return []string{"127.0.0.1:1", c.Member("b").Address()} // first seed dead
		}
	})
	require.Equal(t, "b", read(ctx, t, d, onNeo4j))
	require.Equal(t, "a", write(ctx, t, d, onNeo4j))
	mu.Lock()
	require.NotEmpty(t, asked)
	require.Equal(t, "cluster.invalid:7687", asked[0])
	mu.Unlock()
	route := c.Member("b").Stub().Received()
	i := slices.IndexFunc(route, func(m boltstub.Message) bool { return m.Sig == boltstub.SigRoute })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, map[string]any{"address": "cluster.invalid:7687", "region": "eu"}, route[i].Field(0),
		"the routing context names the URI's address, not the resolved one")
}

func TestClusterRoutingContextInHelloAndRoute(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	addr := c.Member("a").Address()
	d := scenarioDriver(t, "neo4j://"+addr+"?region=eu&policy=fast")
	require.Equal(t, "b", read(ctx, t, d, onNeo4j))
	require.Equal(t, "a", write(ctx, t, d, onNeo4j))
	want := map[string]any{"address": addr, "region": "eu", "policy": "fast"}
	var hellos, routes int
	for _, name := range []string{"a", "b"} {
		for _, m := range c.Member(name).Stub().Received() {
			switch m.Sig {
			case boltstub.SigHello:
				hellos++
				require.Equal(t, want, m.Extra()["routing"], "HELLO to %s", name)
			case boltstub.SigRoute:
				routes++
				require.Equal(t, want, m.Field(0), "ROUTE to %s", name)
			}
		}
	}
	require.Equal(t, 2, hellos)
	require.Equal(t, 1, routes)
}

// The routing error of a driver with an unreachable seed names the address.
func TestClusterUnreachableSeed(t *testing.T) {
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://127.0.0.1:1")
	err := d.VerifyConnectivity(ctx)
	require.Error(t, err)
	require.True(t, native.IsConnectivityError(err), "%T %v", err, err)
	require.True(t, strings.Contains(err.Error(), "127.0.0.1:1"), err.Error())
}

// A database the cluster does not have: the first router's answer is final
// (no other router asked, none dropped), and the error is the server's.
func TestClusterDatabaseNotFoundStopsDiscovery(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a", "b"}, Readers: []string{"b"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	require.Equal(t, "b", read(ctx, t, d, onNeo4j))
	routes := func() int { return c.Member("a").Count("ROUTE") + c.Member("b").Count("ROUTE") }
	require.Equal(t, 1, routes())

	s := d.NewSession(ctx, native.SessionConfig{DatabaseName: "missing"})
	defer s.Close(ctx)
	_, err := native.ExecuteRead(ctx, s, whoServes(ctx))
	var ne *native.Neo4jError
	require.ErrorAs(t, err, &ne)
	require.Equal(t, "Neo.ClientError.Database.DatabaseNotFound", ne.Code)
	require.False(t, native.IsRetryable(err))
	require.Equal(t, 2, routes(), "one router asked")
	// The routers of neo4j were not dropped: its table is still fresh.
	require.Equal(t, "a", write(ctx, t, d, onNeo4j))
	require.Equal(t, 2, routes())
}

// A router that answers ROUTE with a transient failure is skipped for the next.
func TestClusterRouterFailsRouteTransiently(t *testing.T) {
	c := newScenarioCluster(t, "r1", "r2", "data")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"r1", "r2"}, Readers: []string{"data"}, Writers: []string{"data"}})
	c.SetTTL(1)
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("r1").Address())
	require.Equal(t, "data", read(ctx, t, d, onNeo4j))
	c.Member("r1").FailRoute("Neo.TransientError.General.DatabaseUnavailable", "catching up")
	time.Sleep(1200 * time.Millisecond)
	require.Equal(t, "data", read(ctx, t, d, onNeo4j))
	require.Equal(t, 2, c.Member("r1").Count("ROUTE"))
	require.Equal(t, 1, c.Member("r2").Count("ROUTE"))
}

// The leader dies in the middle of ExecuteWrite; the cluster elects another
// one a little later. The work is retried until the new leader takes it.
func TestClusterLeaderDiesDuringExecuteWrite(t *testing.T) {
	c := newScenarioCluster(t, "a", "b", "c")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a", "b", "c"}, Readers: []string{"b", "c"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	s := d.NewSession(ctx, onNeo4j)
	defer s.Close(ctx)
	var attempts []string
	got, err := native.ExecuteWrite(ctx, s, func(tx native.ManagedTransaction) (string, error) {
		who, err := whoServes(ctx)(tx)
		if err != nil {
			attempts = append(attempts, "failed: "+err.Error())
			return "", err
		}
		attempts = append(attempts, who)
		if who == "a" {
			c.Member("a").SetDown(true)
			time.AfterFunc(500*time.Millisecond, func() {
				c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"b", "c"}, Readers: []string{"c"}, Writers: []string{"b"}})
			})
			return whoServes(ctx)(tx) // the connection is gone
		}
		return who, nil
	})
	require.NoError(t, err, "attempts: %v", attempts)
	require.Equal(t, "b", got)
	require.Equal(t, "a", attempts[0])
}

// A reader listed in the table that cannot be reached is skipped (and
// forgotten) in favour of the next candidate, within the same transaction
// start.
func TestClusterUnreachableReaderSkipped(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"127.0.0.1:1", "b"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address(), func(cfg *native.Config) {
		cfg.MaxTransactionRetryTime = 0 // no retry: the first attempt must succeed
	})
	for range 4 {
		require.Equal(t, "b", read(ctx, t, d, onNeo4j))
	}
	require.Equal(t, 1, c.Member("a").Count("ROUTE"))
}

// Waiting too long for a pooled connection says the server is busy, not
// gone: it must stay in the routing table.
func TestClusterPoolTimeoutKeepsServerInTable(t *testing.T) {
	c := newScenarioCluster(t, "a", "b", "c")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b", "c"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address(), func(cfg *native.Config) {
		cfg.MaxConnectionPoolSize = 1
		cfg.ConnectionAcquisitionTimeout = time.Second // also bounds dialling the readers
		cfg.MaxTransactionRetryTime = 0
	})
	// Hold the only connection to each reader.
	var held []native.ExplicitTransaction
	for range 2 {
		s := d.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j", AccessMode: native.AccessModeRead})
		defer s.Close(ctx)
		tx, err := s.BeginTransaction(ctx)
		require.NoError(t, err)
		res, err := tx.Run(ctx, "RETURN server", nil)
		_, err = native.Single(ctx, res, err)
		require.NoError(t, err)
		held = append(held, tx)
	}
	s := d.NewSession(ctx, onNeo4j)
	defer s.Close(ctx)
	_, err := native.ExecuteRead(ctx, s, whoServes(ctx))
	require.ErrorIs(t, err, native.ErrPoolAcquisitionTimeout)
	for _, tx := range held {
		require.NoError(t, tx.Rollback(ctx))
	}
	routes := c.Member("a").Count("ROUTE")
	got := map[string]bool{}
	for range 4 {
		got[read(ctx, t, d, onNeo4j)] = true
	}
	require.Equal(t, map[string]bool{"b": true, "c": true}, got)
	require.Equal(t, routes, c.Member("a").Count("ROUTE"), "the table kept both readers: no refresh")
}

// A member that leaves the cluster (absent from the refreshed table) keeps no
// idle connection open.
func TestClusterRemovedMemberIdleConnectionsClosed(t *testing.T) {
	c := newScenarioCluster(t, "a", "b", "c")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b", "c"}, Writers: []string{"a"}})
	c.SetTTL(1)
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	for range 4 {
		read(ctx, t, d, onNeo4j)
	}
	idle := func(name string) int {
		for _, p := range d.Stats() {
			if p.Address == c.Member(name).Address() {
				return p.Idle
			}
		}
		return 0
	}
	require.Equal(t, 1, idle("c"))
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
	time.Sleep(1200 * time.Millisecond)
	require.Equal(t, "b", read(ctx, t, d, onNeo4j))
	require.Zero(t, idle("c"), "the pool of the removed member was emptied")
	require.Equal(t, 1, idle("b"))
}

// ROUTE carries the bookmarks the transaction will wait for, including those
// of the session's BookmarkManager, so a router that lags behind (e.g. right
// after CREATE DATABASE) catches up before answering.
func TestClusterRouteCarriesBookmarkManagerBookmarks(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
	c.SetRoles("other", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	bm := native.NewBookmarkManager(native.BookmarkManagerConfig{})
	require.Equal(t, "a", write(ctx, t, d, native.SessionConfig{DatabaseName: "neo4j", BookmarkManager: bm}))
	want, err := bm.GetBookmarks(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, want)
	require.Equal(t, "b", read(ctx, t, d, native.SessionConfig{DatabaseName: "other", BookmarkManager: bm}))
	var got []any
	for _, m := range c.Member("a").Stub().Received() {
		if m.Sig == boltstub.SigRoute && m.Extra()["db"] == "other" {
			got, _ = m.Field(1).([]any)
		}
	}
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i], got[i])
	}
}

// ExecuteQuery and VerifyConnectivity over neo4j://.
func TestClusterExecuteQueryAndVerifyConnectivity(t *testing.T) {
	c := newScenarioCluster(t, "router", "r1", "leader")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"router"}, Readers: []string{"r1"}, Writers: []string{"leader"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("router").Address())
	require.NoError(t, d.VerifyConnectivity(ctx))
	res, err := native.ExecuteQuery(ctx, d, "RETURN server", nil, native.EagerResultTransformer)
	require.NoError(t, err)
	require.Equal(t, "leader", res.Records[0].Values[0])
	res, err = native.ExecuteQuery(ctx, d, "RETURN server", nil, native.EagerResultTransformer,
		native.ExecuteQueryWithReadersRouting(), native.ExecuteQueryWithDatabase("neo4j"))
	require.NoError(t, err)
	require.Equal(t, "r1", res.Records[0].Values[0])
	require.Zero(t, runCount(c.Member("router")))
}

// A session with its own credentials fetches its routing table as that user
// (ROUTE on a connection authenticated with the session's token).
func TestClusterSessionAuthRoutesAsTheSessionUser(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"b"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	tok := native.BasicAuth("alice", "secret", "")
	require.Equal(t, "b", read(ctx, t, d, native.SessionConfig{Auth: &tok}))
	principal := map[int]any{} // by connection: the latest LOGON's principal
	var routedAs []any
	for _, m := range c.Member("a").Stub().Received() {
		switch m.Sig {
		case boltstub.SigLogon:
			principal[m.Conn] = m.Field(0).(map[string]any)["principal"]
		case boltstub.SigRoute:
			routedAs = append(routedAs, principal[m.Conn])
		}
	}
	require.Equal(t, []any{"alice"}, routedAs)
	var readAs []any
	for _, m := range c.Member("b").Stub().Received() {
		switch m.Sig {
		case boltstub.SigLogon:
			principal[-1-m.Conn] = m.Field(0).(map[string]any)["principal"]
		case boltstub.SigBegin:
			readAs = append(readAs, principal[-1-m.Conn])
		}
	}
	require.Equal(t, []any{"alice"}, readAs)
}

// When every reader fails, the error names each one and why.
func TestClusterAllReadersUnreachableErrorListsThem(t *testing.T) {
	c := newScenarioCluster(t, "a")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"127.0.0.1:1", "127.0.0.1:2"}, Writers: []string{"a"}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address())
	s := d.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j", AccessMode: native.AccessModeRead})
	defer s.Close(ctx)
	_, err := s.Run(ctx, "RETURN 1", nil)
	require.True(t, native.IsConnectivityError(err), "%v", err)
	require.True(t, native.IsRetryable(err))
	for _, want := range []string{`no reader of database "neo4j"`, "127.0.0.1:1", "127.0.0.1:2"} {
		require.Contains(t, err.Error(), want)
	}
}
