package conv

import (
	"database/sql"
	"database/sql/driver"

	"github.com/boltwire/neo4j/dbtype"
)

// Props is a [database/sql.Scanner] that maps the properties of a NODE or
// RELATIONSHIP, or the entries of a MAP, onto V — usually a struct, whose fields
// are matched by `db` tag (else `neo4j` tag, else field name; exact match first,
// then case-insensitive; properties without a field are ignored). The graph
// metadata lands beside V:
//
//	var p conv.Props[Person]
//	err := db.QueryRowContext(ctx, "MATCH (n:Person {name: $1}) RETURN n", "Ada").Scan(&p)
//	fmt.Println(p.V.Name, p.Labels, p.ElementId)
//
// NULL fails with [ErrNull]. As a parameter Props is V converted by [Param].
type Props[T any] struct {
	V         T        // the properties
	Labels    []string // labels of a node
	Type      string   // type of a relationship
	ElementId string   // element id of a node or relationship
}

// Scan stores the properties and metadata.
func (p *Props[T]) Scan(src any) error {
	*p = Props[T]{}
	switch s := src.(type) {
	case dbtype.Node:
		p.Labels, p.ElementId = s.Labels, s.ElementId
		return assign(ptrValue(&p.V), s.Props, "")
	case dbtype.Relationship:
		p.Type, p.ElementId = s.Type, s.ElementId
		return assign(ptrValue(&p.V), s.Props, "")
	case nil:
		return scanErr(src, &p.V)
	}
	return assign(ptrValue(&p.V), src, "")
}

// Value returns V converted for sending.
func (p Props[T]) Value() (driver.Value, error) { return Param(p.V) }

// Into returns a [database/sql.Scanner] that stores a column in *dest by the
// rules of [Assign]: a node or map into a struct, a list into a typed slice, a
// UUID into a string, []byte or [16]byte, a VECTOR into a []float32, ...
//
//	var tags []string
//	var p Person
//	err := row.Scan(conv.Into(&tags), conv.Into(&p))
func Into(dest any) sql.Scanner { return into{dest} }

type into struct{ dest any }

// Scan stores src in the destination by the rules of Assign.
func (i into) Scan(src any) error { return Assign(i.dest, src) }
