package sqldriver

import (
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"

	"github.com/boltwire/neo4j/conv"
)

// Params is a whole parameter map given as the only argument of a statement:
//
//	db.QueryContext(ctx, "MATCH (p:Person {name: $name}) RETURN p", sqldriver.Params{"name": "Ada"})
//
// Its values are converted like any argument (see [conv.Param]). Mixing Params
// with other arguments is an error.
type Params map[string]any

// checkNamedValue converts one argument for the server. database/sql calls it
// in place of its default converter, so it handles driver.Valuer itself.
func checkNamedValue(nv *driver.NamedValue) error {
	name := argName(nv)
	switch v := nv.Value.(type) {
	case sql.Out, *sql.Out:
		return fmt.Errorf("sqldriver: argument %s: sql.Out is not supported (Cypher has no output parameters; RETURN the value instead)", name)
	case Params:
		out := make(Params, len(v))
		for k, pv := range v {
			cv, err := conv.Param(pv)
			if err != nil {
				return fmt.Errorf("sqldriver: parameter $%s: %w", k, err)
			}
			out[k] = cv
		}
		nv.Value = out
		return nil
	}
	cv, err := conv.Param(nv.Value)
	if err != nil {
		return fmt.Errorf("sqldriver: argument %s: %w", name, err)
	}
	nv.Value = cv
	return nil
}

// argName is the Cypher parameter an argument binds: $name for sql.Named,
// $1, $2, ... for positional arguments.
func argName(nv *driver.NamedValue) string {
	if nv.Name != "" {
		return "$" + nv.Name
	}
	return "$" + strconv.Itoa(nv.Ordinal)
}

// paramMap builds the parameter map of a statement from its checked
// arguments: sql.Named("x", v) → "x", positional arguments → "1".."n", or a
// lone Params spread into the map.
func paramMap(args []driver.NamedValue) (map[string]any, error) {
	if len(args) == 0 {
		return nil, nil
	}
	if p, ok := args[0].Value.(Params); ok && len(args) == 1 {
		return map[string]any(p), nil
	}
	m := make(map[string]any, len(args))
	for i := range args {
		a := &args[i]
		if _, ok := a.Value.(Params); ok {
			return nil, fmt.Errorf("sqldriver: argument %s: sqldriver.Params must be the only argument", argName(a))
		}
		key := a.Name
		if key == "" {
			key = strconv.Itoa(a.Ordinal)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("sqldriver: parameter $%s is given twice", key)
		}
		m[key] = a.Value
	}
	return m, nil
}
