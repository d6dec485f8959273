package native

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// terminatingSession opens a session (fetch size 1) on a fake server where
// "BAD" fails on RUN, "FAILS ON PULL" fails after its first record and
// anything else yields three records.
func terminatingSession(t *testing.T) (context.Context, *fakeServer, Session) {
	t.Helper()
	srv := newFakeServer(t)
	srv.onRun = func(_ int, q string, _ map[string]any, _ bool) runReply {
		switch q {
		case "BAD":
			return runReply{fail: &failMsg{"Neo.ClientError.Statement.SyntaxError", "bad"}}
		case "FAILS ON PULL":
			return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}},
				pullErr: &failMsg{"Neo.ClientError.MadeUp.Code", "made up"}}
		}
		return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}, {int64(2)}, {int64(3)}}}
	}
	ctx, s := fakeSession(t, srv, SessionConfig{FetchSize: 1})
	return ctx, srv, s
}

// terminatingTx begins a transaction in a terminatingSession and runs
// "RETURN n" in it (left unread).
func terminatingTx(t *testing.T) (context.Context, ExplicitTransaction, Result, *fakeServer, Session) {
	t.Helper()
	ctx, srv, s := terminatingSession(t)
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	first, err := tx.Run(ctx, "RETURN n", nil)
	require.NoError(t, err)
	return ctx, tx, first, srv, s
}

// requireNewTxWorks checks that s, whose last transaction was terminated, can
// begin another one and read a query's three records in it.
func requireNewTxWorks(ctx context.Context, t *testing.T, s Session) {
	t.Helper()
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx.Run(ctx, "RETURN n", nil)
	require.NoError(t, err)
	recs, err := res.Collect(ctx)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	require.NoError(t, tx.Commit(ctx))
}

// D3: a RUN that fails inside an explicit transaction terminates it; the
// session can begin a new one, Run/Commit are usage errors, Rollback/Close
// are idempotent no-ops.
func TestTxRunFailureTerminatesTransaction(t *testing.T) {
	ctx, _, s := terminatingSession(t)
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	_, err = tx.Run(ctx, "BAD", nil)
	require.Error(t, err)

	_, err = tx.Run(ctx, "RETURN 1", nil)
	require.Error(t, err)
	require.True(t, IsUsageError(err), "%v", err)
	require.Contains(t, err.Error(), "terminated")
	err = tx.Commit(ctx)
	require.Error(t, err)
	require.True(t, IsUsageError(err), "%v", err)
	require.Contains(t, err.Error(), "terminated")
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, tx.Close(ctx))

	requireNewTxWorks(ctx, t, s)
}

// D3, lost connection: a RUN whose connection dies terminates the transaction.
func TestTxRunConnectionLostTerminatesTransaction(t *testing.T) {
	ctx, srv, s := terminatingSession(t)
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	srv.killAll()
	_, err = tx.Run(ctx, "RETURN 1", nil)
	require.Error(t, err)
	_, err = tx.Run(ctx, "RETURN 1", nil)
	require.True(t, IsUsageError(err), "%v", err)
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, tx.Close(ctx))

	requireNewTxWorks(ctx, t, s)
}
