package bolt

import (
	"context"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestIntegrationSmoke(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		var lines []string
		c := dialServer(t, s, DialConfig{Trace: func(out bool, m string) {
			dir := "S: "
			if out {
				dir = "C: "
			}
			lines = append(lines, dir+m)
		}})
		t.Logf("version %s agent %s id %s hints %+v", c.Version(), c.ServerAgent(), c.ConnectionID(), c.Hints())
		st, err := c.Run(context.Background(), "UNWIND range(1, 5) AS x RETURN x, 'a' AS y", nil, nil, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"x", "y"}, st.Keys())
		recs := collect(t, st)
		require.Len(t, recs, 5)
		require.Equal(t, []any{int64(5), "a"}, recs[4])
		sum, err := st.Consume(context.Background())
		require.NoError(t, err)
		require.Equal(t, "r", sum.Meta["type"])
		for _, l := range lines {
			t.Log(l)
		}
	})
}
