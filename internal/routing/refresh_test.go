package routing

import (
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
