package native_test

import (
	"testing"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// telemetryHello is the login of a server that wants TELEMETRY.
const telemetryHello = `
	!: BOLT 5.4
	!: AUTO RESET
	C: HELLO
	S: SUCCESS {"server": "Neo4j/5.14.0", "connection_id": "bolt-1", "hints": {"telemetry.enabled": true}}
	C: LOGON
	S: SUCCESS
`

// TELEMETRY goes once per API call: sent again after a connection died before
// answering it, not again after the server acknowledged it.
func TestTelemetryOncePerManagedCall(t *testing.T) {
	ctx := scenarioCtx(t)
	dies := boltstub.MustParse(t, telemetryHello+`
		C: TELEMETRY 0
		S: <CLOSE>
	`)
	retries := boltstub.MustParse(t, telemetryHello+`
		C: TELEMETRY 0
		C: BEGIN *
		S: SUCCESS
		S: FAILURE {"code": "Neo.TransientError.General.PleaseRetry", "message": "again"}
		?: RUN * * *
		S: IGNORED
		?: PULL *
		S: IGNORED
		C: RESET
		S: SUCCESS
		C: BEGIN *
		S: SUCCESS
		C: RUN "RETURN 1 AS n" * *
		S: SUCCESS {"fields": ["n"]}
		C: PULL *
		S: RECORD [1]
		S: SUCCESS {"type": "r"}
		C: COMMIT
		S: SUCCESS {}
		?: GOODBYE
	`)
	stub := boltstub.New(t, "server", dies, retries)
	d, err := native.NewDriver("bolt://"+stub.Address(), native.NoAuth())
	require.NoError(t, err)
	defer d.Close(ctx)
	s := d.NewSession(ctx, native.SessionConfig{})
	defer s.Close(ctx)
	n, err := native.ExecuteRead(ctx, s, func(tx native.ManagedTransaction) (int64, error) {
		res, err := tx.Run(ctx, "RETURN 1 AS n", nil)
		rec, err := native.Single(ctx, res, err)
		if err != nil {
			return 0, err
		}
		return rec.Values[0].(int64), nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	require.Equal(t, 2, stub.Count("TELEMETRY"))
}
