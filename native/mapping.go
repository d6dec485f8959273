package native

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Struct mapping: a struct field receives the column (or property) named by its
// `db` tag, else by its `neo4j` tag, else by its field name compared
// case-insensitively. A tag "-" skips the field; tag options after a comma are
// ignored. Embedded structs without a tag are flattened.

type structField struct {
	name  string // column/property name
	index []int  // reflect field index path
}

type structInfo struct {
	fields []structField
	exact  map[string]int // name → position in fields
	folded map[string]int // lower-case name → position in fields
}

var structCache sync.Map // reflect.Type → *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{exact: map[string]int{}, folded: map[string]int{}}
	collectFields(t, nil, si)
	structCache.Store(t, si)
	return si
}

func collectFields(t reflect.Type, prefix []int, si *structInfo) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, tagged := fieldTagName(f)
		if name == "-" {
			continue
		}
		index := append(append([]int(nil), prefix...), i)
		if f.Anonymous && !tagged {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType {
				if f.Type.Kind() == reflect.Struct { // embedded pointers are not followed (would need allocation)
					collectFields(ft, index, si)
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if _, dup := si.exact[name]; dup {
			continue // outer fields win over embedded ones
		}
		si.exact[name] = len(si.fields)
		if _, dup := si.folded[strings.ToLower(name)]; !dup {
			si.folded[strings.ToLower(name)] = len(si.fields)
		}
		si.fields = append(si.fields, structField{name: name, index: index})
	}
}

func fieldTagName(f reflect.StructField) (string, bool) {
	for _, key := range []string{"db", "neo4j"} {
		if tag, ok := f.Tag.Lookup(key); ok {
			name, _, _ := strings.Cut(tag, ",")
			if name != "" {
				return name, true
			}
		}
	}
	return f.Name, false
}

func (si *structInfo) lookup(name string) (structField, bool) {
	if i, ok := si.exact[name]; ok {
		return si.fields[i], true
	}
	if i, ok := si.folded[strings.ToLower(name)]; ok {
		return si.fields[i], true
	}
	return structField{}, false
}

// mapToStruct fills the struct dst from m; keys without a field are ignored.
func mapToStruct(dst reflect.Value, m map[string]any) error {
	si := structInfoOf(dst.Type())
	for k, v := range m {
		f, ok := si.lookup(k)
		if !ok {
			continue
		}
		if err := setValue(dst.FieldByIndex(f.index), v, true); err != nil {
			return fmt.Errorf("field %s (from %q): %w", dst.Type().FieldByIndex(f.index).Name, k, err)
		}
	}
	return nil
}

// recordToStruct fills the struct dst from the record's columns. If no column
// matches a field and the record has exactly one column holding a node,
// relationship or map, that value's properties are mapped instead (so
// `RETURN p` maps p's properties).
func recordToStruct(dst reflect.Value, rec *Record) error {
	si := structInfoOf(dst.Type())
	matched := 0
	for i, k := range rec.Keys {
		f, ok := si.lookup(k)
		if !ok || i >= len(rec.Values) {
			continue
		}
		matched++
		if err := setValue(dst.FieldByIndex(f.index), rec.Values[i], true); err != nil {
			return fmt.Errorf("field %s (from column %q): %w", dst.Type().FieldByIndex(f.index).Name, k, err)
		}
	}
	if matched == 0 && len(rec.Values) == 1 {
		if m, ok := propsOf(rec.Values[0]); ok {
			return mapToStruct(dst, m)
		}
	}
	return nil
}

// RecordAs maps rec onto a new value of type T. For a struct T (or pointer to
// struct) columns map to fields by `db` tag, `neo4j` tag or case-insensitive
// field name; a single node/relationship/map column maps its properties. For
// other T the record must have exactly one column, converted as by
// GetRecordValue.
func RecordAs[T any](rec *Record) (T, error) {
	var out T
	if rec == nil {
		return out, usageErrorf("RecordAs: nil record")
	}
	v := reflect.ValueOf(&out).Elem()
	target := v
	if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct {
		v.Set(reflect.New(v.Type().Elem()))
		target = v.Elem()
	}
	if target.Kind() == reflect.Struct && target.Type() != timeType {
		if err := recordToStruct(target, rec); err != nil {
			return out, fmt.Errorf("RecordAs[%s]: %w", v.Type(), err)
		}
		return out, nil
	}
	if len(rec.Values) != 1 {
		return out, usageErrorf("RecordAs[%s]: need exactly one column for a non-struct type, record has %d", v.Type(), len(rec.Values))
	}
	if err := setValue(v, rec.Values[0], false); err != nil {
		return out, fmt.Errorf("RecordAs[%s]: column %q: %w", v.Type(), rec.key(0), err)
	}
	return out, nil
}
