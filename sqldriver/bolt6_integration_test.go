package sqldriver_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/require"
)

// TestBolt6TypesEndToEnd: UUIDs and vectors through database/sql and sqlx,
// deciding by the negotiated version (6.1 on the 2026 line, 5.8 on 5.26).
func TestBolt6TypesEndToEnd(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "")
		ctx := context.Background()
		const id = "550e8400-e29b-41d4-a716-446655440000"
		u := dbtype.MustParseUUID(id)
		v := boltVersion(t, db)

		if v.Major < 6 {
			// The server refuses CYPHER 25; the driver refuses UUID and Vector
			// parameters, naming the parameter and the negotiated version.
			_, err := db.ExecContext(ctx, "CYPHER 25 RETURN 1")
			var nerr *native.Neo4jError
			require.ErrorAs(t, err, &nerr)
			require.Contains(t, nerr.Msg, "25 is not a valid option for cypher version")
			for name, arg := range map[string]any{
				"uuid": conv.UUID(u), "dbtype.UUID": u, "vector": conv.Float32s{1, 2},
				"dbtype.Vector": dbtype.NewVectorInt8([]int8{1}),
			} {
				_, err := db.ExecContext(ctx, "RETURN $x", sql.Named("x", arg))
				require.Error(t, err, name)
				require.ErrorIs(t, err, bolt.ErrUnsupported, name)
				require.True(t, native.IsUsageError(err), name)
				require.Regexp(t, `bolt: parameter "x" \(dbtype\.(UUID|Vector)\): (UUID|Vector) values need Bolt 6\.[01]\+, but this connection negotiated Bolt 5\.8$`, err.Error(), name)
			}
			var back string
			require.NoError(t, db.QueryRowContext(ctx, "RETURN $1", conv.UUID(u).String()).Scan(&back), "the text form works")
			require.Equal(t, id, back)
			return
		}
		require.Equal(t, 6, v.Major)
		require.Equal(t, 1, v.Minor)

		// Every uuid() form, scanned into every destination.
		var (
			gen     conv.UUID
			asStr   string
			asBytes []byte
			asArr   [16]byte
			asDB    dbtype.UUID
			halves  conv.UUID
		)
		require.NoError(t, db.QueryRowContext(ctx, `CYPHER 25 RETURN uuid() AS g, uuid($1) AS a, uuid($1) AS b, uuid($1) AS c, uuid($1) AS d, uuid(1, 2) AS h`, id).
			Scan(&gen, conv.Into(&asStr), conv.Into(&asBytes), &asArr, conv.Into(&asDB), &halves))
		require.False(t, dbtype.UUID(gen).IsZero())
		require.Equal(t, id, asStr)
		require.Equal(t, u[:], asBytes)
		require.Equal(t, [16]byte(u), asArr)
		require.Equal(t, u, asDB)
		require.Equal(t, "00000000-0000-0001-0000-000000000002", halves.String())

		// UUID parameters (dbtype.UUID, conv.UUID as a driver.Valuer) match uuid($s); the string does not.
		var byUUID, byValuer, byString, byText bool
		require.NoError(t, db.QueryRowContext(ctx, `CYPHER 25 WITH uuid($s) AS id RETURN id = $u AS a, id = $cu AS b, id = $s AS c, toString(id) = $s AS d`,
			sql.Named("s", id), sql.Named("u", u), sql.Named("cu", conv.UUID(u))).Scan(&byUUID, &byValuer, &byString, &byText))
		require.Equal(t, []bool{true, true, false, true}, []bool{byUUID, byValuer, byString, byText})

		// A UUID column cannot go into a plain *string (database/sql allows no
		// conversion from a [16]byte), the error says so; conv.Into does it.
		var plain string
		err := db.QueryRowContext(ctx, "CYPHER 25 RETURN uuid($1)", id).Scan(&plain)
		require.ErrorContains(t, err, "dbtype.UUID")

		// Vectors of every element type, into typed vectors and plain slices.
		var (
			i8, i16, i32, i64, f32, f64 conv.Vector
			asF32                       conv.Float32s
			asF64                       conv.Float64s
			intoF32                     []float32
			intoF64                     []float64
		)
		require.NoError(t, db.QueryRowContext(ctx, `CYPHER 25 RETURN vector([1, 2, 3], 3, INTEGER8) AS a, vector([1, 2], 2, INTEGER16) AS b,
			vector([1, 2], 2, INTEGER32) AS c, vector([1, 2], 2, INTEGER64) AS d, vector([1.0, 2.0, 3.0], 3, FLOAT32) AS e,
			vector([1.5, 2], 2, FLOAT64) AS f, vector([1.0, 2.0], 2, FLOAT32) AS g, vector([1, 2], 2, INTEGER64) AS h,
			vector([0.5, 1], 2, FLOAT32) AS i, vector([0.25], 1, FLOAT64) AS j`).
			Scan(&i8, &i16, &i32, &i64, &f32, &f64, &asF32, &asF64, conv.Into(&intoF32), conv.Into(&intoF64)))
		for want, got := range map[dbtype.VectorElemType]conv.Vector{dbtype.VectorInt8: i8, dbtype.VectorInt16: i16,
			dbtype.VectorInt32: i32, dbtype.VectorInt64: i64, dbtype.VectorFloat32: f32, dbtype.VectorFloat64: f64} {
			require.Equal(t, want, got.ElemType())
		}
		x8, _ := i8.Int8s()
		require.Equal(t, []int8{1, 2, 3}, x8)
		x64, _ := f64.Float64s()
		require.Equal(t, []float64{1.5, 2}, x64)
		require.Equal(t, conv.Float32s{1, 2}, asF32)
		require.Equal(t, conv.Float64s{1, 2}, asF64)
		require.Equal(t, []float32{0.5, 1}, intoF32)
		require.Equal(t, []float64{0.25}, intoF64)

		// Vectors as parameters (driver.Valuer and dbtype.Vector) come back typed.
		for _, p := range []any{conv.Float32s{1, 2}, conv.Float64s{3}, conv.Vector{Vector: dbtype.NewVectorInt16([]int16{7})},
			dbtype.NewVectorInt8([]int8{-1}), dbtype.NewVectorInt32([]int32{1 << 20}), dbtype.NewVectorInt64([]int64{1 << 40})} {
			var back conv.Vector
			var typ string
			require.NoError(t, db.QueryRowContext(ctx, "CYPHER 25 RETURN $1 AS v, valueType($1) AS t", p).Scan(&back, &typ), "%T", p)
			require.Contains(t, typ, "VECTOR<")
			want := p
			if vr, ok := p.(driver.Valuer); ok {
				want, _ = vr.Value()
			}
			require.Equal(t, want, back.Vector, "%T", p)
		}

		// Stored as a property: the Community test server's aligned store refuses
		// it (51N77); the text form stored and matched through uuid() works.
		_, err = db.ExecContext(ctx, "CYPHER 25 CREATE (:SqlBolt6 {id: $1})", u)
		var nerr *native.Neo4jError
		if errors.As(err, &nerr) {
			require.Equal(t, "Neo.ClientError.Data.DataUnsupportedByStoreFormat", nerr.Code)
			_, err = db.ExecContext(ctx, "CREATE (:SqlBolt6 {id: $1})", id)
		}
		require.NoError(t, err)
		defer db.ExecContext(ctx, "MATCH (n:SqlBolt6) DETACH DELETE n")
		var n int
		require.NoError(t, db.QueryRowContext(ctx, "CYPHER 25 MATCH (n:SqlBolt6) WHERE uuid(toString(n.id)) = $1 RETURN count(n)", u).Scan(&n))
		require.Equal(t, 1, n)
		require.NoError(t, db.QueryRowContext(ctx, "CYPHER 25 MATCH (n:SqlBolt6) WHERE toString(n.id) = $1 RETURN count(n)", id).Scan(&n))
		require.Equal(t, 1, n)

		// sqlx: struct fields by `db` tag.
		type doc struct {
			ID        conv.UUID     `db:"id"`
			Text      string        `db:"text"`
			Embedding conv.Float32s `db:"embedding"`
			Raw       conv.Vector   `db:"raw"`
		}
		xdb := sqlx.NewDb(db, "neo4j")
		var docs []doc
		require.NoError(t, xdb.SelectContext(ctx, &docs, `CYPHER 25 UNWIND [1, 2] AS i
			RETURN uuid($1) AS id, toString(uuid($1)) AS text, vector([i, 2 * i], 2, FLOAT32) AS embedding,
			vector([i], 1, INTEGER8) AS raw ORDER BY i`, id))
		require.Len(t, docs, 2)
		require.Equal(t, conv.UUID(u), docs[0].ID)
		require.Equal(t, id, docs[1].Text)
		require.Equal(t, conv.Float32s{2, 4}, docs[1].Embedding)
		r8, _ := docs[1].Raw.Int8s()
		require.Equal(t, []int8{2}, r8)
		var one doc
		require.NoError(t, xdb.GetContext(ctx, &one, `CYPHER 25 RETURN $1 AS id, '' AS text, $2 AS embedding, $3 AS raw`,
			conv.UUID(u), conv.Float32s{0.5}, dbtype.NewVectorInt64([]int64{9})))
		require.Equal(t, conv.UUID(u), one.ID)
		require.Equal(t, conv.Float32s{0.5}, one.Embedding)
	})
}
