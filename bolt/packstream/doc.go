// Package packstream encodes and decodes PackStream v1, the binary value format of
// the Bolt protocol, including the Bolt structures (graph, temporal, spatial,
// Vector, UnsupportedType) and the UUID marker of Bolt 6.1.
//
// Version-dependent encodings are selected by [Features], which package bolt
// fills from its version table after the handshake.
//
// An [Encoder] appends to a byte slice:
//
//	enc := packstream.Encoder{Features: f}
//	enc.StructHeader(0x10, 3) // RUN
//	enc.String("RETURN $x")
//	err := enc.Map(params)    // errors name the offending parameter
//	...
//	enc.Reset()               // reuse the buffer for the next message
//
// A [Decoder] reads from a byte slice it does not copy (strings and byte
// slices it returns are copies, so the input may be reused afterwards):
//
//	var dec packstream.Decoder
//	dec.Features = f
//	dec.Reset(message)
//	tag, n, err := dec.StructHeader()
//	row, err := dec.Value() // []any with fully hydrated values
//
// Decoded values use these Go types: nil, bool, int64, float64, string, []byte,
// []any, map[string]any, [time.Time] (DATETIME) and the dbtype types
// (dbtype.Node, dbtype.Relationship, dbtype.Path, dbtype.Point2D, dbtype.Point3D,
// dbtype.Date, dbtype.Time, dbtype.LocalTime, dbtype.LocalDateTime,
// dbtype.Duration, dbtype.Vector, dbtype.UUID, dbtype.UnsupportedType).
//
// Unknown structures: a structure whose tag the negotiated version does not
// define (an unknown tag, or e.g. a Vector before Bolt 6.0) does not fail the
// decode. Its fields are skipped and [Decoder.Value] yields a
// dbtype.UnknownStructure value in its place, so the rest of the record and the
// connection stay usable. A known structure with the wrong number of fields, or
// fields of the wrong type, is an error ([ErrMalformed]).
//
// Temporal values: a DATETIME decodes to a [time.Time] in an unnamed fixed zone
// (offset form, offset 0 included) or in the [time.Location] of its zone id,
// loaded with [time.LoadLocation] and cached (zone id "UTC" is [time.UTC]), so
// `datetime('2024-01-01T00:00Z')` and `datetime('2024-01-01T00:00[UTC]')` stay
// apart. Programs that run where the system has no zone database should import
// time/tzdata. A zone id the database lacks is an [ErrUnknownZone] error (the
// structure is read whole, so the input after it stays readable). Encoding a
// time.Time sends its zone id when its Location has a name other than "" and
// "Local" (time.UTC sends the zone id "UTC"), otherwise its offset.
//
// The decoder never panics on bad input: truncated input ([ErrTruncated]),
// reserved markers and lengths beyond the input ([ErrMalformed] or
// [ErrTruncated]) and nesting deeper than [MaxDepth] ([ErrTooDeep]) are errors.
// It never allocates more than the remaining input could justify.
package packstream
