package sqldriver_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boltwire/neo4j/internal/neo4jtest"
)

// TestCloseLeavesNoGoroutines: after DB.Close nothing the *sql.DB started —
// database/sql's opener, the native driver's pool — keeps running.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ignore := goleak.IgnoreCurrent()
		db := openDBNoCleanup(t, s)
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			rows, err := db.QueryContext(ctx, "UNWIND range(1, 50) AS i RETURN i")
			require.NoError(t, err)
			require.True(t, rows.Next())
			require.NoError(t, rows.Close())
		}
		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		require.NoError(t, tx.Rollback())
		require.NoError(t, db.Close())
		goleak.VerifyNone(t, ignore)
	})
}
