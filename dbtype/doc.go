// Package dbtype holds the Neo4j value types — graph (Node, Relationship, Path),
// spatial (Point2D, Point3D), temporal (Date, Time, LocalTime, LocalDateTime, Duration),
// Vector and UUID — shared by package bolt, which decodes them, and by users, who hold
// them. Package native re-exports them through type aliases.
package dbtype
