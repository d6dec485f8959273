package native

import (
	"strings"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// Config.CompatHandshake settles on Bolt 5.8 on both server lines (they accept it
// classically), for the router connection of a neo4j:// driver and the connection
// a query runs on; the default proposal reaches Bolt 6 on the 2026 line.
func TestCompatHandshakeVersions(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := testCtx(t)
		for _, compat := range []bool{true, false} {
			want := ProtocolVersion{Major: 5, Minor: 8}
			if !compat && s.Line == "2026" {
				want = ProtocolVersion{Major: 6, Minor: 1}
			}
			for _, uri := range []string{s.URI, strings.Replace(s.URI, "bolt://", "neo4j://", 1)} {
				d, err := NewDriver(uri, serverAuth(s), func(c *Config) { c.CompatHandshake = compat })
				require.NoError(t, err)
				info, err := d.GetServerInfo(ctx)
				require.NoError(t, err)
				require.Equal(t, want, info.ProtocolVersion(), "%s compat=%t: server info", uri, compat)
				res, err := ExecuteQuery(ctx, d, "RETURN 1", nil, EagerResultTransformer)
				require.NoError(t, err)
				require.Equal(t, want, res.Summary.Server().ProtocolVersion(), "%s compat=%t: query", uri, compat)
				require.NoError(t, d.Close(ctx))
			}
		}
	})
}
