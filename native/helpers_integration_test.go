package native

import (
	"context"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// serverAuth returns the token for s.
func serverAuth(s *neo4jtest.Server) AuthToken {
	if s.User == "" {
		return NoAuth()
	}
	return BasicAuth(s.User, s.Password, "")
}

// newServerDriver returns a driver for s, closed at the end of the test.
func newServerDriver(t *testing.T, s *neo4jtest.Server, configurers ...func(*Config)) Driver {
	t.Helper()
	d, err := NewDriver(s.URI, serverAuth(s), configurers...)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close(context.Background())) })
	return d
}

// cleanServer empties the database of s and returns a context for the test and
// a driver for s.
func cleanServer(t *testing.T, s *neo4jtest.Server) (context.Context, Driver) {
	t.Helper()
	s.Clean(t)
	return testCtx(t), newServerDriver(t, s)
}

// testCtx returns a context that ends with the test (or after a minute).
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
