package native

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// normalizeParams converts query parameters to the value set the Bolt encoder
// accepts: nil, bool, int64, float64, string, []byte, []any, map[string]any,
// time.Time and the dbtype types. Other integer and float kinds widen; named
// types convert to their kind; pointers are followed; structs become maps by
// `db`/`neo4j` tag (option "omitempty" honoured); time.Duration becomes a
// dbtype.Duration. Anything else is an error naming the parameter and its type.
// When every value is already one the encoder accepts as it is (the usual
// int64 and string parameters), params itself is returned: no copy per query.
func normalizeParams(params map[string]any) (map[string]any, error) {
	if len(params) == 0 {
		return params, nil
	}
	same := true
	for _, v := range params {
		if !isBoltValue(v) {
			same = false
			break
		}
	}
	if same {
		return params, nil
	}
	out := make(map[string]any, len(params))
	for k, v := range params {
		nv, err := normalizeValue(v, 0)
		if err != nil {
			return nil, &UsageError{Message: fmt.Sprintf("parameter %q (%T)", k, v), Err: err}
		}
		out[k] = nv
	}
	return out, nil
}

const maxParamDepth = 64

// isBoltValue reports whether v is a value the encoder takes as it is (not a
// container: lists and maps are normalized item by item).
func isBoltValue(v any) bool {
	switch v.(type) {
	case nil, bool, int64, float64, string, []byte, time.Time,
		dbtype.Node, dbtype.Relationship, dbtype.Path, dbtype.Point2D, dbtype.Point3D,
		dbtype.Date, dbtype.Time, dbtype.LocalTime, dbtype.LocalDateTime, dbtype.Duration,
		dbtype.Vector, dbtype.UUID:
		return true
	}
	return false
}

func normalizeValue(v any, depth int) (any, error) {
	if depth > maxParamDepth {
		return nil, fmt.Errorf("value nested more than %d levels deep (cycle?)", maxParamDepth)
	}
	if isBoltValue(v) {
		return v, nil
	}
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint:
		if uint64(x) > math.MaxInt64 {
			return nil, fmt.Errorf("unsigned value %d overflows int64", x)
		}
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("unsigned value %d overflows int64", x)
		}
		return int64(x), nil
	case float32:
		return float64(x), nil
	case time.Duration:
		return dbtype.DurationOf(x), nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case []int64:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out, nil
	case []any:
		return normalizeList(reflect.ValueOf(x), depth)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			ne, err := normalizeValue(e, depth+1)
			if err != nil {
				return nil, fmt.Errorf("map key %q: %w", k, err)
			}
			out[k] = ne
		}
		return out, nil
	}
	return normalizeReflect(reflect.ValueOf(v), depth)
}

func normalizeList(rv reflect.Value, depth int) (any, error) {
	out := make([]any, rv.Len())
	for i := range out {
		ne, err := normalizeValue(rv.Index(i).Interface(), depth+1)
		if err != nil {
			return nil, fmt.Errorf("list element %d: %w", i, err)
		}
		out[i] = ne
	}
	return out, nil
}

func normalizeReflect(rv reflect.Value, depth int) (any, error) {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return normalizeValue(rv.Elem().Interface(), depth+1)
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if rv.Uint() > math.MaxInt64 {
			return nil, fmt.Errorf("unsigned value %d overflows int64", rv.Uint())
		}
		return int64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Slice:
		if rv.IsNil() {
			return nil, nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return rv.Bytes(), nil
		}
		return normalizeList(rv, depth)
	case reflect.Array:
		return normalizeList(rv, depth)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map keys must be strings, got %s", rv.Type().Key())
		}
		if rv.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().String()
			ne, err := normalizeValue(it.Value().Interface(), depth+1)
			if err != nil {
				return nil, fmt.Errorf("map key %q: %w", k, err)
			}
			out[k] = ne
		}
		return out, nil
	case reflect.Struct:
		return structToMap(rv, depth)
	}
	return nil, fmt.Errorf("type %s cannot be sent to Neo4j (supported: nil, bool, integers, floats, string, []byte, slices and arrays, maps with string keys, structs with db tags, pointers, time.Time, time.Duration, dbtype values)", rv.Type())
}

// structToMap converts a struct to a map keyed by the mapping names of its
// exported fields.
func structToMap(rv reflect.Value, depth int) (map[string]any, error) {
	t := rv.Type()
	si := structInfoOf(t)
	out := make(map[string]any, len(si.fields))
	for _, f := range si.fields {
		fv := rv.FieldByIndex(f.index)
		sf := t.FieldByIndex(f.index)
		if hasTagOption(sf, "omitempty") && fv.IsZero() {
			continue
		}
		ne, err := normalizeValue(fv.Interface(), depth+1)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", sf.Name, err)
		}
		out[f.name] = ne
	}
	return out, nil
}

func hasTagOption(f reflect.StructField, opt string) bool {
	for _, key := range []string{"db", "neo4j"} {
		if tag, ok := f.Tag.Lookup(key); ok {
			_, opts, _ := strings.Cut(tag, ",")
			for _, o := range strings.Split(opts, ",") {
				if o == opt {
					return true
				}
			}
		}
	}
	return false
}
