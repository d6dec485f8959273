package native

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// pullLines returns the PULL/DISCARD requests of a Bolt trace, in order.
func pullLines(trace string) []string {
	var out []string
	for _, l := range strings.Split(trace, "\n") {
		if i := strings.Index(l, "C: PULL"); i >= 0 {
			out = append(out, l[i:])
		} else if i := strings.Index(l, "C: DISCARD"); i >= 0 {
			out = append(out, l[i:])
		}
	}
	return out
}

var qidRE = regexp.MustCompile(`qid`)

// tracedTx begins a transaction on a session with fetch size 1 whose Bolt
// messages are traced.
func tracedTx(t *testing.T, srv *neo4jtest.Server) (context.Context, *neo4jtest.SyncBuffer, Session, ExplicitTransaction) {
	ctx := testCtx(t)
	d := newServerDriver(t, srv)
	trace := &neo4jtest.SyncBuffer{}
	s := d.NewSession(ctx, SessionConfig{FetchSize: 1, BoltTrace: trace})
	t.Cleanup(func() { s.Close(context.Background()) })
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	return ctx, trace, s, tx
}

// Two results of one transaction stay open on the server and are read
// interleaved: the latest result is pulled without a qid (the server's
// default), the earlier one by its qid; both yield all their records.
func TestIntegrationTxTwoResultsInterleaved(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, srv *neo4jtest.Server) {
		ctx, trace, _, tx := tracedTx(t, srv)
		a, err := tx.Run(ctx, "UNWIND range(1, 3) AS x RETURN x", nil)
		require.NoError(t, err)
		require.True(t, a.Next(ctx))
		require.True(t, a.Next(ctx)) // second PULL: a is the latest result
		b, err := tx.Run(ctx, "UNWIND range(10, 12) AS y RETURN y", nil)
		require.NoError(t, err)
		var got []int64
		for i := 0; i < 3; i++ {
			require.True(t, b.Next(ctx), "b record %d: %v", i, b.Err())
			got = append(got, b.Record().Values[0].(int64))
			if i == 0 {
				require.True(t, a.Next(ctx), "a record 3: %v", a.Err())
				got = append(got, a.Record().Values[0].(int64))
			}
		}
		require.False(t, a.Next(ctx))
		require.NoError(t, a.Err())
		require.False(t, b.Next(ctx))
		require.NoError(t, b.Err())
		require.Equal(t, []int64{10, 3, 11, 12}, got)
		require.NoError(t, tx.Commit(ctx))

		pulls := pullLines(trace.String())
		require.GreaterOrEqual(t, len(pulls), 5, "%s", trace.String())
		require.NotRegexp(t, qidRE, pulls[0], "a's first PULL")
		require.NotRegexp(t, qidRE, pulls[1], "a's second PULL: a is the latest result")
		var withQid int
		for _, p := range pulls[2:] {
			if qidRE.MatchString(p) {
				withQid++
			}
		}
		require.Equal(t, 1, withQid, "only a's PULL after b's RUN names a qid: %q", pulls)
	})
}

// A query of a transaction that fails on PULL ends the transaction's other
// open results: no PULL is sent for them any more, and they report the
// failure once their received records are read.
func TestIntegrationTxFailureEndsOtherResult(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, srv *neo4jtest.Server) {
		ctx, trace, s, tx := tracedTx(t, srv)
		a, err := tx.Run(ctx, "UNWIND range(1, 3) AS x RETURN x", nil)
		require.NoError(t, err)
		b, err := tx.Run(ctx, "UNWIND [1, 0] AS x RETURN 10 / x", nil)
		require.NoError(t, err)
		for b.Next(ctx) {
		}
		var nerr *Neo4jError
		require.ErrorAs(t, b.Err(), &nerr)
		failAt := len(pullLines(trace.String()))

		n := 0
		for a.Next(ctx) {
			n++
		}
		require.LessOrEqual(t, n, 1, "at most the record received before the failure")
		// The kind of error is the transaction's business (terminated by the
		// failure); here it only matters that there is one and no PULL.
		require.Error(t, a.Err())
		require.Len(t, pullLines(trace.String()), failAt, "no PULL after the failure: %s", trace.String())
		require.NoError(t, tx.Close(ctx))

		// The session is usable again.
		res, err := s.Run(ctx, "RETURN 1", nil)
		require.NoError(t, err)
		_, err = res.Consume(ctx)
		require.NoError(t, err)
	})
}
