package conv

import (
	"database/sql/driver"
	"reflect"
)

// ptrValue returns the settable value p points to.
func ptrValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

// List is a [database/sql.Scanner] for a Cypher LIST whose elements convert to T
// (by the rules of [Assign]): conv.List[string], conv.List[int],
// conv.List[conv.Node], conv.List[Person] (a list of maps or nodes)... NULL
// scans as a nil list; a NULL element fails unless T can hold it (a pointer or
// interface type). As a parameter it is a list.
type List[T any] []T

// Scan stores the list.
func (l *List[T]) Scan(src any) error {
	return assign(ptrValue((*[]T)(l)), src, "")
}

// Value returns the list for sending.
func (l List[T]) Value() (driver.Value, error) { return Param([]T(l)) }

// Map is a [database/sql.Scanner] for a Cypher MAP (or the properties of a NODE
// or RELATIONSHIP) whose values convert to T: conv.Map[int],
// conv.Map[any]... NULL scans as a nil map. As a parameter it is a map.
type Map[T any] map[string]T

// Scan stores the map.
func (m *Map[T]) Scan(src any) error {
	return assign(ptrValue((*map[string]T)(m)), src, "")
}

// Value returns the map for sending.
func (m Map[T]) Value() (driver.Value, error) { return Param(map[string]T(m)) }
