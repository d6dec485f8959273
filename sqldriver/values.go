package sqldriver

import (
	"database/sql/driver"
	"fmt"
	"reflect"

	"github.com/boltwire/neo4j/dbtype"
)

// toDriverValue maps a native value to what Rows.Next puts in dest (see the
// value table in the package documentation). Values the driver could not
// decode are errors.
func toDriverValue(v any) (driver.Value, error) {
	switch x := v.(type) {
	case dbtype.Date:
		return x.Time(), nil
	case dbtype.LocalDateTime:
		return x.Time(), nil
	case dbtype.UnknownStructure:
		return nil, x
	case dbtype.UnsupportedType:
		return nil, fmt.Errorf("the server sent a placeholder for a value the negotiated protocol cannot carry: %v", x)
	case map[string]any:
		if t, ok := x["originalType"].(string); ok && len(x) == 2 {
			if r, _ := x["reason"].(string); r == "UNKNOWN_TYPE" {
				return nil, fmt.Errorf("the server replaced a %s value by a placeholder (%s): this protocol version cannot carry it", t, r)
			}
		}
	}
	return v, nil
}

var anyType = reflect.TypeFor[any]()

// scanType is the Go type Rows.Next puts in dest for v.
func scanType(v any) reflect.Type {
	if v == nil {
		return anyType
	}
	dv, err := toDriverValue(v)
	if err != nil || dv == nil {
		return anyType
	}
	return reflect.TypeOf(dv)
}
