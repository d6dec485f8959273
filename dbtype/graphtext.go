package dbtype

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// String returns the node in Cypher's pattern form, e.g. `(:Person {age: 36, name: 'Ada'})`:
// labels in server order, properties sorted by key. The element id is left out; use
// ElementId for identity.
func (n Node) String() string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

// String returns the relationship in Cypher's pattern form, e.g. `[:KNOWS {since: 2020}]`.
func (r Relationship) String() string {
	var b strings.Builder
	writeRel(&b, r)
	return b.String()
}

// String returns the path in Cypher's pattern form, e.g.
// `(:Person {name: 'Ada'})-[:KNOWS]->(:Person {name: 'Bob'})`, with each arrow
// pointing the way its relationship does.
func (p Path) String() string {
	var b strings.Builder
	for i, n := range p.Nodes {
		if i > 0 && i-1 < len(p.Relationships) {
			r := p.Relationships[i-1]
			backward := r.StartElementId != "" && r.StartElementId == n.ElementId && r.EndElementId != n.ElementId
			if backward {
				b.WriteString("<-")
			} else {
				b.WriteByte('-')
			}
			writeRel(&b, r)
			if backward {
				b.WriteByte('-')
			} else {
				b.WriteString("->")
			}
		}
		writeNode(&b, n)
	}
	return b.String()
}

func writeNode(b *strings.Builder, n Node) {
	b.WriteByte('(')
	for _, l := range n.Labels {
		b.WriteByte(':')
		b.WriteString(l)
	}
	if len(n.Props) > 0 {
		if len(n.Labels) > 0 {
			b.WriteByte(' ')
		}
		writeCypherMap(b, n.Props, 0)
	}
	b.WriteByte(')')
}

func writeRel(b *strings.Builder, r Relationship) {
	b.WriteString("[:")
	b.WriteString(r.Type)
	if len(r.Props) > 0 {
		b.WriteByte(' ')
		writeCypherMap(b, r.Props, 0)
	}
	b.WriteByte(']')
}

// maxTextDepth bounds the nesting String renders (property values cannot nest
// deeply, but a hand-built map might be cyclic).
const maxTextDepth = 16

func writeCypherMap(b *strings.Builder, m map[string]any, depth int) {
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
		writeCypherValue(b, m[k], depth+1)
	}
	b.WriteByte('}')
}

// writeCypherValue writes a property value as a Cypher literal would show it:
// strings in single quotes, lists in brackets, temporal and spatial values in
// their String form.
func writeCypherValue(b *strings.Builder, v any, depth int) {
	if depth > maxTextDepth {
		b.WriteString("…")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteByte('\'')
		b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(x))
		b.WriteByte('\'')
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString("NaN")
		case math.IsInf(x, 0):
			if x < 0 {
				b.WriteByte('-')
			}
			b.WriteString("Infinity")
		default:
			writeFloat(b, x, 64)
		}
	case []byte:
		b.WriteString("bytes(")
		b.WriteString(strconv.Itoa(len(x)))
		b.WriteString(")")
	case time.Time:
		b.WriteString(x.Format(time.RFC3339Nano))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeCypherValue(b, e, depth+1)
		}
		b.WriteByte(']')
	case map[string]any:
		writeCypherMap(b, x, depth)
	default:
		fmt.Fprint(b, v)
	}
}
