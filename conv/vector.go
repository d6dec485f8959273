package conv

import (
	"database/sql/driver"

	"github.com/boltwire/neo4j/dbtype"
)

// Vector is a [database/sql.Scanner] and [driver.Valuer] for a Cypher VECTOR
// (Bolt 6.0+) of any element type; the methods of [dbtype.Vector] are promoted.
// To get the elements as a plain slice, scan into [Float32s], [Float64s] or,
// through [Into], any slice of a wide enough element type.
type Vector struct{ dbtype.Vector }

// Scan stores a VECTOR.
func (v *Vector) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Vector:
		v.Vector = s
		return nil
	case *dbtype.Vector:
		if s != nil {
			v.Vector = *s
			return nil
		}
	}
	return scanErr(src, v)
}

// Value returns the dbtype.Vector.
func (v Vector) Value() (driver.Value, error) { return v.Vector, nil }

// Float32s is a []float32 that travels as a FLOAT32 VECTOR: as a parameter it is
// sent as a vector (not as a list), and it scans a VECTOR of FLOAT32 or of
// smaller integers, or a LIST of numbers.
type Float32s []float32

// Scan stores the elements.
func (f *Float32s) Scan(src any) error {
	if src == nil {
		return scanErr(src, f)
	}
	return assign(ptrValue((*[]float32)(f)), src, "")
}

// Value returns the slice as a FLOAT32 dbtype.Vector.
func (f Float32s) Value() (driver.Value, error) { return dbtype.NewVectorFloat32(f), nil }

// Float64s is a []float64 that travels as a FLOAT64 VECTOR: as a parameter it is
// sent as a vector (not as a list), and it scans a VECTOR of any numeric
// element type, or a LIST of numbers.
type Float64s []float64

// Scan stores the elements.
func (f *Float64s) Scan(src any) error {
	if src == nil {
		return scanErr(src, f)
	}
	return assign(ptrValue((*[]float64)(f)), src, "")
}

// Value returns the slice as a FLOAT64 dbtype.Vector.
func (f Float64s) Value() (driver.Value, error) { return dbtype.NewVectorFloat64(f), nil }
