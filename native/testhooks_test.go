package native_test

import (
	"context"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/internal/testhooks"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

func TestHookForceUpdateAndFetchRoutingTable(t *testing.T) {
	ctx := scenarioCtx(t)
	sc := boltstub.MustParse(t, `
		!: BOLT 5.4
		!: AUTO RESET
		C: LOGIN
		?: TELEMETRY *
		S: SUCCESS {}
		C: ROUTE * ["bm1"] {"db": "adb"}
		S: SUCCESS {"rt": {"ttl": 1000, "db": "adb", "servers": [{"addresses": ["r:1"], "role": "ROUTE"}, {"addresses": ["a:1", "b:1"], "role": "READ"}, {"addresses": ["w:1"], "role": "WRITE"}]}}
		C: ROUTE * [] {}
		S: SUCCESS {"rt": {"ttl": 60, "db": "homedb", "servers": [{"addresses": ["r:2"], "role": "ROUTE"}, {"addresses": ["c:1"], "role": "READ"}]}}
	`)
	stub := boltstub.New(t, "router", sc)
	d, err := native.NewDriver("neo4j://"+stub.Address(), native.BasicAuth("neo4j", "pass", ""))
	require.NoError(t, err)
	defer d.Close(ctx)

	_, found, err := testhooks.GetRoutingTable(d, "adb")
	require.NoError(t, err)
	require.False(t, found, "no table before the first fetch")

	require.NoError(t, testhooks.ForceRoutingTableUpdate(ctx, d, "adb", []string{"bm1"}))
	rt, found, err := testhooks.GetRoutingTable(d, "adb")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, testhooks.RoutingTable{Database: "adb", TTL: 1000 * time.Second,
		Routers: []string{"r:1"}, Readers: []string{"a:1", "b:1"}, Writers: []string{"w:1"}}, rt)

	_, found, err = testhooks.GetRoutingTable(d, "")
	require.NoError(t, err)
	require.False(t, found, "home database not resolved yet")
	require.NoError(t, testhooks.ForceRoutingTableUpdate(ctx, d, "", nil))
	rt, found, err = testhooks.GetRoutingTable(d, "")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, "homedb", rt.Database)
	require.Equal(t, []string{"c:1"}, rt.Readers)
	require.Empty(t, rt.Writers)
}

func TestHookRoutingTableNeedsRoutingDriver(t *testing.T) {
	d, err := native.NewDriver("bolt://localhost:1", native.NoAuth())
	require.NoError(t, err)
	defer d.Close(context.Background())
	_, _, err = testhooks.GetRoutingTable(d, "")
	require.ErrorContains(t, err, "does not route")
	err = testhooks.ForceRoutingTableUpdate(context.Background(), d, "", nil)
	require.ErrorContains(t, err, "does not route")
	_, _, err = testhooks.GetRoutingTable("not a driver", "")
	require.ErrorContains(t, err, "string is not a driver")
}
