package native

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func currentUser(t *testing.T, ctx context.Context, d Driver) string {
	t.Helper()
	res, err := ExecuteQuery(ctx, d, "SHOW CURRENT USER YIELD user", nil, EagerResultTransformer,
		ExecuteQueryWithoutBookmarkManager())
	require.NoError(t, err)
	return res.Records[0].Values[0].(string)
}

func TestTokenManagers(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		if s.User == "" {
			t.Skip("server has auth disabled")
		}
		ctx := testCtx(t)
		require.NoError(t, s.Exec(ctx, "CREATE OR REPLACE USER rotateduser SET PASSWORD 'pw12345678' CHANGE NOT REQUIRED", nil))

		// Basic manager: the first password is wrong; the server's Unauthorized
		// makes the manager fetch a new one and the managed transaction retries.
		var calls atomic.Int32
		mgr := BasicTokenManager(func(context.Context) (AuthToken, error) {
			if calls.Add(1) == 1 {
				return BasicAuth(s.User, "stale-password", ""), nil
			}
			return BasicAuth(s.User, s.Password, ""), nil
		})
		d, err := NewDriver(s.URI, mgr)
		require.NoError(t, err)
		defer d.Close(ctx)
		require.Equal(t, s.User, currentUser(t, ctx, d))
		require.Equal(t, int32(2), calls.Load())

		// A manager whose token changes re-authenticates pooled connections
		// (LOGOFF/LOGON) instead of dialling new ones.
		var user atomic.Value
		user.Store(s.User)
		switching := &switchingManager{tok: func() AuthToken {
			if user.Load() == s.User {
				return BasicAuth(s.User, s.Password, "")
			}
			return BasicAuth("rotateduser", "pw12345678", "")
		}}
		d2, err := NewDriver(s.URI, switching)
		require.NoError(t, err)
		defer d2.Close(ctx)
		require.Equal(t, s.User, currentUser(t, ctx, d2))
		user.Store("rotateduser")
		require.Equal(t, "rotateduser", currentUser(t, ctx, d2))
		require.Equal(t, uint64(1), d2.Stats()[0].Created)
	})
}

type switchingManager struct{ tok func() AuthToken }

func (m *switchingManager) GetAuthToken(context.Context) (AuthToken, error) { return m.tok(), nil }
func (m *switchingManager) HandleSecurityException(context.Context, AuthToken, *Neo4jError) (bool, error) {
	return false, nil
}
