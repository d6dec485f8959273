package sqldriver

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"time"

	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/dbtype"
)

// toDriverValue maps a native value to what Rows.Next puts in dest (see the
// value table in the package documentation). Values the driver could not
// decode are errors.
func toDriverValue(v any, mode ValueMode) (driver.Value, error) {
	if err := undecodable(v); err != nil {
		return nil, err
	}
	if mode == ValuesStandard {
		return toStandardValue(v)
	}
	switch x := v.(type) {
	case dbtype.Date:
		return x.Time(), nil
	case dbtype.LocalDateTime:
		return x.Time(), nil
	}
	return v, nil
}

// undecodable returns why v cannot be handed to database/sql: a structure the
// driver could not decode, or a server's placeholder for a value the protocol
// version cannot carry; nil for every other value.
func undecodable(v any) error {
	switch x := v.(type) {
	case dbtype.UnknownStructure:
		return x
	case dbtype.UnsupportedType:
		return fmt.Errorf("the server sent a placeholder for a value the negotiated protocol cannot carry: %v", x)
	case map[string]any:
		return placeholder(x)
	}
	return nil
}

// placeholder recognises the map a Bolt 5.x server sends instead of a value
// its protocol version cannot carry (a UUID or a VECTOR).
func placeholder(m map[string]any) error {
	if t, ok := m["originalType"].(string); ok && len(m) == 2 {
		if r, _ := m["reason"].(string); r == "UNKNOWN_TYPE" {
			return fmt.Errorf("the server replaced a %s value by a placeholder (%s): this protocol version cannot carry it", t, r)
		}
	}
	return nil
}

// toStandardValue maps a native value that is not undecodable to a standard
// driver.Value (see ValuesStandard).
func toStandardValue(v any) (driver.Value, error) {
	switch x := v.(type) {
	case nil, bool, int64, float64, string, []byte, time.Time:
		return v, nil
	case dbtype.Date:
		return x.Time(), nil
	case dbtype.LocalDateTime:
		return x.Time(), nil
	case dbtype.Time, dbtype.LocalTime, dbtype.Duration, dbtype.UUID:
		return x.(fmt.Stringer).String(), nil
	}
	return conv.JSON(v)
}

var anyType = reflect.TypeFor[any]()

// scanType is the Go type Rows.Next puts in dest for v.
func scanType(v any, mode ValueMode) reflect.Type {
	if v == nil {
		return anyType
	}
	dv, err := toDriverValue(v, mode)
	if err != nil || dv == nil {
		return anyType
	}
	return reflect.TypeOf(dv)
}
