package routing

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRefreshSendsBookmarksAndRemembersHome(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("people", l("seed:7687"), l("a:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	_, ok := r.LastHome()
	require.False(t, ok, "nothing resolved yet")

	tb, err := r.Refresh(bg, Query{Bookmarks: l("bm1", "bm2")})
	require.NoError(t, err)
	require.Equal(t, "people", tb.Database)
	require.Equal(t, l("bm1", "bm2"), n.lastReq().Bookmarks)
	require.Equal(t, "", n.lastReq().Database)

	home, ok := r.LastHome()
	require.True(t, ok)
	require.Equal(t, "people", home)
	_, cached := r.HomeDatabase("")
	require.False(t, cached, "without ssr.enabled the resolution is not used for routing")
	held, ok := r.Table(home)
	require.True(t, ok)
	require.Equal(t, l("a:1"), held.Readers)
}

func TestTableWithoutReadersTriesNextRouter(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("r1:1", "r2:1"), l("a:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	_, err := r.ForceRefresh(bg, "neo4j")
	require.NoError(t, err)

	n.answer("r1:1", table("neo4j", l("r1:1"), nil, l("w:1")))
	n.answer("r2:1", table("neo4j", l("r2:1"), l("b:1"), l("w:1")))
	tb, err := r.ForceRefresh(bg, "neo4j")
	require.NoError(t, err)
	require.Equal(t, l("b:1"), tb.Readers)
	require.Equal(t, l("seed:7687", "r1:1", "r2:1"), n.addrs())

	// Only reader-less answers: the refresh fails and says why.
	n.answer("r2:1", table("neo4j", l("r2:1"), nil, l("w:1")))
	n.answer("seed:7687", table("neo4j", l("seed:7687"), nil, l("w:1")))
	_, err = r.ForceRefresh(bg, "neo4j")
	require.ErrorIs(t, err, ErrNoRouters)
	require.ErrorContains(t, err, "without readers")
}

// A Query's BookmarksFunc is asked only when the lookup has to fetch (its
// answer goes with that ROUTE), never for a lookup a fresh table serves; its
// error ends the lookup as it is, without a fetch.
func TestBookmarksFuncAskedOnlyForAFetch(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("neo4j", l("seed:7687"), l("a:1"), l("w:1")))
	r := newTestRouter(t, n, c, nil)
	asked := 0
	q := Query{Database: "neo4j", Mode: Read, Bookmarks: l("ignored"), BookmarksFunc: func(context.Context) ([]string, error) {
		asked++
		return l(fmt.Sprintf("bm%d", asked)), nil
	}}
	for range 3 {
		_, _, err := r.Lookup(bg, q)
		require.NoError(t, err)
	}
	require.Equal(t, 1, asked, "a fresh table answers without asking for bookmarks")
	require.Equal(t, 1, n.count())
	require.Equal(t, l("bm1"), n.lastReq().Bookmarks)

	_, err := r.Refresh(bg, q)
	require.NoError(t, err)
	require.Equal(t, l("bm2"), n.lastReq().Bookmarks)

	boom := errors.New("supplier down")
	q.Database = "other"
	q.BookmarksFunc = func(context.Context) ([]string, error) { return nil, boom }
	_, _, err = r.Lookup(bg, q)
	require.Same(t, boom, err)
	_, err = r.Refresh(bg, q)
	require.Same(t, boom, err)
	require.Equal(t, 2, n.count(), "no ROUTE without its bookmarks")
}
