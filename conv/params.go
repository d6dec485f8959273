package conv

import (
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// maxDepth bounds the nesting of parameter values (and catches cycles).
const maxDepth = 64

// ParamError reports a Go value that cannot be sent as a Neo4j parameter.
type ParamError struct {
	Path   string // parameter name or path inside it, e.g. "person.tags[2]"; may be empty
	GoType string // Go type of the offending value
	Err    error  // cause, if any
}

// Error describes the value that cannot be sent.
func (e *ParamError) Error() string {
	msg := "conv: cannot send Go " + e.GoType + " as a Neo4j parameter"
	if e.Path != "" {
		msg += " (at " + e.Path + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *ParamError) Unwrap() error { return e.Err }

var valuerType = reflect.TypeFor[driver.Valuer]()

// Param converts a Go value to one the Bolt layer can send:
//
//   - nil, bool, int64, float64, string, []byte, time.Time and the dbtype values
//     pass through; other integer and float types widen to int64 / float64
//     (a uint64 beyond MaxInt64 fails); named scalar types lose their name;
//   - a [driver.Valuer] (checked first, nil pointers give NULL) is replaced by
//     its Value, converted again; the conv types are Valuers;
//   - time.Duration becomes a DURATION of seconds and nanoseconds;
//   - a struct becomes a map by [StructToMap]; a pointer is followed (nil → NULL);
//   - slices and arrays become []any lists (a slice stays a list: use it with
//     `WHERE n.id IN $ids`), maps with string keys become map[string]any.
//
// Channels, functions, complex numbers and maps with other key types fail with a
// [*ParamError].
func Param(v any) (any, error) { return param(v, "", 0) }

func param(v any, path string, depth int) (any, error) {
	if depth > maxDepth {
		return nil, &ParamError{Path: path, GoType: fmt.Sprintf("%T", v), Err: fmt.Errorf("nested deeper than %d levels (a cycle?)", maxDepth)}
	}
	switch x := v.(type) {
	case nil, bool, int64, float64, string, time.Time,
		dbtype.Node, dbtype.Relationship, dbtype.Path, dbtype.Point2D, dbtype.Point3D,
		dbtype.Date, dbtype.Time, dbtype.LocalTime, dbtype.LocalDateTime, dbtype.Duration,
		dbtype.Vector, dbtype.UUID:
		return v, nil
	case []byte:
		if x == nil {
			return nil, nil
		}
		return v, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case time.Duration:
		return dbtype.DurationOf(x), nil
	case driver.Valuer:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && rv.IsNil() && rv.Type().Elem().Implements(valuerType) {
			return nil, nil // a nil *T whose T has a value-receiver Value: NULL, as database/sql does
		}
		out, err := x.Value()
		if err != nil {
			return nil, &ParamError{Path: path, GoType: fmt.Sprintf("%T", v), Err: err}
		}
		if _, again := out.(driver.Valuer); again && reflect.TypeOf(out) == reflect.TypeOf(v) {
			return nil, &ParamError{Path: path, GoType: fmt.Sprintf("%T", v), Err: fmt.Errorf("Value returned its own type")}
		}
		return param(out, path, depth+1)
	case []any:
		return paramList(reflect.ValueOf(x), path, depth)
	case map[string]any:
		return paramMap(reflect.ValueOf(x), path, depth)
	}
	rv := reflect.ValueOf(v)
	switch k := rv.Kind(); {
	case k == reflect.Bool:
		return rv.Bool(), nil
	case isInt(k):
		return rv.Int(), nil
	case isUint(k):
		if rv.Uint() > math.MaxInt64 {
			return nil, &ParamError{Path: path, GoType: rv.Type().String(), Err: fmt.Errorf("value %d overflows INTEGER", rv.Uint())}
		}
		return int64(rv.Uint()), nil
	case k == reflect.Float32 || k == reflect.Float64:
		return rv.Float(), nil
	case k == reflect.String:
		return rv.String(), nil
	case k == reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		return param(rv.Elem().Interface(), path, depth+1)
	case k == reflect.Struct:
		if rv.Type().ConvertibleTo(timeType) {
			return rv.Convert(timeType).Interface(), nil
		}
		return structToMap(rv, path, depth)
	case k == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8:
		if rv.IsNil() {
			return nil, nil
		}
		return rv.Bytes(), nil
	case k == reflect.Slice || k == reflect.Array:
		if k == reflect.Slice && rv.IsNil() {
			return nil, nil
		}
		return paramList(rv, path, depth)
	case k == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		if rv.IsNil() {
			return nil, nil
		}
		return paramMap(rv, path, depth)
	}
	return nil, &ParamError{Path: path, GoType: rv.Type().String()}
}

func paramList(rv reflect.Value, path string, depth int) ([]any, error) {
	out := make([]any, rv.Len())
	for i := range out {
		ev, err := param(rv.Index(i).Interface(), fmt.Sprintf("%s[%d]", path, i), depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = ev
	}
	return out, nil
}

func paramMap(rv reflect.Value, path string, depth int) (map[string]any, error) {
	out := make(map[string]any, rv.Len())
	iter := rv.MapRange()
	for iter.Next() {
		k := iter.Key().String()
		ev, err := param(iter.Value().Interface(), joinPath(path, k), depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = ev
	}
	return out, nil
}

// ParamConverter is a [driver.ValueConverter] that converts arguments with
// [Param]. Give it to go-sqlmock (sqlmock.ValueConverterOption(conv.ParamConverter))
// so that mocked code can pass the same arguments as against the real driver
// (structs, typed slices, the conv and dbtype values), and so that rows built
// with mock.NewRows can carry Neo4j values such as dbtype.Node.
var ParamConverter driver.ValueConverter = paramConverter{}

type paramConverter struct{}

// ConvertValue converts v with Param.
func (paramConverter) ConvertValue(v any) (driver.Value, error) { return Param(v) }
