package sqldriver_test

import (
	"database/sql"
	"net/url"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// dsnFor returns a DSN for s (bolt scheme, its credentials) with extra options.
func dsnFor(s *neo4jtest.Server, options string) string {
	u, err := url.Parse(s.URI)
	if err != nil {
		panic(err)
	}
	if s.User != "" {
		u.User = url.UserPassword(s.User, s.Password)
	}
	u.RawQuery = options
	return u.String()
}

// openDB opens a *sql.DB on s, closed when the test ends.
func openDB(t *testing.T, s *neo4jtest.Server, options string) *sql.DB {
	t.Helper()
	db, err := sql.Open("neo4j", dsnFor(s, options))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}
