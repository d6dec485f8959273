package dbtype

// Node is a graph node as returned by a query.
//
// Id is the legacy numeric id; it may be reused after the node is deleted and is
// kept only for old code. ElementId is the stable string id (Bolt 5.0+); on
// older protocol versions it holds Id in decimal.
type Node struct {
	Id        int64          // legacy numeric id (deprecated by Neo4j in favour of ElementId)
	ElementId string         // element id; the decimal Id before Bolt 5.0
	Labels    []string       // labels in the order the server sent them
	Props     map[string]any // properties
}

// GetProperties returns the node's properties (it lets Node and Relationship
// share an interface in user code).
func (n Node) GetProperties() map[string]any { return n.Props }

// GetElementId returns the node's element id.
func (n Node) GetElementId() string { return n.ElementId }

// Relationship is a graph relationship as returned by a query.
//
// The numeric ids are legacy ids (see [Node]); the element ids are the stable ones
// (Bolt 5.0+; before that they hold the numeric ids in decimal).
type Relationship struct {
	Id             int64          // legacy numeric id of the relationship
	StartId        int64          // legacy numeric id of the start node
	EndId          int64          // legacy numeric id of the end node
	ElementId      string         // element id of the relationship
	StartElementId string         // element id of the start node
	EndElementId   string         // element id of the end node
	Type           string         // relationship type, e.g. "KNOWS"
	Props          map[string]any // properties
}

// GetProperties returns the relationship's properties.
func (r Relationship) GetProperties() map[string]any { return r.Props }

// GetElementId returns the relationship's element id.
func (r Relationship) GetElementId() string { return r.ElementId }

// Path is an alternating sequence of nodes and relationships, as returned for a
// Cypher path. Nodes has one more element than Relationships (for a non-empty
// path): Relationships[i] connects Nodes[i] and Nodes[i+1], in either direction —
// compare StartElementId with Nodes[i].ElementId to find out which. A node or
// relationship that the path visits twice appears twice.
type Path struct {
	Nodes         []Node         // the nodes in path order, starting with the start node
	Relationships []Relationship // the relationships in path order
}
