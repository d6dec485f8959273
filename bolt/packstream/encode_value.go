package packstream

import (
	"math"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// Value appends any supported Go value:
//
//   - nil, bool, every int and uint kind (a uint above MaxInt64 is an error),
//     float32, float64, string, []byte;
//   - slices and arrays of supported values, maps with string keys (fast paths
//     for []any, []string, []int64, []int, []float64, []float32, []bool,
//     []map[string]any, map[string]any, map[string]string; other types through
//     reflection);
//   - pointers (nil → null) and named types of the kinds above;
//   - time.Time as DATETIME (with the zone id when the Location has a name other
//     than "", "Local" and "UTC", else with the offset), time.Duration as DURATION;
//   - every dbtype value. dbtype.Vector needs Features.Vector (Bolt 6.0+),
//     dbtype.UUID needs Features.UUID (Bolt 6.1+), dbtype.UnsupportedType needs
//     Features.UnsupportedType; otherwise the error wraps ErrNeedsNewerProtocol.
//
// Structs (other than time.Time and the dbtype types) are not accepted: package
// native converts them first. Errors are *EncodeError values naming the Go type.
// On error, Buf holds a partial value: Reset before reusing the Encoder.
func (e *Encoder) Value(v any) error {
	if e.err != nil {
		return e.err
	}
	if err := e.value(v, 0); err != nil {
		return err
	}
	return e.err
}

// Map appends a dictionary with string keys, as used for query parameters
// (a nil map encodes as an empty dictionary). An error names the key path of
// the offending value, e.g. `person.tags[2]`.
func (e *Encoder) Map(m map[string]any) error {
	if e.err != nil {
		return e.err
	}
	if err := e.mapAny(m, 0); err != nil {
		return err
	}
	return e.err
}

func (e *Encoder) value(v any, depth int) *EncodeError {
	switch x := v.(type) {
	case nil:
		e.Null()
	case bool:
		e.Bool(x)
	case int64:
		e.Int(x)
	case int:
		e.Int(int64(x))
	case int32:
		e.Int(int64(x))
	case int16:
		e.Int(int64(x))
	case int8:
		e.Int(int64(x))
	case uint8:
		e.Int(int64(x))
	case uint16:
		e.Int(int64(x))
	case uint32:
		e.Int(int64(x))
	case uint:
		return e.uint(v, uint64(x))
	case uint64:
		return e.uint(v, x)
	case float64:
		e.Float(x)
	case float32:
		e.Float(float64(x))
	case string:
		e.String(x)
	case []byte:
		e.Bytes(x)
	case map[string]any:
		return e.mapAny(x, depth)
	case []any:
		if depth >= MaxDepth {
			return tooDeep(v)
		}
		e.ListHeader(len(x))
		for i, item := range x {
			if err := e.value(item, depth+1); err != nil {
				return err.inIndex(i)
			}
		}
	case []string:
		e.ListHeader(len(x))
		for _, s := range x {
			e.String(s)
		}
	case []int64:
		e.ListHeader(len(x))
		for _, n := range x {
			e.Int(n)
		}
	case []int:
		e.ListHeader(len(x))
		for _, n := range x {
			e.Int(int64(n))
		}
	case []float64:
		e.ListHeader(len(x))
		for _, f := range x {
			e.Float(f)
		}
	case []float32:
		e.ListHeader(len(x))
		for _, f := range x {
			e.Float(float64(f))
		}
	case []map[string]any:
		if depth >= MaxDepth {
			return tooDeep(v)
		}
		e.ListHeader(len(x))
		for i, m := range x {
			if err := e.mapAny(m, depth+1); err != nil {
				return err.inIndex(i)
			}
		}
	case []bool:
		e.ListHeader(len(x))
		for _, b := range x {
			e.Bool(b)
		}
	case map[string]string:
		e.MapHeader(len(x))
		for k, s := range x {
			e.String(k)
			e.String(s)
		}
	case time.Time:
		e.dateTime(x)
	case time.Duration:
		return e.duration(dbtype.DurationOf(x))
	default:
		if err, done := e.dbValue(v, depth); done {
			return err
		}
		return e.reflectValue(v, depth)
	}
	return nil
}

func (e *Encoder) uint(v any, u uint64) *EncodeError {
	if u > math.MaxInt64 {
		return encErr(v, ErrOutOfRange, "%d exceeds the largest PackStream integer (MaxInt64)", u)
	}
	e.Int(int64(u))
	return nil
}

func (e *Encoder) mapAny(m map[string]any, depth int) *EncodeError {
	if depth >= MaxDepth {
		return tooDeep(m)
	}
	e.MapHeader(len(m))
	for k, item := range m {
		e.String(k)
		if err := e.value(item, depth+1); err != nil {
			return err.inKey(k)
		}
	}
	return nil
}

func tooDeep(v any) *EncodeError {
	return encErr(v, ErrTooDeep, "values nest deeper than %d levels (a cycle?)", MaxDepth)
}
