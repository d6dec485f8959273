package native

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestValueTypesRoundTrip(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := testCtx(t)
		driver := newServerDriver(t, s)
		sess := driver.NewSession(ctx, SessionConfig{})
		defer sess.Close(ctx)
		berlin, err := time.LoadLocation("Europe/Berlin")
		require.NoError(t, err)
		type address struct {
			City string `db:"city"`
			Zip  string `neo4j:"zip"`
			Skip string `db:"-"`
		}
		cases := []struct {
			name string
			in   any
			want any
		}{
			{"null", nil, nil},
			{"bool", true, true},
			{"int", 42, int64(42)},
			{"uint8", uint8(7), int64(7)},
			{"float32", float32(1.5), 1.5},
			{"string", "héllo", "héllo"},
			{"bytes", []byte{1, 2, 3}, []byte{1, 2, 3}},
			{"list", []string{"a", "b"}, []any{"a", "b"}},
			{"nested", map[string]any{"k": []any{int64(1), "x"}}, map[string]any{"k": []any{int64(1), "x"}}},
			{"struct", address{City: "Paris", Zip: "75001", Skip: "no"}, map[string]any{"city": "Paris", "zip": "75001"}},
			{"pointer", func() *int { i := 5; return &i }(), int64(5)},
			{"nilpointer", (*int)(nil), nil},
			{"date", dbtype.NewDate(2024, 2, 29), dbtype.NewDate(2024, 2, 29)},
			{"localtime", dbtype.NewLocalTime(13, 14, 15, 16), dbtype.NewLocalTime(13, 14, 15, 16)},
			{"time", dbtype.NewTime(13, 14, 15, 16, 3600), dbtype.NewTime(13, 14, 15, 16, 3600)},
			{"localdatetime", dbtype.NewLocalDateTime(2024, 1, 2, 3, 4, 5, 6), dbtype.NewLocalDateTime(2024, 1, 2, 3, 4, 5, 6)},
			{"time.Duration", 90 * time.Second, Duration{Seconds: 90}},
			{"duration", Duration{Months: 1, Days: 2, Seconds: 3, Nanos: 4}, Duration{Months: 1, Days: 2, Seconds: 3, Nanos: 4}},
			{"point2d", Point2D{SpatialRefId: 7203, X: 1.5, Y: 2.5}, Point2D{SpatialRefId: 7203, X: 1.5, Y: 2.5}},
			{"point3d", Point3D{SpatialRefId: 4979, X: 1, Y: 2, Z: 3}, Point3D{SpatialRefId: 4979, X: 1, Y: 2, Z: 3}},
		}
		for _, c := range cases {
			res, err := sess.Run(ctx, "RETURN $v AS v", map[string]any{"v": c.in})
			require.NoError(t, err, c.name)
			rec, err := res.Single(ctx)
			require.NoError(t, err, c.name)
			require.Equal(t, c.want, rec.Values[0], c.name)
		}

		// Zoned datetimes keep the instant and the zone.
		dt := time.Date(2024, 7, 1, 12, 30, 0, 123, berlin)
		res, err := sess.Run(ctx, "RETURN $v AS v, $v.timezone AS tz", map[string]any{"v": dt})
		require.NoError(t, err)
		rec, err := res.Single(ctx)
		require.NoError(t, err)
		got := rec.Values[0].(time.Time)
		require.True(t, dt.Equal(got))
		require.Equal(t, "Europe/Berlin", rec.Values[1])

		// Graph values and struct mapping.
		s.Clean(t)
		res, err = sess.Run(ctx, `CREATE p = (a:Person {name: 'Ann', age: 31})-[r:KNOWS {since: 2020}]->(b:Person {name: 'Ben'})
			RETURN a, r, p`, nil)
		require.NoError(t, err)
		rec, err = res.Single(ctx)
		require.NoError(t, err)
		rel := rec.Values[1].(Relationship)
		require.Equal(t, "KNOWS", rel.Type)
		path := rec.Values[2].(Path)
		require.Len(t, path.Nodes, 2)
		require.Len(t, path.Relationships, 1)
		require.Equal(t, path.Nodes[0].ElementId, rel.StartElementId)
		type person struct {
			Name string
			Age  *int
		}
		p, err := RecordAs[person](&Record{Keys: []string{"a"}, Values: []any{rec.Values[0]}})
		require.NoError(t, err)
		require.Equal(t, "Ann", p.Name)
		require.Equal(t, 31, *p.Age)
		since, err := GetProperty[int](rel, "since")
		require.NoError(t, err)
		require.Equal(t, 2020, since)

		// Bolt 6.1 servers carry UUIDs.
		info, err := driver.GetServerInfo(ctx)
		require.NoError(t, err)
		if v := info.ProtocolVersion(); v.Major >= 6 && (v.Major > 6 || v.Minor >= 1) {
			u := UUID{0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00}
			res, err = sess.Run(ctx, "CYPHER 25 RETURN uuid('550e8400-e29b-41d4-a716-446655440000') AS u, $u AS p", map[string]any{"u": u})
			require.NoError(t, err)
			rec, err = res.Single(ctx)
			require.NoError(t, err)
			require.Equal(t, u, rec.Values[0])
			require.Equal(t, u, rec.Values[1])
		}
	})
}

func TestTLS(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		s = neo4jtest.GetTLS(t, s.Line)
		if s.CACert == "" {
			t.Skip("server has no TLS")
		}
		ctx := testCtx(t)
		pem, err := os.ReadFile(s.CACert)
		require.NoError(t, err)
		pool, ok := bolt.CertPoolFromPEM(pem)
		require.True(t, ok)
		hostPort := strings.TrimPrefix(s.URI, "bolt://")

		secure, err := NewDriver("bolt+s://"+hostPort, serverAuth(s), func(c *Config) { c.RootCAs = pool })
		require.NoError(t, err)
		defer secure.Close(ctx)
		require.True(t, secure.IsEncrypted())
		require.NoError(t, secure.VerifyConnectivity(ctx))
		res, err := ExecuteQuery(ctx, secure, "RETURN 1 AS x", nil, EagerResultTransformer)
		require.NoError(t, err)
		require.Equal(t, int64(1), res.Records[0].Values[0])

		ssc, err := NewDriver("bolt+ssc://"+hostPort, serverAuth(s))
		require.NoError(t, err)
		defer ssc.Close(ctx)
		require.NoError(t, ssc.VerifyConnectivity(ctx))

		untrusted, err := NewDriver("bolt+s://"+hostPort, serverAuth(s))
		require.NoError(t, err)
		defer untrusted.Close(ctx)
		err = untrusted.VerifyConnectivity(ctx)
		require.True(t, IsConnectivityError(err), "%v", err)
		require.ErrorContains(t, err, "certificate")

		plain := newServerDriver(t, s)
		require.False(t, plain.IsEncrypted())
	})
}
