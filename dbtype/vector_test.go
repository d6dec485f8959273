package dbtype

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVectorAccessors(t *testing.T) {
	v := NewVectorFloat32([]float32{1, 2.5, 3})
	require.Equal(t, VectorFloat32, v.ElemType())
	require.Equal(t, 3, v.Len())
	f, ok := v.Float32s()
	require.True(t, ok)
	require.Equal(t, []float32{1, 2.5, 3}, f)
	_, ok = v.Float64s()
	require.False(t, ok)
	_, ok = v.Int8s()
	require.False(t, ok)
	require.Equal(t, []float64{1, 2.5, 3}, v.AsFloat64s())
	require.Equal(t, "vector([1.0, 2.5, 3.0], 3, FLOAT32)", v.String())
}

func TestVectorEveryType(t *testing.T) {
	cases := []struct {
		v    Vector
		typ  VectorElemType
		name string
		size int
		str  string
	}{
		{NewVectorInt8([]int8{-128, 127}), VectorInt8, "INTEGER8", 1, "vector([-128, 127], 2, INTEGER8)"},
		{NewVectorInt16([]int16{-1, 2}), VectorInt16, "INTEGER16", 2, "vector([-1, 2], 2, INTEGER16)"},
		{NewVectorInt32([]int32{7}), VectorInt32, "INTEGER32", 4, "vector([7], 1, INTEGER32)"},
		{NewVectorInt64([]int64{1, 2, 3}), VectorInt64, "INTEGER64", 8, "vector([1, 2, 3], 3, INTEGER64)"},
		{NewVectorFloat32(nil), VectorFloat32, "FLOAT32", 4, "vector([], 0, FLOAT32)"},
		{NewVectorFloat64([]float64{0.5, -1}), VectorFloat64, "FLOAT64", 8, "vector([0.5, -1.0], 2, FLOAT64)"},
	}
	for _, c := range cases {
		require.Equal(t, c.typ, c.v.ElemType())
		require.Equal(t, c.name, c.typ.String())
		require.Equal(t, c.size, c.typ.Size())
		require.Equal(t, c.str, c.v.String())
		require.Len(t, c.v.AsFloat64s(), c.v.Len())
	}
	i16, ok := cases[1].v.Int16s()
	require.True(t, ok)
	require.Equal(t, []int16{-1, 2}, i16)
	i32, _ := cases[2].v.Int32s()
	require.Equal(t, []int32{7}, i32)
	i64, _ := cases[3].v.Int64s()
	require.Equal(t, []int64{1, 2, 3}, i64)
	f32, ok := cases[4].v.Float32s()
	require.True(t, ok)
	require.NotNil(t, f32, "a nil slice becomes an empty vector")
}

func TestZeroVector(t *testing.T) {
	var v Vector
	require.Equal(t, VectorElemType(0), v.ElemType())
	require.Equal(t, 0, v.Len())
	require.Equal(t, "VectorElemType(0)", v.ElemType().String())
	require.Equal(t, 0, v.ElemType().Size())
}
