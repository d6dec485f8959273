package routing

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A refresh that leaves a server out of every table reports it to OnRemove;
// servers still named by some table are not reported.
func TestRefreshReportsServersThatLeft(t *testing.T) {
	n, c := newFakeNet(), newClock()
	n.answer("seed:7687", table("", l("a:1"), l("b:1", "c:1"), l("a:1")))
	var mu sync.Mutex
	var removed []string
	r := newTestRouter(t, n, c, func(cfg *Config) {
		cfg.OnRemove = func(a string) { mu.Lock(); removed = append(removed, a); mu.Unlock() }
	})
	for _, db := range l("one", "two") {
		_, _, err := r.Select(bg, db, "", Read, nil)
		require.NoError(t, err)
	}
	// "one" loses c and b; "two" still names both until it is refreshed.
	n.answer("a:1", table("", l("a:1"), l("d:1"), l("a:1")))
	c.Advance(5*time.Minute + time.Second) // both expired, neither purged
	_, _, err := r.Select(bg, "one", "", Read, nil)
	require.NoError(t, err)
	mu.Lock()
	require.Empty(t, removed, "two's table still names b and c")
	mu.Unlock()
	_, _, err = r.Select(bg, "two", "", Read, nil)
	require.NoError(t, err)
	mu.Lock()
	require.Equal(t, l("b:1", "c:1"), removed)
	mu.Unlock()

	// A table purged after long disuse takes its servers with it.
	removed = nil
	n.answer("a:1", table("", l("a:1"), l("e:1"), l("a:1")))
	c.Advance(time.Hour)
	_, _, err = r.Select(bg, "one", "", Read, nil)
	require.NoError(t, err)
	mu.Lock()
	require.Equal(t, l("d:1"), removed, "two (d) purged, one now names e")
	mu.Unlock()
}
