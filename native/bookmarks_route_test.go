package native_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// bookmarksSent returns the bookmarks of every message of kind sig (ROUTE:
// field 1, BEGIN: extra "bookmarks") m received, in order.
func bookmarksSent(m *boltstub.Member, sig byte) [][]any {
	var out [][]any
	for _, msg := range m.Stub().Received() {
		if msg.Sig != sig {
			continue
		}
		var b []any
		if sig == boltstub.SigRoute {
			b, _ = msg.Field(1).([]any)
		} else {
			b, _ = msg.Extra()["bookmarks"].([]any)
		}
		out = append(out, b)
	}
	return out
}

// oneMemberCluster starts a cluster whose only member, a, routes, reads and
// writes database neo4j, and a routing driver for it.
func oneMemberCluster(t *testing.T) (*boltstub.Member, context.Context, native.Driver) {
	c := newScenarioCluster(t, "a")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"a"}, Readers: []string{"a"}, Writers: []string{"a"}})
	return c.Member("a"), scenarioCtx(t), scenarioDriver(t, "neo4j://"+c.Member("a").Address())
}

// A BookmarkManager's supplier is asked once for the ROUTE a transaction needs
// and once more for its BEGIN; each answer goes only with its own message and
// never becomes part of what the manager keeps and hands to its consumer
// (TestKit test_should_enrich_bookmarks_with_bookmark_supplier_result, D21).
func TestBookmarkSupplierAskedForRouteAndBeginSeparately(t *testing.T) {
	a, ctx, d := oneMemberCluster(t)
	var mu sync.Mutex
	calls := 0
	var consumed []native.Bookmarks
	bm := native.NewBookmarkManager(native.BookmarkManagerConfig{
		InitialBookmarks: native.Bookmarks{"init"},
		BookmarksSupplier: func(context.Context) (native.Bookmarks, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			return native.Bookmarks{"extra", fmt.Sprintf("sup%d", calls)}, nil
		},
		BookmarksConsumer: func(_ context.Context, b native.Bookmarks) error {
			mu.Lock()
			defer mu.Unlock()
			consumed = append(consumed, b)
			return nil
		},
	})
	// Named database: ROUTE (supplier call 1), BEGIN (call 2).
	require.Equal(t, "a", write(ctx, t, d, native.SessionConfig{DatabaseName: "neo4j", BookmarkManager: bm}))
	// Home database: its own ROUTE (call 3), the held table of the database
	// it resolved to (no call), BEGIN (call 4).
	require.Equal(t, "a", write(ctx, t, d, native.SessionConfig{BookmarkManager: bm}))

	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 4, calls)
	require.Len(t, consumed, 2)
	require.Len(t, consumed[0], 1, "only the server's bookmark is kept: %v", consumed)
	require.Len(t, consumed[1], 1, "only the server's bookmark is kept: %v", consumed)
	bm1 := consumed[0][0]
	require.NotContains(t, []string{"init", "extra", "sup1", "sup2"}, bm1)

	routes := bookmarksSent(a, boltstub.SigRoute)
	begins := bookmarksSent(a, boltstub.SigBegin)
	require.Len(t, routes, 2)
	require.Len(t, begins, 2)
	require.ElementsMatch(t, []any{"init", "extra", "sup1"}, routes[0])
	require.ElementsMatch(t, []any{"init", "extra", "sup2"}, begins[0])
	require.ElementsMatch(t, []any{bm1, "extra", "sup3"}, routes[1])
	require.ElementsMatch(t, []any{bm1, "extra", "sup4"}, begins[1])
}

// A supplier whose answer is [] for the ROUTE and ["extra"] for the BEGIN:
// BEGIN carries "extra", and since the transaction returned no bookmark the
// next one waits for none (TestKit
// test_should_not_change_bmm_state_with_supplied_bookmarks, D21).
func TestBookmarkSupplierAnswerOnlyForItsMessage(t *testing.T) {
	a, ctx, d := oneMemberCluster(t)
	var mu sync.Mutex
	calls := 0
	bm := native.NewBookmarkManager(native.BookmarkManagerConfig{
		BookmarksSupplier: func(context.Context) (native.Bookmarks, error) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if calls == 2 {
				return native.Bookmarks{"extra"}, nil
			}
			return nil, nil
		},
	})
	cfg := native.SessionConfig{DatabaseName: "neo4j", BookmarkManager: bm}
	// A transaction that returns no bookmark: rolled back.
	s := d.NewSession(ctx, cfg)
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	_, err = tx.Run(ctx, "RETURN server", nil)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, s.Close(ctx))
	require.Equal(t, "a", read(ctx, t, d, cfg))

	begins := bookmarksSent(a, boltstub.SigBegin)
	require.Len(t, begins, 2)
	require.Equal(t, []any{"extra"}, begins[0])
	require.Empty(t, begins[1])
	routes := bookmarksSent(a, boltstub.SigRoute)
	require.Len(t, routes, 1)
	require.Empty(t, routes[0])
}

// The supplier's error while a routing table is needed ends the transaction
// start as it is (not as a retryable connectivity error), with no ROUTE sent.
func TestBookmarkSupplierErrorBeforeRoute(t *testing.T) {
	a, ctx, d := oneMemberCluster(t)
	boom := errors.New("bookmark store down")
	bm := native.NewBookmarkManager(native.BookmarkManagerConfig{
		BookmarksSupplier: func(context.Context) (native.Bookmarks, error) { return nil, boom },
	})
	s := d.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j", BookmarkManager: bm})
	defer s.Close(ctx)
	_, err := s.BeginTransaction(ctx)
	require.ErrorIs(t, err, boom)
	require.False(t, native.IsConnectivityError(err), "%v", err)
	require.Zero(t, a.Count("ROUTE"))
}
