package bolt

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// PULL and DISCARD leave out the qid of the transaction's latest result (the server's
// default, -1) and name earlier results by their qid.
func TestPullDiscardQidOnlyForEarlierResults(t *testing.T) {
	c, _, p := dialPeer(t, Version{4, 4}, func(p *peer) {
		pull := p.openTxResult("a", 1, int64(1))
		assert.Equal(t, map[string]any{"n": int64(1)}, pull[0])
		pull = p.expect(sigPull)
		assert.Equal(t, map[string]any{"n": int64(1)}, pull[0], "latest result: qid left out")
		p.record(int64(2))
		p.success(map[string]any{"has_more": true})
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"b"}, "qid": int64(2)})
		p.record("x")
		p.success(map[string]any{"has_more": true})
		pull = p.expect(sigPull)
		assert.Equal(t, map[string]any{"n": int64(1), "qid": int64(1)}, pull[0], "earlier result by its qid")
		p.record(int64(3))
		p.success(nil)
		d := p.expect(sigDiscard)
		assert.Equal(t, map[string]any{"n": int64(-1)}, d[0], "latest result: qid left out")
		p.success(map[string]any{"type": "r"})
		p.expect(sigCommit)
		p.success(map[string]any{"bookmark": "bm"})
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s1, err := c.Run(ctx, "A", nil, nil, 1)
	require.NoError(t, err)
	for _, want := range []int64{1, 2} {
		requireNext(ctx, t, s1, []any{want})
	}
	s2, err := c.Run(ctx, "B", nil, nil, 1)
	require.NoError(t, err)
	requireNext(ctx, t, s2, []any{"x"})
	require.Equal(t, [][]any{{int64(3)}}, collect(t, s1))
	_, err = s2.Consume(ctx)
	require.NoError(t, err)
	_, err = c.Commit(ctx)
	require.NoError(t, err)
	p.wait()
}

// A FAILURE in one result of a transaction ends the other open results: their
// received records stay readable, then they report the failure; no PULL is sent for
// them and Rollback clears the failure with RESET.
func TestFailureEndsOtherStreamsOfTx(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 3}, func(p *peer) {
		p.openTxResult("n", 1, int64(1), int64(2))
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"n"}, "qid": int64(2)})
		p.failure("Neo.ClientError.MadeUp.Code", "message")
		p.expect(sigReset) // not a PULL for the first result
		p.success(nil)
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s1, err := c.Run(ctx, "RETURN 1 AS n", nil, nil, 2)
	require.NoError(t, err)
	s2, err := c.Run(ctx, "failing on pull", nil, nil, 2)
	require.NoError(t, err)
	_, err = s2.Next(ctx)
	var se *ServerError
	require.ErrorAs(t, err, &se)
	for _, want := range []int64{1, 2} {
		requireNext(ctx, t, s1, []any{want}, "records received before the failure")
	}
	_, err = s1.Next(ctx)
	var sf *StreamFailedError
	require.ErrorAs(t, err, &sf)
	require.ErrorAs(t, err, &se)
	require.Equal(t, "Neo.ClientError.MadeUp.Code", se.Code)
	_, err = s1.Consume(ctx)
	require.ErrorAs(t, err, &sf)
	require.NoError(t, c.Rollback(ctx))
	require.True(t, c.IsIdle())
	p.wait()
}

// runTwiceBuffersFirst plays a transaction whose first result (RUN's SUCCESS with
// qid, none if negative) is read to the end before the second RUN goes out, and
// runs that transaction on c.
func runTwiceBuffersFirst(t *testing.T, v Version, qid int64) {
	c, _, p := dialPeer(t, v, func(p *peer) {
		p.openTxResult("a", qid, int64(1))
		p.expect(sigPull) // the rest of A, before B's RUN
		p.record(int64(2))
		p.success(nil)
		p.expectAll(sigRun, sigPull)
		p.success(map[string]any{"fields": []any{"b"}})
		p.record("x")
		p.success(nil)
	})
	ctx := context.Background()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s1, s2 := runTwo(ctx, t, c, 1)
	require.Equal(t, [][]any{{int64(1)}, {int64(2)}}, collect(t, s1))
	require.Equal(t, [][]any{{"x"}}, collect(t, s2))
	p.wait()
}

// A RUN reply without a qid leaves its result addressable only while it is the
// latest: a new RUN in the transaction first reads it to the end.
func TestRunBuffersResultWithoutQid(t *testing.T) {
	runTwiceBuffersFirst(t, Version{5, 8}, -1)
}

// secondRunDoesNotWait plays a transaction, on a peer negotiating v, that sends
// the first result's record (1) only once the second RUN and PULL have arrived,
// then the second result's (2); with qids the RUN replies number the results.
// adapt, when not nil, changes the Conn first. The client runs both queries with
// fetch size fetch and reads each result's own record: a client that waited for
// the first result before sending the second RUN fails on the context's deadline.
func secondRunDoesNotWait(t *testing.T, v Version, qids bool, fetch int, adapt func(c *Conn)) {
	c, _, p := dialPeer(t, v, func(p *peer) {
		runMeta := func(field string, qid int64) map[string]any {
			m := map[string]any{"fields": []any{field}}
			if qids {
				m["qid"] = qid
			}
			return m
		}
		p.expectAll(sigBegin, sigRun, sigPull)
		p.success(nil)
		p.success(runMeta("a", 0))
		// The client must send B's RUN and PULL before it sees A's records.
		p.expectAll(sigRun, sigPull)
		p.record(int64(1))
		p.success(nil)
		p.success(runMeta("b", 1))
		p.record(int64(2))
		p.success(nil)
	})
	if adapt != nil {
		adapt(c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	s1, s2 := runTwo(ctx, t, c, fetch)
	require.Equal(t, [][]any{{int64(2)}}, collect(t, s2))
	require.Equal(t, [][]any{{int64(1)}}, collect(t, s1))
	p.wait()
}

// Without query ids (before Bolt 4.0) every PULL is a PULL_ALL, which ends its
// result: the next RUN of the transaction goes out without waiting for the records
// (they are read into memory as they come), whatever the fetch size.
func TestRunWithoutQueryIDsDoesNotWaitForPullAll(t *testing.T) {
	// The version table alone decides: the negotiated version is replaced
	// after the handshake.
	secondRunDoesNotWait(t, Version{4, 4}, false, 1, func(c *Conn) {
		old := Version{3, 0}
		require.False(t, old.Has(FeatureQueryID))
		c.version = old
	})
}
