package native_test

import (
	"testing"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/stretchr/testify/require"
)

// A server answering DatabaseUnavailable leaves the routing table: the retry
// does not go back to it while the table is still fresh, but refreshes and
// goes to the writer the routers name now.
func TestClusterForgetsServerOnDatabaseUnavailable(t *testing.T) {
	c := newScenarioCluster(t, "r", "w1", "w2")
	c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"r"}, Readers: []string{"r"}, Writers: []string{"w1"}})
	c.Member("w1").OnQuery(func(boltstub.Query) boltstub.Result {
		c.SetRoles("neo4j", boltstub.Roles{Routers: []string{"r"}, Readers: []string{"r"}, Writers: []string{"w2"}})
		return boltstub.Result{Failure: "Neo.TransientError.General.DatabaseUnavailable", Message: "store copy"}
	})
	ctx := scenarioCtx(t)
	d := scenarioDriver(t, "neo4j://"+c.Member("r").Address())
	got, tries := countedWrite(ctx, t, d, onNeo4j)
	require.Equal(t, "w2", got)
	require.Equal(t, int32(2), tries)
	require.Equal(t, 2, c.Member("r").Count("ROUTE"), "the table was refreshed although its TTL had not run out")
}
