package dbtype

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPointString(t *testing.T) {
	require.Equal(t, "point({srid:7203, x:1.5, y:2.5})", Point2D{SRIDCartesian2D, 1.5, 2.5}.String())
	require.Equal(t, "point({srid:9157, x:1.0, y:2.0, z:3.0})", Point3D{SRIDCartesian3D, 1, 2, 3}.String())
	require.Equal(t, "point({srid:4326, x:NaN, y:+Inf})", Point2D{SRIDWGS84_2D, math.NaN(), math.Inf(1)}.String())
}

func TestUnsupportedTypeString(t *testing.T) {
	u := UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1}
	require.Equal(t, "UnsupportedType(UUID, needs Bolt 6.1)", u.String())
	u.Message = "upgrade"
	require.Equal(t, "UnsupportedType(UUID, needs Bolt 6.1: upgrade)", u.String())
}

func TestUnknownStructureIsError(t *testing.T) {
	var err error = UnknownStructure{Tag: 'V', Fields: 2, Reason: "Vector needs Bolt 6.0+"}
	require.True(t, errors.Is(err, ErrUnknownStructure))
	require.True(t, errors.Is(fmt.Errorf("row 3: %w", err), ErrUnknownStructure))
	var us UnknownStructure
	require.True(t, errors.As(fmt.Errorf("x: %w", err), &us))
	require.Equal(t, byte('V'), us.Tag)
	require.Equal(t, `dbtype: unknown structure tag 0x56 ('V') with 2 fields: Vector needs Bolt 6.0+`, err.Error())
}

func TestGraphAccessors(t *testing.T) {
	n := Node{ElementId: "4:x:1", Props: map[string]any{"a": int64(1)}}
	r := Relationship{ElementId: "5:x:0", Props: map[string]any{"b": true}}
	type entity interface {
		GetProperties() map[string]any
		GetElementId() string
	}
	for _, e := range []entity{n, r} {
		require.NotEmpty(t, e.GetElementId())
		require.Len(t, e.GetProperties(), 1)
	}
}
