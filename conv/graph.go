package conv

import (
	"database/sql/driver"
	"reflect"

	"github.com/boltwire/neo4j/dbtype"
)

// Node is a [database/sql.Scanner] for a Cypher NODE: its fields are those of
// [dbtype.Node] (Id, ElementId, Labels, Props). Scanning NULL fails with
// [ErrNull]; scan into sql.Null[conv.Node] to accept it. database/sql can also
// scan a NODE straight into a *dbtype.Node.
//
// As a parameter (Value) a Node stands for its property map, so
// `CREATE (c:Copy) SET c = $1` copies the properties of a scanned node.
type Node dbtype.Node

// Scan stores a NODE.
func (n *Node) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Node:
		*n = Node(s)
		return nil
	case *dbtype.Node:
		if s != nil {
			*n = Node(*s)
			return nil
		}
	}
	return scanErr(src, n)
}

// Value returns the node's properties.
func (n Node) Value() (driver.Value, error) { return Param(n.Props) }

// Relationship is a [database/sql.Scanner] for a Cypher RELATIONSHIP: its fields
// are those of [dbtype.Relationship]. As a parameter it stands for its
// property map.
type Relationship dbtype.Relationship

// Scan stores a RELATIONSHIP.
func (r *Relationship) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Relationship:
		*r = Relationship(s)
		return nil
	case *dbtype.Relationship:
		if s != nil {
			*r = Relationship(*s)
			return nil
		}
	}
	return scanErr(src, r)
}

// Value returns the relationship's properties.
func (r Relationship) Value() (driver.Value, error) { return Param(r.Props) }

// Path is a [database/sql.Scanner] for a Cypher PATH: its fields are those of
// [dbtype.Path] (Nodes, Relationships). A path cannot be sent as a parameter;
// Value returns its nodes' property maps as a list.
type Path dbtype.Path

// Scan stores a PATH.
func (p *Path) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Path:
		*p = Path(s)
		return nil
	case *dbtype.Path:
		if s != nil {
			*p = Path(*s)
			return nil
		}
	}
	return scanErr(src, p)
}

// Value returns the list of the path's node property maps.
func (p Path) Value() (driver.Value, error) {
	out := make([]any, len(p.Nodes))
	for i, n := range p.Nodes {
		out[i] = n.Props
	}
	return Param(out)
}

// scanErr is the error of a Scan method that does not accept src; dst is the
// pointer receiver.
func scanErr(src, dst any) error {
	cause := error(nil)
	if src == nil {
		cause = ErrNull
	}
	return convErr("", src, reflect.TypeOf(dst).Elem(), cause)
}
