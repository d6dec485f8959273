package conv

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// field is one struct field mapped to a property name.
type field struct {
	name      string
	index     []int
	omitEmpty bool
}

// structInfo is the cached property mapping of a struct type.
type structInfo struct {
	fields []field
	byName map[string]int // exact property name → position in fields
	byFold map[string]int // lower-cased name → position (first wins)
}

var structCache sync.Map // reflect.Type → *structInfo

// structFields returns the property mapping of struct type t: exported fields
// named by their `db` tag, else their `neo4j` tag, else their Go name; "-"
// skips a field; ",omitempty" omits a zero field when building parameters;
// untagged embedded structs are flattened, outer fields winning over inner ones.
func structFields(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]int{}, byFold: map[string]int{}}
	collectFields(t, nil, si, map[reflect.Type]bool{})
	for i, f := range si.fields {
		si.byName[f.name] = i
		if _, dup := si.byFold[strings.ToLower(f.name)]; !dup {
			si.byFold[strings.ToLower(f.name)] = i
		}
	}
	actual, _ := structCache.LoadOrStore(t, si)
	return actual.(*structInfo)
}

func collectFields(t reflect.Type, prefix []int, si *structInfo, seen map[reflect.Type]bool) {
	if seen[t] {
		return
	}
	seen[t] = true
	var embedded []reflect.StructField
	have := map[string]bool{}
	for _, f := range si.fields {
		have[f.name] = true
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, opts, tagged := fieldTag(sf)
		if tagged && name == "-" {
			continue
		}
		if sf.Anonymous && !tagged && sf.Type.Kind() == reflect.Struct {
			embedded = append(embedded, sf)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if have[name] {
			continue
		}
		have[name] = true
		idx := append(append([]int(nil), prefix...), sf.Index...)
		si.fields = append(si.fields, field{name: name, index: idx, omitEmpty: strings.Contains(opts, "omitempty")})
	}
	for _, sf := range embedded {
		collectFields(sf.Type, append(append([]int(nil), prefix...), sf.Index...), si, seen)
	}
}

// fieldTag returns the name and options of a field's `db` (else `neo4j`) tag.
func fieldTag(sf reflect.StructField) (name, opts string, tagged bool) {
	tag, ok := sf.Tag.Lookup("db")
	if !ok {
		tag, ok = sf.Tag.Lookup("neo4j")
	}
	if !ok {
		return "", "", false
	}
	name, opts, _ = strings.Cut(tag, ",")
	return name, "," + opts, true
}

// fillStruct sets the fields of struct dv from props; properties without a
// field are ignored, fields without a property keep their value. A property
// matches a field by exact name first, then case-insensitively.
func fillStruct(dv reflect.Value, props map[string]any, path string) error {
	si := structFields(dv.Type())
	for k, v := range props {
		i, ok := si.byName[k]
		if !ok {
			if i, ok = si.byFold[strings.ToLower(k)]; !ok {
				continue
			}
		}
		if err := assign(dv.FieldByIndex(si.fields[i].index), v, joinPath(path, k)); err != nil {
			return err
		}
	}
	return nil
}

// StructToMap converts a struct (or a pointer to one) to a parameter map, using
// the same field names as scanning does: the `db` tag, else the `neo4j` tag,
// else the Go field name; "-" skips a field and ",omitempty" omits it when zero.
// Field values are converted with [Param], so nested structs become maps and
// slices become lists.
func StructToMap(v any) (map[string]any, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, &ParamError{GoType: fmt.Sprintf("%T", v), Err: fmt.Errorf("nil pointer")}
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, &ParamError{GoType: fmt.Sprintf("%T", v), Err: fmt.Errorf("not a struct")}
	}
	return structToMap(rv, "", 0)
}

func structToMap(rv reflect.Value, path string, depth int) (map[string]any, error) {
	si := structFields(rv.Type())
	out := make(map[string]any, len(si.fields))
	for _, f := range si.fields {
		fv := rv.FieldByIndex(f.index)
		if f.omitEmpty && fv.IsZero() {
			continue
		}
		pv, err := param(fv.Interface(), joinPath(path, f.name), depth+1)
		if err != nil {
			return nil, err
		}
		out[f.name] = pv
	}
	return out, nil
}
