package conv

import (
	"math"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

func TestJSON(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{nil, `null`},
		{true, `true`},
		{int64(-3), `-3`},
		{1.5, `1.5`},
		{math.NaN(), `"NaN"`},
		{math.Inf(-1), `"-Infinity"`},
		{"é\"", `"é\""`},
		{[]byte{1, 2}, `"AQI="`},
		{time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), `"2024-01-02T03:04:05.000000006Z"`},
		{dbtype.NewDate(2024, 2, 29), `"2024-02-29"`},
		{dbtype.NewTime(12, 0, 0, 0, 3600), `"12:00:00+01:00"`},
		{dbtype.Duration{Days: 1}, `"P1D"`},
		{dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"), `"550e8400-e29b-41d4-a716-446655440000"`},
		{dbtype.Point2D{SpatialRefId: 4326, X: 1, Y: 2}, `{"srid":4326,"x":1,"y":2}`},
		{dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3}, `{"srid":9157,"x":1,"y":2,"z":3}`},
		{dbtype.NewVectorInt8([]int8{1, 2}), `[1,2]`},
		{[]any{int64(1), dbtype.NewDate(2020, 1, 1), nil}, `[1,"2020-01-01",null]`},
		{map[string]any{"a": []any{"x"}}, `{"a":["x"]}`},
		{dbtype.Node{ElementId: "4:x:1", Labels: []string{"P"}, Props: map[string]any{"n": int64(1)}},
			`{"elementId":"4:x:1","labels":["P"],"properties":{"n":1}}`},
		{dbtype.Node{}, `{"elementId":"","labels":[],"properties":{}}`},
		{dbtype.Relationship{ElementId: "5:x:1", Type: "R", StartElementId: "a", EndElementId: "b"},
			`{"elementId":"5:x:1","endElementId":"b","properties":{},"startElementId":"a","type":"R"}`},
		{dbtype.Path{Nodes: []dbtype.Node{{ElementId: "a"}}, Relationships: []dbtype.Relationship{}},
			`{"nodes":[{"elementId":"a","labels":[],"properties":{}}],"relationships":[]}`},
	}
	for _, c := range cases {
		got, err := JSON(c.in)
		require.NoError(t, err, "%T", c.in)
		require.JSONEq(t, c.want, string(got), "%T", c.in)
	}
	_, err := JSON([]any{dbtype.UnknownStructure{Tag: 'X'}})
	require.ErrorIs(t, err, dbtype.ErrUnknownStructure)
	_, err = JSON(make(chan int))
	var ce *ConversionError
	require.ErrorAs(t, err, &ce)
}
