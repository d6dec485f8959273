package native_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// return1Exchange is the script of one auto-commit `RETURN 1 AS n` answered
// with one record (to be put after the login lines).
const return1Exchange = `
	C: RUN "RETURN 1 AS n" * *
	S: SUCCESS {"fields": ["n"]}
	C: PULL *
	S: RECORD [1]
	S: SUCCESS {"type": "r"}
`

// runReturn1 runs `RETURN 1 AS n` in a new session of d and checks the answer.
func runReturn1(ctx context.Context, t *testing.T, d native.Driver) {
	t.Helper()
	s := d.NewSession(ctx, native.SessionConfig{})
	defer s.Close(ctx)
	res, err := s.Run(ctx, "RETURN 1 AS n", nil)
	rec, err := native.Single(ctx, res, err)
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, rec.Values)
}

// countedWrite runs one managed write (whoServes) in a new session and returns
// who served it and how many times the transaction function ran.
func countedWrite(ctx context.Context, t *testing.T, d native.Driver, cfg native.SessionConfig) (string, int32) {
	t.Helper()
	var tries atomic.Int32
	s := d.NewSession(ctx, cfg)
	defer s.Close(ctx)
	got, err := native.ExecuteWrite(ctx, s, func(tx native.ManagedTransaction) (string, error) {
		tries.Add(1)
		return whoServes(ctx)(tx)
	})
	require.NoError(t, err)
	return got, tries.Load()
}
