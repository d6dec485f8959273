package main

import (
	"bytes"
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

func TestDSN(t *testing.T) {
	require.Equal(t, "bolt://u:p%40ss@h:7687", DSN("bolt://h:7687", "u", "p@ss"))
	require.Equal(t, "neo4j://h", DSN("neo4j://h", "", ""))
}

func TestRun(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		dsn := DSN(s.URI, s.User, s.Password)
		db, err := sql.Open("neo4j", dsn)
		require.NoError(t, err)
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var out bytes.Buffer
		require.NoError(t, Run(ctx, db, &out))
		require.Equal(t, `created accounts: 8 changes (2 nodes, 2 labels, 4 properties)
transfer of 500: alice: insufficient funds (rolled back)
accounts: [{alice 70} {bob 130}]
total in a read-only transaction: 200
write in a read-only transaction refused: true
`, out.String())
	})
}
