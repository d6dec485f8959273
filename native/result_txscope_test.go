package native

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// D10: once its transaction has ended, a result is out of scope: Next and
// Peek fail with ErrResultNotAvailable (even with records read ahead), the
// unread records were discarded (not pulled) before COMMIT, and Consume still
// returns the summary of a committed result.
func TestResultOutOfScopeAfterTxEnd(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(_ int, _ string, _ map[string]any, _ bool) runReply {
		return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}, {int64(2)}, {int64(3)}, {int64(4)}, {int64(5)}}}
	}
	ctx, s := fakeSession(t, srv, SessionConfig{FetchSize: 2})

	for _, end := range []string{"commit", "rollback", "close"} {
		tx, err := s.BeginTransaction(ctx)
		require.NoError(t, err)
		res, err := tx.Run(ctx, "RETURN n", nil)
		require.NoError(t, err)
		require.True(t, res.Peek(ctx), end)
		pullsBefore := countMsgs(srv.messages(), "PULL")
		switch end {
		case "commit":
			require.NoError(t, tx.Commit(ctx))
			require.Equal(t, pullsBefore, countMsgs(srv.messages(), "PULL"), "commit discards, it does not pull the rest")
		case "rollback":
			require.NoError(t, tx.Rollback(ctx))
		default:
			require.NoError(t, tx.Close(ctx))
		}
		require.False(t, res.Next(ctx), end)
		require.ErrorIs(t, res.Err(), ErrResultNotAvailable, end)
		require.True(t, IsUsageError(res.Err()), end)
		require.False(t, res.Peek(ctx), end)
		require.ErrorIs(t, res.Err(), ErrResultNotAvailable, end)
		require.False(t, res.IsOpen(), end)
		if end == "commit" {
			sum, err := res.Consume(ctx)
			require.NoError(t, err)
			require.Equal(t, StatementTypeReadWrite, sum.StatementType())
		}
	}
	require.Positive(t, countMsgs(srv.messages(), "DISCARD"))

	// Read to its end inside a transaction function: still out of scope after.
	out, err := s.ExecuteRead(ctx, func(tx ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "RETURN n", nil)
		if err != nil {
			return nil, err
		}
		_, err = res.Collect(ctx)
		return res, err
	})
	require.NoError(t, err)
	res := out.(Result)
	require.False(t, res.Next(ctx))
	require.ErrorIs(t, res.Err(), ErrResultNotAvailable)
}

// D12: a query failing on PULL terminates its transaction: later Run and
// Commit fail with ErrTransactionTerminated ("cannot use this transaction"),
// other unfinished results fail with it too ("result failed"), Rollback is a
// no-op and the session can begin again.
func TestTxTerminatedByPullFailure(t *testing.T) {
	ctx, tx, first, srv, s := terminatingTx(t)
	failing, err := tx.Run(ctx, "FAILS ON PULL", nil)
	require.NoError(t, err)
	_, err = failing.Collect(ctx)
	var nerr *Neo4jError
	require.ErrorAs(t, err, &nerr)
	require.Equal(t, "Neo.ClientError.MadeUp.Code", nerr.Code)
	require.False(t, errors.Is(err, ErrTransactionTerminated), "the failure itself is the server's error")

	_, err = tx.Run(ctx, "RETURN n", nil)
	require.ErrorIs(t, err, ErrTransactionTerminated)
	require.True(t, strings.HasPrefix(err.Error(), "cannot use this transaction"), err.Error())
	require.Contains(t, err.Error(), "made up", "names the failure behind it")
	err = tx.Commit(ctx)
	require.ErrorIs(t, err, ErrTransactionTerminated)
	require.True(t, IsUsageError(err))

	for first.Next(ctx) {
	}
	require.ErrorIs(t, first.Err(), ErrTransactionTerminated)
	require.ErrorAs(t, first.Err(), &nerr, "the failure behind it stays reachable")
	require.Equal(t, "Neo.ClientError.MadeUp.Code", nerr.Code)
	require.True(t, strings.HasPrefix(first.Err().Error(), "result failed"), first.Err().Error())

	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, tx.Close(ctx))
	runs := srv.runCount()
	requireNewTxWorks(ctx, t, s)
	require.Equal(t, runs+1, srv.runCount())
}

// D12, failed RUN: an earlier unfinished result of the transaction fails with
// ErrTransactionTerminated.
func TestTxTerminatedByRunFailureFailsOpenResults(t *testing.T) {
	ctx, tx, first, _, _ := terminatingTx(t)
	_, err := tx.Run(ctx, "BAD", nil)
	require.Error(t, err)
	require.False(t, first.Next(ctx))
	require.ErrorIs(t, first.Err(), ErrTransactionTerminated)
	_, err = first.Consume(ctx)
	require.ErrorIs(t, err, ErrTransactionTerminated)
	require.NoError(t, tx.Close(ctx))
}
