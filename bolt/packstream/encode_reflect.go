package packstream

import (
	"reflect"
)

// reflectValue encodes the values the type switch of value does not know:
// named types, pointers, and slices, arrays and maps of other element types.
// It is off the hot path.
func (e *Encoder) reflectValue(v any, depth int) *EncodeError {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		e.Null()
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			e.Null()
			return nil
		}
		if depth >= MaxDepth {
			return tooDeep(v)
		}
		return e.value(rv.Elem().Interface(), depth+1)
	case reflect.Bool:
		e.Bool(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.Int(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return e.uint(v, rv.Uint())
	case reflect.Float32, reflect.Float64:
		e.Float(rv.Float())
	case reflect.String:
		e.String(rv.String())
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.Kind() == reflect.Slice {
				e.Bytes(rv.Bytes())
			} else {
				b := make([]byte, rv.Len())
				reflect.Copy(reflect.ValueOf(b), rv)
				e.Bytes(b)
			}
			return nil
		}
		if depth >= MaxDepth {
			return tooDeep(v)
		}
		n := rv.Len()
		e.ListHeader(n)
		for i := 0; i < n; i++ {
			if err := e.value(rv.Index(i).Interface(), depth+1); err != nil {
				return err.inIndex(i)
			}
		}
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return encErr(v, ErrUnsupportedType, "dictionary keys must be strings")
		}
		if depth >= MaxDepth {
			return tooDeep(v)
		}
		e.MapHeader(rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().String()
			e.String(k)
			if err := e.value(it.Value().Interface(), depth+1); err != nil {
				return err.inKey(k)
			}
		}
	case reflect.Struct:
		return encErr(v, ErrUnsupportedType, "structs are not encoded directly; convert to a map first")
	default:
		return encErr(v, ErrUnsupportedType, "no PackStream representation")
	}
	return nil
}
