package native

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// D10: Next/Peek after Consume is a usage error; Next after the natural end
// of the stream is not.
func TestResultNextAfterConsumeIsError(t *testing.T) {
	srv := peopleServer(t)
	ctx, s := fakeSession(t, srv, SessionConfig{FetchSize: 1})

	// natural end: no error
	res, err := s.Run(ctx, "MATCH (p) RETURN p", nil)
	require.NoError(t, err)
	for res.Next(ctx) {
	}
	require.False(t, res.Next(ctx))
	require.NoError(t, res.Err())

	// auto-commit, Consume mid-stream
	res, err = s.Run(ctx, "MATCH (p) RETURN p", nil)
	require.NoError(t, err)
	require.True(t, res.Next(ctx))
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	require.False(t, res.Next(ctx))
	require.True(t, IsUsageError(res.Err()), "%v", res.Err())
	require.Contains(t, res.Err().Error(), "consumed")
	require.False(t, res.Peek(ctx))
	require.Error(t, res.Err())
	_, err = res.Consume(ctx) // Consume stays idempotent
	require.NoError(t, err)

	// in a transaction
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err = tx.Run(ctx, "MATCH (p) RETURN p", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	require.False(t, res.Peek(ctx))
	require.True(t, IsUsageError(res.Err()), "%v", res.Err())
	require.NoError(t, tx.Commit(ctx))
}
