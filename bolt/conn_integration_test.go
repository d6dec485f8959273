package bolt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// lineVersions lists the Bolt versions a server line speaks (nil = unknown line).
func lineVersions(line string) []Version {
	v5 := []Version{{4, 0}, {4, 1}, {4, 2}, {4, 3}, {4, 4}, {5, 0}, {5, 1}, {5, 2}, {5, 3}, {5, 4}, {5, 6}, {5, 7}, {5, 8}}
	switch line {
	case "5":
		return v5
	case "2026":
		return append(v5, Version{6, 0}, Version{6, 1})
	}
	return nil
}

func TestIntegrationEveryVersion(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		versions := lineVersions(s.Line)
		if versions == nil {
			t.Skip("unknown server line")
		}
		for _, v := range versions {
			for _, style := range []HandshakeStyle{HandshakeClassic, HandshakeManifest} {
				name := fmt.Sprintf("%s/%d", v, style)
				c := dialServer(t, s, DialConfig{Versions: []Version{v}, Handshake: style})
				require.Equal(t, v, c.Version(), name)
				st, err := c.Run(context.Background(), "RETURN 1 AS one, $p AS p", map[string]any{"p": "x"}, nil, -1)
				require.NoError(t, err, name)
				require.Equal(t, [][]any{{int64(1), "x"}}, collect(t, st), name)
				require.True(t, c.IsIdle(), name)
				require.NoError(t, c.Close())
			}
		}
		// Default proposal: the newest version of the line.
		c := dialServer(t, s, DialConfig{})
		require.Equal(t, versions[len(versions)-1], c.Version())
	})
}

func TestIntegrationValueTypes(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		s.Clean(t)
		ctx := context.Background()
		for _, v := range []Version{{4, 4}, {5, 0}, {5, 8}} {
			c := dialServer(t, s, DialConfig{Versions: []Version{v}})
			st, err := c.Run(ctx, `RETURN 1, -129, 1.5, 'ü', true, null, [1,'a'], {a:1},
				date('2024-02-29'), localtime('01:02:03.000000004'), time('12:34:56.789+02:00'),
				localdatetime('2024-01-02T03:04:05'), datetime('2024-02-29T12:34:56.123456789+01:00'),
				datetime('2024-10-27T02:30:00[Europe/Berlin]'), duration('P1Y2M3DT4H5M6.000000007S'),
				point({x:1,y:2}), point({x:1,y:2,z:3}), point({latitude:52.5, longitude:13.4})`, nil, nil, -1)
			require.NoError(t, err)
			recs := collect(t, st)
			require.Len(t, recs, 1)
			r := recs[0]
			require.Equal(t, []any{int64(1), int64(-129), 1.5, "ü", true, nil, []any{int64(1), "a"}, map[string]any{"a": int64(1)}}, r[:8])
			require.Equal(t, dbtype.NewDate(2024, time.February, 29), r[8])
			require.Equal(t, dbtype.NewLocalTime(1, 2, 3, 4), r[9])
			require.Equal(t, dbtype.NewTime(12, 34, 56, 789000000, 7200), r[10])
			require.Equal(t, dbtype.NewLocalDateTime(2024, time.January, 2, 3, 4, 5, 0), r[11])
			dt := r[12].(time.Time)
			require.True(t, dt.Equal(time.Date(2024, 2, 29, 11, 34, 56, 123456789, time.UTC)), "%v on %s", dt, v)
			_, off := dt.Zone()
			require.Equal(t, 3600, off)
			dz := r[13].(time.Time)
			require.Equal(t, "Europe/Berlin", dz.Location().String())
			require.Equal(t, 2, dz.Hour())
			require.Equal(t, dbtype.Duration{Months: 14, Days: 3, Seconds: 4*3600 + 5*60 + 6, Nanos: 7}, r[14])
			require.Equal(t, dbtype.Point2D{SpatialRefId: 7203, X: 1, Y: 2}, r[15])
			require.Equal(t, dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3}, r[16])
			require.Equal(t, dbtype.Point2D{SpatialRefId: 4326, X: 13.4, Y: 52.5}, r[17])

			// Graph values.
			st, err = c.Run(ctx, `CREATE p=(a:Tmp:Person {name:'Alice'})-[r:KNOWS {since:2020}]->(b:Tmp {name:'Bob'})
				RETURN a, r, p`, nil, nil, -1)
			require.NoError(t, err)
			recs = collect(t, st)
			require.Len(t, recs, 1)
			n := recs[0][0].(dbtype.Node)
			require.ElementsMatch(t, []string{"Tmp", "Person"}, n.Labels)
			require.Equal(t, map[string]any{"name": "Alice"}, n.Props)
			require.NotEmpty(t, n.ElementId)
			rel := recs[0][1].(dbtype.Relationship)
			require.Equal(t, "KNOWS", rel.Type)
			require.Equal(t, n.ElementId, rel.StartElementId)
			p := recs[0][2].(dbtype.Path)
			require.Len(t, p.Nodes, 2)
			require.Equal(t, "Bob", p.Nodes[1].Props["name"])
		}
	})
}

func TestIntegrationParameterRoundTrip(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		c := dialServer(t, s, DialConfig{})
		berlin, err := time.LoadLocation("Europe/Berlin")
		require.NoError(t, err)
		ctx := context.Background()
		values := []any{
			nil, true, int64(-9223372036854775808), int64(42), 3.25, "grüße", strings.Repeat("x", 70000),
			[]byte{0, 1, 255}, []any{int64(1), "a", nil}, map[string]any{"k": []any{int64(2)}},
			dbtype.NewDate(2024, time.February, 29), dbtype.NewLocalTime(1, 2, 3, 4), dbtype.NewTime(12, 0, 0, 5, -3600),
			dbtype.NewLocalDateTime(1969, time.December, 31, 23, 59, 59, 999999999),
			time.Date(2024, 2, 29, 12, 34, 56, 7, time.FixedZone("", 3600)),
			time.Date(2024, 10, 27, 2, 30, 0, 0, berlin),
			dbtype.Duration{Months: 1, Days: -2, Seconds: 3, Nanos: 4},
			dbtype.Point2D{SpatialRefId: 7203, X: 1, Y: 2}, dbtype.Point3D{SpatialRefId: 4979, X: 1, Y: 2, Z: 3},
		}
		if c.Version().Has(FeatureUUID) {
			values = append(values, dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"))
		}
		if c.Version().Has(FeatureVector) {
			values = append(values, dbtype.NewVectorFloat32([]float32{1, 2.5}), dbtype.NewVectorInt64([]int64{-1, 1 << 40}))
		}
		for _, v := range values {
			q := "RETURN $x"
			if _, ok := v.(dbtype.Vector); ok {
				q = "CYPHER 25 RETURN $x"
			}
			st, err := c.Run(ctx, q, map[string]any{"x": v}, nil, -1)
			require.NoError(t, err, "%T", v)
			recs := collect(t, st)
			require.Len(t, recs, 1)
			got := recs[0][0]
			if tv, ok := v.(time.Time); ok {
				gt := got.(time.Time)
				require.True(t, tv.Equal(gt), "%v vs %v", tv, gt)
				require.Equal(t, tv.Location().String() == "Europe/Berlin", gt.Location().String() == "Europe/Berlin")
				continue
			}
			require.Equal(t, v, got, "%T", v)
		}
	})
}

func TestIntegrationNewTypesPerVersion(t *testing.T) {
	s := neo4jtest.Get(t, "2026")
	if s.Line != "2026" {
		t.Skip("needs the 2026 line")
	}
	ctx := context.Background()
	const q = "CYPHER 25 RETURN uuid('550e8400-e29b-41d4-a716-446655440000'), vector([1.0, 2.0], 2, FLOAT32)"
	for _, v := range []Version{{5, 8}, {6, 0}, {6, 1}} {
		c := dialServer(t, s, DialConfig{Versions: []Version{v}})
		st, err := c.Run(ctx, q, nil, nil, -1)
		require.NoError(t, err, v.String())
		recs := collect(t, st)
		require.Len(t, recs, 1)
		u, vec := recs[0][0], recs[0][1]
		switch v {
		case Version{6, 1}:
			require.Equal(t, dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"), u)
			require.Equal(t, dbtype.NewVectorFloat32([]float32{1, 2}), vec)
		case Version{6, 0}:
			require.Equal(t, "UUID", u.(dbtype.UnsupportedType).Name)
			require.Equal(t, dbtype.NewVectorFloat32([]float32{1, 2}), vec)
		default:
			require.Equal(t, map[string]any{"originalType": "UUID", "reason": "UNKNOWN_TYPE"}, u)
			require.IsType(t, map[string]any{}, vec)
		}
		// A value the version cannot carry is refused before anything is sent.
		if !v.Has(FeatureUUID) {
			_, err := c.Run(ctx, "RETURN $u", map[string]any{"u": dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000")}, nil, -1)
			require.Error(t, err)
			require.True(t, c.IsIdle(), "encoding errors leave the connection usable")
		}
	}
}

func TestIntegrationFailureThenReset(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		c := dialServer(t, s, DialConfig{})
		ctx := context.Background()
		_, err := c.Run(ctx, "RETURN 1 +", nil, nil, -1)
		var se *ServerError
		require.ErrorAs(t, err, &se)
		require.Equal(t, "Neo.ClientError.Statement.SyntaxError", se.Code)
		require.Equal(t, ClientError, se.Classification)
		require.NotEmpty(t, se.GqlStatus)
		require.False(t, se.IsRetryable())
		require.False(t, c.IsDefunct())
		// The next Run pipelines a RESET first.
		st, err := c.Run(ctx, "RETURN 2", nil, nil, -1)
		require.NoError(t, err)
		require.Equal(t, [][]any{{int64(2)}}, collect(t, st))
		// Explicit reset after a failure inside a transaction.
		require.NoError(t, c.Begin(ctx, TxConfig{}))
		// Division by zero fails when the row is computed: at PULL, not RUN.
		st, err = c.Run(ctx, "UNWIND [1, 0] AS x RETURN 1/x", nil, nil, -1)
		require.NoError(t, err)
		for err == nil {
			var r []any
			if r, err = st.Next(ctx); r == nil && err == nil {
				t.Fatal("division by zero did not fail")
			}
		}
		require.ErrorAs(t, err, &se)
		require.Equal(t, "Neo.ClientError.Statement.ArithmeticError", se.Code)
		_, err = c.Run(ctx, "RETURN 1", nil, nil, -1)
		require.ErrorAs(t, err, &se, "a failed transaction refuses further work")
		require.NoError(t, c.Rollback(ctx))
		require.True(t, c.IsIdle())
		require.NoError(t, c.Reset(ctx))
	})
}

func TestIntegrationTransactions(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		s.Clean(t)
		c := dialServer(t, s, DialConfig{})
		ctx := context.Background()
		count := func() int64 {
			st, err := c.Run(ctx, "MATCH (n:TxTest) RETURN count(n)", nil, nil, -1)
			require.NoError(t, err)
			return collect(t, st)[0][0].(int64)
		}
		require.NoError(t, c.Begin(ctx, TxConfig{Metadata: map[string]any{"app": "boltwire"}, Timeout: 10 * time.Second, TimeoutSet: true}))
		st, err := c.Run(ctx, "CREATE (n:TxTest {v: 1}) RETURN n.v", nil, nil, -1)
		require.NoError(t, err)
		require.Equal(t, [][]any{{int64(1)}}, collect(t, st))
		res, err := c.Commit(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, res.Bookmark)
		require.Equal(t, int64(1), count())

		require.NoError(t, c.Begin(ctx, TxConfig{Bookmarks: []string{res.Bookmark}}))
		_, err = c.Run(ctx, "CREATE (n:TxTest {v: 2})", nil, nil, -1)
		require.NoError(t, err)
		require.NoError(t, c.Rollback(ctx))
		require.Equal(t, int64(1), count())

		// Two open results in one transaction, read interleaved.
		require.NoError(t, c.Begin(ctx, TxConfig{Mode: Read}))
		a, err := c.Run(ctx, "UNWIND range(1, 5) AS x RETURN x", nil, nil, 2)
		require.NoError(t, err)
		b, err := c.Run(ctx, "UNWIND range(10, 12) AS y RETURN y", nil, nil, 1)
		require.NoError(t, err)
		r, err := a.Next(ctx)
		require.NoError(t, err)
		require.Equal(t, []any{int64(1)}, r)
		require.Len(t, collect(t, b), 3)
		require.Len(t, collect(t, a), 4)
		_, err = c.Commit(ctx)
		require.NoError(t, err)
		require.True(t, c.IsIdle())

		// Rollback with a partly read result: its rest is discarded.
		require.NoError(t, c.Begin(ctx, TxConfig{}))
		a, err = c.Run(ctx, "UNWIND range(1, 10) AS x CREATE (n:TxTest {v: x}) RETURN x", nil, nil, 1)
		require.NoError(t, err)
		r, err = a.Next(ctx)
		require.NoError(t, err)
		require.Equal(t, []any{int64(1)}, r)
		require.NoError(t, c.Rollback(ctx))
		require.True(t, c.IsIdle())
		require.Equal(t, int64(1), count())
	})
}

func TestIntegrationFetchSizeBatches(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		var pulls int
		c := dialServer(t, s, DialConfig{Trace: func(out bool, m string) {
			if out && strings.HasPrefix(m, "PULL") {
				pulls++
			}
		}})
		ctx := context.Background()
		st, err := c.Run(ctx, "UNWIND range(1, 25) AS x RETURN x", nil, nil, 10)
		require.NoError(t, err)
		recs := collect(t, st)
		require.Len(t, recs, 25)
		require.Equal(t, int64(25), recs[24][0])
		require.Equal(t, 3, pulls)
		// Consume after a partial read discards the rest.
		st, err = c.Run(ctx, "UNWIND range(1, 1000) AS x RETURN x", nil, nil, 10)
		require.NoError(t, err)
		_, err = st.Next(ctx)
		require.NoError(t, err)
		sum, err := st.Consume(ctx)
		require.NoError(t, err)
		require.Equal(t, "r", sum.Meta.Map()["type"])
		require.True(t, c.IsIdle())
	})
}

func TestIntegrationCancelMidStream(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		c := dialServer(t, s, DialConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		// The server needs seconds to find the first row: the read blocks.
		st, err := c.Run(ctx, "UNWIND range(1, 200000000) AS x WITH x WHERE x = 199999999 RETURN x", nil, nil, 10)
		if err == nil {
			go func() { time.Sleep(100 * time.Millisecond); cancel() }()
			start := time.Now()
			_, err = st.Next(ctx)
			require.Less(t, time.Since(start), 3*time.Second)
		}
		cancel()
		require.ErrorIs(t, err, context.Canceled)
		require.True(t, c.IsDefunct())
		// A fresh connection still works.
		c2 := dialServer(t, s, DialConfig{})
		st, err = c2.Run(context.Background(), "RETURN 1", nil, nil, -1)
		require.NoError(t, err)
		require.Len(t, collect(t, st), 1)
	})
}

func TestIntegrationRouteAndReAuth(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		c := dialServer(t, s, DialConfig{RoutingContext: map[string]string{"address": s.Address()}})
		ctx := context.Background()
		rt, err := c.Route(ctx, RouteRequest{})
		require.NoError(t, err)
		require.NotEmpty(t, rt.Writers)
		require.NotEmpty(t, rt.Routers)
		require.Equal(t, "neo4j", rt.Database)
		rt, err = c.Route(ctx, RouteRequest{Database: "system"})
		require.NoError(t, err)
		require.Equal(t, "system", rt.Database)
		_, err = c.Route(ctx, RouteRequest{Database: "no-such-db"})
		var se *ServerError
		require.ErrorAs(t, err, &se)
		require.True(t, se.IsFatalDuringDiscovery(), se.Code)

		if s.User != "" {
			require.NoError(t, c.ReAuth(ctx, BasicAuth(s.User, s.Password, "")))
			st, err := c.Run(ctx, "RETURN 1", nil, nil, -1)
			require.NoError(t, err)
			require.Len(t, collect(t, st), 1)
			err = c.ReAuth(ctx, BasicAuth(s.User, "wrong-password", ""))
			require.Error(t, err)
			require.True(t, c.IsDefunct() || errors.As(err, &se))
		}
	})
}
