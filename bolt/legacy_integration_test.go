package bolt

import (
	"context"
	"fmt"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// Both test servers still offer Bolt 4.0–4.3 (not 3.0): the legacy message forms,
// routing procedure and 4.3 ROUTE against a real server.
func TestIntegrationLegacyVersions(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()
		for _, v := range []Version{{4, 0}, {4, 1}, {4, 2}, {4, 3}} {
			name := v.String()
			c := dialServer(t, s, DialConfig{Versions: []Version{v}, Handshake: HandshakeClassic,
				RoutingContext: map[string]string{"address": s.Address()}})
			require.Equal(t, v, c.Version(), name)

			// Batches by PULL n, two results open in one transaction (qid).
			require.NoError(t, c.Begin(ctx, TxConfig{Database: "neo4j"}), name)
			s1, err := c.Run(ctx, "UNWIND range(1, 3) AS x RETURN x", nil, nil, 1)
			require.NoError(t, err, name)
			s2, err := c.Run(ctx, "RETURN 'b' AS y", nil, nil, 1)
			require.NoError(t, err, name)
			require.Equal(t, [][]any{{"b"}}, collect(t, s2), name)
			require.Equal(t, [][]any{{int64(1)}, {int64(2)}, {int64(3)}}, collect(t, s1), name)
			_, err = c.Commit(ctx)
			require.NoError(t, err, name)

			rt, err := c.Route(ctx, RouteRequest{})
			require.NoError(t, err, name)
			require.NotEmpty(t, rt.Writers, name)
			require.NotEmpty(t, rt.Routers, name)
			require.Equal(t, "", rt.Database, "%s: the default database is not named before 4.4", name)
			rt, err = c.Route(ctx, RouteRequest{Database: "system"})
			require.NoError(t, err, name)
			require.Equal(t, "system", rt.Database, name)
			_, err = c.Route(ctx, RouteRequest{Database: "no-such-db"})
			var se *ServerError
			require.ErrorAs(t, err, &se, name)
			require.True(t, se.IsFatalDuringDiscovery(), "%s: %s", name, se.Code)

			st, err := c.Run(ctx, "RETURN $p AS p", map[string]any{"p": fmt.Sprint(v)}, &TxConfig{Mode: Read}, 0)
			require.NoError(t, err, name)
			require.Equal(t, [][]any{{name}}, collect(t, st), name)
			require.True(t, c.IsIdle(), name)
			require.NoError(t, c.Close())
		}
	})
}
