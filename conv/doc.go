// Package conv converts between Neo4j values and Go / database/sql values, in
// both directions. It depends on package dbtype only, so code that uses
// database/sql (with the sqldriver package) and code that uses the native API
// can both use it.
//
// # Reading: Scanner types
//
// The sqldriver hands database/sql the standard Go values where they exist
// (nil, bool, int64, float64, string, []byte, time.Time, []any,
// map[string]any) and the dbtype values for everything else. database/sql can
// scan those straight into a *dbtype.Node, *dbtype.Duration, ... (or *any). The
// types of this package are [database/sql.Scanner] targets that add
// conversions:
//
//   - graph: [Node], [Relationship], [Path]; [Props] maps a node's, a
//     relationship's or a map's properties onto a struct by `db` tag;
//   - spatial: [Point] (2D or 3D);
//   - temporal: [Date], [LocalDateTime] (which database/sql otherwise sees as
//     time.Time in UTC), [Time], [LocalTime], [Duration] (with an explicit,
//     lossy [Duration.Std]);
//   - collections: [List] (typed lists such as List[string]) and [Map];
//   - Bolt 6: [UUID], [Vector], [Float32s], [Float64s];
//   - any value into any Go variable: [Into] (by the rules of [Assign]), its
//     text form: [Text], its JSON form: [JSON].
//
// A NULL scanned into one of these types fails with [ErrNull] (List and Map
// accept it as nil); wrap the type in [database/sql.Null] to accept NULL:
// sql.Null[conv.Point].
//
// Every failed conversion is a [*ConversionError] naming the Neo4j type, the Go
// destination type and, inside lists and maps, the path to the failing element;
// database/sql adds the column index and name in front.
//
// # Writing: parameters
//
// [Param] turns Go values into values Bolt can send: structs become maps by
// `db` tag ([StructToMap]), slices lists, time.Duration a DURATION, and every
// [database/sql/driver.Valuer] — including the types above — its value. The
// sqldriver calls it for every query argument; [ParamConverter] offers it to
// go-sqlmock.
//
// # Struct fields
//
// A struct field maps to the property named by its `db` tag, else its `neo4j`
// tag, else its Go name; `db:"-"` skips a field; `db:"name,omitempty"` leaves a
// zero field out of parameter maps; untagged embedded structs are flattened.
// When reading, a property matches a field by exact name first and then
// case-insensitively; properties without a field are ignored.
package conv
