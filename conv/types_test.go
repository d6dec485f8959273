package conv

import (
	"database/sql"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

func TestGraphScanners(t *testing.T) {
	n := dbtype.Node{ElementId: "4:x:1", Labels: []string{"P"}, Props: map[string]any{"a": int64(1)}}
	var cn Node
	require.NoError(t, cn.Scan(n))
	require.Equal(t, []string{"P"}, cn.Labels)
	v, err := cn.Value()
	require.NoError(t, err)
	require.Equal(t, map[string]any{"a": int64(1)}, v)
	require.ErrorIs(t, cn.Scan(nil), ErrNull)
	err = cn.Scan("x")
	require.EqualError(t, err, "conv: cannot convert Neo4j STRING to Go conv.Node")

	var r Relationship
	require.NoError(t, r.Scan(dbtype.Relationship{Type: "KNOWS"}))
	require.Equal(t, "KNOWS", r.Type)
	require.Error(t, r.Scan(n))

	var p Path
	require.NoError(t, p.Scan(dbtype.Path{Nodes: []dbtype.Node{n}}))
	require.Len(t, p.Nodes, 1)
	pv, err := p.Value()
	require.NoError(t, err)
	require.Equal(t, []any{map[string]any{"a": int64(1)}}, pv)

	var nn sql.Null[Node]
	require.NoError(t, nn.Scan(nil))
	require.False(t, nn.Valid)
	require.NoError(t, nn.Scan(n))
	require.True(t, nn.Valid)
	require.Equal(t, "4:x:1", nn.V.ElementId)
}

func TestPoint(t *testing.T) {
	var p Point
	require.NoError(t, p.Scan(dbtype.Point2D{SpatialRefId: 4326, X: 12.5, Y: 55.7}))
	require.Equal(t, Point{SRID: 4326, X: 12.5, Y: 55.7}, p)
	require.Equal(t, "POINT(12.5 55.7)", p.WKT())
	v, _ := p.Value()
	require.Equal(t, dbtype.Point2D{SpatialRefId: 4326, X: 12.5, Y: 55.7}, v)

	require.NoError(t, p.Scan(dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3}))
	require.True(t, p.Is3D)
	require.Equal(t, "POINT Z(1 2 3)", p.WKT())
	require.Equal(t, "point({srid:9157, x:1.0, y:2.0, z:3.0})", p.String())
	v, _ = p.Value()
	require.Equal(t, dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3}, v)
	require.ErrorIs(t, p.Scan(nil), ErrNull)
	require.Error(t, p.Scan(int64(1)))
}

func TestTemporalScanners(t *testing.T) {
	var d Date
	require.NoError(t, d.Scan(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, "2024-02-29", d.String())
	require.NoError(t, d.Scan("2023-01-02"))
	require.Equal(t, "2023-01-02", d.String())
	require.Error(t, d.Scan("not a date"))
	dv, _ := d.Value()
	require.IsType(t, dbtype.Date{}, dv)

	var ldt LocalDateTime
	require.NoError(t, ldt.Scan(dbtype.NewLocalDateTime(2024, 1, 2, 3, 4, 5, 6)))
	require.Equal(t, "2024-01-02T03:04:05.000000006", ldt.String())
	require.NoError(t, ldt.Scan(time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600))))
	require.Equal(t, "2024-01-02T03:04:05", ldt.String())

	var zt Time
	require.NoError(t, zt.Scan(dbtype.NewTime(12, 0, 0, 0, 3600)))
	require.Equal(t, "12:00:00+01:00", zt.String())
	require.NoError(t, zt.Scan("08:30:00Z"))
	require.Equal(t, "08:30:00Z", zt.String())

	var lt LocalTime
	require.NoError(t, lt.Scan(dbtype.NewLocalTime(1, 2, 3, 500000000)))
	require.Equal(t, "01:02:03.5", lt.String())
	require.ErrorIs(t, lt.Scan(nil), ErrNull)

	var du Duration
	require.NoError(t, du.Scan(dbtype.Duration{Days: 1, Seconds: 7200}))
	require.Equal(t, "P1DT2H", du.String())
	std, err := du.Std()
	require.NoError(t, err)
	require.Equal(t, 26*time.Hour, std)
	require.NoError(t, du.Scan(90*time.Second))
	require.Equal(t, int64(90), du.Seconds)
	_, err = Duration{Days: 1 << 60}.Std()
	require.Error(t, err)
	_, err = Duration{Seconds: 1 << 62}.Std()
	require.Error(t, err)
}

func TestUUIDScanner(t *testing.T) {
	const s = "550e8400-e29b-41d4-a716-446655440000"
	want := dbtype.MustParseUUID(s)
	for _, src := range []any{want, [16]byte(want), want[:], s, []byte(s)} {
		var u UUID
		require.NoError(t, u.Scan(src), "%T", src)
		require.Equal(t, s, u.String())
	}
	var u UUID
	err := u.Scan("nope")
	require.ErrorIs(t, err, dbtype.ErrInvalidUUID)
	var ce *ConversionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "conv.UUID", ce.GoType)
}

func TestVectorScanners(t *testing.T) {
	var v Vector
	require.NoError(t, v.Scan(dbtype.NewVectorInt8([]int8{1})))
	require.Equal(t, dbtype.VectorInt8, v.ElemType())
	require.Error(t, v.Scan([]any{1.0}))

	var f Float32s
	require.NoError(t, f.Scan(dbtype.NewVectorFloat32([]float32{0.5})))
	require.Equal(t, Float32s{0.5}, f)
	require.NoError(t, f.Scan([]any{1.5, int64(2)}))
	require.Equal(t, Float32s{1.5, 2}, f)
	fv, _ := f.Value()
	require.Equal(t, dbtype.NewVectorFloat32([]float32{1.5, 2}), fv)

	var g Float64s
	require.NoError(t, g.Scan(dbtype.NewVectorInt32([]int32{3})))
	require.Equal(t, Float64s{3}, g)
	require.ErrorIs(t, g.Scan(nil), ErrNull)
	gv, _ := g.Value()
	require.Equal(t, dbtype.VectorFloat64, gv.(dbtype.Vector).ElemType())
}

func TestListMapProps(t *testing.T) {
	var l List[string]
	require.NoError(t, l.Scan([]any{"a", "b"}))
	require.Equal(t, List[string]{"a", "b"}, l)
	require.NoError(t, l.Scan(nil))
	require.Nil(t, l)
	err := l.Scan([]any{"a", nil})
	require.ErrorIs(t, err, ErrNull)
	require.Contains(t, err.Error(), "[1]")

	var nodes List[Node]
	require.NoError(t, nodes.Scan([]any{dbtype.Node{ElementId: "1"}}))
	require.Equal(t, "1", nodes[0].ElementId)

	var m Map[int]
	require.NoError(t, m.Scan(map[string]any{"a": int64(1)}))
	require.Equal(t, Map[int]{"a": 1}, m)
	mv, _ := m.Value()
	require.Equal(t, map[string]any{"a": int64(1)}, mv)

	var p Props[person]
	require.NoError(t, p.Scan(dbtype.Node{ElementId: "4:x:7", Labels: []string{"Person"}, Props: map[string]any{"name": "Ada"}}))
	require.Equal(t, "Ada", p.V.Name)
	require.Equal(t, []string{"Person"}, p.Labels)
	require.Equal(t, "4:x:7", p.ElementId)
	require.NoError(t, p.Scan(dbtype.Relationship{Type: "KNOWS", Props: map[string]any{"name": "r"}}))
	require.Equal(t, "KNOWS", p.Type)
	require.Nil(t, p.Labels)
	require.NoError(t, p.Scan(map[string]any{"name": "m"}))
	require.Equal(t, "m", p.V.Name)
	require.ErrorIs(t, p.Scan(nil), ErrNull)
	err = p.Scan(int64(3))
	require.Error(t, err)
	require.Contains(t, err.Error(), "INTEGER to Go conv.person")

	var pp []Props[person]
	require.NoError(t, Assign(&pp, []any{dbtype.Node{Props: map[string]any{"name": "x"}}}))
	require.Equal(t, "x", pp[0].V.Name)
}

func TestTextAndInto(t *testing.T) {
	cases := []struct {
		src  any
		want string
	}{
		{"s", "s"},
		{int64(3), "3"},
		{2.5, "2.5"},
		{true, "true"},
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02T03:04:05Z"},
		{dbtype.NewDate(2024, 1, 2), "2024-01-02"},
		{dbtype.Duration{Months: 14}, "P1Y2M"},
		{dbtype.Point2D{SpatialRefId: 7203, X: 1, Y: 2}, "point({srid:7203, x:1.0, y:2.0})"},
		{[]any{"a", int64(1), nil}, `["a", 1, null]`},
		{map[string]any{"b": "x", "a": int64(1)}, `{a: 1, b: "x"}`},
		{dbtype.Node{Labels: []string{"P"}, Props: map[string]any{"n": "x"}}, `(:P {n: 'x'})`},
		{dbtype.Path{
			Nodes:         []dbtype.Node{{Labels: []string{"A"}}, {Labels: []string{"B"}}},
			Relationships: []dbtype.Relationship{{Type: "R"}},
		}, "(:A)-[:R]->(:B)"},
	}
	for _, c := range cases {
		var s string
		require.NoError(t, Text(&s).Scan(c.src))
		require.Equal(t, c.want, s)
	}
	var s string
	require.ErrorIs(t, Text(&s).Scan(nil), ErrNull)
	require.ErrorContains(t, Text(&s).Scan(dbtype.UnsupportedType{Name: "UUID"}), "could not decode")
	require.ErrorIs(t, Text(&s).Scan(dbtype.UnknownStructure{Tag: 'X'}), dbtype.ErrUnknownStructure)

	require.Error(t, Text(nil).Scan("x"))
	require.Error(t, Into(nil).Scan("x"))

	var tags []string
	require.NoError(t, Into(&tags).Scan([]any{"x"}))
	require.Equal(t, []string{"x"}, tags)
}
