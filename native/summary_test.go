package native

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

func TestSummaryFromMetadata(t *testing.T) {
	meta := map[string]any{
		"t_first": int64(3), "t_last": int64(9), "type": "s", "db": "movies", "bookmark": "bm",
		"stats": map[string]any{"nodes-created": int64(2), "properties-set": int64(4), "constraints-added": int64(1),
			"contains-updates": true},
		"profile": map[string]any{"operatorType": "ProduceResults", "identifiers": []any{"n"}, "args": map[string]any{"k": "v"},
			"dbHits": int64(10), "rows": int64(2), "pageCacheHits": int64(5), "pageCacheMisses": int64(1),
			"pageCacheHitRatio": 0.8, "time": int64(77),
			"children": []any{map[string]any{"operatorType": "AllNodesScan", "dbHits": int64(3)}}},
		"statuses": []any{
			map[string]any{"gql_status": "00000", "status_description": "note: successful completion"},
			map[string]any{"gql_status": "01N50", "status_description": "warn: label does not exist", "neo4j_code": "Neo.ClientNotification.Statement.UnknownLabelWarning",
				"title": "unknown label", "description": "the label Foo does not exist",
				"diagnostic_record": map[string]any{"_severity": "WARNING", "_classification": "UNRECOGNIZED",
					"_position": map[string]any{"offset": int64(9), "line": int64(1), "column": int64(10)}}},
		},
	}
	s := newSummary(testMeta(t, meta), "MATCH (n:Foo) RETURN n", map[string]any{"p": int64(1)}, &serverInfo{address: "h:1", agent: "Neo4j/5.26.0", protocol: ProtocolVersion{5, 8}}, streamFacts{pulled: true, records: 1})
	require.Equal(t, 3*time.Millisecond, s.ResultAvailableAfter())
	require.Equal(t, 9*time.Millisecond, s.ResultConsumedAfter())
	require.Equal(t, StatementTypeSchemaWrite, s.StatementType())
	require.Equal(t, "SCHEMA_WRITE", s.StatementType().String())
	require.Equal(t, "movies", s.Database().Name())
	require.Equal(t, "bm", s.Bookmark())
	require.Equal(t, "h:1", s.Server().Address())
	require.Equal(t, ProtocolVersion{5, 8}, s.Server().ProtocolVersion())
	c := s.Counters()
	require.Equal(t, 2, c.NodesCreated())
	require.Equal(t, 4, c.PropertiesSet())
	require.Equal(t, 1, c.ConstraintsAdded())
	require.True(t, c.ContainsUpdates())
	require.False(t, c.ContainsSystemUpdates())
	p := s.Profile()
	require.Equal(t, "ProduceResults", p.Operator())
	require.Equal(t, int64(10), p.DbHits())
	require.Equal(t, int64(2), p.Records())
	require.Equal(t, 0.8, p.PageCacheHitRatio())
	require.Equal(t, int64(77), p.Time())
	require.Len(t, p.Children(), 1)
	require.Equal(t, int64(3), p.Children()[0].DbHits())
	require.Equal(t, "AllNodesScan", s.Plan().Children()[0].Operator())
	require.Len(t, s.GqlStatusObjects(), 2)
	require.False(t, s.GqlStatusObjects()[0].IsNotification())
	require.Equal(t, "/", s.GqlStatusObjects()[0].DiagnosticRecord()["CURRENT_SCHEMA"])
	require.Len(t, s.Notifications(), 1)
	n := s.Notifications()[0]
	require.Equal(t, "Neo.ClientNotification.Statement.UnknownLabelWarning", n.Code())
	require.Equal(t, "WARNING", n.RawSeverityLevel())
	require.Equal(t, "UNRECOGNIZED", n.RawCategory())
	require.Equal(t, &InputPosition{Offset: 9, Line: 1, Column: 10}, n.Position())

	legacy := newSummary(testMeta(t, map[string]any{"type": "r", "stats": map[string]any{"system-updates": int64(1)},
		"notifications": []any{map[string]any{"code": "Neo.ClientNotification.Statement.CartesianProduct", "severity": "WARNING",
			"category": "PERFORMANCE", "title": "t", "description": "d"}},
		"plan": map[string]any{"operatorType": "X"}}), "q", nil, &serverInfo{protocol: ProtocolVersion{5, 0}}, streamFacts{pulled: true, records: 1})
	require.Equal(t, -time.Duration(1), legacy.ResultAvailableAfter())
	require.True(t, legacy.Counters().ContainsSystemUpdates())
	require.False(t, legacy.Counters().ContainsUpdates())
	require.Equal(t, "X", legacy.Plan().Operator())
	require.Nil(t, legacy.Profile())
	require.Len(t, legacy.GqlStatusObjects(), 2, "the warning, then the success status")
	require.Equal(t, "01N42", legacy.GqlStatusObjects()[0].GqlStatus())
}

func TestErrorConversion(t *testing.T) {
	se := &bolt.ServerError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Message: "deadlock",
		GqlStatus: "50N05", StatusDescription: "desc",
		DiagnosticRecord: map[string]any{"_classification": "TRANSIENT_ERROR"},
		Cause:            &bolt.ServerError{Code: "Neo.DatabaseError.General.UnknownError", Message: "inner", GqlStatus: "50N42"}}
	err := convertErr(fmt.Errorf("bolt: transaction has failed: %w", se), "h:1")
	var nerr *Neo4jError
	require.ErrorAs(t, err, &nerr)
	require.Equal(t, "deadlock", nerr.Msg)
	require.Equal(t, "TransientError", nerr.Classification())
	require.Equal(t, "Transaction", nerr.Category())
	require.Equal(t, "DeadlockDetected", nerr.Title())
	require.Equal(t, "TRANSIENT_ERROR", nerr.GqlClassification)
	require.Equal(t, "50N42", nerr.GqlCause.GqlStatus)
	require.True(t, IsRetryable(err))
	var back *bolt.ServerError
	require.ErrorAs(t, err, &back, "the bolt error stays reachable")
	require.Same(t, se, back)

	ce := convertErr(&bolt.ConnectivityError{Address: "h:1", Op: "read", Err: errors.New("EOF")}, "")
	var cerr *ConnectivityError
	require.ErrorAs(t, ce, &cerr)
	require.Equal(t, "h:1", cerr.Address)
	require.True(t, IsRetryable(ce))

	require.True(t, IsUsageError(convertErr(fmt.Errorf("x: %w", bolt.ErrUnsupported), "")))
	require.Equal(t, context.Canceled, convertErr(context.Canceled, ""))
	require.Nil(t, convertErr(nil, ""))

	unknown := &CommitOutcomeUnknownError{Err: ce}
	require.True(t, IsCommitOutcomeUnknown(fmt.Errorf("wrapped: %w", unknown)))
	require.True(t, IsConnectivityError(unknown))
	require.False(t, IsRetryable(unknown))

	malformed := &Neo4jError{Code: "weird"}
	require.Equal(t, "DatabaseError", malformed.Classification())
	require.False(t, malformed.IsRetriable())

	tle := &TransactionExecutionLimit{Cause: "budget", Errors: []error{se, ce}}
	require.True(t, IsTransactionExecutionLimit(fmt.Errorf("w: %w", tle)))
	require.ErrorContains(t, tle, "2 attempt(s)")
	require.ErrorAs(t, tle, &cerr)
}

func TestBookmarkManager(t *testing.T) {
	ctx := context.Background()
	var consumed []Bookmarks
	bm := NewBookmarkManager(BookmarkManagerConfig{
		InitialBookmarks:  Bookmarks{"a", "b", ""},
		BookmarksSupplier: func(context.Context) (Bookmarks, error) { return Bookmarks{"x", "a"}, nil },
		BookmarksConsumer: func(_ context.Context, b Bookmarks) error { consumed = append(consumed, b); return nil },
	})
	got, err := bm.GetBookmarks(ctx)
	require.NoError(t, err)
	require.Equal(t, Bookmarks{"a", "b", "x"}, got)
	require.NoError(t, bm.UpdateBookmarks(ctx, Bookmarks{"a"}, Bookmarks{"c"}))
	require.Equal(t, []Bookmarks{{"b", "c"}}, consumed)
	require.NoError(t, bm.UpdateBookmarks(ctx, Bookmarks{"b"}, nil), "no new bookmark: nothing changes")
	require.Len(t, consumed, 1)

	failing := NewBookmarkManager(BookmarkManagerConfig{
		BookmarksSupplier: func(context.Context) (Bookmarks, error) { return nil, errors.New("supplier down") }})
	_, err = failing.GetBookmarks(ctx)
	require.ErrorContains(t, err, "supplier down")

	require.Equal(t, Bookmarks{"a", "b", "c"}, CombineBookmarks(Bookmarks{"a", "b"}, nil, Bookmarks{"b", "c", ""}))
}
