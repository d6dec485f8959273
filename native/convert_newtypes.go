package native

import (
	"fmt"
	"reflect"

	"github.com/boltwire/neo4j/dbtype"
)

// setNewType stores the Bolt 6 value types (UUID, Vector) and the UnsupportedType
// placeholder into destinations their Go types are not assignable to: a UUID into
// string, []byte or [16]byte-like arrays; a Vector into a slice of its element type
// (or []float64 for any element type). handled is false for every other value.
func setNewType(dst reflect.Value, v any) (handled bool, err error) {
	t := dst.Type()
	switch x := v.(type) {
	case dbtype.UUID:
		switch {
		case t.Kind() == reflect.String:
			dst.SetString(x.String())
		case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
			dst.SetBytes(append([]byte(nil), x[:]...))
		case t.Kind() == reflect.Array && t.Len() == 16 && t.Elem().Kind() == reflect.Uint8:
			reflect.Copy(dst, reflect.ValueOf(x[:]))
		default:
			return false, nil
		}
		return true, nil
	case dbtype.Vector:
		if t.Kind() != reflect.Slice {
			return false, nil
		}
		var src any
		switch t.Elem().Kind() {
		case reflect.Float32:
			src, _ = optional(x.Float32s())
		case reflect.Float64:
			if s, ok := x.Float64s(); ok {
				src = s
			} else {
				src = x.AsFloat64s()
			}
		case reflect.Int8:
			src, _ = optional(x.Int8s())
		case reflect.Int16:
			src, _ = optional(x.Int16s())
		case reflect.Int32:
			src, _ = optional(x.Int32s())
		case reflect.Int64:
			src, _ = optional(x.Int64s())
		}
		if src == nil {
			return true, fmt.Errorf("cannot store a %s vector in %s", x.ElemType(), t)
		}
		sv := reflect.ValueOf(src)
		out := reflect.MakeSlice(t, sv.Len(), sv.Len())
		for i := 0; i < sv.Len(); i++ {
			out.Index(i).Set(sv.Index(i).Convert(t.Elem()))
		}
		dst.Set(out)
		return true, nil
	case dbtype.UnsupportedType:
		return true, fmt.Errorf("the server sent a %s value, which this connection's Bolt version cannot carry (%s): "+
			"it needs Bolt %d.%d or newer", x.Name, x, x.MinProtocolMajor, x.MinProtocolMinor)
	}
	return false, nil
}

// optional turns a typed accessor's (slice, ok) into (any, ok) with nil when absent.
func optional[S any](s S, ok bool) (any, bool) {
	if !ok {
		return nil, false
	}
	return s, true
}
