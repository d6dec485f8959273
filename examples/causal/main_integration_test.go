package main

import (
	"bytes"
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/boltwire/neo4j/internal/neo4jtest"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

func TestRun(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var out bytes.Buffer
		require.NoError(t, Run(ctx, DSN(s.URI, s.User, s.Password), &out))
		require.Equal(t, `orders wrote o-1 and got 1 bookmark(s)
billing sees o-1 as paid
ExecuteWrite: 2 attempts, counter = 1 (the failed attempt was rolled back)
not retried: Neo.ClientError.Statement.ArithmeticError
`, out.String())
	})
}

func TestWithOption(t *testing.T) {
	require.Equal(t, "bolt://h?a=1", withOption("bolt://h", "a=1"))
	require.Equal(t, "bolt://h?a=1&b=2", withOption("bolt://h?a=1", "b=2"))
	u, err := url.Parse(withOption(DSN("neo4j://h", "u", "p w"), "x=y"))
	require.NoError(t, err)
	pw, _ := u.User.Password()
	require.Equal(t, "p w", pw)
}
