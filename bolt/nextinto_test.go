package bolt

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// NextInto decodes a record read from the connection into dst (the returned
// slice is dst's), takes a slice of its own when dst is too short, and hands
// out records that were buffered ahead in their own slices (dst untouched).
func TestNextIntoDecodesIntoDst(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 3}, func(p *peer) {
		p.openTxResult("n", 1, int64(1), int64(2)) // s1: buffered when s2 runs
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"a", "b"}, "qid": int64(2)})
		p.record(int64(3), "x")
		p.record(int64(4), "y")
		p.record(int64(5), "z")
		p.success(map[string]any{"type": "r"})
		p.expect(sigDiscard) // s1's rest
		p.success(nil)
		p.expect(sigCommit)
		p.success(map[string]any{"bookmark": "bm"})
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s1, err := c.Run(ctx, "A", nil, nil, 2)
	require.NoError(t, err)
	s2, err := c.Run(ctx, "B", nil, nil, 10)
	require.NoError(t, err)

	dst := make([]any, 2)
	rec, err := s2.NextInto(ctx, dst)
	require.NoError(t, err)
	require.Equal(t, []any{int64(3), "x"}, rec)
	require.Same(t, &dst[0], &rec[0], "decoded into dst")
	rec, err = s2.NextInto(ctx, dst)
	require.NoError(t, err)
	require.Equal(t, []any{int64(4), "y"}, rec)
	require.Same(t, &dst[0], &rec[0], "decoded into dst")
	short := make([]any, 1)
	rec, err = s2.NextInto(ctx, short)
	require.NoError(t, err)
	require.Equal(t, []any{int64(5), "z"}, rec)
	require.Nil(t, short[0], "too short: not written")
	rec, err = s2.NextInto(ctx, dst)
	require.NoError(t, err)
	require.Nil(t, rec, "end of s2")

	mine := []any{"untouched"}
	for _, want := range []int64{1, 2} {
		rec, err = s1.NextInto(ctx, mine)
		require.NoError(t, err)
		require.Equal(t, []any{want}, rec)
		require.NotSame(t, &mine[0], &rec[0], "buffered ahead: its own slice")
	}
	require.Equal(t, []any{"untouched"}, mine)
	_, err = s1.Consume(ctx)
	require.NoError(t, err)
	_, err = c.Commit(ctx)
	require.NoError(t, err)
	p.wait()
}
