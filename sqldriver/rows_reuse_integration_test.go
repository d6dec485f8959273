package sqldriver_test

import (
	"context"
	"database/sql"
	"runtime"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// Rows decodes every row into one reused slice (database/sql copies a row out
// before asking for the next). The column types, derived from the first row
// read, must not change when later rows overwrite that slice.
func TestColumnTypesSurviveLaterRows(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "")
		rows, err := db.QueryContext(context.Background(), "UNWIND [1, 'a', true] AS x RETURN x")
		require.NoError(t, err)
		defer rows.Close()
		var got []any
		for rows.Next() {
			cts, err := rows.ColumnTypes()
			require.NoError(t, err)
			require.Equal(t, "INTEGER", cts[0].DatabaseTypeName(), "the first row's type, after %d rows", len(got))
			var v any
			require.NoError(t, rows.Scan(&v))
			got = append(got, v)
		}
		require.NoError(t, rows.Err())
		require.Equal(t, []any{int64(1), "a", true}, got, "each row's own values")
	})
}

// Streaming through database/sql allocates no value slice per row: the heap
// bytes per row stay below what one 20-column value slice alone would take
// (20 × 16 B), where the wide row's own values (small integers, no
// allocations) cost nothing.
func TestRowsReuseValueSlice(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "")
		ctx := context.Background()
		const n = 20000
		q := "UNWIND range(1, $n) AS i RETURN i % 100 AS c0, 1 AS c1, 2 AS c2, 3 AS c3, 4 AS c4, 5 AS c5, 6 AS c6, 7 AS c7, 8 AS c8, 9 AS c9," +
			" 10 AS c10, 11 AS c11, 12 AS c12, 13 AS c13, 14 AS c14, 15 AS c15, 16 AS c16, 17 AS c17, 18 AS c18, 19 AS c19"
		scan := func() (rowsSeen int, bytes uint64) {
			rows, err := db.QueryContext(ctx, q, sql.Named("n", n))
			require.NoError(t, err)
			defer rows.Close()
			var vals [20]int64
			dest := make([]any, 20)
			for i := range dest {
				dest[i] = &vals[i]
			}
			require.True(t, rows.Next())
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			rowsSeen = 1
			for rows.Next() {
				require.NoError(t, rows.Scan(dest...))
				rowsSeen++
			}
			runtime.ReadMemStats(&m1)
			require.NoError(t, rows.Err())
			return rowsSeen, m1.TotalAlloc - m0.TotalAlloc
		}
		scan() // warm-up: connection, pool
		got, bytes := scan()
		require.Equal(t, n, got)
		perRow := float64(bytes) / float64(n)
		t.Logf("%.1f B per 20-column row", perRow)
		require.Less(t, perRow, 20.0*16, "a value slice per row is allocated again")
	})
}
