package native

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRetryDelayDoublesWithJitter(t *testing.T) {
	low := func() float64 { return 0 }
	high := func() float64 { return 1 }
	mid := func() float64 { return 0.5 }
	require.Equal(t, time.Second, retryDelay(0, mid))
	require.Equal(t, 800*time.Millisecond, retryDelay(0, low))
	require.Equal(t, 1200*time.Millisecond, retryDelay(0, high))
	require.Equal(t, 2*time.Second, retryDelay(1, mid))
	require.Equal(t, 8*time.Second, retryDelay(3, mid))
	require.Equal(t, time.Duration(float64(16*time.Second)*1.2), retryDelay(4, high))
}

func TestRetryStateBudgetCountsFromFirstFailure(t *testing.T) {
	now := time.Unix(1000, 0)
	st := newRetryState(5 * time.Second)
	st.now = func() time.Time { return now }
	st.rnd = func() float64 { return 0.5 }
	ctx := context.Background()
	transient := &Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}

	d, retry, err := st.next(ctx, transient)
	require.True(t, retry)
	require.NoError(t, err)
	require.Equal(t, time.Second, d)
	now = now.Add(d)
	d, retry, _ = st.next(ctx, transient)
	require.True(t, retry)
	require.Equal(t, 2*time.Second, d)
	now = now.Add(d)                      // 3 s since the first failure
	d, retry, _ = st.next(ctx, transient) // 4 s would end past 5 s: capped
	require.True(t, retry)
	require.Equal(t, 2*time.Second, d, "the wait is capped by the rest of the budget")
	now = now.Add(d) // 5 s: the budget is spent
	_, retry, err = st.next(ctx, transient)
	require.False(t, retry)
	var tle *TransactionExecutionLimit
	require.ErrorAs(t, err, &tle)
	require.Len(t, tle.Errors, 4)
	require.ErrorContains(t, err, "budget")

	// Non-retryable errors come back unchanged.
	syntax := &Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}
	_, retry, err = newRetryState(time.Minute).next(ctx, syntax)
	require.False(t, retry)
	require.Same(t, syntax, err)
}

func TestIsRetryableClassification(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}, true},
		{&Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, true},
		{&Neo4jError{Code: "Neo.TransientError.Transaction.Terminated"}, false},
		{&Neo4jError{Code: "Neo.TransientError.Transaction.LockClientStopped"}, false},
		{&Neo4jError{Code: "Neo.ClientError.Cluster.NotALeader"}, true},
		{&Neo4jError{Code: "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase"}, true},
		{&Neo4jError{Code: "Neo.ClientError.Security.AuthorizationExpired"}, true},
		{&Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"}, false},
		{&Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}, false},
		{&ConnectivityError{Inner: errors.New("EOF")}, true},
		{fmt.Errorf("wrapped: %w", &ConnectivityError{Inner: errors.New("EOF")}), true},
		{&ConnectivityError{Inner: context.Canceled}, false},
		{&CommitOutcomeUnknownError{Err: &ConnectivityError{Inner: errors.New("EOF")}}, false},
		{&UsageError{Message: "x"}, false},
		{errors.New("user error"), false},
		{nil, false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, IsRetryable(c.err), "%v", c.err)
	}
}

func TestExecuteWriteRetriesTransientErrorFromServer(t *testing.T) {
	srv := newFakeServer(t)
	var runs atomic.Int32
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		if runs.Add(1) == 1 {
			return runReply{fail: &failMsg{"Neo.TransientError.Transaction.DeadlockDetected", "deadlock"}}
		}
		return runReply{fields: []string{"x"}, records: [][]any{{int64(1)}}}
	}
	var retries atomic.Int32
	d := newFakeDriver(t, srv, func(c *Config) {
		c.Tracer = &retryCounter{n: &retries}
	})
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)
	start := time.Now()
	calls := 0
	v, err := ExecuteWrite(ctx, s, func(tx ManagedTransaction) (int64, error) {
		calls++
		res, err := tx.Run(ctx, "CREATE ()", nil)
		rec, err := Single(ctx, res, err)
		if err != nil {
			return 0, err
		}
		return rec.Values[0].(int64), nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(1), v)
	require.Equal(t, 2, calls)
	require.Equal(t, int32(1), retries.Load())
	require.GreaterOrEqual(t, time.Since(start), 800*time.Millisecond, "first wait ≈ 1 s ± 20 %")
	require.Less(t, time.Since(start), 1500*time.Millisecond)
}

type retryCounter struct {
	NopTracer
	n *atomic.Int32
}

func (r *retryCounter) Retry(context.Context, RetryEvent) { r.n.Add(1) }

func TestExecuteWriteNeverRetriesUnknownCommitOutcome(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply { return runReply{fields: []string{}} }
	srv.onCommit = func(int) commitReply { return commitReply{drop: true} }
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)
	calls := 0
	_, err := s.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
		calls++
		_, err := tx.Run(ctx, "CREATE ()", nil)
		return nil, err
	})
	require.Error(t, err)
	require.True(t, IsCommitOutcomeUnknown(err), "%v", err)
	require.True(t, IsConnectivityError(err))
	require.False(t, IsRetryable(err))
	require.Equal(t, 1, calls)
	waitFor(t, func() bool { st := d.Stats(); return st[0].InUse == 0 && st[0].Closed == 1 })
}

func TestExecuteReadStopsWhenBudgetExhausted(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fail: &failMsg{"Neo.TransientError.General.DatabaseUnavailable", "unavailable"}}
	}
	d := newFakeDriver(t, srv, func(c *Config) { c.MaxTransactionRetryTime = 2 * time.Second })
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)
	start := time.Now()
	_, err := s.ExecuteRead(ctx, func(tx ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "MATCH (n) RETURN n", nil)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	took := time.Since(start)
	var tle *TransactionExecutionLimit
	require.ErrorAs(t, err, &tle)
	require.Len(t, tle.Errors, 3, "attempts at 0 s, ≈1 s and 2 s (the second wait is capped by the budget)")
	require.GreaterOrEqual(t, took, 2*time.Second)
	require.Less(t, took, 3500*time.Millisecond, "no wait past the budget")
	var nerr *Neo4jError
	require.ErrorAs(t, err, &nerr)
	require.Equal(t, "Neo.TransientError.General.DatabaseUnavailable", nerr.Code)
	require.Equal(t, 3, srv.runCount())
	srv.mu.Lock()
	require.Equal(t, "r", srv.begins[0]["mode"])
	srv.mu.Unlock()
}

func TestExecuteWriteStopsAtOnceWhenContextEnds(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fail: &failMsg{"Neo.TransientError.Transaction.DeadlockDetected", "deadlock"}}
	}
	d := newFakeDriver(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(context.Background())
	start := time.Now()
	_, err := s.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
		_, err := tx.Run(ctx, "CREATE ()", nil)
		return nil, err
	})
	require.Less(t, time.Since(start), 600*time.Millisecond)
	require.True(t, IsTransactionExecutionLimit(err))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, 1, srv.runCount())
}

func TestUserErrorsAreNotRetriedAndRollBack(t *testing.T) {
	srv := newFakeServer(t)
	ctx, s := fakeSession(t, srv, SessionConfig{})
	boom := errors.New("boom")
	calls := 0
	_, err := s.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
		calls++
		if _, err := tx.Run(ctx, "CREATE ()", nil); err != nil {
			return nil, err
		}
		return nil, boom
	})
	require.ErrorIs(t, err, boom)
	require.Equal(t, 1, calls)
	require.Contains(t, srv.messages(), "ROLLBACK")
	require.NotContains(t, srv.messages(), "COMMIT")
}
