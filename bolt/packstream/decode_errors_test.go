package packstream

import (
	"math"
	"strings"
	"testing"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// decodeErr decodes b with f and returns the error (requiring one).
func decodeErr(t *testing.T, f Features, b []byte) error {
	t.Helper()
	d := Decoder{Features: f}
	d.Reset(b)
	v, err := d.Value()
	require.Error(t, err, "decoded %#v", v)
	return err
}

// TestEveryPrefixIsTruncated cuts a rich record at every length: each prefix
// must fail with ErrTruncated, never panic, and Skip must agree with Value.
func TestEveryPrefixIsTruncated(t *testing.T) {
	e := Encoder{Features: feat61}
	require.NoError(t, e.Value([]any{
		int64(-1), int64(1 << 40), 1.5, "text", []byte{1, 2}, nil, true,
		map[string]any{"k": []any{int64(300)}},
		dbtype.Node{Id: 1, ElementId: "e", Labels: []string{"L"}, Props: map[string]any{"p": "v"}},
		dbtype.Path{Nodes: []dbtype.Node{{Id: 1, ElementId: "a"}, {Id: 2, ElementId: "b"}},
			Relationships: []dbtype.Relationship{{Id: 9, ElementId: "r", StartElementId: "b", EndElementId: "a", Type: "T"}}},
		dbtype.NewVectorInt16([]int16{1, -1}), dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"),
		dbtype.Duration{Months: 1}, dbtype.NewDate(2000, 1, 1),
	}))
	full := e.Buf
	for n := 0; n < len(full); n++ {
		err := decodeErr(t, feat61, full[:n])
		require.ErrorIs(t, err, ErrTruncated, "prefix %d", n)
		d := Decoder{Features: feat61}
		d.Reset(full[:n])
		require.ErrorIs(t, d.Skip(), ErrTruncated, "skip prefix %d", n)
	}
	d := Decoder{Features: feat61}
	d.Reset(full)
	require.NoError(t, d.Skip())
	require.Zero(t, d.Len())
}

func TestHugeSizesDoNotAllocate(t *testing.T) {
	for _, h := range []string{
		"d67fffffff", "da7fffffff", "d27fffffff", "ce7fffffff", // 2^31-1 claimed, nothing there
		"d5ffff00", "d9ffff", "d1ffff41", "cdffff",
		"9f01", "af8161", "8f41", // tiny sizes beyond the input
	} {
		err := decodeErr(t, feat5, unhex(t, h))
		require.ErrorIs(t, err, ErrTruncated, h)
		allocs := testing.AllocsPerRun(10, func() {
			d := Decoder{Features: feat5}
			d.Reset(unhex(t, h))
			_, _ = d.Value()
		})
		require.Less(t, allocs, 10.0, h)
	}
	// Sizes above 2^31-1 are malformed.
	for _, h := range []string{"d680000000", "da80000000", "d2ffffffff", "ceffffffff"} {
		require.ErrorIs(t, decodeErr(t, feat5, unhex(t, h)), ErrMalformed, h)
	}
}

func TestNestingLimit(t *testing.T) {
	deep := func(n int, open string, leaf string) []byte {
		return unhex(t, strings.Repeat(open, n)+leaf)
	}
	// MaxDepth levels are fine, one more is not: lists, maps and structures.
	ok := deep(MaxDepth, "91", "01")
	require.NotNil(t, decodeAll(t, feat5, ok))
	require.ErrorIs(t, decodeErr(t, feat5, deep(MaxDepth+1, "91", "01")), ErrTooDeep)
	require.ErrorIs(t, decodeErr(t, feat5, deep(MaxDepth+1, "a18161", "01")), ErrTooDeep)
	require.ErrorIs(t, decodeErr(t, feat5, deep(MaxDepth+1, "b15a", "01")), ErrTooDeep)
	d := Decoder{Features: feat5}
	d.Reset(deep(MaxDepth+1, "91", "01"))
	require.ErrorIs(t, d.Skip(), ErrTooDeep)
	d.Reset(deep(100000, "91", "01"))
	require.ErrorIs(t, d.Skip(), ErrTooDeep)
}

func TestReservedMarkers(t *testing.T) {
	for _, m := range []byte{0xC4, 0xC5, 0xC6, 0xC7, 0xCF, 0xD3, 0xD7, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE1, 0xE5, 0xEF} {
		err := decodeErr(t, feat61, []byte{m, 0, 0, 0, 0})
		require.ErrorIs(t, err, ErrMalformed, "marker %X", m)
		require.Contains(t, err.Error(), "reserved marker 0x"+hex2(m))
	}
}

func TestMalformedStructures(t *testing.T) {
	cases := []struct {
		name, hex, msg string
		f              Features
	}{
		{"map key not a string", "a10101", "dictionary key is not a String", feat5},
		{"Date with 2 fields", "b2440101", "Date structure with 2 fields, want 1", feat5},
		{"Date with a string", "b1448161", "Date.days: expected Integer, found String", feat5},
		{"Point2D with int coordinates", "b358010101", "Point2D.x: expected Float", feat5},
		{"Point srid negative", "b358ffc10000000000000000c10000000000000000", "Point2D.srid -1 out of range", feat5},
		{"Time nanos beyond a day", "b254cb00004e94914f000000", "Time.nanoseconds", feat5},
		{"Time offset beyond a day", "b25400ca00015180", "Time.tz_offset_seconds", feat5},
		{"LocalTime negative", "b174ff", "LocalTime.nanoseconds -1 out of range", feat5},
		{"DateTime nanos too big", "b34900ca3b9aca0000", "DateTime.nanoseconds", feat5},
		{"DateTime seconds too big", "b349cb7fffffffffffffff0000", "DateTime.seconds", feat5},
		{"Date days too big", "b144cb7fffffffffffffff", "Date.days", feat5},
		{"Duration nanos overflow seconds", "b4450000cb7fffffffffffffffca3b9aca00", "Duration.nanoseconds", feat5},
		{"Vector bad marker", "b256cc01c7cc00", "not a known element type", feat60},
		{"Vector marker two bytes", "b256cc02c6c6cc00", "type_marker has 2 bytes", feat60},
		{"Vector ragged data", "b256cc01c9cc03000100", "not a multiple of the element size 2", feat60},
		{"Vector marker not bytes", "b25681c6cc00", "Vector.type_marker: expected Bytes", feat60},
		{"UnsupportedType version", "b43f8155ca0001000001a0", "protocol version out of range", feat60},
		{"Path odd indices", "b35091b34e0090a0909101", "odd length", feat44},
		{"Path no nodes", "b350909090", "Path without nodes", feat44},
		{"Path rel index 0", "b35091b34e0090a091b3720080a0920000", "relationship index 0 out of range", feat44},
		{"Path rel index too big", "b35091b34e0090a091b3720080a0920200", "relationship index 2 out of range", feat44},
		{"Path rel index too small", "b35091b34e0090a091b3720080a092fe00", "relationship index -2 out of range", feat44},
		{"Path node index out of range", "b35091b34e0090a091b3720080a0920101", "node index 1 out of range", feat44},
		{"Path node list holds a Date", "b35091b14400909090", "where 0x4E belongs", feat44},
		{"Path nodes not a list", "b350c0909090", "expected List", feat44},
		{"Node labels not strings", "b34e009101a0", "expected String", feat44},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := decodeErr(t, c.f, unhex(t, c.hex))
			require.ErrorIs(t, err, ErrMalformed)
			require.Contains(t, err.Error(), c.msg)
			var de *DecodeError
			require.ErrorAs(t, err, &de)
		})
	}
}

func TestTypedReads(t *testing.T) {
	d := Decoder{Features: feat5}
	d.Reset(unhex(t, "8161"))
	_, err := d.Int()
	require.ErrorIs(t, err, ErrUnexpectedKind)
	require.Contains(t, err.Error(), "expected Integer, found String (marker 0x81) at offset 0")
	require.Equal(t, 0, d.Offset(), "a kind mismatch consumes nothing")
	for _, read := range []func() error{
		func() error { _, err := d.Float(); return err },
		func() error { _, err := d.Bool(); return err },
		func() error { _, err := d.Bytes(); return err },
		func() error { _, err := d.ListHeader(); return err },
		func() error { _, err := d.MapHeader(); return err },
		func() error { _, _, err := d.StructHeader(); return err },
		func() error { _, err := d.UUID(); return err },
		func() error { return d.Null() },
	} {
		require.ErrorIs(t, read(), ErrUnexpectedKind)
		require.Equal(t, 0, d.Offset())
	}
	s, err := d.String()
	require.NoError(t, err)
	require.Equal(t, "a", s)
	_, err = d.String()
	require.ErrorIs(t, err, ErrTruncated)
	_, err = d.PeekKind()
	require.ErrorIs(t, err, ErrTruncated)
}

func TestTypedReadsSequence(t *testing.T) {
	// SUCCESS {"fields": ["a", "b"], "t_first": 5} read with the typed API.
	d := Decoder{Features: feat5}
	d.Reset(unhex(t, "b170a2866669656c6473928161816287745f666972737405"))
	tag, n, err := d.StructHeader()
	require.NoError(t, err)
	require.Equal(t, byte(0x70), tag)
	require.Equal(t, 1, n)
	k, err := d.PeekKind()
	require.NoError(t, err)
	require.Equal(t, KindMap, k)
	require.Equal(t, "Dictionary", k.String())
	entries, err := d.MapHeader()
	require.NoError(t, err)
	require.Equal(t, 2, entries)
	key, _ := d.String()
	require.Equal(t, "fields", key)
	fields, err := d.Strings()
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, fields)
	key, _ = d.String()
	require.Equal(t, "t_first", key)
	require.NoError(t, d.Skip())
	require.Zero(t, d.Len())
}

func TestDuplicateKeysLastWins(t *testing.T) {
	got := decodeAll(t, feat5, unhex(t, "a2816101816102"))
	require.Equal(t, map[string]any{"a": int64(2)}, got)
}

func TestDecodedBytesDoNotAliasInput(t *testing.T) {
	in := unhex(t, "92cc0201028261 62")
	got := decodeAll(t, feat5, in).([]any)
	for i := range in {
		in[i] = 0
	}
	require.Equal(t, []any{[]byte{1, 2}, "ab"}, got)
}

func TestKindStrings(t *testing.T) {
	names := map[Kind]string{KindInvalid: "Invalid", KindNull: "Null", KindBool: "Boolean", KindInt: "Integer",
		KindFloat: "Float", KindString: "String", KindBytes: "Bytes", KindList: "List", KindMap: "Dictionary",
		KindStruct: "Structure", KindUUID: "UUID"}
	for k, s := range names {
		require.Equal(t, s, k.String())
	}
}

func TestDurationNanosNormalised(t *testing.T) {
	require.Equal(t, dbtype.Duration{Seconds: 1, Nanos: 1}, decodeAll(t, feat5, unhex(t, "b445000000ca3b9aca01")))
	require.Equal(t, dbtype.Duration{Seconds: -1, Nanos: 999999999}, decodeAll(t, feat5, unhex(t, "b445000000ff")))
	var e Encoder
	err := e.Value(dbtype.Duration{Seconds: math.MaxInt64, Nanos: 1e9})
	require.ErrorIs(t, err, ErrOutOfRange)
}

func TestPathCountsBoundedByInput(t *testing.T) {
	// A Path claiming 10 nodes in 12 bytes is refused before allocating for them.
	err := decodeErr(t, feat44, unhex(t, "b3509a"+"b34e0090a0"+"b34e0090a0"+"9090"))
	require.ErrorIs(t, err, ErrTruncated)
	require.Contains(t, err.Error(), "Path.nodes count exceeds the remaining input")
}
