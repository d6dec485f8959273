package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/boltwire/neo4j/internal/neo4jtest"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

// TestScenario runs the README demo against both server lines and checks its story.
func TestScenario(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var out bytes.Buffer
		require.NoError(t, Scenario(ctx, &out, s.URI, s.User, s.Password), out.String())
		text := out.String()
		require.Contains(t, text, "people: [Alice Bob]")
		require.Contains(t, text, "sees 1 KNOWS relationship(s) and 0 ghost(s)")
		if s.Line == "2026" {
			require.Contains(t, text, "over Bolt 6.")
		}
		if s.Line == "5" {
			require.Contains(t, text, "over Bolt 5.8")
		}
	})
}
