package sqldriver_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
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

// openDBFromDSN opens a *sql.DB on dsn, closed when the test ends.
func openDBFromDSN(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("neo4j", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// openDBNoCleanup opens a *sql.DB on s with default options; the caller closes it.
func openDBNoCleanup(t *testing.T, s *neo4jtest.Server) *sql.DB {
	t.Helper()
	db, err := sql.Open("neo4j", dsnFor(s, ""))
	require.NoError(t, err)
	return db
}

// boltVersion returns the protocol version the driver negotiates with the server.
func boltVersion(t *testing.T, db *sql.DB) native.ProtocolVersion {
	t.Helper()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	var v native.ProtocolVersion
	require.NoError(t, conn.Raw(func(dc any) error {
		info, err := dc.(*sqldriver.Conn).Driver().GetServerInfo(context.Background())
		if err != nil {
			return err
		}
		v = info.ProtocolVersion()
		return nil
	}))
	return v
}
