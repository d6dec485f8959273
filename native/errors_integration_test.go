package native

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestServerErrors(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, driver := cleanServer(t, s)
		session := driver.NewSession(ctx, SessionConfig{})
		defer session.Close(ctx)

		// Syntax error (auto-commit): reported by Run, not retryable.
		_, err := session.Run(ctx, "RETRUN 1", nil)
		var nerr *Neo4jError
		require.ErrorAs(t, err, &nerr)
		require.Equal(t, "Neo.ClientError.Statement.SyntaxError", nerr.Code)
		require.Equal(t, "ClientError", nerr.Classification())
		require.Equal(t, "SyntaxError", nerr.Title())
		require.NotEmpty(t, nerr.GqlStatus, "Bolt 5.7+ servers send GQL fields")
		require.False(t, IsRetryable(err))

		// The session (and its pooled connection) stays usable.
		res, err := session.Run(ctx, "RETURN 1 AS one", nil)
		require.NoError(t, err)
		rec, err := res.Single(ctx)
		require.NoError(t, err)
		require.Equal(t, int64(1), rec.Values[0])

		// Constraint violation in a managed transaction: one attempt only.
		_, err = session.Run(ctx, "CREATE CONSTRAINT uniq_k IF NOT EXISTS FOR (n:Uniq) REQUIRE n.k IS UNIQUE", nil)
		require.NoError(t, err)
		_, err = session.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, "CREATE (:Uniq {k: 1})", nil)
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		require.NoError(t, err)
		attempts := 0
		_, err = session.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
			attempts++
			res, err := tx.Run(ctx, "CREATE (:Uniq {k: 1})", nil)
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		require.ErrorAs(t, err, &nerr)
		require.Equal(t, "Neo.ClientError.Schema.ConstraintValidationFailed", nerr.Code)
		require.Equal(t, 1, attempts)

		// The wrapped bolt error is reachable too.
		require.True(t, IsNeo4jError(err))
	})
}

func TestAuthenticationErrors(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		if s.User == "" {
			t.Skip("server has auth disabled")
		}
		ctx := testCtx(t)
		driver := newServerDriver(t, s)
		require.NoError(t, driver.VerifyAuthentication(ctx, nil))
		wrongTok := BasicAuth(s.User, "wrong-password", "")
		err := driver.VerifyAuthentication(ctx, &wrongTok)
		var nerr *Neo4jError
		require.ErrorAs(t, err, &nerr)
		require.Equal(t, "Neo.ClientError.Security.Unauthorized", nerr.Code)
		require.NotContains(t, err.Error(), "wrong-password")

		wrong, err := NewDriver(s.URI, BasicAuth(s.User, "wrong-password", ""))
		require.NoError(t, err)
		defer wrong.Close(ctx)
		err = wrong.VerifyConnectivity(ctx)
		require.ErrorAs(t, err, &nerr)
		require.Equal(t, "Neo.ClientError.Security.Unauthorized", nerr.Code)
		require.False(t, IsRetryable(err))

		// A user whose password must change first.
		require.NoError(t, s.Exec(ctx, "CREATE OR REPLACE USER expireduser SET PASSWORD 'pw12345678' CHANGE REQUIRED", nil))
		expired, err := NewDriver(s.URI, BasicAuth("expireduser", "pw12345678", ""))
		require.NoError(t, err)
		defer expired.Close(ctx)
		sess := expired.NewSession(ctx, SessionConfig{})
		defer sess.Close(ctx)
		_, err = sess.Run(ctx, "MATCH (n) RETURN count(n)", nil)
		require.ErrorAs(t, err, &nerr)
		require.Equal(t, "Neo.ClientError.Security.CredentialsExpired", nerr.Code)
	})
}

func TestRealDeadlockIsRetried(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, driver := cleanServer(t, s)
		setup := driver.NewSession(ctx, SessionConfig{})
		res, err := setup.Run(ctx, "CREATE (:Lock {id: 'a', v: 0}), (:Lock {id: 'b', v: 0})", nil)
		require.NoError(t, err)
		_, err = res.Consume(ctx)
		require.NoError(t, err)
		require.NoError(t, setup.Close(ctx))

		var total atomic.Int32
		aLocked, bLocked := make(chan struct{}), make(chan struct{})
		writer := func(first, second string, mine, other chan struct{}) error {
			sess := driver.NewSession(ctx, SessionConfig{})
			defer sess.Close(ctx)
			attempt := 0
			_, err := sess.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
				attempt++
				total.Add(1)
				lock := func(id string) error {
					res, err := tx.Run(ctx, "MATCH (n:Lock {id: $id}) SET n.v = n.v + 1", map[string]any{"id": id})
					if err != nil {
						return err
					}
					_, err = res.Consume(ctx)
					return err
				}
				if err := lock(first); err != nil {
					return nil, err
				}
				if attempt == 1 {
					close(mine)
					<-other
				}
				return nil, lock(second)
			})
			return err
		}
		errs := make(chan error, 2)
		go func() { errs <- writer("a", "b", aLocked, bLocked) }()
		go func() { errs <- writer("b", "a", bLocked, aLocked) }()
		require.NoError(t, <-errs)
		require.NoError(t, <-errs)
		require.Equal(t, int32(3), total.Load(), "one of the two writers was retried once")

		check := driver.NewSession(ctx, SessionConfig{})
		defer check.Close(ctx)
		res, err = check.Run(ctx, "MATCH (n:Lock) RETURN n.id AS id, n.v AS v ORDER BY id", nil)
		require.NoError(t, err)
		recs, err := res.Collect(ctx)
		require.NoError(t, err)
		require.Len(t, recs, 2)
		for _, r := range recs {
			require.Equal(t, int64(2), r.Values[1])
		}
	})
}

func TestTransactionTimeoutFromServer(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, driver := cleanServer(t, s)
		holder := driver.NewSession(ctx, SessionConfig{})
		defer holder.Close(ctx)
		res, err := holder.Run(ctx, "CREATE (:Timeout {id: 1})", nil)
		require.NoError(t, err)
		_, err = res.Consume(ctx)
		require.NoError(t, err)
		tx, err := holder.BeginTransaction(ctx)
		require.NoError(t, err)
		res, err = tx.Run(ctx, "MATCH (n:Timeout) SET n.x = 1", nil)
		require.NoError(t, err)
		_, err = res.Consume(ctx) // holds the node's write lock
		require.NoError(t, err)

		waiter := driver.NewSession(ctx, SessionConfig{})
		defer waiter.Close(ctx)
		start := time.Now()
		wtx, err := waiter.BeginTransaction(ctx, WithTxTimeout(time.Second), WithTxMetadata(map[string]any{"test": "timeout"}))
		require.NoError(t, err)
		res, err = wtx.Run(ctx, "MATCH (n:Timeout) SET n.x = 2", nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		var nerr *Neo4jError
		require.ErrorAs(t, err, &nerr)
		require.Contains(t, nerr.Code, "Neo.ClientError.Transaction.", nerr.Error())
		require.False(t, IsRetryable(err))
		require.Less(t, time.Since(start), 20*time.Second)
		require.NoError(t, wtx.Close(ctx))
		require.NoError(t, tx.Rollback(ctx))
	})
}

func TestCancellationMidStream(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := testCtx(t)
		driver := newServerDriver(t, s, func(c *Config) { c.MaxConnectionPoolSize = 1 })
		sess := driver.NewSession(ctx, SessionConfig{FetchSize: 10})
		defer sess.Close(ctx)

		// Cancelled between batches: nothing was interrupted, the connection is
		// reset and reused.
		res, err := sess.Run(ctx, "UNWIND range(1, 100000) AS x RETURN x", nil)
		require.NoError(t, err)
		require.True(t, res.Next(ctx))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		n := 1
		for res.Next(cctx) {
			n++
		}
		require.ErrorIs(t, res.Err(), context.Canceled)
		require.LessOrEqual(t, n, 10, "only the fetched batch was delivered")
		st := driver.Stats()[0]
		require.Equal(t, 0, st.InUse)
		require.Equal(t, uint64(0), st.Closed)

		// Cancelled during a blocking read: the connection is closed, never reused
		// mid-stream.
		res, err = sess.Run(ctx, "UNWIND range(1, 300000000) AS x WITH x WHERE x < 0 RETURN x", nil)
		require.NoError(t, err)
		tctx, tcancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer tcancel()
		start := time.Now()
		require.False(t, res.Next(tctx))
		require.Less(t, time.Since(start), 5*time.Second)
		require.ErrorIs(t, res.Err(), context.DeadlineExceeded)
		waitFor(t, func() bool { st := driver.Stats()[0]; return st.InUse == 0 && st.Closed == 1 })

		// The pool (size 1) serves the next query with a fresh connection.
		res, err = sess.Run(ctx, "RETURN 42", nil)
		require.NoError(t, err)
		rec, err := res.Single(ctx)
		require.NoError(t, err)
		require.Equal(t, int64(42), rec.Values[0])
		require.Equal(t, uint64(2), driver.Stats()[0].Created)
	})
}

func TestPoolExhaustion(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := testCtx(t)
		driver := newServerDriver(t, s, func(c *Config) {
			c.MaxConnectionPoolSize = 2
			// The timeout also bounds dialling the two connections (handshake and
			// HELLO); a loaded CI machine needs more than a few hundred ms for that.
			c.ConnectionAcquisitionTimeout = 2 * time.Second
		})
		var txs []ExplicitTransaction
		for i := 0; i < 2; i++ {
			sess := driver.NewSession(ctx, SessionConfig{})
			defer sess.Close(ctx)
			tx, err := sess.BeginTransaction(ctx)
			require.NoError(t, err)
			_, err = tx.Run(ctx, "RETURN 1", nil)
			require.NoError(t, err)
			txs = append(txs, tx)
		}
		third := driver.NewSession(ctx, SessionConfig{})
		defer third.Close(ctx)
		start := time.Now()
		_, err := third.Run(ctx, "RETURN 1", nil)
		require.True(t, IsConnectivityError(err), "%v", err)
		require.ErrorIs(t, err, ErrPoolAcquisitionTimeout)
		require.GreaterOrEqual(t, time.Since(start), 1900*time.Millisecond)
		st := driver.Stats()[0]
		require.Equal(t, 2, st.InUse)
		require.Equal(t, uint64(1), st.Waits)

		// A waiter gets the connection as soon as one is returned.
		done := make(chan error, 1)
		go func() {
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			sess := driver.NewSession(wctx, SessionConfig{})
			defer sess.Close(ctx)
			res, err := sess.Run(wctx, "RETURN 2", nil)
			if err == nil {
				_, err = res.Consume(wctx)
			}
			done <- err
		}()
		waitFor(t, func() bool { return driver.Stats()[0].Waiting == 1 })
		require.NoError(t, txs[0].Commit(ctx))
		require.NoError(t, <-done)
		require.NoError(t, txs[1].Rollback(ctx))
		require.Equal(t, uint64(2), driver.Stats()[0].Created)
	})
}
