package sqldriver_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/sqldriver"
	"github.com/stretchr/testify/require"
)

// driverConn returns the driver connection database/sql hands out next.
func driverConn(t *testing.T, db *sql.DB) *sqldriver.Conn {
	t.Helper()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	var dc *sqldriver.Conn
	require.NoError(t, conn.Raw(func(c any) error { dc = c.(*sqldriver.Conn); return nil }))
	return dc
}

func TestPoolHealth(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()

		t.Run("cancelling mid-Rows keeps the connection", func(t *testing.T) {
			db := openDB(t, s, "fetch_size=10")
			db.SetMaxOpenConns(1)
			require.NoError(t, db.PingContext(ctx))
			require.Equal(t, 1, db.Stats().OpenConnections)
			before := driverConn(t, db)

			qctx, cancel := context.WithCancel(ctx)
			rows, err := db.QueryContext(qctx, "UNWIND range(1, 10000000) AS i RETURN i")
			require.NoError(t, err)
			for i := 0; i < 25; i++ {
				require.True(t, rows.Next())
			}
			cancel()
			for rows.Next() {
			}
			require.ErrorIs(t, rows.Err(), context.Canceled)
			require.NoError(t, rows.Close())

			// The same connection serves the next statement: no new one was opened
			// and none was closed.
			var n int64
			require.NoError(t, db.QueryRowContext(ctx, "RETURN 41 + 1").Scan(&n))
			require.Equal(t, int64(42), n)
			st := db.Stats()
			require.Equal(t, 1, st.OpenConnections)
			require.Zero(t, st.MaxIdleClosed+st.MaxLifetimeClosed+st.MaxIdleTimeClosed)
			require.Same(t, before, driverConn(t, db), "the pooled driver connection was reused")
		})

		t.Run("a blocked Next returns when the context ends", func(t *testing.T) {
			db := openDB(t, s, "fetch_size=1")
			db.SetMaxOpenConns(1)
			qctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			// The second record takes the server ~forever to produce.
			rows, err := db.QueryContext(qctx, "UNWIND [0, 1] AS x WITH x WHERE x = 0 OR reduce(s = 0, i IN range(1, 200000000) | s + i) < 0 RETURN x")
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				_ = rows.Close()
			}
			require.ErrorIs(t, err, context.DeadlineExceeded)
			require.Less(t, time.Since(start), 5*time.Second)
			var n int64
			require.NoError(t, db.QueryRowContext(ctx, "RETURN 1").Scan(&n))
			require.Equal(t, 1, db.Stats().OpenConnections)
		})

		t.Run("a transaction whose context ends keeps the connection", func(t *testing.T) {
			s.Clean(t)
			db := openDB(t, s, "")
			db.SetMaxOpenConns(1)
			before := driverConn(t, db)
			tctx, cancel := context.WithCancel(ctx)
			tx, err := db.BeginTx(tctx, nil)
			require.NoError(t, err)
			_, err = tx.ExecContext(tctx, "CREATE (:Cancelled)")
			require.NoError(t, err)
			cancel()
			require.Eventually(t, func() bool { return errors.Is(tx.Commit(), sql.ErrTxDone) }, 5*time.Second, 10*time.Millisecond)
			require.Zero(t, countNodes(t, db, "Cancelled"))
			st := db.Stats()
			require.Equal(t, 1, st.OpenConnections)
			require.Same(t, before, driverConn(t, db), "the session survived the cancelled transaction (SessionResetter + Validator)")
		})

		t.Run("closing a DB closes its native driver", func(t *testing.T) {
			db, err := sql.Open("neo4j", dsnFor(s, ""))
			require.NoError(t, err)
			require.NoError(t, db.PingContext(ctx))
			require.NoError(t, db.Close())
			require.Error(t, db.PingContext(ctx))
		})

		t.Run("ping an unreachable server", func(t *testing.T) {
			db, err := sql.Open("neo4j", "bolt://127.0.0.1:1?socket_connect_timeout=1s&connection_acquisition_timeout=2s")
			require.NoError(t, err)
			defer db.Close()
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			err = db.PingContext(pctx)
			require.Error(t, err)
			t.Log(err)
		})
	})
}
