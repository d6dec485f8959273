package native

import (
	"testing"

	"github.com/boltwire/neo4j/bolt"

	"github.com/stretchr/testify/require"
)

// TestHotPathAllocs pins allocations every query or transaction pays: a
// transaction config without configurers and the counters of a summary (read
// from the decoded stats map, not copied).
func TestHotPathAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() {
		if _, err := buildTxConfig(nil); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("buildTxConfig(nil) allocates %v times, want 0", n)
	}
	stats := testStats(t, map[string]any{"nodes-created": int64(1), "properties-set": int64(2), "labels-added": int64(1)})
	if n := testing.AllocsPerRun(100, func() { newCounters(stats) }); n > 1 {
		t.Errorf("newCounters allocates %v times, want at most 1", n)
	}
}

// TestCountersFromStats checks the counters read from a stats map: integer
// entries, the explicit contains-* flags winning over the derived ones, and
// entries of other types ignored.
func TestCountersFromStats(t *testing.T) {
	c := newCounters(testStats(t, map[string]any{"nodes-created": int64(2), "system-updates": int64(1), "odd": "x"}))
	require.Equal(t, 2, c.NodesCreated())
	require.Equal(t, 0, c.NodesDeleted())
	require.Equal(t, 1, c.SystemUpdates())
	require.True(t, c.ContainsUpdates())
	require.True(t, c.ContainsSystemUpdates())

	c = newCounters(testStats(t, map[string]any{"system-updates": int64(3), "contains-system-updates": false}))
	require.False(t, c.ContainsUpdates(), "system updates alone are not updates")
	require.False(t, c.ContainsSystemUpdates(), "the server's flag wins")

	c = newCounters(testStats(t, map[string]any{"contains-updates": true}))
	require.True(t, c.ContainsUpdates())
	require.Equal(t, 0, c.NodesCreated())

	c = newCounters(testStats(t, nil))
	require.False(t, c.ContainsUpdates())
	require.False(t, c.ContainsSystemUpdates())
	require.Equal(t, 0, c.PropertiesSet())
}

// testMeta returns m as the SUCCESS metadata the connection would decode.
func testMeta(t *testing.T, m map[string]any) *bolt.Meta {
	t.Helper()
	meta, err := bolt.MetaFromMap(m)
	require.NoError(t, err)
	return meta
}

// testStats returns m as a decoded stats dictionary (nil for nil).
func testStats(t *testing.T, m map[string]any) *bolt.Stats {
	t.Helper()
	if m == nil {
		return nil
	}
	return testMeta(t, map[string]any{"stats": m}).Stats()
}
