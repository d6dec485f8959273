package sqldriver_test

import (
	"context"
	"database/sql"
	"testing"
	"time"
	_ "time/tzdata" // zone names in DATETIME values

	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// TestValueTable scans every row of the value table (package documentation)
// into each of its Go destinations, on both server lines.
func TestValueTable(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "")
		ctx := context.Background()
		row := func(q string, args ...any) *sql.Row { return db.QueryRowContext(ctx, q, args...) }

		t.Run("null", func(t *testing.T) {
			var ns sql.NullString
			var ni sql.NullInt64
			var a any = "x"
			var nn sql.Null[conv.Node]
			var p *int64
			require.NoError(t, row("RETURN null AS a, null AS b, null AS c, null AS d, null AS e").Scan(&ns, &ni, &a, &nn, &p))
			require.False(t, ns.Valid)
			require.False(t, ni.Valid)
			require.Nil(t, a)
			require.False(t, nn.Valid)
			require.Nil(t, p)
			var i int64
			err := row("RETURN null AS n").Scan(&i)
			require.ErrorContains(t, err, `name "n"`)
		})

		t.Run("scalars", func(t *testing.T) {
			var (
				b   bool
				nb  sql.NullBool
				i   int64
				i32 int32
				ni  sql.NullInt64
				f   float64
				nf  sql.NullFloat64
				str string
				sb  []byte
				ns  sql.NullString
				a   any
			)
			require.NoError(t, row("RETURN true AS b1, true AS b2, 42 AS i1, 42 AS i2, 42 AS i3, 1.5 AS f1, 1.5 AS f2, 'héllo' AS s1, 'héllo' AS s2, 'héllo' AS s3, 7 AS a").
				Scan(&b, &nb, &i, &i32, &ni, &f, &nf, &str, &sb, &ns, &a))
			require.True(t, b)
			require.Equal(t, sql.NullBool{Bool: true, Valid: true}, nb)
			require.Equal(t, int64(42), i)
			require.Equal(t, int32(42), i32)
			require.Equal(t, int64(42), ni.Int64)
			require.Equal(t, 1.5, f)
			require.Equal(t, 1.5, nf.Float64)
			require.Equal(t, "héllo", str)
			require.Equal(t, []byte("héllo"), sb)
			require.Equal(t, "héllo", ns.String)
			require.Equal(t, int64(7), a)

			var raw []byte
			require.NoError(t, row("RETURN $1", []byte{0, 1, 2}).Scan(&raw))
			require.Equal(t, []byte{0, 1, 2}, raw)
		})

		t.Run("zoned datetime", func(t *testing.T) {
			var off, named time.Time
			var nt sql.NullTime
			require.NoError(t, row(`RETURN datetime('2024-01-02T03:04:05.123456789+01:00'),
				datetime({year: 2024, month: 7, day: 1, hour: 12, timezone: 'Europe/Stockholm'}),
				datetime('2024-01-02T03:04:05Z')`).Scan(&off, &named, &nt))
			_, o := off.Zone()
			require.Equal(t, 3600, o)
			require.Equal(t, 123456789, off.Nanosecond())
			require.True(t, off.Equal(time.Date(2024, 1, 2, 2, 4, 5, 123456789, time.UTC)))
			require.Equal(t, "Europe/Stockholm", named.Location().String())
			require.Equal(t, 12, named.Hour())
			require.True(t, nt.Valid)
		})

		t.Run("date and local datetime", func(t *testing.T) {
			var d, ldt time.Time
			var cd conv.Date
			var cl conv.LocalDateTime
			require.NoError(t, row(`RETURN date('2024-02-29') AS d1, localdatetime('2024-01-02T03:04:05.5') AS l1,
				date('2024-02-29') AS d2, localdatetime('2024-01-02T03:04:05.5') AS l2`).Scan(&d, &ldt, &cd, &cl))
			require.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), d)
			require.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 500000000, time.UTC), ldt)
			require.Equal(t, "2024-02-29", cd.String())
			require.Equal(t, "2024-01-02T03:04:05.5", cl.String())
			// Sent back, they keep their Cypher type.
			var typ string
			require.NoError(t, row("RETURN valueType($1) + '|' + valueType($2)", cd, cl).Scan(&typ))
			require.Equal(t, "DATE NOT NULL|LOCAL DATETIME NOT NULL", typ)
		})

		t.Run("times of day", func(t *testing.T) {
			var zt conv.Time
			var dzt dbtype.Time
			var lt conv.LocalTime
			var tt time.Time
			var text string
			require.NoError(t, row(`RETURN time('12:34:56+02:00') AS t1, time('12:34:56+02:00') AS t2,
				localtime('01:02:03.25') AS l1, localtime('01:02:03.25') AS l2, time('08:00:00Z') AS t3`).
				Scan(&zt, &dzt, &lt, &tt, conv.Text(&text)))
			require.Equal(t, "12:34:56+02:00", zt.String())
			require.Equal(t, 7200, dzt.Offset())
			require.Equal(t, "01:02:03.25", lt.String())
			require.Equal(t, 1, tt.Hour())
			require.Equal(t, "08:00:00Z", text)
		})

		t.Run("duration", func(t *testing.T) {
			var d dbtype.Duration
			var cd conv.Duration
			var std time.Duration
			require.NoError(t, row("RETURN duration('P1Y2M3DT4H'), duration('P1DT1H'), duration({seconds: 90})").
				Scan(&d, &cd, conv.Into(&std)))
			require.Equal(t, dbtype.Duration{Months: 14, Days: 3, Seconds: 4 * 3600}, d)
			require.Equal(t, "P1DT1H", cd.String())
			require.Equal(t, 90*time.Second, std)
			err := row("RETURN duration('P1M') AS m").Scan(conv.Into(&std))
			require.ErrorIs(t, err, conv.ErrNotStd)
		})

		t.Run("points", func(t *testing.T) {
			var p2 dbtype.Point2D
			var p3 conv.Point
			var text string
			require.NoError(t, row(`RETURN point({longitude: 12.5, latitude: 55.75}),
				point({x: 1, y: 2, z: 3}), point({x: 1.5, y: 2})`).Scan(&p2, &p3, conv.Text(&text)))
			require.Equal(t, dbtype.Point2D{SpatialRefId: 4326, X: 12.5, Y: 55.75}, p2)
			require.Equal(t, conv.Point{SRID: 9157, X: 1, Y: 2, Z: 3, Is3D: true}, p3)
			require.Equal(t, "point({srid:7203, x:1.5, y:2.0})", text)
			var dist float64
			require.NoError(t, row("RETURN point.distance($1, point({x: 4, y: 6}))", conv.Point{SRID: 7203, X: 1, Y: 2}).Scan(&dist))
			require.Equal(t, 5.0, dist)
		})

		t.Run("lists and maps", func(t *testing.T) {
			var l []any
			var li conv.List[int]
			var ls []string
			var m map[string]any
			var mi conv.Map[int]
			var mp conv.Props[struct {
				Name string `db:"name"`
				Age  int    `db:"age"`
			}]
			require.NoError(t, row(`RETURN [1, 'a', null], [1, 2], ['x', 'y'], {a: 1, b: [true]}, {a: 1}, {name: 'Ada', age: 36}`).
				Scan(&l, &li, conv.Into(&ls), &m, &mi, &mp))
			require.Equal(t, []any{int64(1), "a", nil}, l)
			require.Equal(t, conv.List[int]{1, 2}, li)
			require.Equal(t, []string{"x", "y"}, ls)
			require.Equal(t, map[string]any{"a": int64(1), "b": []any{true}}, m)
			require.Equal(t, conv.Map[int]{"a": 1}, mi)
			require.Equal(t, "Ada", mp.V.Name)
			require.Equal(t, 36, mp.V.Age)

			err := row("RETURN [1, 'two'] AS l").Scan(&li)
			require.ErrorContains(t, err, `name "l"`)
			require.ErrorContains(t, err, "conv: cannot convert Neo4j STRING to Go int (at [1])")
		})

		t.Run("graph values", func(t *testing.T) {
			s.Clean(t)
			type person struct {
				Name string `db:"name"`
				Age  int    `db:"age"`
			}
			var (
				n   dbtype.Node
				cn  conv.Node
				pn  conv.Props[person]
				r   dbtype.Relationship
				pr  conv.Props[map[string]any]
				p   dbtype.Path
				cp  conv.Path
				txt string
			)
			require.NoError(t, row(`CREATE path = (a:Person {name: 'Ada', age: 36})-[k:KNOWS {since: 1833}]->(b:Person {name: 'Charles', age: 41})
				RETURN a AS a1, a AS a2, a AS a3, k AS k1, k AS k2, path AS p1, path AS p2, path AS p3`).Scan(&n, &cn, &pn, &r, &pr, &p, &cp, conv.Text(&txt)))
			require.Equal(t, []string{"Person"}, n.Labels)
			require.Equal(t, "Ada", n.Props["name"])
			require.NotEmpty(t, cn.ElementId)
			require.Equal(t, person{"Ada", 36}, pn.V)
			require.Equal(t, []string{"Person"}, pn.Labels)
			require.Equal(t, n.ElementId, pn.ElementId)
			require.Equal(t, "KNOWS", r.Type)
			require.Equal(t, n.ElementId, r.StartElementId)
			require.Equal(t, "KNOWS", pr.Type)
			require.Equal(t, int64(1833), pr.V["since"])
			require.Len(t, p.Nodes, 2)
			require.Len(t, cp.Relationships, 1)
			require.Equal(t, `(:Person {age: 36, name: 'Ada'})-[:KNOWS {since: 1833}]->(:Person {age: 41, name: 'Charles'})`, txt)

			var people []conv.Props[person]
			require.NoError(t, row("MATCH (p:Person) WITH p ORDER BY p.name RETURN collect(p)").Scan(conv.Into(&people)))
			require.Len(t, people, 2)
			require.Equal(t, "Charles", people[1].V.Name)
		})

		t.Run("column types", func(t *testing.T) {
			rows, err := db.QueryContext(ctx, "RETURN 1 AS i, 'x' AS s, date() AS d, null AS n, [1] AS l, {a: 1} AS m, point({x: 1, y: 2}) AS p")
			require.NoError(t, err)
			defer rows.Close()
			cts, err := rows.ColumnTypes()
			require.NoError(t, err)
			var names, scan []string
			for _, ct := range cts {
				names = append(names, ct.DatabaseTypeName())
				scan = append(scan, ct.ScanType().String())
				nullable, ok := ct.Nullable()
				require.True(t, ok)
				require.True(t, nullable)
			}
			require.Equal(t, []string{"INTEGER", "STRING", "DATE", "NULL", "LIST<ANY>", "MAP", "POINT"}, names)
			require.Equal(t, []string{"int64", "string", "time.Time", "interface {}", "[]interface {}", "map[string]interface {}", "dbtype.Point2D"}, scan)
			// The peeked record is still delivered.
			require.True(t, rows.Next())
			var i int64
			var sv string
			require.NoError(t, rows.Scan(&i, &sv, new(any), new(any), new(any), new(any), new(any)))
			require.Equal(t, int64(1), i)
			require.False(t, rows.Next())
			require.NoError(t, rows.Err())

			empty, err := db.QueryContext(ctx, "UNWIND [] AS x RETURN x")
			require.NoError(t, err)
			defer empty.Close()
			cts, err = empty.ColumnTypes()
			require.NoError(t, err)
			require.Equal(t, "ANY", cts[0].DatabaseTypeName())
			require.False(t, empty.Next())
		})

		t.Run("bolt 6 types", func(t *testing.T) {
			if v := boltVersion(t, db); v.Major < 6 || v.Minor < 1 {
				// On Bolt 5.x the server sends a placeholder map instead; Next must fail, naming the column.
				rows, err := db.QueryContext(ctx, "CYPHER 25 RETURN uuid('550e8400-e29b-41d4-a716-446655440000') AS u")
				if err != nil {
					t.Logf("Bolt %d.%d: no CYPHER 25 uuid(): %v", v.Major, v.Minor, err)
					return
				}
				defer rows.Close()
				require.False(t, rows.Next())
				require.ErrorContains(t, rows.Err(), `column 0 ("u")`)
				return
			}
			const id = "550e8400-e29b-41d4-a716-446655440000"
			var (
				u   conv.UUID
				us  string
				ub  []byte
				ua  [16]byte
				v   conv.Vector
				vf  conv.Float32s
				vf6 []float64
			)
			require.NoError(t, row(`CYPHER 25 RETURN uuid($1) AS u1, uuid($1) AS u2, uuid($1) AS u3, uuid($1) AS u4,
				vector([1.0, 2.0, 3.0], 3, FLOAT32) AS v1, vector([1.0, 2.0, 3.0], 3, FLOAT32) AS v2, vector([1, 2], 2, INTEGER8) AS v3`, id).
				Scan(&u, conv.Into(&us), conv.Into(&ub), &ua, &v, &vf, conv.Into(&vf6)))
			require.Equal(t, id, u.String())
			require.Equal(t, id, us)
			require.Len(t, ub, 16)
			require.Equal(t, dbtype.MustParseUUID(id), dbtype.UUID(ua))
			require.Equal(t, dbtype.VectorFloat32, v.ElemType())
			require.Equal(t, conv.Float32s{1, 2, 3}, vf)
			require.Equal(t, []float64{1, 2}, vf6)
			var back string
			require.NoError(t, row("CYPHER 25 RETURN toString($1)", u).Scan(&back))
			require.Equal(t, id, back)
		})
	})
}

// TestStandardValues: with values=standard every column scans into a string
// (or []byte), as generic SQL tools expect.
func TestStandardValues(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "values=standard")
		ctx := context.Background()
		rows, err := db.QueryContext(ctx, `RETURN [1, 'a'] AS l, {k: date('2024-01-02')} AS m,
			point({x: 1, y: 2}) AS p, duration('PT90S') AS d, localtime('10:00') AS t, date('2024-01-02') AS day`)
		require.NoError(t, err)
		defer rows.Close()
		cts, err := rows.ColumnTypes()
		require.NoError(t, err)
		require.Equal(t, "LIST<ANY>", cts[0].DatabaseTypeName())
		require.Equal(t, "[]uint8", cts[0].ScanType().String())
		require.Equal(t, "string", cts[3].ScanType().String())
		require.True(t, rows.Next())
		var l, m, p, d, lt string
		var day time.Time
		require.NoError(t, rows.Scan(&l, &m, &p, &d, &lt, &day))
		require.JSONEq(t, `[1, "a"]`, l)
		require.JSONEq(t, `{"k": "2024-01-02"}`, m)
		require.JSONEq(t, `{"srid": 7203, "x": 1, "y": 2}`, p)
		require.Equal(t, "PT1M30S", d)
		require.Equal(t, "10:00:00", lt)
		require.Equal(t, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), day)
		require.False(t, rows.Next())
		require.NoError(t, rows.Err())

		s.Clean(t)
		var node []byte
		require.NoError(t, db.QueryRowContext(ctx, "CREATE (n:Std {a: 1}) RETURN n").Scan(&node))
		require.Contains(t, string(node), `"labels":["Std"],"properties":{"a":1}`)
	})
}
