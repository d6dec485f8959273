package native

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/boltwire/neo4j/dbtype"
)

func TestSetNewTypes(t *testing.T) {
	u := dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000")
	var s string
	require.NoError(t, setValue(reflect.ValueOf(&s).Elem(), u, false))
	require.Equal(t, "550e8400-e29b-41d4-a716-446655440000", s)
	var b []byte
	require.NoError(t, setValue(reflect.ValueOf(&b).Elem(), u, false))
	require.Equal(t, u[:], b)
	var a [16]byte
	require.NoError(t, setValue(reflect.ValueOf(&a).Elem(), u, false))
	require.Equal(t, [16]byte(u), a)
	var ps *string
	require.NoError(t, setValue(reflect.ValueOf(&ps).Elem(), u, false))
	require.Equal(t, s, *ps)

	v := dbtype.NewVectorFloat32([]float32{1, 2, 3})
	var f32 []float32
	require.NoError(t, setValue(reflect.ValueOf(&f32).Elem(), v, false))
	require.Equal(t, []float32{1, 2, 3}, f32)
	var f64 []float64
	require.NoError(t, setValue(reflect.ValueOf(&f64).Elem(), v, false))
	require.Equal(t, []float64{1, 2, 3}, f64)
	var i8 []int8
	require.ErrorContains(t, setValue(reflect.ValueOf(&i8).Elem(), v, false), "FLOAT32 vector")

	iv := dbtype.NewVectorInt8([]int8{1, -2})
	require.NoError(t, setValue(reflect.ValueOf(&i8).Elem(), iv, false))
	require.Equal(t, []int8{1, -2}, i8)

	var x string
	err := setValue(reflect.ValueOf(&x).Elem(), dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1}, false)
	require.ErrorContains(t, err, "needs Bolt 6.1 or newer")

	// Struct mapping by db tag.
	type row struct {
		ID  string    `db:"id"`
		Raw [16]byte  `db:"raw"`
		Emb []float32 `db:"emb"`
	}
	var r row
	require.NoError(t, mapToStruct(reflect.ValueOf(&r).Elem(), map[string]any{"id": u, "raw": u, "emb": v}))
	require.Equal(t, row{ID: s, Raw: [16]byte(u), Emb: []float32{1, 2, 3}}, r)
}
