package native

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// assignValue stores v (a value received from the server) into *dest.
// A NULL (nil) sets nillable destinations (pointer, slice, map, interface) to nil
// and is an error for other kinds.
func assignValue(dest any, v any) error {
	// Fast paths: no reflection for the common scalar destinations.
	switch d := dest.(type) {
	case *any:
		*d = v
		return nil
	case *string:
		if s, ok := v.(string); ok {
			*d = s
			return nil
		}
	case *int64:
		if n, ok := v.(int64); ok {
			*d = n
			return nil
		}
	case *int:
		if n, ok := v.(int64); ok && n >= math.MinInt && n <= math.MaxInt {
			*d = int(n)
			return nil
		}
	case *float64:
		switch x := v.(type) {
		case float64:
			*d = x
			return nil
		case int64:
			*d = float64(x)
			return nil
		}
	case *bool:
		if b, ok := v.(bool); ok {
			*d = b
			return nil
		}
	case *[]byte:
		if b, ok := v.([]byte); ok {
			*d = b
			return nil
		}
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return usageErrorf("destination must be a non-nil pointer, got %T", dest)
	}
	return setValue(rv.Elem(), v, false)
}

var timeType = reflect.TypeOf(time.Time{})

// setValue stores v into dst (settable). lenient makes NULL the zero value for
// every kind (struct mapping); otherwise NULL into a non-nillable kind is an error.
func setValue(dst reflect.Value, v any, lenient bool) error {
	t := dst.Type()
	if v == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			dst.SetZero()
			return nil
		}
		if lenient {
			dst.SetZero()
			return nil
		}
		return fmt.Errorf("cannot store NULL in %s (use a pointer type)", t)
	}
	sv := reflect.ValueOf(v)
	if sv.Type().AssignableTo(t) {
		dst.Set(sv)
		return nil
	}
	if t.Kind() != reflect.Pointer {
		if handled, err := setNewType(dst, v); handled {
			return err
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := setValue(p.Elem(), v, lenient); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := v.(int64); ok {
			if dst.OverflowInt(n) {
				return fmt.Errorf("value %d overflows %s", n, t)
			}
			dst.SetInt(n)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n, ok := v.(int64); ok {
			if n < 0 || dst.OverflowUint(uint64(n)) {
				return fmt.Errorf("value %d overflows %s", n, t)
			}
			dst.SetUint(uint64(n))
			return nil
		}
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case float64:
			dst.SetFloat(x)
			return nil
		case int64:
			dst.SetFloat(float64(x))
			return nil
		}
	case reflect.String:
		if s, ok := v.(string); ok {
			dst.SetString(s)
			return nil
		}
	case reflect.Bool:
		if b, ok := v.(bool); ok {
			dst.SetBool(b)
			return nil
		}
	case reflect.Slice:
		if list, ok := v.([]any); ok {
			out := reflect.MakeSlice(t, len(list), len(list))
			for i, e := range list {
				if err := setValue(out.Index(i), e, lenient); err != nil {
					return fmt.Errorf("list element %d: %w", i, err)
				}
			}
			dst.Set(out)
			return nil
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			if m, ok := propsOf(v); ok {
				out := reflect.MakeMapWithSize(t, len(m))
				for k, e := range m {
					ev := reflect.New(t.Elem()).Elem()
					if err := setValue(ev, e, lenient); err != nil {
						return fmt.Errorf("map entry %q: %w", k, err)
					}
					out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
				}
				dst.Set(out)
				return nil
			}
		}
	case reflect.Struct:
		if t == timeType {
			if tm, ok := asTime(v); ok {
				dst.Set(reflect.ValueOf(tm))
				return nil
			}
			break
		}
		if m, ok := propsOf(v); ok {
			return mapToStruct(dst, m)
		}
	}
	// Same-kind conversions only (named string types, dbtype temporal types to
	// each other), never int→string.
	if sv.Kind() == t.Kind() && sv.Type().ConvertibleTo(t) {
		dst.Set(sv.Convert(t))
		return nil
	}
	switch v.(type) {
	case dbtype.Node:
		return fmt.Errorf("cannot store %T in %s (scan into *native.Node, use RecordAs, or return a property such as n.name)", v, t)
	case dbtype.Relationship:
		return fmt.Errorf("cannot store %T in %s (scan into *native.Relationship, use RecordAs, or return a property such as r.since)", v, t)
	case dbtype.Path:
		return fmt.Errorf("cannot store %T in %s (scan into *native.Path)", v, t)
	}
	return fmt.Errorf("cannot store %T in %s", v, t)
}

// asTime converts the temporal value types to time.Time.
func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case dbtype.Date:
		return x.Time(), true
	case dbtype.LocalDateTime:
		return x.Time(), true
	case dbtype.LocalTime:
		return x.Time(), true
	case dbtype.Time:
		return x.Time(), true
	}
	return time.Time{}, false
}

// propsOf returns the property map of maps, nodes and relationships.
func propsOf(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, true
	case dbtype.Node:
		return x.Props, true
	case *dbtype.Node:
		if x != nil {
			return x.Props, true
		}
	case dbtype.Relationship:
		return x.Props, true
	case *dbtype.Relationship:
		if x != nil {
			return x.Props, true
		}
	}
	return nil, false
}
