package bolt

import (
	"context"
	"errors"
	"testing"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// runAll runs q and returns its records, or the first error.
func runAll(ctx context.Context, c *Conn, q string, params map[string]any) ([][]any, error) {
	st, err := c.Run(ctx, q, params, nil, -1)
	if err != nil {
		return nil, err
	}
	var out [][]any
	for {
		r, err := st.Next(ctx)
		if err != nil {
			return out, err
		}
		if r == nil {
			return out, nil
		}
		out = append(out, r)
	}
}

// TestIntegrationUUIDAndVectorEndToEnd follows the Bolt 6 types through a real
// server, deciding by the negotiated version (so it also runs against an outside
// server): 6.1 on the 2026 line, 5.8 on the 5.26 line.
func TestIntegrationUUIDAndVectorEndToEnd(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()
		c := dialServer(t, s, DialConfig{})
		defer c.Close()
		const id = "550e8400-e29b-41d4-a716-446655440000"
		u := dbtype.MustParseUUID(id)
		vec := dbtype.NewVectorFloat32([]float32{1, 2, 3})
		v := c.Version()
		if s.Line == "5" {
			require.Equal(t, Version{5, 8}, v, "Neo4j 5.26 negotiates Bolt 5.8")
		}
		if s.Line == "2026" {
			require.Equal(t, Version{6, 1}, v, "Neo4j 2026.08 negotiates Bolt 6.1")
		}

		if !v.Has(FeatureVector) {
			// 5.x: CYPHER 25 is refused by the server, and UUID/Vector parameters by
			// the driver, naming the parameter and the version.
			_, err := runAll(ctx, c, "CYPHER 25 RETURN 1", nil)
			var se *ServerError
			require.ErrorAs(t, err, &se)
			require.Equal(t, "Neo.ClientError.Statement.ArgumentError", se.Code)
			require.Contains(t, se.Message, "25 is not a valid option for cypher version")
			require.NoError(t, c.Reset(ctx))
			_, err = runAll(ctx, c, "RETURN $id", map[string]any{"id": u})
			require.EqualError(t, err, `bolt: parameter "id" (dbtype.UUID): UUID values need Bolt 6.1+, but this connection negotiated Bolt `+v.String())
			_, err = runAll(ctx, c, "RETURN $doc", map[string]any{"doc": map[string]any{"embedding": vec}})
			require.EqualError(t, err, `bolt: parameter "doc" at "doc.embedding" (dbtype.Vector): Vector values need Bolt 6.0+, but this connection negotiated Bolt `+v.String())
			require.ErrorIs(t, err, packstream.ErrNeedsNewerProtocol)
			require.True(t, c.IsIdle())
			recs, err := runAll(ctx, c, "RETURN $s", map[string]any{"s": id})
			require.NoError(t, err)
			require.Equal(t, id, recs[0][0], "the connection is still usable")
			return
		}
		require.True(t, v.Has(FeatureUUID), "every server with vectors here also has UUIDs (2026 line: 6.1)")

		// The three forms of uuid().
		recs, err := runAll(ctx, c, "CYPHER 25 RETURN uuid() AS gen, uuid($s) AS parsed, uuid(1, 2) AS halves, valueType(uuid()) AS t",
			map[string]any{"s": id})
		require.NoError(t, err)
		gen := recs[0][0].(dbtype.UUID)
		require.False(t, gen.IsZero())
		require.Equal(t, u, recs[0][1])
		require.Equal(t, dbtype.MustParseUUID("00000000-0000-0001-0000-000000000002"), recs[0][2], "uuid(msb, lsb)")
		require.Equal(t, "UUID NOT NULL", recs[0][3])

		// A UUID parameter comes back as itself and compares equal to uuid($s), not to the string.
		recs, err = runAll(ctx, c, "CYPHER 25 WITH uuid($s) AS id RETURN id = $u, id = $s, toString(id) = $s, $u",
			map[string]any{"s": id, "u": u})
		require.NoError(t, err)
		require.Equal(t, []any{true, false, true, u}, recs[0])

		// Vectors of every element type, returned and sent back.
		recs, err = runAll(ctx, c, `CYPHER 25 RETURN vector([1, 2, 3], 3, INTEGER8), vector([1, 2], 2, INTEGER16),
			vector([1, 2], 2, INTEGER32), vector([1, 2], 2, INTEGER64), vector([1.0, 2.0, 3.0], 3, FLOAT32),
			vector([1.5, 2], 2, FLOAT64), vector([1, 2], 2, INTEGER), vector([1, 2], 2, FLOAT)`, nil)
		require.NoError(t, err)
		want := []any{dbtype.NewVectorInt8([]int8{1, 2, 3}), dbtype.NewVectorInt16([]int16{1, 2}),
			dbtype.NewVectorInt32([]int32{1, 2}), dbtype.NewVectorInt64([]int64{1, 2}), vec,
			dbtype.NewVectorFloat64([]float64{1.5, 2}), dbtype.NewVectorInt64([]int64{1, 2}), dbtype.NewVectorFloat64([]float64{1, 2})}
		require.Equal(t, want, recs[0])
		for _, w := range want[:6] {
			recs, err = runAll(ctx, c, "CYPHER 25 RETURN $v, valueType($v)", map[string]any{"v": w})
			require.NoError(t, err)
			require.Equal(t, w, recs[0][0])
			name := w.(dbtype.Vector).ElemType().String()
			switch name { // valueType spells the 64-bit types without the size
			case "INTEGER64":
				name = "INTEGER"
			case "FLOAT64":
				name = "FLOAT"
			}
			require.Contains(t, recs[0][1], "VECTOR<"+name+" NOT NULL>")
		}

		// Stored as node properties. The Community test server's record-aligned store
		// refuses both types (Neo.ClientError.Data.DataUnsupportedByStoreFormat,
		// 51N77); the block format stores them. Either way the driver reports it.
		_, err = runAll(ctx, c, "MATCH (n:BoltV6) DETACH DELETE n", nil)
		require.NoError(t, err)
		_, err = runAll(ctx, c, "CYPHER 25 CREATE (n:BoltV6 {id: $u, v8: vector([1, 2, 3], 3, INTEGER8), f32: $f32})",
			map[string]any{"u": u, "f32": vec})
		var se *ServerError
		if errors.As(err, &se) {
			require.Equal(t, "Neo.ClientError.Data.DataUnsupportedByStoreFormat", se.Code)
			require.Contains(t, se.Message, "not supported in aligned store format")
			require.NoError(t, c.Reset(ctx))
			// What works everywhere: store the text, match with uuid() on both sides.
			_, err = runAll(ctx, c, "CREATE (n:BoltV6 {id: $s})", map[string]any{"s": id})
			require.NoError(t, err)
			recs, err = runAll(ctx, c, "CYPHER 25 MATCH (n:BoltV6) WHERE uuid(n.id) = $u RETURN uuid(n.id)", map[string]any{"u": u})
			require.NoError(t, err)
			require.Equal(t, [][]any{{u}}, recs)
		} else {
			require.NoError(t, err)
			for _, q := range []string{
				"CYPHER 25 MATCH (n:BoltV6) WHERE n.id = $u RETURN n.id, n.v8, n.f32",
				"CYPHER 25 MATCH (n:BoltV6) WHERE toString(n.id) = $s RETURN n.id, n.v8, n.f32",
			} {
				recs, err = runAll(ctx, c, q, map[string]any{"u": u, "s": id})
				require.NoError(t, err)
				require.Equal(t, [][]any{{u, dbtype.NewVectorInt8([]int8{1, 2, 3}), vec}}, recs, q)
			}
		}
		_, err = runAll(ctx, c, "MATCH (n:BoltV6) DETACH DELETE n", nil)
		require.NoError(t, err)

		// Older protocol versions on this server: on 6.0 a UUID is an UnsupportedType
		// naming Bolt 6.1; on 5.8 both types are placeholder maps and the summary
		// carries the warning 01N83 (Neo.ClientNotification.Request.UnsupportedType).
		const q = "CYPHER 25 RETURN uuid($s), vector([1, 2], 2, INTEGER8)"
		old := dialServer(t, s, DialConfig{Versions: []Version{{6, 0}}})
		defer old.Close()
		recs, err = runAll(ctx, old, q, map[string]any{"s": id})
		require.NoError(t, err)
		require.Equal(t, dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1}, recs[0][0])
		require.Equal(t, "UnsupportedType(UUID, needs Bolt 6.1)", recs[0][0].(dbtype.UnsupportedType).String())
		require.Equal(t, dbtype.NewVectorInt8([]int8{1, 2}), recs[0][1])
		b5 := dialServer(t, s, DialConfig{Versions: []Version{{5, 8}}})
		defer b5.Close()
		st, err := b5.Run(ctx, q, map[string]any{"s": id}, nil, -1)
		require.NoError(t, err)
		rec, err := st.Next(ctx)
		require.NoError(t, err)
		require.Equal(t, []any{map[string]any{"originalType": "UUID", "reason": "UNKNOWN_TYPE"},
			map[string]any{"originalType": "VECTOR(2, INTEGER8)", "reason": "UNKNOWN_TYPE"}}, rec)
		sum, err := st.Consume(ctx)
		require.NoError(t, err)
		found := false
		for _, x := range sum.Meta.Map()["statuses"].([]any) {
			if st, _ := x.(map[string]any); st["gql_status"] == "01N83" {
				found = true
				require.Equal(t, "Neo.ClientNotification.Request.UnsupportedType", st["neo4j_code"])
			}
		}
		require.True(t, found, "warning 01N83 in %v", sum.Meta.Map()["statuses"])
	})
}
