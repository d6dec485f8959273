package native

import (
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestSummaryFromServer(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, driver := cleanServer(t, s)
		sess := driver.NewSession(ctx, SessionConfig{})
		defer sess.Close(ctx)

		res, err := sess.Run(ctx, "CREATE (a:Sum {x: 1})-[:R]->(b:Sum) SET a.y = 2 RETURN a", nil)
		require.NoError(t, err)
		sum, err := res.Consume(ctx)
		require.NoError(t, err)
		c := sum.Counters()
		require.Equal(t, 2, c.NodesCreated())
		require.Equal(t, 1, c.RelationshipsCreated())
		require.Equal(t, 2, c.PropertiesSet())
		require.Equal(t, 2, c.LabelsAdded())
		require.True(t, c.ContainsUpdates())
		require.Equal(t, StatementTypeReadWrite, sum.StatementType())
		require.Equal(t, "neo4j", sum.Database().Name())
		require.Contains(t, sum.Server().Agent(), "Neo4j/")
		require.Equal(t, s.Address(), sum.Server().Address())
		require.GreaterOrEqual(t, sum.ResultAvailableAfter(), 0*sum.ResultAvailableAfter())

		res, err = sess.Run(ctx, "EXPLAIN MATCH (n:Sum) RETURN n", nil)
		require.NoError(t, err)
		sum, err = res.Consume(ctx)
		require.NoError(t, err)
		require.NotNil(t, sum.Plan())
		require.Equal(t, "ProduceResults", trimAt(sum.Plan().Operator()))
		require.Nil(t, sum.Profile())

		res, err = sess.Run(ctx, "PROFILE MATCH (n:Sum) RETURN n", nil)
		require.NoError(t, err)
		sum, err = res.Consume(ctx)
		require.NoError(t, err)
		require.NotNil(t, sum.Profile())
		require.Greater(t, sum.Profile().Records(), int64(0))

		// Notifications, and filtering them per session.
		warn := "MATCH (n:NoSuchLabelAnywhere) RETURN n"
		res, err = sess.Run(ctx, warn, nil)
		require.NoError(t, err)
		sum, err = res.Consume(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, sum.Notifications())
		require.NotEmpty(t, sum.GqlStatusObjects())
		require.Equal(t, "WARNING", sum.Notifications()[0].RawSeverityLevel())

		quiet := driver.NewSession(ctx, SessionConfig{NotificationsMinSeverity: NotificationDisabledLevel})
		defer quiet.Close(ctx)
		res, err = quiet.Run(ctx, warn, nil)
		require.NoError(t, err)
		sum, err = res.Consume(ctx)
		require.NoError(t, err)
		require.Empty(t, sum.Notifications())

		noUnrec := driver.NewSession(ctx, SessionConfig{NotificationsDisabledClassifications: []NotificationClassification{NotificationUnrecognized}})
		defer noUnrec.Close(ctx)
		res, err = noUnrec.Run(ctx, warn, nil)
		require.NoError(t, err)
		sum, err = res.Consume(ctx)
		require.NoError(t, err)
		require.Empty(t, sum.Notifications())
	})
}

// trimAt drops the "@neo4j" runtime suffix some servers add to operator names.
func trimAt(op string) string {
	for i := range op {
		if op[i] == '@' {
			return op[:i]
		}
	}
	return op
}
