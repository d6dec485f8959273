package dbtype

import (
	"strconv"
	"strings"
)

// VectorElemType names the element type of a [Vector] (Bolt 6.0+).
type VectorElemType uint8

// The element types a Vector can hold. The zero value means "no vector".
const (
	VectorInt8    VectorElemType = iota + 1 // signed 8-bit integers (Cypher INTEGER8)
	VectorInt16                             // signed 16-bit integers (Cypher INTEGER16)
	VectorInt32                             // signed 32-bit integers (Cypher INTEGER32)
	VectorInt64                             // signed 64-bit integers (Cypher INTEGER64 / INTEGER)
	VectorFloat32                           // IEEE-754 single precision (Cypher FLOAT32)
	VectorFloat64                           // IEEE-754 double precision (Cypher FLOAT64 / FLOAT)
)

// String returns the Cypher name of the element type, e.g. "FLOAT32".
func (t VectorElemType) String() string {
	switch t {
	case VectorInt8:
		return "INTEGER8"
	case VectorInt16:
		return "INTEGER16"
	case VectorInt32:
		return "INTEGER32"
	case VectorInt64:
		return "INTEGER64"
	case VectorFloat32:
		return "FLOAT32"
	case VectorFloat64:
		return "FLOAT64"
	}
	return "VectorElemType(" + strconv.Itoa(int(t)) + ")"
}

// Size returns the size of one element in bytes (0 for an invalid type).
func (t VectorElemType) Size() int {
	switch t {
	case VectorInt8:
		return 1
	case VectorInt16:
		return 2
	case VectorInt32, VectorFloat32:
		return 4
	case VectorInt64, VectorFloat64:
		return 8
	}
	return 0
}

// Vector is a Cypher VECTOR (Bolt 6.0+): a fixed-type sequence of numbers, as used
// by vector indexes. Build one with NewVectorFloat32 and friends and read it with
// the typed accessor matching [Vector.ElemType].
//
// A Vector shares the slice it was built from, and the accessors return that
// slice: treat it as read-only. The zero Vector has no element type and length 0.
type Vector struct {
	elem VectorElemType
	data any // []int8, []int16, []int32, []int64, []float32 or []float64
}

// NewVectorInt8 returns a vector of INTEGER8 elements sharing v.
func NewVectorInt8(v []int8) Vector { return Vector{VectorInt8, nonNil(v)} }

// NewVectorInt16 returns a vector of INTEGER16 elements sharing v.
func NewVectorInt16(v []int16) Vector { return Vector{VectorInt16, nonNil(v)} }

// NewVectorInt32 returns a vector of INTEGER32 elements sharing v.
func NewVectorInt32(v []int32) Vector { return Vector{VectorInt32, nonNil(v)} }

// NewVectorInt64 returns a vector of INTEGER64 elements sharing v.
func NewVectorInt64(v []int64) Vector { return Vector{VectorInt64, nonNil(v)} }

// NewVectorFloat32 returns a vector of FLOAT32 elements sharing v.
func NewVectorFloat32(v []float32) Vector { return Vector{VectorFloat32, nonNil(v)} }

// NewVectorFloat64 returns a vector of FLOAT64 elements sharing v.
func NewVectorFloat64(v []float64) Vector { return Vector{VectorFloat64, nonNil(v)} }

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// ElemType returns the element type (0 for the zero Vector).
func (v Vector) ElemType() VectorElemType { return v.elem }

// Len returns the number of elements.
func (v Vector) Len() int {
	switch s := v.data.(type) {
	case []int8:
		return len(s)
	case []int16:
		return len(s)
	case []int32:
		return len(s)
	case []int64:
		return len(s)
	case []float32:
		return len(s)
	case []float64:
		return len(s)
	}
	return 0
}

// Int8s returns the elements if the vector holds INTEGER8 values.
func (v Vector) Int8s() ([]int8, bool) { s, ok := v.data.([]int8); return s, ok }

// Int16s returns the elements if the vector holds INTEGER16 values.
func (v Vector) Int16s() ([]int16, bool) { s, ok := v.data.([]int16); return s, ok }

// Int32s returns the elements if the vector holds INTEGER32 values.
func (v Vector) Int32s() ([]int32, bool) { s, ok := v.data.([]int32); return s, ok }

// Int64s returns the elements if the vector holds INTEGER64 values.
func (v Vector) Int64s() ([]int64, bool) { s, ok := v.data.([]int64); return s, ok }

// Float32s returns the elements if the vector holds FLOAT32 values.
func (v Vector) Float32s() ([]float32, bool) { s, ok := v.data.([]float32); return s, ok }

// Float64s returns the elements if the vector holds FLOAT64 values.
func (v Vector) Float64s() ([]float64, bool) { s, ok := v.data.([]float64); return s, ok }

// AsFloat64s returns a new slice with every element converted to float64,
// whatever the element type (64-bit integers beyond 2^53 lose precision).
func (v Vector) AsFloat64s() []float64 {
	out := make([]float64, v.Len())
	switch s := v.data.(type) {
	case []int8:
		for i, x := range s {
			out[i] = float64(x)
		}
	case []int16:
		for i, x := range s {
			out[i] = float64(x)
		}
	case []int32:
		for i, x := range s {
			out[i] = float64(x)
		}
	case []int64:
		for i, x := range s {
			out[i] = float64(x)
		}
	case []float32:
		for i, x := range s {
			out[i] = float64(x)
		}
	case []float64:
		copy(out, s)
	}
	return out
}

// String returns the vector in Cypher's constructor form, e.g.
// "vector([1.0, 2.0, 3.0], 3, FLOAT32)".
func (v Vector) String() string {
	var b strings.Builder
	b.WriteString("vector([")
	n := v.Len()
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		switch s := v.data.(type) {
		case []int8:
			b.WriteString(strconv.FormatInt(int64(s[i]), 10))
		case []int16:
			b.WriteString(strconv.FormatInt(int64(s[i]), 10))
		case []int32:
			b.WriteString(strconv.FormatInt(int64(s[i]), 10))
		case []int64:
			b.WriteString(strconv.FormatInt(s[i], 10))
		case []float32:
			writeFloat(&b, float64(s[i]), 32)
		case []float64:
			writeFloat(&b, s[i], 64)
		}
	}
	b.WriteString("], ")
	b.WriteString(strconv.Itoa(n))
	b.WriteString(", ")
	b.WriteString(v.elem.String())
	b.WriteByte(')')
	return b.String()
}

func writeFloat(b *strings.Builder, f float64, bits int) {
	s := strconv.FormatFloat(f, 'g', -1, bits)
	b.WriteString(s)
	if !strings.ContainsAny(s, ".eEnN") {
		b.WriteString(".0")
	}
}
