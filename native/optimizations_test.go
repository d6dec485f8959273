package native

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// ExecuteQuery sends BEGIN, RUN and PULL in one flight and COMMIT in the next,
// and returns a clean connection to the pool without RESET (TestKit
// Optimization:ExecuteQueryPipelining and MinimalResets).
func TestExecuteQueryPipelinesBegin(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}}}
	}
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	_, err := ExecuteQuery(ctx, d, "RETURN 1 AS n", nil, EagerResultTransformer) // connects
	require.NoError(t, err)
	srv.mu.Lock()
	srv.msgs = nil
	srv.mu.Unlock()
	srv.batches.Store(0)
	res, err := ExecuteQuery(ctx, d, "RETURN 1 AS n", nil, EagerResultTransformer)
	require.NoError(t, err)
	require.Len(t, res.Records, 1)
	require.Equal(t, int32(2), srv.batches.Load(), "BEGIN+RUN+PULL, then COMMIT")
	require.Equal(t, []string{"BEGIN", "RUN", "PULL", "COMMIT"}, srv.messages())
}

// A connection returned in a clean state is not RESET; one returned after a
// failure is RESET exactly once (TestKit Optimization:MinimalResets).
func TestMinimalResets(t *testing.T) {
	fail := &failMsg{"Neo.ClientError.Statement.SyntaxError", "bad"}
	srv := newFakeServer(t)
	srv.onRun = func(_ int, q string, _ map[string]any, _ bool) runReply {
		switch q {
		case "FAIL ON RUN":
			return runReply{fail: fail}
		case "FAIL ON PULL":
			return runReply{fields: []string{"n"}, pullErr: fail}
		}
		return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}, {int64(2)}}}
	}
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	resets := func() int { return countMsgs(srv.messages(), "RESET") }

	// work runs query twice in the given style, on one or two sessions.
	work := func(query, style string, consume bool) error {
		s := d.NewSession(ctx, SessionConfig{FetchSize: 1})
		defer s.Close(ctx)
		var res Result
		var err error
		var tx ExplicitTransaction
		if style == "auto" {
			res, err = s.Run(ctx, query, nil)
		} else {
			if tx, err = s.BeginTransaction(ctx); err != nil {
				return err
			}
			defer tx.Close(ctx)
			res, err = tx.Run(ctx, query, nil)
		}
		if err != nil {
			return err
		}
		if consume {
			_, err = res.Consume(ctx)
		} else {
			_, err = res.Collect(ctx)
		}
		if err != nil {
			return err
		}
		switch style {
		case "commit":
			return tx.Commit(ctx)
		case "rollback":
			return tx.Rollback(ctx)
		}
		return nil
	}
	for _, style := range []string{"auto", "commit", "rollback"} {
		for _, consume := range []bool{true, false} {
			for i := 0; i < 2; i++ {
				require.NoError(t, work("RETURN 1", style, consume))
			}
			require.Equal(t, 0, resets(), "clean connection: %s consume=%t", style, consume)
		}
	}
	for _, style := range []string{"auto", "rollback"} {
		for _, q := range []string{"FAIL ON RUN", "FAIL ON PULL"} {
			before := resets()
			require.Error(t, work(q, style, false))
			require.Equal(t, before+1, resets(), "one RESET after %s (%s)", q, style)
		}
	}
	require.Equal(t, int32(1), srv.accepted.Load(), "one connection throughout")
}

// Collect reads the batch in flight and pulls the rest at once (PULL n=-1),
// whatever the fetch size (TestKit Optimization:ResultListFetchAll).
func TestCollectPullsTheRestAtOnce(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}, {int64(2)}, {int64(3)}, {int64(4)}, {int64(5)}}}
	}
	ctx, s := fakeSession(t, srv, SessionConfig{FetchSize: 2})
	for _, nextFirst := range []bool{false, true} {
		for _, inTx := range []bool{false, true} {
			srv.mu.Lock()
			srv.msgs = nil
			srv.mu.Unlock()
			var res Result
			var tx ExplicitTransaction
			var err error
			if inTx {
				tx, err = s.BeginTransaction(ctx)
				require.NoError(t, err)
				res, err = tx.Run(ctx, "UNWIND range(1, 5) AS n RETURN n", nil)
			} else {
				res, err = s.Run(ctx, "UNWIND range(1, 5) AS n RETURN n", nil)
			}
			require.NoError(t, err)
			want := 5
			if nextFirst {
				require.True(t, res.Next(ctx))
				want = 4
			}
			recs, err := res.Collect(ctx)
			require.NoError(t, err)
			require.Len(t, recs, want)
			require.Equal(t, int64(5), recs[len(recs)-1].Values[0])
			if inTx {
				require.NoError(t, tx.Commit(ctx))
			}
			require.Equal(t, 2, countMsgs(srv.messages(), "PULL"), "PULL n=2 with RUN, then one PULL n=-1 (nextFirst=%t inTx=%t)", nextFirst, inTx)
		}
	}
}
