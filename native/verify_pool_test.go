package native_test

import (
	"testing"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// VerifyConnectivity dials when the pool is empty (no RESET needed: the
// handshake proves the server answers) and proves an idle pooled connection
// with a RESET round trip (D14).
func TestVerifyConnectivityResetsPooledConnection(t *testing.T) {
	ctx := scenarioCtx(t)
	sc := boltstub.MustParse(t, "!: BOLT 5.0\nC: LOGIN\n"+return1Exchange+"C: RESET\nS: SUCCESS\n?: GOODBYE")
	stub := boltstub.New(t, "server", sc)
	d, err := native.NewDriver("bolt://"+stub.Address(), native.NoAuth())
	require.NoError(t, err)
	defer d.Close(ctx)
	require.NoError(t, d.VerifyConnectivity(ctx))
	require.Equal(t, 0, stub.Count("RESET"), "a fresh connection needs no RESET")
	runReturn1(ctx, t, d)

	info, err := d.GetServerInfo(ctx)
	require.NoError(t, err)
	require.Equal(t, stub.Address(), info.Address())
	require.Equal(t, 1, stub.Count("RESET"))
	require.Equal(t, 1, stub.Connections())
}

// A pooled connection that died while idle is stepped over: VerifyConnectivity
// dials a new one instead of failing.
func TestVerifyConnectivitySkipsDeadPooledConnection(t *testing.T) {
	ctx := scenarioCtx(t)
	first := boltstub.MustParse(t, `
		!: BOLT 5.0
		C: LOGIN
		C: RESET
		S: <CLOSE>
	`)
	second := boltstub.MustParse(t, `
		!: BOLT 5.0
		C: LOGIN
		?: GOODBYE
	`)
	stub := boltstub.New(t, "server", first, second)
	d, err := native.NewDriver("bolt://"+stub.Address(), native.NoAuth())
	require.NoError(t, err)
	defer d.Close(ctx)
	require.NoError(t, d.VerifyConnectivity(ctx)) // dials the first
	require.NoError(t, d.VerifyConnectivity(ctx)) // RESET fails: dials the second
	require.Equal(t, 2, stub.Connections())
}
