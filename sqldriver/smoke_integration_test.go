package sqldriver_test

import (
	"context"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestSmoke(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db := openDB(t, s, "")
		ctx := context.Background()
		var a, b int64
		require.NoError(t, db.QueryRowContext(ctx, "RETURN $1 AS a, $2 AS b", 1, 2).Scan(&a, &b))
		require.Equal(t, int64(1), a)
		require.Equal(t, int64(2), b)
	})
}
