package packstream

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// requireSameValue compares decoded values, treating time.Time by instant,
// offset and zone name, and NaN as equal to NaN.
func requireSameValue(t *testing.T, want, got any, msg string) {
	t.Helper()
	switch w := want.(type) {
	case time.Time:
		g, ok := got.(time.Time)
		require.True(t, ok, "%s: decoded %T", msg, got)
		require.True(t, w.Equal(g), "%s: %v vs %v", msg, w, g)
		_, wo := w.Zone()
		_, gotOff := g.Zone()
		require.Equal(t, wo, gotOff, "%s: offset", msg)
		require.Equal(t, zoneName(w), zoneName(g), "%s: zone", msg)
	case float64:
		g, ok := got.(float64)
		require.True(t, ok, "%s: decoded %T", msg, got)
		if math.IsNaN(w) {
			require.True(t, math.IsNaN(g), "%s: %v is not NaN", msg, g)
			return
		}
		require.Equal(t, math.Float64bits(w), math.Float64bits(g), "%s", msg)
	default:
		require.Equal(t, want, got, "%s", msg)
	}
}

func graphValues(f Features) []any {
	id := func(legacy int64, eid string) string {
		if f.ElementIDs {
			return eid
		}
		return strconv.FormatInt(legacy, 10)
	}
	a := dbtype.Node{Id: 1, ElementId: id(1, "n:a"), Labels: []string{"A", "B"}, Props: map[string]any{"x": int64(1)}}
	b := dbtype.Node{Id: 2, ElementId: id(2, "n:b"), Labels: []string{}, Props: map[string]any{}}
	c := dbtype.Node{Id: 3, ElementId: id(3, "n:c"), Labels: []string{"C"}, Props: map[string]any{"l": []any{"v"}}}
	rel := func(rid, s, e int64, typ string, sn, en dbtype.Node) dbtype.Relationship {
		return dbtype.Relationship{Id: rid, StartId: s, EndId: e, ElementId: id(rid, "r:"+typ),
			StartElementId: sn.ElementId, EndElementId: en.ElementId, Type: typ, Props: map[string]any{}}
	}
	ab := rel(10, 1, 2, "AB", a, b)
	cb := rel(11, 3, 2, "CB", c, b) // traversed backwards from b to c
	ca := rel(12, 3, 1, "CA", c, a)
	return []any{
		a, b, ab,
		dbtype.Path{Nodes: []dbtype.Node{a}, Relationships: []dbtype.Relationship{}},
		// a -AB-> b <-CB- c -CA-> a -AB-> b : 4 hops, revisits a node and a relationship.
		dbtype.Path{Nodes: []dbtype.Node{a, b, c, a, b}, Relationships: []dbtype.Relationship{ab, cb, ca, ab}},
	}
}

func roundTripValues(t *testing.T, f Features) []any {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	big := make([]any, 70000)
	for i := range big {
		big[i] = int64(i)
	}
	bigMap := make(map[string]any, 70000)
	for i := 0; i < 70000; i++ {
		bigMap["k"+strconv.Itoa(i)] = i%2 == 0
	}
	vals := []any{
		nil, true, false,
		int64(math.MinInt64), int64(math.MinInt32 - 1), int64(math.MinInt32), int64(math.MinInt16 - 1),
		int64(math.MinInt16), int64(-129), int64(-128), int64(-17), int64(-16), int64(0), int64(127), int64(128),
		int64(math.MaxInt16), int64(math.MaxInt16 + 1), int64(math.MaxInt32), int64(math.MaxInt32 + 1), int64(math.MaxInt64),
		math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64,
		"", "é", strings.Repeat("a", 15), strings.Repeat("b", 16), strings.Repeat("c", 255), strings.Repeat("d", 256),
		strings.Repeat("e", 65535), strings.Repeat("f", 65536), "grüße €𝄞",
		[]byte{}, []byte{0, 255}, repeat(1, 65536),
		[]any{}, []any{int64(1), "a", nil, []any{map[string]any{"k": []byte{1}}}}, big,
		map[string]any{}, map[string]any{"a": int64(1), "b": []any{int64(2)}, "": nil}, bigMap,
		dbtype.NewDate(1970, 1, 1), dbtype.NewDate(1969, 12, 31), dbtype.NewDate(1, 1, 1), dbtype.NewDate(-1000, 3, 1),
		dbtype.NewDate(9999, 12, 31), dbtype.NewDate(10000, 1, 1), dbtype.NewDate(999999999, 12, 31),
		dbtype.NewDate(-999999999, 1, 1),
		dbtype.NewTime(0, 0, 0, 0, 0), dbtype.NewTime(23, 59, 59, 999999999, 18*3600), dbtype.NewTime(12, 0, 0, 1, -18*3600),
		dbtype.NewTime(1, 2, 3, 4, 3630),
		dbtype.NewLocalTime(0, 0, 0, 0), dbtype.NewLocalTime(23, 59, 59, 999999999),
		dbtype.NewLocalDateTime(1969, 12, 31, 23, 59, 59, 999999999), dbtype.NewLocalDateTime(12345, 6, 7, 8, 9, 10, 11),
		dbtype.NewLocalDateTime(-50, 1, 1, 0, 0, 0, 0),
		time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.FixedZone("", 3600)),
		time.Date(1900, 1, 1, 0, 0, 0, 1, time.FixedZone("", -5*3600-1800)),
		time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1950, 6, 1, 12, 0, 0, 0, ny),
		time.Date(2024, 7, 1, 12, 0, 0, 999, berlin(t)),
		time.Date(2024, 1, 1, 0, 0, 0, 0, kolkata),
		time.Date(1969, 12, 31, 23, 0, 0, 0, berlin(t)),
		dbtype.Duration{}, dbtype.Duration{Months: -14, Days: -3, Seconds: -14706, Nanos: 7},
		dbtype.Duration{Months: math.MaxInt64, Days: math.MinInt64, Seconds: math.MaxInt64, Nanos: 999999999},
		dbtype.Point2D{SpatialRefId: 4326, X: -180, Y: 90}, dbtype.Point3D{SpatialRefId: math.MaxUint32, X: 1e300, Y: -0.5, Z: 0},
	}
	vals = append(vals, graphValues(f)...)
	if f.Vector {
		vals = append(vals,
			dbtype.NewVectorInt8([]int8{math.MinInt8, 0, math.MaxInt8}),
			dbtype.NewVectorInt16([]int16{math.MinInt16, math.MaxInt16}),
			dbtype.NewVectorInt32([]int32{math.MinInt32, math.MaxInt32}),
			dbtype.NewVectorInt64([]int64{math.MinInt64, math.MaxInt64}),
			dbtype.NewVectorFloat32([]float32{float32(math.Inf(1)), -0.25, math.MaxFloat32}),
			dbtype.NewVectorFloat64(make([]float64, 10000)),
		)
	}
	if f.UnsupportedType {
		vals = append(vals,
			dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1},
			dbtype.UnsupportedType{Name: "X", MinProtocolMajor: 9, MinProtocolMinor: 9, Message: "why",
				Extra: map[string]any{"hint": []any{"a"}}},
		)
	}
	if f.UUID {
		vals = append(vals, dbtype.UUID{}, dbtype.MustParseUUID("ffffffff-ffff-ffff-ffff-ffffffffffff"))
	}
	return vals
}

func TestRoundTrip(t *testing.T) {
	for _, f := range allFeats {
		t.Run(featName(f), func(t *testing.T) {
			vals := roundTripValues(t, f)
			for i, v := range vals {
				e := Encoder{Features: f}
				require.NoError(t, e.Value(v), "value %d (%T)", i, v)
				got := decodeAll(t, f, e.Buf)
				requireSameValue(t, v, got, "value "+strconv.Itoa(i))
			}
			// All of them in one list, through Map as parameters.
			e := Encoder{Features: f}
			require.NoError(t, e.Map(map[string]any{"all": vals[:len(vals)-1]}))
			d := Decoder{Features: f}
			d.Reset(e.Buf)
			m, err := d.Map()
			require.NoError(t, err)
			require.Len(t, m["all"], len(vals)-1)
		})
	}
}

func featName(f Features) string {
	switch f {
	case feat44:
		return "4.4"
	case feat44U:
		return "4.4+utc"
	case feat5:
		return "5.x"
	case feat60:
		return "6.0"
	case feat61:
		return "6.1"
	}
	return "custom"
}
