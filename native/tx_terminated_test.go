package native

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// D3: a RUN that fails inside an explicit transaction terminates it; the
// session can begin a new one, Run/Commit are usage errors, Rollback/Close
// are idempotent no-ops.
func TestTxRunFailureTerminatesTransaction(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(_ int, q string, _ map[string]any, _ bool) runReply {
		if q == "BAD" {
			return runReply{fail: &failMsg{"Neo.ClientError.Statement.SyntaxError", "bad"}}
		}
		return runReply{fields: []string{"x"}, records: [][]any{{int64(1)}}}
	}
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)

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

	tx2, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx2.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	recs, err := res.Collect(ctx)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.NoError(t, tx2.Commit(ctx))
}

// D3, lost connection: a RUN whose connection dies terminates the transaction.
func TestTxRunConnectionLostTerminatesTransaction(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(_ int, q string, _ map[string]any, _ bool) runReply {
		return runReply{fields: []string{"x"}, records: [][]any{{int64(1)}}}
	}
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)

	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	srv.killAll()
	_, err = tx.Run(ctx, "RETURN 1", nil)
	require.Error(t, err)
	_, err = tx.Run(ctx, "RETURN 1", nil)
	require.True(t, IsUsageError(err), "%v", err)
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, tx.Close(ctx))

	tx2, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx2.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	_, err = res.Collect(ctx)
	require.NoError(t, err)
	require.NoError(t, tx2.Commit(ctx))
}
