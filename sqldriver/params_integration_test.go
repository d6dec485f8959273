package sqldriver_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
	"github.com/stretchr/testify/require"
)

func TestParameters(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "")
		ctx := context.Background()

		t.Run("positional $1 $2", func(t *testing.T) {
			var a string
			var b int64
			require.NoError(t, db.QueryRowContext(ctx, "RETURN $1 AS a, $2 AS b", "x", 2).Scan(&a, &b))
			require.Equal(t, "x", a)
			require.Equal(t, int64(2), b)
			// Ten and more: "10" is its own key.
			var ten int64
			args := []any{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
			require.NoError(t, db.QueryRowContext(ctx, "RETURN $10 + $1 AS v", args...).Scan(&ten))
			require.Equal(t, int64(11), ten)
		})

		t.Run("named", func(t *testing.T) {
			var v string
			require.NoError(t, db.QueryRowContext(ctx, "RETURN $name + $2 AS v", sql.Named("name", "Ada"), "!").Scan(&v)) // $n counts every argument
			require.Equal(t, "Ada!", v)
		})

		t.Run("params map", func(t *testing.T) {
			var v int64
			require.NoError(t, db.QueryRowContext(ctx, "RETURN $a * $b AS v", sqldriver.Params{"a": 6, "b": 7}).Scan(&v))
			require.Equal(t, int64(42), v)
		})

		t.Run("struct by db tag and slices as lists", func(t *testing.T) {
			s.Clean(t)
			type movie struct {
				Title string   `db:"title"`
				Year  int      `db:"year"`
				Tags  []string `db:"tags"`
				Note  string   `db:"note,omitempty"`
			}
			_, err := db.ExecContext(ctx, "CREATE (m:Movie) SET m = $1", movie{Title: "Alien", Year: 1979, Tags: []string{"sf"}})
			require.NoError(t, err)
			var year int
			var hasNote bool
			require.NoError(t, db.QueryRowContext(ctx,
				"MATCH (m:Movie) WHERE m.title IN $1 RETURN m.year, m.note IS NOT NULL", []string{"Alien", "Heat"}).Scan(&year, &hasNote))
			require.Equal(t, 1979, year)
			require.False(t, hasNote)
		})

		t.Run("valuers", func(t *testing.T) {
			var isNull bool
			var v int64
			require.NoError(t, db.QueryRowContext(ctx, "RETURN $1 IS NULL, $2", sql.NullString{}, sql.NullInt64{Int64: 5, Valid: true}).
				Scan(&isNull, &v))
			require.True(t, isNull)
			require.Equal(t, int64(5), v)
		})

		t.Run("rejected arguments", func(t *testing.T) {
			var out string
			_, err := db.ExecContext(ctx, "RETURN 1", sql.Named("x", sql.Out{Dest: &out}))
			require.ErrorContains(t, err, "sql.Out is not supported")
			_, err = db.ExecContext(ctx, "RETURN $1", make(chan int))
			require.ErrorContains(t, err, "argument $1")
			_, err = db.ExecContext(ctx, "RETURN $1", sqldriver.Params{}, 2)
			require.ErrorContains(t, err, "must be the only argument")
		})

		t.Run("missing parameter is a server error", func(t *testing.T) {
			_, err := db.ExecContext(ctx, "RETURN $nope")
			var ne *native.Neo4jError
			require.True(t, errors.As(err, &ne), "%v", err)
			require.Equal(t, "Neo.ClientError.Statement.ParameterMissing", ne.Code)
		})

		t.Run("prepared statement", func(t *testing.T) {
			stmt, err := db.PrepareContext(ctx, "RETURN $1 * 2 AS v")
			require.NoError(t, err)
			defer stmt.Close()
			for _, in := range []int64{1, 21} {
				var v int64
				require.NoError(t, stmt.QueryRowContext(ctx, in).Scan(&v))
				require.Equal(t, 2*in, v)
			}
		})
	})
}
