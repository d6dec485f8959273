package native

import "github.com/boltwire/neo4j/dbtype"

// The Neo4j value types, re-exported from package dbtype so that most programs
// import only native. See package dbtype for their documentation.
type (
	// Node is a graph node (dbtype.Node).
	Node = dbtype.Node
	// Relationship is a graph relationship (dbtype.Relationship).
	Relationship = dbtype.Relationship
	// Path is a graph path (dbtype.Path).
	Path = dbtype.Path
	// Point2D is a two-dimensional point (dbtype.Point2D).
	Point2D = dbtype.Point2D
	// Point3D is a three-dimensional point (dbtype.Point3D).
	Point3D = dbtype.Point3D
	// Date is a Cypher DATE (dbtype.Date).
	Date = dbtype.Date
	// Time is a Cypher TIME: time of day with a UTC offset (dbtype.Time).
	Time = dbtype.Time
	// OffsetTime is another name for Time, as in the official driver.
	OffsetTime = dbtype.Time
	// LocalTime is a Cypher LOCAL TIME (dbtype.LocalTime).
	LocalTime = dbtype.LocalTime
	// LocalDateTime is a Cypher LOCAL DATETIME (dbtype.LocalDateTime).
	LocalDateTime = dbtype.LocalDateTime
	// Duration is a Cypher DURATION (dbtype.Duration).
	Duration = dbtype.Duration
	// Vector is a Cypher VECTOR, Bolt 6.0+ (dbtype.Vector).
	Vector = dbtype.Vector
	// UUID is a UUID value, Bolt 6.1+ (dbtype.UUID).
	UUID = dbtype.UUID
	// UnsupportedType is the server's placeholder for a value the negotiated
	// protocol cannot carry (dbtype.UnsupportedType).
	UnsupportedType = dbtype.UnsupportedType
	// UnknownStructure stands for a structure the negotiated protocol does not
	// define (dbtype.UnknownStructure).
	UnknownStructure = dbtype.UnknownStructure
)
