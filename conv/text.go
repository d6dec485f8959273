package conv

import (
	"database/sql"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// Text returns a [database/sql.Scanner] that stores the text form of any
// non-NULL value in *dest: temporal values in ISO 8601 form ("2024-02-29",
// "12:00:00+01:00", "P1DT2H"; a ZONED DATETIME as RFC 3339 with nanoseconds),
// points in Cypher's literal form (see [Point.WKT] for WKT), UUIDs in canonical
// form, lists and maps in a Cypher-like literal form, nodes, relationships and
// paths in Cypher's pattern form (their String method). NULL fails
// with [ErrNull]; use Text on a *string inside [database/sql.Null] logic, or scan
// into sql.NullString for plain strings.
func Text(dest *string) sql.Scanner { return text{dest} }

type text struct{ dest *string }

// Scan stores the text form of src.
func (t text) Scan(src any) error {
	if t.dest == nil {
		return fmt.Errorf("conv: Text needs a non-nil *string")
	}
	if src == nil {
		return convErr("", nil, reflect.TypeFor[string](), ErrNull)
	}
	switch src.(type) {
	case dbtype.UnknownStructure, dbtype.UnsupportedType:
		return convErr("", src, reflect.TypeFor[string](), undecodable(src))
	}
	*t.dest = textOf(src)
	return nil
}

// undecodable is the cause of a conversion error for a value the driver could
// not decode; it wraps an UnknownStructure (an error itself).
func undecodable(src any) error {
	if err, ok := src.(error); ok {
		return fmt.Errorf("the driver could not decode the value: %w", err)
	}
	return fmt.Errorf("the driver could not decode the value: %v", src)
}

// textOf renders any Neo4j value as text.
func textOf(v any) string {
	var b strings.Builder
	writeText(&b, v)
	return b.String()
}

func writeText(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(x)
	case []byte:
		b.WriteString(string(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case time.Time:
		b.WriteString(x.Format(time.RFC3339Nano))
	case dbtype.Node, dbtype.Relationship, dbtype.Path:
		b.WriteString(x.(fmt.Stringer).String()) // Cypher pattern form
	case []any:
		writeList(b, x)
	case map[string]any:
		writeMap(b, x)
	case fmt.Stringer:
		b.WriteString(x.String())
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Slice, reflect.Array:
			l := make([]any, rv.Len())
			for i := range l {
				l[i] = rv.Index(i).Interface()
			}
			writeList(b, l)
		default:
			fmt.Fprint(b, v)
		}
	}
}

func writeList(b *strings.Builder, l []any) {
	b.WriteByte('[')
	for i, e := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		writeQuoted(b, e)
	}
	b.WriteByte(']')
}

func writeMap(b *strings.Builder, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString(": ")
		writeQuoted(b, m[k])
	}
	b.WriteByte('}')
}

// writeQuoted writes nested strings quoted, so lists and maps stay readable.
func writeQuoted(b *strings.Builder, v any) {
	if s, ok := v.(string); ok {
		b.WriteString(strconv.Quote(s))
		return
	}
	writeText(b, v)
}
