package native_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"

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
