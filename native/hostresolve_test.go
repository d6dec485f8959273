package native_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/internal/testhooks"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// hostLog records the hosts a Config.HostResolver was asked for.
type hostLog struct {
	mu    sync.Mutex
	hosts []string
}

func (l *hostLog) add(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hosts = append(l.hosts, host)
}

func (l *hostLog) asked() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.hosts...)
}

// Config.HostResolver resolves the host of each address AddressResolver
// returned, for every new connection, IP literals included; the addresses it
// returns are dialled in order (127.0.0.2 refuses: nothing listens there)
// with the original port.
func TestHostResolverAfterAddressResolver(t *testing.T) {
	a, ctx, _ := oneMemberCluster(t)
	_, port, err := net.SplitHostPort(a.Address())
	require.NoError(t, err)
	var log hostLog
	d := scenarioDriver(t, "neo4j://seed.invalid:"+port, func(c *native.Config) {
		c.AddressResolver = func(string) []string { return []string{"router.invalid:" + port} }
		c.HostResolver = func(_ context.Context, host string) ([]string, error) {
			log.add(host)
			if host == "router.invalid" {
				return []string{"127.0.0.2", "127.0.0.1"}, nil
			}
			return []string{host}, nil
		}
	})
	require.Equal(t, "a", read(ctx, t, d, onNeo4j))
	require.NotEmpty(t, log.asked())
	require.Equal(t, "router.invalid", log.asked()[0], "AddressResolver's answer is resolved, not the URI's host")
	for _, h := range log.asked()[1:] {
		require.Equal(t, "127.0.0.1", h, "the table names the member by IP: it is passed as it is")
	}
}

// A HostResolver error or empty answer fails the connection with a
// ConnectivityError naming the host and wrapping the resolver's error.
func TestHostResolverFailures(t *testing.T) {
	boom := errors.New("no such zone")
	for name, answer := range map[string]func() ([]string, error){
		"error": func() ([]string, error) { return nil, boom },
		"empty": func() ([]string, error) { return nil, nil },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := scenarioCtx(t)
			d := scenarioDriver(t, "bolt://db.invalid:7687", func(c *native.Config) {
				c.HostResolver = func(context.Context, string) ([]string, error) { return answer() }
			})
			err := d.VerifyConnectivity(ctx)
			require.Error(t, err)
			require.True(t, native.IsConnectivityError(err), "%v", err)
			require.ErrorContains(t, err, `"db.invalid"`)
			if name == "error" {
				require.ErrorIs(t, err, boom)
			}
		})
	}
}

// A router restarted while the driver's connection to it sat idle: the next
// ROUTE meets the dead connection and is asked again on a new one (resolved
// anew, so a router whose IP address changed is found), instead of counting
// the router as failed, which would leave no router to ask: the table names
// only the seed address (TestKit
// test_should_successfully_acquire_rt_when_router_ip_changes).
func TestRouteRetriedAfterIdleConnectionDied(t *testing.T) {
	a, ctx, _ := oneMemberCluster(t)
	var log hostLog
	d := scenarioDriver(t, "neo4j://"+a.Address(), func(c *native.Config) {
		c.HostResolver = func(_ context.Context, host string) ([]string, error) {
			log.add(host)
			return []string{"127.0.0.1"}, nil
		}
	})
	require.NoError(t, testhooks.ForceRoutingTableUpdate(ctx, d, "neo4j", nil))
	a.SetDown(true) // drops the idle connection
	a.SetDown(false)
	require.NoError(t, testhooks.ForceRoutingTableUpdate(ctx, d, "neo4j", nil))
	require.Equal(t, 2, a.Count("ROUTE"))
	require.Equal(t, []string{"127.0.0.1", "127.0.0.1"}, log.asked(), "one lookup per new connection")
}

// twoAddressRouter is a router host name, router.invalid, that
// Config.HostResolver resolves to 127.0.0.1 and 127.0.0.2 (in that order),
// played by member a on the first and member b on the second (same port).
// Both serve the table of "neo4j", which names router.invalid as its router
// and b as reader and writer.
func twoAddressRouter(t *testing.T) (c *boltstub.Cluster, port string, log *hostLog, resolve func(context.Context, string) ([]string, error)) {
	t.Helper()
	c = newScenarioCluster(t, "a")
	_, port, err := net.SplitHostPort(c.Member("a").Address())
	require.NoError(t, err)
	c.AddMember("b", "127.0.0.2:"+port).OnQuery(func(boltstub.Query) boltstub.Result {
		return boltstub.Result{Fields: []string{"server"}, Records: [][]any{{"b"}}}
	})
	router := "router.invalid:" + port
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{router}, Readers: []string{"b"}, Writers: []string{"b"}})
	log = &hostLog{}
	resolve = func(_ context.Context, host string) ([]string, error) {
		log.add(host)
		if host == "router.invalid" {
			return []string{"127.0.0.1", "127.0.0.2"}, nil
		}
		return []string{host}, nil
	}
	return c, port, log, resolve
}

// A router host that Config.HostResolver resolves to several addresses is
// asked at each in turn: the first accepts the connection but fails ROUTE, the
// second serves the table. This holds for the URI's host and for a host
// AddressResolver answered; the host is resolved once for the fetch.
func TestRouteTriesEveryAddressOfTheRouterHost(t *testing.T) {
	for name, seed := range map[string]func(port string) (string, func(string) []string){
		"URI host": func(port string) (string, func(string) []string) {
			return "neo4j://router.invalid:" + port, nil
		},
		"AddressResolver answer": func(port string) (string, func(string) []string) {
			return "neo4j://seed.invalid:" + port, func(string) []string { return []string{"router.invalid:" + port} }
		},
	} {
		t.Run(name, func(t *testing.T) {
			c, port, log, resolve := twoAddressRouter(t)
			a, b := c.Member("a"), c.Member("b")
			a.FailRoute("Neo.DatabaseError.General.UnknownError", "router a is broken")
			uri, addresses := seed(port)
			ctx := scenarioCtx(t)
			d := scenarioDriver(t, uri, func(c *native.Config) {
				c.AddressResolver = addresses
				c.HostResolver = resolve
			})
			require.NoError(t, testhooks.ForceRoutingTableUpdate(ctx, d, "neo4j", nil))
			require.Equal(t, 1, a.Count("ROUTE"), "the first address was asked")
			require.Equal(t, 1, b.Count("ROUTE"), "the second address was asked after the first failed")
			require.Equal(t, []string{"router.invalid"}, log.asked(), "one lookup for the fetch")
			require.Equal(t, "b", read(ctx, t, d, onNeo4j))
		})
	}
}

// A ROUTE over a pooled connection that fails is asked again at the host's
// other addresses (resolved anew), not at the one that failed.
func TestRouteOverPooledConnectionTriesOtherAddresses(t *testing.T) {
	c, port, log, resolve := twoAddressRouter(t)
	a, b := c.Member("a"), c.Member("b")
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://router.invalid:"+port, func(c *native.Config) { c.HostResolver = resolve })
	require.NoError(t, testhooks.ForceRoutingTableUpdate(ctx, d, "neo4j", nil))
	require.Equal(t, 1, a.Count("ROUTE"))
	a.FailRoute("Neo.DatabaseError.General.UnknownError", "router a is broken")
	require.NoError(t, testhooks.ForceRoutingTableUpdate(ctx, d, "neo4j", nil))
	require.Equal(t, 2, a.Count("ROUTE"), "the pooled connection to the first address was asked")
	require.Equal(t, 1, b.Count("ROUTE"), "then the second address")
	require.Equal(t, 1, a.Stub().Connections(), "the first address was not dialled again")
	require.Equal(t, []string{"router.invalid", "router.invalid"}, log.asked())
}

// When every address of the router host fails ROUTE, the fetch fails with an
// error naming the host and wrapping each address's failure.
func TestRouteFailsAtEveryAddressOfTheRouterHost(t *testing.T) {
	c, port, _, resolve := twoAddressRouter(t)
	c.Member("a").FailRoute("Neo.DatabaseError.General.UnknownError", "router a is broken")
	c.Member("b").FailRoute("Neo.DatabaseError.General.UnknownError", "router b is broken")
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://router.invalid:"+port, func(c *native.Config) { c.HostResolver = resolve })
	err := testhooks.ForceRoutingTableUpdate(ctx, d, "neo4j", nil)
	require.Error(t, err)
	require.ErrorContains(t, err, `"router.invalid"`)
	require.ErrorContains(t, err, "router a is broken")
	require.ErrorContains(t, err, "router b is broken")
	require.Equal(t, 1, c.Member("b").Count("ROUTE"))
}

// A server the routing table names by host name and that the driver reached
// through Config.HostResolver is known by that name: a NotALeader from it
// removes it as the writer (a fresh table is fetched and the retry goes to
// the new leader) although the connection was dialled to a resolved IP.
func TestHostResolverNotALeaderForgetsWriterByName(t *testing.T) {
	c := newScenarioCluster(t, "a", "b")
	_, portB, err := net.SplitHostPort(c.Member("b").Address())
	require.NoError(t, err)
	// b is named "localhost:<port>" and is no writer member: it answers writes
	// with NotALeader.
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"a"}, Writers: []string{"localhost:" + portB}})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("a").Address(), func(cfg *native.Config) {
		cfg.HostResolver = func(_ context.Context, host string) ([]string, error) {
			if host == "localhost" {
				return []string{"127.0.0.1"}, nil
			}
			return []string{host}, nil
		}
		cfg.MaxTransactionRetryTime = 3 * time.Second
	})
	s := d.NewSession(ctx, onNeo4j)
	defer s.Close(ctx)
	attempts := 0
	who, err := native.ExecuteWrite(ctx, s, func(tx native.ManagedTransaction) (string, error) {
		attempts++
		who, err := whoServes(ctx)(tx)
		if err != nil {
			// The leader moves to a; only a fresh table says so.
			c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"a"}, Writers: []string{"a"}})
		}
		return who, err
	})
	require.NoError(t, err)
	require.Equal(t, "a", who)
	require.Equal(t, 2, attempts)
	require.Equal(t, 2, c.Member("a").Count("ROUTE"), "NotALeader made the driver fetch a new table")
}
