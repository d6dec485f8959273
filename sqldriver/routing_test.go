package sqldriver_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
	"github.com/stretchr/testify/require"
)

// database/sql over neo4j:// against a scripted cluster: ReadOnly transactions
// (and statements in read access mode) go to readers, everything else to the
// writer. Every member answers with its own name.
func TestRoutingReadOnlyTxGoesToReaders(t *testing.T) {
	c := boltstub.NewCluster(t, boltstub.Handshake{}, "router", "r1", "r2", "leader")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"router"}, Readers: []string{"r1", "r2"}, Writers: []string{"leader"}})
	for _, m := range c.Members() {
		name := m.Name()
		m.OnQuery(func(boltstub.Query) boltstub.Result {
			return boltstub.Result{Fields: []string{"server"}, Records: [][]any{{name}}}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn := "neo4j://neo4j:pass@" + c.Member("router").Address() + "/neo4j?routing.region=eu"
	db, err := sql.Open("neo4j", dsn)
	require.NoError(t, err)
	defer db.Close()

	inTx := func(opts *sql.TxOptions) string {
		t.Helper()
		tx, err := db.BeginTx(ctx, opts)
		require.NoError(t, err)
		var who string
		require.NoError(t, tx.QueryRowContext(ctx, "RETURN server").Scan(&who))
		require.NoError(t, tx.Commit())
		return who
	}
	readers := map[string]int{}
	for range 6 {
		who := inTx(&sql.TxOptions{ReadOnly: true})
		require.Contains(t, []string{"r1", "r2"}, who)
		readers[who]++
		require.Equal(t, "leader", inTx(nil))
		require.Equal(t, "leader", inTx(&sql.TxOptions{}))
	}
	require.Len(t, readers, 2, "reads are spread over both readers: %v", readers)

	// Outside transactions: the connector's access mode (write), or the
	// context's.
	var who string
	require.NoError(t, db.QueryRowContext(ctx, "RETURN server").Scan(&who))
	require.Equal(t, "leader", who)
	rctx := sqldriver.WithAccessMode(ctx, native.AccessModeRead)
	require.NoError(t, db.QueryRowContext(rctx, "RETURN server").Scan(&who))
	require.Contains(t, []string{"r1", "r2"}, who)

	// access_mode=read makes reads the default, for statements and
	// transactions alike.
	rdb, err := sql.Open("neo4j", dsn+"&access_mode=read")
	require.NoError(t, err)
	defer rdb.Close()
	require.NoError(t, rdb.QueryRowContext(ctx, "RETURN server").Scan(&who))
	require.Contains(t, []string{"r1", "r2"}, who)

	require.Zero(t, c.Member("router").Count("BEGIN")+c.Member("router").Count("RUN"), "the router serves no transaction")
	for _, m := range c.Member("router").Stub().Received() {
		if m.Sig == boltstub.SigRoute {
			require.Equal(t, "eu", m.Field(0).(map[string]any)["region"], "routing.region from the DSN")
		}
	}
}
