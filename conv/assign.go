package conv

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

var (
	scannerType = reflect.TypeFor[sql.Scanner]()
	timeType    = reflect.TypeFor[time.Time]()
)

// Assign stores the Neo4j value src (as returned by the native layer or by
// database/sql Rows) in the Go variable that dest points to, converting where
// the conversion loses nothing:
//
//   - a destination implementing [database/sql.Scanner] scans src itself;
//   - NULL sets pointers, interfaces, slices and maps to nil, and fails with
//     [ErrNull] for every other destination;
//   - INTEGER fits any Go integer type (range-checked) or float type; FLOAT any
//     float type; STRING and BYTES any string or []byte type;
//   - LIST fills a slice or array element by element; MAP, NODE and
//     RELATIONSHIP fill a map[string]T or a struct (properties by `db` tag, see
//     [StructFields]);
//   - temporal values convert to time.Time and to the dbtype and conv temporal
//     types; a VECTOR fills a slice of its element type (or a wider one).
//
// Anything else fails with a [*ConversionError] naming the Neo4j type and the Go
// type. dest must be a non-nil pointer.
func Assign(dest, src any) error {
	dv := reflect.ValueOf(dest)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return fmt.Errorf("conv: Assign needs a non-nil pointer destination, got %T", dest)
	}
	return assign(dv.Elem(), src, "")
}

// assign stores src in dv (which must be settable). path names the position
// inside the value for error messages.
func assign(dv reflect.Value, src any, path string) error {
	if dv.CanAddr() && dv.Addr().Type().Implements(scannerType) {
		if err := dv.Addr().Interface().(sql.Scanner).Scan(src); err != nil {
			return withPath(err, path)
		}
		return nil
	}
	if src == nil {
		switch dv.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
			dv.SetZero()
			return nil
		}
		return convErr(path, nil, dv.Type(), ErrNull)
	}
	switch dv.Kind() {
	case reflect.Pointer:
		elem := reflect.New(dv.Type().Elem())
		if err := assign(elem.Elem(), src, path); err != nil {
			return err
		}
		dv.Set(elem)
		return nil
	case reflect.Interface:
		sv := reflect.ValueOf(src)
		if !sv.Type().AssignableTo(dv.Type()) {
			return convErr(path, src, dv.Type(), nil)
		}
		dv.Set(sv)
		return nil
	}
	sv := reflect.ValueOf(src)
	if sv.Type().AssignableTo(dv.Type()) {
		dv.Set(sv)
		return nil
	}
	if ok, err := assignSpecial(dv, src, path); ok {
		return err
	}
	return assignByKind(dv, sv, src, path)
}

// withPath adds path to a ConversionError that has none (a Scanner nested in a
// list or a struct does not know where it sits).
func withPath(err error, path string) error {
	var ce *ConversionError
	if path != "" && errors.As(err, &ce) && ce.Column == "" {
		cp := *ce
		cp.Column = path
		return &cp
	}
	return err
}

// assignSpecial handles sources whose conversion depends on their Neo4j type
// rather than their Go kind. It reports whether it handled src.
func assignSpecial(dv reflect.Value, src any, path string) (bool, error) {
	switch s := src.(type) {
	case dbtype.Node:
		return true, assignProps(dv, s.Props, src, path)
	case dbtype.Relationship:
		return true, assignProps(dv, s.Props, src, path)
	case map[string]any:
		return true, assignProps(dv, s, src, path)
	case dbtype.Vector:
		return true, assignVector(dv, s, path)
	case dbtype.Date, dbtype.LocalDateTime, dbtype.LocalTime, dbtype.Time, time.Time:
		if dv.Type() == timeType || dv.Type().ConvertibleTo(timeType) && dv.Kind() == reflect.Struct {
			dv.Set(reflect.ValueOf(src).Convert(dv.Type()))
			return true, nil
		}
		if dv.Kind() == reflect.String {
			dv.SetString(textOf(src))
			return true, nil
		}
		return true, convErr(path, src, dv.Type(), nil)
	case dbtype.UUID:
		switch {
		case dv.Kind() == reflect.String:
			dv.SetString(s.String())
		case dv.Kind() == reflect.Slice && dv.Type().Elem().Kind() == reflect.Uint8:
			dv.SetBytes(append([]byte(nil), s[:]...))
		case dv.Kind() == reflect.Array && dv.Len() == 16 && dv.Type().Elem().Kind() == reflect.Uint8:
			reflect.Copy(dv, reflect.ValueOf(s))
		default:
			return true, convErr(path, src, dv.Type(), nil)
		}
		return true, nil
	case dbtype.Duration:
		if dv.Type() == reflect.TypeFor[time.Duration]() {
			d, err := Duration(s).Std()
			if err != nil {
				return true, convErr(path, src, dv.Type(), err)
			}
			dv.SetInt(int64(d))
			return true, nil
		}
	case dbtype.UnsupportedType, dbtype.UnknownStructure:
		return true, convErr(path, src, dv.Type(), undecodable(s))
	}
	return false, nil
}

// assignByKind converts scalars, lists and typed maps by the Go kinds of source
// and destination.
func assignByKind(dv, sv reflect.Value, src any, path string) error {
	dk := dv.Kind()
	switch sk := sv.Kind(); {
	case sk == reflect.Bool:
		if dk == reflect.Bool {
			dv.SetBool(sv.Bool())
			return nil
		}
	case isInt(sk):
		return assignInt(dv, sv.Int(), src, path)
	case isUint(sk):
		u := sv.Uint()
		if u > math.MaxInt64 {
			return convErr(path, src, dv.Type(), fmt.Errorf("value %d overflows INTEGER", u))
		}
		return assignInt(dv, int64(u), src, path)
	case sk == reflect.Float64 || sk == reflect.Float32:
		if dk == reflect.Float64 || dk == reflect.Float32 {
			f := sv.Float()
			if dk == reflect.Float32 && !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
				return convErr(path, src, dv.Type(), fmt.Errorf("value %g overflows float32", f))
			}
			dv.SetFloat(f)
			return nil
		}
	case sk == reflect.String:
		switch {
		case dk == reflect.String:
			dv.SetString(sv.String())
			return nil
		case dk == reflect.Slice && dv.Type().Elem().Kind() == reflect.Uint8:
			dv.SetBytes([]byte(sv.String()))
			return nil
		}
	case sk == reflect.Slice && sv.Type().Elem().Kind() == reflect.Uint8:
		switch {
		case dk == reflect.String:
			dv.SetString(string(sv.Bytes()))
			return nil
		case dk == reflect.Slice && dv.Type().Elem().Kind() == reflect.Uint8:
			dv.SetBytes(append([]byte(nil), sv.Bytes()...))
			return nil
		}
	case sk == reflect.Slice || sk == reflect.Array:
		return assignList(dv, sv, src, path)
	case sk == reflect.Map && sv.Type().Key().Kind() == reflect.String:
		return assignMap(dv, sv, src, path)
	}
	if sv.Type().ConvertibleTo(dv.Type()) && sv.Kind() == dk && dk == reflect.Struct {
		dv.Set(sv.Convert(dv.Type()))
		return nil
	}
	return convErr(path, src, dv.Type(), nil)
}

func isInt(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Int64
}

func isUint(k reflect.Kind) bool {
	return k >= reflect.Uint && k <= reflect.Uintptr
}

func assignInt(dv reflect.Value, i int64, src any, path string) error {
	dk := dv.Kind()
	switch {
	case isInt(dk):
		if dv.OverflowInt(i) {
			return convErr(path, src, dv.Type(), fmt.Errorf("value %d overflows %s", i, dv.Type()))
		}
		dv.SetInt(i)
		return nil
	case isUint(dk):
		if i < 0 || dv.OverflowUint(uint64(i)) {
			return convErr(path, src, dv.Type(), fmt.Errorf("value %d overflows %s", i, dv.Type()))
		}
		dv.SetUint(uint64(i))
		return nil
	case dk == reflect.Float64 || dk == reflect.Float32:
		dv.SetFloat(float64(i))
		return nil
	}
	return convErr(path, src, dv.Type(), nil)
}

// assignList fills a slice or array from a list value.
func assignList(dv, sv reflect.Value, src any, path string) error {
	n := sv.Len()
	switch dv.Kind() {
	case reflect.Slice:
		out := reflect.MakeSlice(dv.Type(), n, n)
		for i := 0; i < n; i++ {
			if err := assign(out.Index(i), sv.Index(i).Interface(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		dv.Set(out)
		return nil
	case reflect.Array:
		if dv.Len() != n {
			return convErr(path, src, dv.Type(), fmt.Errorf("list has %d elements, array %d", n, dv.Len()))
		}
		out := reflect.New(dv.Type()).Elem()
		for i := 0; i < n; i++ {
			if err := assign(out.Index(i), sv.Index(i).Interface(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		dv.Set(out)
		return nil
	}
	return convErr(path, src, dv.Type(), nil)
}

// assignMap fills a map with string keys or a struct from a map value of any
// Go type with string keys.
func assignMap(dv, sv reflect.Value, src any, path string) error {
	m := make(map[string]any, sv.Len())
	iter := sv.MapRange()
	for iter.Next() {
		m[iter.Key().String()] = iter.Value().Interface()
	}
	return assignProps(dv, m, src, path)
}

// assignProps fills a map[string]T or a struct from properties. src is the
// original value, for error messages.
func assignProps(dv reflect.Value, props map[string]any, src any, path string) error {
	switch {
	case dv.Kind() == reflect.Map && dv.Type().Key().Kind() == reflect.String:
		out := reflect.MakeMapWithSize(dv.Type(), len(props))
		for k, v := range props {
			ev := reflect.New(dv.Type().Elem()).Elem()
			if err := assign(ev, v, joinPath(path, k)); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(dv.Type().Key()), ev)
		}
		dv.Set(out)
		return nil
	case dv.Kind() == reflect.Struct && dv.Type() != timeType:
		return fillStruct(dv, props, path)
	}
	return convErr(path, src, dv.Type(), nil)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// assignVector fills a slice (or a Vector) from a vector value.
func assignVector(dv reflect.Value, v dbtype.Vector, path string) error {
	if dv.Kind() != reflect.Slice {
		return convErr(path, v, dv.Type(), nil)
	}
	var list any
	switch v.ElemType() {
	case dbtype.VectorInt8:
		list, _ = v.Int8s()
	case dbtype.VectorInt16:
		list, _ = v.Int16s()
	case dbtype.VectorInt32:
		list, _ = v.Int32s()
	case dbtype.VectorInt64:
		list, _ = v.Int64s()
	case dbtype.VectorFloat32:
		list, _ = v.Float32s()
	case dbtype.VectorFloat64:
		list, _ = v.Float64s()
	default:
		return convErr(path, v, dv.Type(), errors.New("vector without element type"))
	}
	sv := reflect.ValueOf(list)
	if sv.Type() == dv.Type() {
		dv.Set(reflect.ValueOf(slicesClone(sv)))
		return nil
	}
	// Element-wise: widening int → int/float, float32 → float64; narrowing fails.
	out := reflect.MakeSlice(dv.Type(), sv.Len(), sv.Len())
	for i := 0; i < sv.Len(); i++ {
		ev := sv.Index(i)
		var err error
		switch {
		case out.Index(i).Kind() == reflect.Interface:
			out.Index(i).Set(ev)
		case ev.CanInt():
			err = assignInt(out.Index(i), ev.Int(), v, path+"["+strconv.Itoa(i)+"]")
		case out.Index(i).Kind() == reflect.Float64 || ev.Kind() == out.Index(i).Kind():
			out.Index(i).SetFloat(ev.Float())
		default:
			err = convErr(path, v, dv.Type(), fmt.Errorf("%s elements do not fit %s", v.ElemType(), dv.Type().Elem()))
		}
		if err != nil {
			return err
		}
	}
	dv.Set(out)
	return nil
}

func slicesClone(sv reflect.Value) any {
	out := reflect.MakeSlice(sv.Type(), sv.Len(), sv.Len())
	reflect.Copy(out, sv)
	return out.Interface()
}
