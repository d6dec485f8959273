package bolt

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// hasUnknownLabelWarning reports whether the summary mentions the unknown-label
// notification (legacy notifications before 5.6, GQL statuses after).
func hasUnknownLabelWarning(sum Summary) bool {
	s := fmt.Sprint(sum.Meta.Map()["notifications"], sum.Meta.Map()["statuses"])
	return containsAny(s, "UnknownLabelWarning", "01N50")
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func TestIntegrationNotificationFilters(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()
		const q = "MATCH (n:NoSuchLabelAtAll) RETURN n"
		for _, v := range []Version{{5, 2}, {5, 4}, {5, 6}, {5, 8}} {
			name := v.String()
			plain := dialServer(t, s, DialConfig{Versions: []Version{v}})
			st, err := plain.Run(ctx, q, nil, nil, -1)
			require.NoError(t, err, name)
			sum, err := st.Consume(ctx)
			require.NoError(t, err, name)
			require.True(t, hasUnknownLabelWarning(sum), "%s: %v", name, sum.Meta.Map())

			// Connection-wide filter (HELLO): categories key on 5.2–5.4, classifications after.
			filtered := dialServer(t, s, DialConfig{Versions: []Version{v},
				Notifications: NotificationConfig{DisabledClassifications: []string{"UNRECOGNIZED"}}})
			st, err = filtered.Run(ctx, q, nil, nil, -1)
			require.NoError(t, err, name)
			sum, err = st.Consume(ctx)
			require.NoError(t, err, name)
			require.False(t, hasUnknownLabelWarning(sum), "%s: %v", name, sum.Meta.Map())

			// Per-transaction filter (RUN / BEGIN extra).
			st, err = plain.Run(ctx, q, nil, &TxConfig{Notifications: &NotificationConfig{MinimumSeverity: "OFF"}}, -1)
			require.NoError(t, err, name)
			sum, err = st.Consume(ctx)
			require.NoError(t, err, name)
			require.False(t, hasUnknownLabelWarning(sum), "%s: %v", name, sum.Meta.Map())
			require.NoError(t, plain.Begin(ctx, TxConfig{Notifications: &NotificationConfig{MinimumSeverity: "OFF"}}))
			st, err = plain.Run(ctx, q, nil, nil, -1)
			require.NoError(t, err, name)
			sum, err = st.Consume(ctx)
			require.NoError(t, err, name)
			require.False(t, hasUnknownLabelWarning(sum), "%s: %v", name, sum.Meta.Map())
			require.NoError(t, plain.Rollback(ctx))
		}
	})
}
