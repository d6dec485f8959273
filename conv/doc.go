// Package conv converts between Neo4j values and Go / database/sql values: Scanner
// and Valuer types for nodes, relationships, paths, points, durations, times of day,
// typed lists and maps, and mapping of properties onto structs by `db` tag.
package conv
