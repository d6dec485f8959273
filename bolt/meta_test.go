package bolt

import (
	"strings"
	"testing"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/stretchr/testify/require"
)

// encodeDict encodes entries as one dictionary, in order (repeated keys allowed).
func encodeDict(t *testing.T, entries ...kv) []byte {
	t.Helper()
	var e packstream.Encoder
	e.MapHeader(len(entries))
	for _, x := range entries {
		e.String(x.k)
		require.NoError(t, e.Value(x.v))
	}
	require.NoError(t, e.Err())
	return e.Buf
}

// decodeBoth decodes b with Meta.decode and with the generic decoder.
func decodeBoth(t *testing.T, b []byte) (*Meta, map[string]any) {
	t.Helper()
	var d packstream.Decoder
	d.Reset(b)
	var m Meta
	require.NoError(t, m.decode(&d))
	require.Zero(t, d.Len())
	d.Reset(b)
	want, err := d.Map()
	require.NoError(t, err)
	return &m, want
}

// TestMetaDecode checks that Meta holds exactly what the generic decoder returns,
// whether a key is typed or not: Map and Get agree with Decoder.Map for the typed
// keys, the untyped ones, known keys with values of other types, a fields list with
// a non-String item, stats with unknown and mistyped entries, and repeated keys
// (the last wins, typed or not).
func TestMetaDecode(t *testing.T) {
	cases := map[string][]kv{
		"run":   {{"fields", []any{"n", "m.name"}}, {"t_first", int64(3)}, {"qid", int64(0)}},
		"final": {{"type", "w"}, {"t_last", int64(300)}, {"db", "neo4j"}, {"bookmark", strings.Repeat("FB:x", 20)}, {"has_more", false}},
		"stats": {{"stats", map[string]any{"nodes-created": int64(1), "contains-updates": true, "odd": "x",
			"labels-added": "two", "contains-system-updates": int64(1), "future-counter": int64(7)}}},
		"untyped": {{"notifications", []any{map[string]any{"code": "c"}}}, {"server", "Neo4j/5"},
			{"plan", map[string]any{"operatorType": "X"}}},
		"mistyped": {{"t_first", 1.5}, {"type", int64(1)}, {"qid", nil}, {"has_more", "yes"},
			{"stats", []any{int64(1)}}, {"fields", "n"}, {"db", nil}},
		"fields with a non-String": {{"fields", []any{"a", int64(1), "c"}}},
		"repeated typed then not":  {{"db", "a"}, {"db", int64(2)}, {"t_last", int64(1)}, {"t_last", int64(2)}},
		"repeated not then typed":  {{"db", int64(2)}, {"db", "b"}, {"stats", "x"}, {"stats", map[string]any{"nodes-deleted": int64(4)}}},
		"empty":                    {},
	}
	for name, entries := range cases {
		m, want := decodeBoth(t, encodeDict(t, entries...))
		require.Equal(t, want, m.Map(), name)
		require.Equal(t, len(want), m.Len(), name)
		for k, v := range want {
			got, ok := m.Get(k)
			require.True(t, ok, "%s: %s", name, k)
			require.Equal(t, v, got, "%s: %s", name, k)
		}
		_, ok := m.Get("absent")
		require.False(t, ok, name)
	}

	m, _ := decodeBoth(t, encodeDict(t, cases["run"]...))
	f, ok := m.Fields()
	require.True(t, ok)
	require.Equal(t, []string{"n", "m.name"}, f)
	q, ok := m.QID()
	require.True(t, ok)
	require.Equal(t, int64(0), q)
	tf, ok := m.TFirst()
	require.True(t, ok)
	require.Equal(t, int64(3), tf)
	_, ok = m.TLast()
	require.False(t, ok)
	require.Nil(t, m.Stats())

	m, _ = decodeBoth(t, encodeDict(t, cases["mistyped"]...))
	_, ok = m.TFirst()
	require.False(t, ok, "a Float t_first is not the typed Integer")
	_, ok = m.Type()
	require.False(t, ok)
	require.False(t, m.HasMore())
	require.Nil(t, m.Stats())
	_, ok = m.Fields()
	require.False(t, ok)

	m, _ = decodeBoth(t, encodeDict(t, cases["stats"]...))
	st := m.Stats()
	n, ok := st.Int("nodes-created")
	require.True(t, ok)
	require.Equal(t, int64(1), n)
	n, ok = st.Int("future-counter")
	require.True(t, ok, "unknown Integer counters are kept")
	require.Equal(t, int64(7), n)
	_, ok = st.Int("labels-added")
	require.False(t, ok, "a String counter is not an Integer")
	b, ok := st.Bool("contains-updates")
	require.True(t, ok)
	require.True(t, b)
	_, ok = st.Bool("contains-system-updates")
	require.False(t, ok, "an Integer flag is not a Boolean")

	m, _ = decodeBoth(t, encodeDict(t, cases["repeated not then typed"]...))
	require.Equal(t, "b", m.Database())
	n, ok = m.Stats().Int("nodes-deleted")
	require.True(t, ok)
	require.Equal(t, int64(4), n)
	m, _ = decodeBoth(t, encodeDict(t, cases["repeated typed then not"]...))
	require.Equal(t, "", m.Database(), "the later Integer db replaced the String")

	var none *Meta
	require.Zero(t, none.Len())
	require.Empty(t, none.Map())
	require.Equal(t, "", none.Bookmark())
	var noStats *Stats
	_, ok = noStats.Int("nodes-created")
	require.False(t, ok)
}

// TestMetaOverlay checks the summary merge: the final SUCCESS's keys win over
// RUN's, typed or not, RUN's other keys stay, and has_more is removed.
func TestMetaOverlay(t *testing.T) {
	run, _ := decodeBoth(t, encodeDict(t, kv{"fields", []any{"n"}}, kv{"t_first", int64(1)}, kv{"db", "x"}, kv{"odd", int64(5)}, kv{"type", int64(9)}))
	final, _ := decodeBoth(t, encodeDict(t, kv{"t_first", int64(2)}, kv{"db", int64(3)}, kv{"type", "r"}, kv{"has_more", false}, kv{"bookmark", "b"}))
	s := &Stream{meta: *run}
	s.finish(final)
	require.Equal(t, map[string]any{"fields": []any{"n"}, "t_first": int64(2), "db": int64(3), "odd": int64(5), "type": "r", "bookmark": "b"},
		s.summary.Meta.Map())
	require.Equal(t, "b", s.summary.Bookmark())
}

// TestMetaAllocs pins what decoding the SUCCESS replies of a query and a
// transaction costs: no map for any of them; RUN's reply allocates only its
// field-name list, a final reply with stats nothing, COMMIT's only its bookmark
// (longer than the strings the Decoder shares).
func TestMetaAllocs(t *testing.T) {
	replies := []struct {
		b    []byte
		want float64
	}{
		{encodeDict(t, kv{"fields", []any{"n"}}, kv{"t_first", int64(1)}, kv{"qid", int64(0)}), 1},
		{encodeDict(t, kv{"type", "w"}, kv{"t_last", int64(1)}, kv{"db", "neo4j"},
			kv{"stats", map[string]any{"nodes-created": int64(1), "properties-set": int64(1), "labels-added": int64(1)}}), 0},
		{encodeDict(t, kv{"type", "r"}, kv{"t_last", int64(1)}, kv{"db", "neo4j"}, kv{"bookmark", "FB:canned:r"}), 0},
		{encodeDict(t, kv{"bookmark", "FB:kcwQ" + strings.Repeat("x", 40)}, kv{"db", "neo4j"}), 1},
		{encodeDict(t), 0},
	}
	var d packstream.Decoder
	var m Meta
	for i, r := range replies {
		if n := testing.AllocsPerRun(100, func() {
			d.Reset(r.b)
			if err := m.decode(&d); err != nil {
				t.Fatal(err)
			}
		}); n > r.want {
			t.Errorf("reply %d: decoding allocates %v times, want at most %v", i, n, r.want)
		}
	}
}
