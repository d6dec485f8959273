package conv

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// ErrNull is wrapped by the [ConversionError] returned when a Cypher NULL meets a
// Go destination that cannot hold "no value" (an int, a string, a struct, ...).
// Scan into a pointer, an interface, or [database/sql.Null] to accept NULL.
var ErrNull = errors.New("conv: NULL into a non-nullable destination")

// ConversionError reports a value that could not be converted. It names the
// column (or the path inside a value, such as "friends[2].name"), the Neo4j type
// of the value and the Go type of the destination.
//
// Inside database/sql a Scan error is prefixed with the column index and name, so
// Column is empty for errors returned by the Scan methods of this package unless
// the failing part lies inside the value (a list element or a property).
type ConversionError struct {
	Column    string // column name or path inside the value; may be empty
	Neo4jType string // Neo4j type of the source value, e.g. "INTEGER", "NODE"
	GoType    string // Go type of the destination, e.g. "int8", "main.Person"
	Err       error  // cause, if any (ErrNull, a parse or overflow error, ...)
}

// Error describes the failed conversion.
func (e *ConversionError) Error() string {
	msg := "conv: cannot convert Neo4j " + e.Neo4jType + " to Go " + e.GoType
	if e.Column != "" {
		msg += " (at " + e.Column + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *ConversionError) Unwrap() error { return e.Err }

func convErr(path string, src any, dst reflect.Type, cause error) error {
	return &ConversionError{Column: path, Neo4jType: TypeName(src), GoType: goTypeName(dst), Err: cause}
}

func goTypeName(t reflect.Type) string {
	if t == nil {
		return "<nil>"
	}
	return t.String()
}

// TypeName returns the Neo4j type name of a value as the native layer returns it:
// "NULL", "BOOLEAN", "INTEGER", "FLOAT", "STRING", "BYTES", "LIST<ANY>", "MAP",
// "NODE", "RELATIONSHIP", "PATH", "POINT", "DATE", "ZONED TIME", "LOCAL TIME",
// "ZONED DATETIME", "LOCAL DATETIME", "DURATION", "VECTOR", "UUID". The scanner
// types of this package and Go values that are not Neo4j values report the
// Neo4j type they stand for, or "UNKNOWN(<Go type>)".
func TypeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case bool:
		return "BOOLEAN"
	case int64, int, int8, int16, int32, uint8, uint16, uint32, uint, uint64:
		return "INTEGER"
	case float64, float32:
		return "FLOAT"
	case string:
		return "STRING"
	case []byte:
		return "BYTES"
	case dbtype.Node, *dbtype.Node, Node:
		return "NODE"
	case dbtype.Relationship, *dbtype.Relationship, Relationship:
		return "RELATIONSHIP"
	case dbtype.Path, *dbtype.Path, Path:
		return "PATH"
	case dbtype.Point2D, dbtype.Point3D, *dbtype.Point2D, *dbtype.Point3D, Point:
		return "POINT"
	case dbtype.Date, Date:
		return "DATE"
	case dbtype.Time, Time:
		return "ZONED TIME"
	case dbtype.LocalTime, LocalTime:
		return "LOCAL TIME"
	case time.Time:
		return "ZONED DATETIME"
	case dbtype.LocalDateTime, LocalDateTime:
		return "LOCAL DATETIME"
	case dbtype.Duration, Duration:
		return "DURATION"
	case dbtype.Vector, Vector:
		return "VECTOR"
	case dbtype.UUID, UUID:
		return "UUID"
	case dbtype.UnsupportedType:
		return "UNSUPPORTED(" + v.Name + ")"
	case dbtype.UnknownStructure:
		return fmt.Sprintf("UNKNOWN STRUCTURE(0x%02X)", v.Tag)
	}
	switch reflect.TypeOf(v).Kind() {
	case reflect.Slice, reflect.Array:
		return "LIST<ANY>"
	case reflect.Map:
		return "MAP"
	}
	return "UNKNOWN(" + reflect.TypeOf(v).String() + ")"
}
