package sqldriver_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// sql.Open("neo4j", "neo4j://user:pw@host:port") against a single real server:
// the driver routes (ROUTE answered by the server itself), writes commit, a
// ReadOnly transaction reads them (shared bookmarks) and refuses to write.
func TestRoutingDSNAgainstSingleServer(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		dsn := dsnFor(s, "routing.policy=default")
		require.True(t, strings.HasPrefix(dsn, "bolt://"), dsn)
		db := openDBFromDSN(t, "neo4j://"+strings.TrimPrefix(dsn, "bolt://"))
		require.NoError(t, db.PingContext(ctx))

		key := time.Now().UnixNano()
		_, err := db.ExecContext(ctx, "CREATE (:SQLRouted {k: $1})", key)
		require.NoError(t, err)

		tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		require.NoError(t, err)
		var n int64
		require.NoError(t, tx.QueryRowContext(ctx, "MATCH (x:SQLRouted {k: $1}) RETURN count(x)", key).Scan(&n))
		require.Equal(t, int64(1), n, "the reader sees the committed write")
		_, werr := tx.ExecContext(ctx, "CREATE (:SQLRouted {k: $1})", key)
		cerr := tx.Commit()
		var ne *native.Neo4jError
		require.True(t, errors.As(errors.Join(werr, cerr), &ne), "a write in a ReadOnly transaction fails: %v %v", werr, cerr)

		require.NoError(t, db.QueryRowContext(ctx, "MATCH (x:SQLRouted {k: $1}) RETURN count(x)", key).Scan(&n))
		require.Equal(t, int64(1), n)
		_, err = db.ExecContext(ctx, "MATCH (x:SQLRouted {k: $1}) DELETE x", key)
		require.NoError(t, err)
	})
}
