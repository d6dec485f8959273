package sqldriver_test

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
	"github.com/stretchr/testify/require"
)

func TestBookmarksAndRaw(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()

		t.Run("shared manager: a write is visible on any pooled connection", func(t *testing.T) {
			s.Clean(t)
			cfg, err := sqldriver.ParseDSN(dsnFor(s, ""))
			require.NoError(t, err)
			connector, err := sqldriver.NewConnector(cfg)
			require.NoError(t, err)
			db := sql.OpenDB(connector)
			defer db.Close()
			db.SetMaxIdleConns(4)

			before, err := connector.BookmarkManager().GetBookmarks(ctx)
			require.NoError(t, err)
			require.Empty(t, before)
			for i := 0; i < 5; i++ {
				_, err := db.ExecContext(ctx, "CREATE (:Chained {i: $1})", i)
				require.NoError(t, err)
				var n int
				require.NoError(t, db.QueryRowContext(ctx, "MATCH (c:Chained) RETURN count(c)").Scan(&n))
				require.Equal(t, i+1, n)
			}
			after, err := connector.BookmarkManager().GetBookmarks(ctx)
			require.NoError(t, err)
			require.NotEmpty(t, after, "writes through db.ExecContext feed the connector's bookmark manager")
		})

		t.Run("Conn.Raw: LastBookmarks carried to a second connection", func(t *testing.T) {
			s.Clean(t)
			db := openDB(t, s, "bookmarks=none")
			c1, err := db.Conn(ctx)
			require.NoError(t, err)
			defer c1.Close()
			_, err = c1.ExecContext(ctx, "CREATE (:Raw {v: 1})")
			require.NoError(t, err)
			var bms native.Bookmarks
			require.NoError(t, c1.Raw(func(dc any) error {
				c := dc.(*sqldriver.Conn)
				bms = c.LastBookmarks()
				require.Equal(t, bms, c.Session().LastBookmarks())
				require.Nil(t, c.Tx())
				return nil
			}))
			require.NotEmpty(t, bms)

			// A native session on the same pool starts after that write.
			require.NoError(t, c1.Raw(func(dc any) error {
				sess := dc.(*sqldriver.Conn).Driver().NewSession(ctx, native.SessionConfig{Bookmarks: bms, AccessMode: native.AccessModeRead})
				defer sess.Close(ctx)
				n, err := native.ExecuteRead(ctx, sess, func(tx native.ManagedTransaction) (int64, error) {
					res, err := tx.Run(ctx, "MATCH (r:Raw) RETURN count(r)", nil)
					if err != nil {
						return 0, err
					}
					rec, err := res.Single(ctx)
					if err != nil {
						return 0, err
					}
					return rec.Values[0].(int64), nil
				})
				require.NoError(t, err)
				require.Equal(t, int64(1), n)
				return nil
			}))

			// With bookmarks=none, WithBookmarks is refused clearly.
			_, err = db.ExecContext(sqldriver.WithBookmarks(ctx, bms), "RETURN 1")
			require.ErrorContains(t, err, "WithBookmarks needs bookmarks=shared or bookmarks=session")
		})

		t.Run("bookmark sink and WithBookmarks", func(t *testing.T) {
			s.Clean(t)
			db := openDB(t, s, "bookmarks=session")
			var bms native.Bookmarks
			_, err := db.ExecContext(sqldriver.WithBookmarkSink(ctx, &bms), "CREATE (:Sunk)")
			require.NoError(t, err)
			require.NotEmpty(t, bms)

			var txBms native.Bookmarks
			tx, err := db.BeginTx(sqldriver.WithBookmarkSink(ctx, &txBms), nil)
			require.NoError(t, err)
			_, err = tx.ExecContext(ctx, "CREATE (:Sunk)")
			require.NoError(t, err)
			require.NoError(t, tx.Commit())
			require.NotEmpty(t, txBms)
			require.NotEqual(t, bms, txBms)

			// Another *sql.DB (with a Bolt trace, through a registered config)
			// sends those bookmarks with its next transaction.
			cfg, err := sqldriver.ParseDSN(dsnFor(s, "bookmarks=session"))
			require.NoError(t, err)
			var trace neo4jtest.SyncBuffer
			cfg.Driver.BoltTrace = &trace
			name := sqldriver.RegisterConfig(cfg)
			defer sqldriver.UnregisterConfig(name)
			other, err := sql.Open("neo4j", name)
			require.NoError(t, err)
			defer other.Close()
			var n int
			require.NoError(t, other.QueryRowContext(sqldriver.WithBookmarks(ctx, txBms), "MATCH (s:Sunk) RETURN count(s)").Scan(&n))
			require.Equal(t, 2, n)
			require.Contains(t, trace.String(), txBms[0], "the bookmark travelled with the RUN")
		})

		t.Run("Conn.Raw exposes the open transaction", func(t *testing.T) {
			db := openDB(t, s, "")
			conn, err := db.Conn(ctx)
			require.NoError(t, err)
			defer conn.Close()
			tx, err := conn.BeginTx(ctx, nil)
			require.NoError(t, err)
			require.NoError(t, conn.Raw(func(dc any) error {
				ntx := dc.(*sqldriver.Conn).Tx()
				require.NotNil(t, ntx)
				res, err := ntx.Run(ctx, "RETURN 7 AS v", nil)
				require.NoError(t, err)
				rec, err := res.Single(ctx)
				require.NoError(t, err)
				require.Equal(t, int64(7), rec.Values[0])
				return nil
			}))
			require.NoError(t, tx.Rollback())
		})

		t.Run("ExecuteWrite retries transient failures", func(t *testing.T) {
			s.Clean(t)
			db := openDB(t, s, "")
			var attempts atomic.Int32
			err := sqldriver.ExecuteWrite(ctx, db, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "CREATE (:Retried)"); err != nil {
					return err
				}
				if attempts.Add(1) == 1 {
					return &native.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "simulated"}
				}
				return nil
			}, sqldriver.RetryOptions{InitialDelay: 10 * time.Millisecond})
			require.NoError(t, err)
			require.Equal(t, int32(2), attempts.Load())
			require.Equal(t, 1, countNodes(t, db, "Retried"), "the failed attempt was rolled back")

			// A non-retryable error ends at once.
			attempts.Store(0)
			err = sqldriver.ExecuteRead(ctx, db, func(tx *sql.Tx) error {
				attempts.Add(1)
				_, err := tx.ExecContext(ctx, "RETURN syntax error")
				return err
			})
			var ne *native.Neo4jError
			require.True(t, errors.As(err, &ne))
			require.Equal(t, int32(1), attempts.Load())

			// The budget ends retries.
			err = sqldriver.ExecuteWrite(ctx, db, func(tx *sql.Tx) error {
				return &native.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "simulated"}
			}, sqldriver.RetryOptions{MaxRetryTime: 50 * time.Millisecond, InitialDelay: 10 * time.Millisecond})
			var tle *native.TransactionExecutionLimit
			require.True(t, errors.As(err, &tle), "%v", err)
			require.GreaterOrEqual(t, len(tle.Errors), 2)
			require.True(t, errors.As(err, &ne))

			// ExecuteRead runs a read-only transaction.
			err = sqldriver.ExecuteRead(ctx, db, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, "CREATE (:NotInRead)")
				return err
			}, sqldriver.RetryOptions{MaxRetryTime: -1})
			require.Error(t, err)
			require.Zero(t, countNodes(t, db, "NotInRead"))
		})
	})
}
