package sqldriver_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
	"github.com/stretchr/testify/require"
)

func countNodes(t *testing.T, db *sql.DB, label string) int {
	t.Helper()
	var n int
	require.NoError(t, db.QueryRowContext(context.Background(), "MATCH (n) WHERE $1 IN labels(n) RETURN count(n)", label).Scan(&n))
	return n
}

func TestTransactions(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "")
		ctx := context.Background()

		t.Run("commit is visible through another pooled connection", func(t *testing.T) {
			s.Clean(t)
			c1, err := db.Conn(ctx)
			require.NoError(t, err)
			defer c1.Close()
			c2, err := db.Conn(ctx)
			require.NoError(t, err)
			defer c2.Close()
			tx, err := c1.BeginTx(ctx, nil)
			require.NoError(t, err)
			_, err = tx.ExecContext(ctx, "CREATE (:Committed {v: 1})")
			require.NoError(t, err)
			var n int
			require.NoError(t, c2.QueryRowContext(ctx, "MATCH (n:Committed) RETURN count(n)").Scan(&n))
			require.Zero(t, n, "not visible before commit")
			require.NoError(t, tx.Commit())
			require.NoError(t, c2.QueryRowContext(ctx, "MATCH (n:Committed) RETURN count(n)").Scan(&n))
			require.Equal(t, 1, n)
		})

		t.Run("rollback leaves nothing", func(t *testing.T) {
			s.Clean(t)
			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			res, err := tx.ExecContext(ctx, "UNWIND range(1, 5) AS i CREATE (:RolledBack {i: i})")
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			require.Equal(t, int64(15), n, "5 nodes + 5 labels + 5 properties")
			var inside int
			require.NoError(t, tx.QueryRowContext(ctx, "MATCH (n:RolledBack) RETURN count(n)").Scan(&inside))
			require.Equal(t, 5, inside)
			require.NoError(t, tx.Rollback())
			require.Zero(t, countNodes(t, db, "RolledBack"))
			require.ErrorIs(t, tx.Commit(), sql.ErrTxDone)
		})

		t.Run("read-only transaction", func(t *testing.T) {
			s.Clean(t)
			tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
			require.NoError(t, err)
			var one int
			require.NoError(t, tx.QueryRowContext(ctx, "RETURN 1").Scan(&one))
			_, werr := tx.ExecContext(ctx, "CREATE (:WrittenInReadTx)")
			cerr := tx.Commit()
			// Both server lines refuse a write in a transaction begun in read mode
			// (Neo.ClientError.Statement.AccessMode), even on a single server.
			err = errors.Join(werr, cerr)
			require.Error(t, err, "a write in a ReadOnly transaction must fail")
			var ne *native.Neo4jError
			require.True(t, errors.As(err, &ne), "%v", err)
			t.Logf("line %s: write in ReadOnly tx: %v", s.Line, ne)
			require.Zero(t, countNodes(t, db, "WrittenInReadTx"))
		})

		t.Run("isolation levels", func(t *testing.T) {
			for _, l := range []sql.IsolationLevel{sql.LevelDefault, sql.LevelReadCommitted} {
				tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: l})
				require.NoError(t, err)
				require.NoError(t, tx.Rollback())
			}
			_, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
			require.ErrorContains(t, err, "isolation level Serializable is not supported")
		})

		t.Run("metadata and timeout from the context", func(t *testing.T) {
			mctx := sqldriver.WithTxMetadata(ctx, map[string]any{"app": "sqldriver-test"})
			tx, err := db.BeginTx(mctx, nil)
			require.NoError(t, err)
			var md map[string]any
			require.NoError(t, tx.QueryRowContext(ctx, "CALL tx.getMetaData() YIELD metadata RETURN metadata").Scan(&md))
			require.Equal(t, map[string]any{"app": "sqldriver-test"}, md)
			require.NoError(t, tx.Rollback())

			// Auto-commit statements carry it too.
			require.NoError(t, db.QueryRowContext(mctx, "CALL tx.getMetaData() YIELD metadata RETURN metadata").Scan(&md))
			require.Equal(t, "sqldriver-test", md["app"])

			tctx := sqldriver.WithTxTimeout(ctx, 50*time.Millisecond)
			_, err = db.ExecContext(tctx, "UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(x)")
			var ne *native.Neo4jError
			require.True(t, errors.As(err, &ne), "%v", err)
			require.Contains(t, ne.Code, "Transaction")
		})

		t.Run("exec results and summary sink", func(t *testing.T) {
			s.Clean(t)
			_, err := db.ExecContext(ctx, "CREATE (:Item {n: 1}), (:Item {n: 2})")
			require.NoError(t, err)
			var sum native.ResultSummary
			res, err := db.ExecContext(sqldriver.WithSummary(ctx, &sum), "MATCH (i:Item) SET i.n = i.n + 1, i:Seen")
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			require.Equal(t, int64(4), n, "2 properties set + 2 labels added")
			_, err = res.LastInsertId()
			require.ErrorIs(t, err, sqldriver.ErrNoLastInsertId)
			require.NotNil(t, sum)
			require.Equal(t, 2, sum.Counters().PropertiesSet())
			require.Equal(t, 2, sum.Counters().LabelsAdded())

			// Rows deliver their summary once read to the end.
			var qsum native.ResultSummary
			rows, err := db.QueryContext(sqldriver.WithSummary(ctx, &qsum), "MATCH (i:Item) RETURN i.n")
			require.NoError(t, err)
			for rows.Next() {
			}
			require.NoError(t, rows.Err())
			require.NoError(t, rows.Close())
			require.NotNil(t, qsum)
			require.Equal(t, native.StatementTypeReadOnly, qsum.StatementType())
		})

		t.Run("server errors keep their type", func(t *testing.T) {
			_, err := db.ExecContext(ctx, "RETURN syntax error")
			var ne *native.Neo4jError
			require.True(t, errors.As(err, &ne))
			require.Equal(t, "Neo.ClientError.Statement.SyntaxError", ne.Code)
			// The connection survives the failure.
			require.NoError(t, db.PingContext(ctx))
		})

		t.Run("a failed auto-commit write is never re-run", func(t *testing.T) {
			s.Clean(t)
			// Each row commits its own inner transaction, then the outer
			// statement fails on the second row. A re-run (driver.ErrBadConn)
			// would double the nodes.
			_, err := db.ExecContext(ctx, `UNWIND [1, 0] AS d
				CALL (d) { CREATE (:Once {d: d}) } IN TRANSACTIONS OF 1 ROW
				RETURN 1 / d`)
			var ne *native.Neo4jError
			require.True(t, errors.As(err, &ne), "%v", err)
			require.False(t, errors.Is(err, sqldriver.ErrDSN))
			require.Equal(t, 2, countNodes(t, db, "Once"), "the statement ran exactly once")
		})
	})
}
