package native

import (
	"testing"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

// statusCodes lists the GQL status codes of a summary, in order.
func statusCodes(s ResultSummary) []string {
	var out []string
	for _, g := range s.GqlStatusObjects() {
		out = append(out, g.GqlStatus())
	}
	return out
}

func legacyNote(severity, category, description string) map[string]any {
	return map[string]any{"code": "Neo.ClientNotification.Statement.X" + severity, "title": "t", "description": description,
		"severity": severity, "category": category, "position": map[string]any{"offset": int64(8), "line": int64(1), "column": int64(9)}}
}

// D5, D6, D7: a Bolt 5.0 server sends notifications (no GQL statuses); the
// driver derives the statuses, including the outcome status, in GQL order,
// keeps "no notifications list" apart from an empty one, and rejects an
// unknown query type as a protocol violation without losing the connection.
func TestSummaryStatusesBeforeBolt56(t *testing.T) {
	srv := newFakeServer(t)
	srv.minor = 0
	srv.onRun = func(_ int, q string, _ map[string]any, _ bool) runReply {
		switch q {
		case "rows":
			return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}},
				meta: map[string]any{"notifications": []any{legacyNote("INFORMATION", "HINT", "info one"),
					legacyNote("WARNING", "PERFORMANCE", ""), legacyNote("WARNING", "HINT", "warn two")}}}
		case "empty":
			return runReply{fields: []string{"n"}, meta: map[string]any{"notifications": []any{}}}
		case "nocolumns":
			return runReply{fields: []string{}}
		case "badtype":
			return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}}, meta: map[string]any{"type": "wr"}}
		}
		return runReply{fields: []string{"n"}, records: [][]any{{int64(1)}}}
	}
	ctx, s := fakeSession(t, srv, SessionConfig{})
	consume := func(q string) (ResultSummary, error) {
		res, err := s.Run(ctx, q, nil)
		require.NoError(t, err)
		return res.Consume(ctx)
	}

	sum, err := consume("rows")
	require.NoError(t, err)
	require.Equal(t, []string{"01N42", "01N42", "00000", "03N42"}, statusCodes(sum))
	require.Len(t, sum.Notifications(), 3)
	gs := sum.GqlStatusObjects()
	require.Equal(t, "warn: unknown warning", gs[0].StatusDescription(), "a warning without description gets the generic one")
	require.Equal(t, "warn two", gs[1].StatusDescription())
	require.Equal(t, "note: successful completion", gs[2].StatusDescription())
	require.False(t, gs[2].IsNotification())
	require.Nil(t, gs[2].Position())
	require.Equal(t, map[string]any{"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"}, gs[2].DiagnosticRecord())
	require.Equal(t, map[string]any{"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/",
		"_severity": "INFORMATION", "_classification": "HINT",
		"_position": map[string]any{"offset": int64(8), "line": int64(1), "column": int64(9)}}, gs[3].DiagnosticRecord())

	sum, err = consume("empty")
	require.NoError(t, err)
	require.NotNil(t, sum.Notifications(), "an empty list from the server stays an empty list")
	require.Empty(t, sum.Notifications())
	require.Equal(t, []string{"02000"}, statusCodes(sum))
	require.Equal(t, "note: no data", sum.GqlStatusObjects()[0].StatusDescription())

	sum, err = consume("nocolumns")
	require.NoError(t, err)
	require.Nil(t, sum.Notifications(), "no notifications list at all")
	require.Equal(t, []string{"00001"}, statusCodes(sum))

	_, err = consume("badtype")
	var perr *bolt.ProtocolError
	require.ErrorAs(t, err, &perr)
	require.Contains(t, err.Error(), `"wr"`)

	sum, err = consume("plain")
	require.NoError(t, err, "the connection survives the bad summary")
	require.Equal(t, StatementTypeReadWrite, sum.StatementType())
	require.Equal(t, []string{"00000"}, statusCodes(sum))
}

// D5: from Bolt 5.6 the notifications are never nil, even when the server
// sends no statuses.
func TestSummaryNotificationsEmptyFromBolt56(t *testing.T) {
	s := newSummary(testMeta(t, map[string]any{"type": "r"}), "q", nil, &serverInfo{protocol: ProtocolVersion{5, 6}}, streamFacts{pulled: true, records: 1})
	require.NotNil(t, s.Notifications())
	require.Empty(t, s.Notifications())
	require.Empty(t, s.GqlStatusObjects(), "5.6 servers send their own statuses")

	s = newSummary(testMeta(t, map[string]any{"statuses": []any{map[string]any{"gql_status": "00000", "status_description": "note: successful completion"}}}),
		"q", nil, &serverInfo{protocol: ProtocolVersion{5, 6}}, streamFacts{})
	require.NotNil(t, s.Notifications())
	require.Equal(t, []string{"00000"}, statusCodes(s))
}

// D6: records discarded unseen (no PULL) give "no data - unknown subcondition".
func TestOutcomeStatusWithoutPull(t *testing.T) {
	s := newSummary(testMeta(t, map[string]any{"fields": []any{"n"}}), "q", nil, &serverInfo{protocol: ProtocolVersion{4, 4}}, streamFacts{})
	require.Equal(t, []string{"02N42"}, statusCodes(s))
	require.Equal(t, "note: no data - unknown subcondition", s.GqlStatusObjects()[0].StatusDescription())
}

// D8: profile measurements the server left out are reported as absent.
func TestProfileAbsentStats(t *testing.T) {
	s := newSummary(testMeta(t, map[string]any{"profile": map[string]any{"operatorType": "ProduceResults", "dbHits": int64(0), "rows": int64(1),
		"children": []any{map[string]any{"operatorType": "Create", "pageCacheHits": int64(0), "pageCacheMisses": int64(2),
			"pageCacheHitRatio": 0.5, "time": int64(0), "dbHits": int64(1), "rows": int64(1)}}}}),
		"q", nil, &serverInfo{protocol: ProtocolVersion{5, 8}}, streamFacts{})
	p := s.Profile()
	require.True(t, p.HasStat(ProfileDbHits), "a reported 0 is present")
	require.Equal(t, int64(0), p.DbHits())
	require.True(t, p.HasStat(ProfileRows))
	for _, st := range []ProfileStat{ProfilePageCacheHits, ProfilePageCacheMisses, ProfilePageCacheHitRatio, ProfileTime} {
		require.False(t, p.HasStat(st), st)
	}
	c := p.Children()[0]
	for _, st := range []ProfileStat{ProfileDbHits, ProfileRows, ProfilePageCacheHits, ProfilePageCacheMisses, ProfilePageCacheHitRatio, ProfileTime} {
		require.True(t, c.HasStat(st), st)
	}
	require.Equal(t, int64(2), c.PageCacheMisses())
	require.Equal(t, 0.5, c.PageCacheHitRatio())
}
