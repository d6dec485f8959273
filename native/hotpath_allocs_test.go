package native

import (
	"testing"

	"github.com/boltwire/neo4j/bolt"

	"github.com/stretchr/testify/require"
)

// TestHotPathAllocs pins allocations every query or transaction pays: a
// transaction config without configurers, and the summary of a write (none
// in a result, which holds it; one on its own: its query and counters are
// inside it, the counters read the decoded stats without a copy).
func TestHotPathAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() {
		if _, err := buildTxConfig(nil); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("buildTxConfig(nil) allocates %v times, want 0", n)
	}
	meta := testMeta(t, map[string]any{"type": "w", "t_first": int64(1), "t_last": int64(2), "db": "neo4j", "fields": []any{},
		"stats": map[string]any{"nodes-created": int64(1), "properties-set": int64(2), "labels-added": int64(1)}})
	srv := &serverInfo{protocol: ProtocolVersion{5, 8}}
	var s *resultSummary
	if n := testing.AllocsPerRun(100, func() { s = newSummary(meta, "CREATE (n)", nil, srv, streamFacts{pulled: true}) }); n > 1 {
		t.Errorf("newSummary allocates %v times, want at most 1", n)
	}
	require.Equal(t, 1, s.Counters().NodesCreated())
	require.Equal(t, "CREATE (n)", s.Query().Text())
	r := &result{meta: meta, server: *srv, query: "CREATE (n)", facts: streamFacts{pulled: true}}
	if n := testing.AllocsPerRun(100, func() { r.summary = nil; r.buildSummary() }); n != 0 {
		t.Errorf("a result's summary allocates %v times, want 0 (it is held in the result)", n)
	}
	require.Equal(t, s, r.buildSummary())
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

// TestNormalizeParamsNoCopy pins that parameters the encoder takes as they are
// are not copied (no allocation per query), and that parameters that need a
// conversion are converted into a new map, the caller's left as it was.
func TestNormalizeParamsNoCopy(t *testing.T) {
	in := map[string]any{"v": int64(7), "s": "x", "f": 1.5, "nil": nil}
	var out map[string]any
	if n := testing.AllocsPerRun(100, func() {
		var err error
		if out, err = normalizeParams(in); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("normalizeParams of Bolt values allocates %v times, want 0", n)
	}
	out["added"] = true
	require.Contains(t, in, "added", "the same map is returned")

	in = map[string]any{"v": int64(7), "i": 3}
	out, err := normalizeParams(in)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"v": int64(7), "i": int64(3)}, out)
	require.Equal(t, map[string]any{"v": int64(7), "i": 3}, in)
}
