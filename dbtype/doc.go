// Package dbtype holds the Neo4j value types shared by package bolt, which decodes
// them from the wire, and by users, who hold them. Package native re-exports them
// through type aliases, so most programs never import dbtype directly.
//
// The types follow the official Neo4j Go driver's names so that code can migrate:
//
//   - graph: [Node], [Relationship], [Path]
//   - spatial: [Point2D], [Point3D]
//   - temporal: [Date], [Time] (time of day with offset), [LocalTime],
//     [LocalDateTime], [Duration]; a Cypher DATETIME is a plain [time.Time]
//   - Bolt 6.x: [Vector] (6.0+), [UUID] (6.1+), [UnsupportedType] (6.0+)
//   - [UnknownStructure]: what a decoder yields for a structure the negotiated
//     protocol version does not define (it is a value, and also an error).
//
// The temporal types are defined on [time.Time] and convert both ways:
//
//	d := dbtype.NewDate(2024, time.February, 29)
//	fmt.Println(d)          // 2024-02-29
//	t := d.Time()           // 2024-02-29 00:00:00 +0000 UTC
//	_ = dbtype.DateOf(t)    // back again
//
// Values received from the server are plain data: read their fields freely.
// The package depends on the standard library only.
package dbtype
