package main

import (
	"bytes"
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/boltwire/neo4j/internal/neo4jtest"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

// TestDemo runs the repository against a real server on both lines.
func TestDemo(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db, err := sql.Open("neo4j", DSN(s.URI, s.User, s.Password))
		require.NoError(t, err)
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err = db.ExecContext(ctx, "MATCH (p:RepoPerson) DETACH DELETE p")
		require.NoError(t, err)

		var out bytes.Buffer
		require.NoError(t, Demo(ctx, NewPeople(db), &out))
		require.Equal(t, `Ada Lovelace (1815) [math]
math: Ada Lovelace <ada@example.org>
math: Grace <grace@example.org>
Grace's friends: [Ada Lovelace]
after delete: not found = true
`, out.String())

		// Befriending twice is fine; befriending a missing person writes nothing.
		people := NewPeople(db)
		id, err := people.Create(ctx, Person{Name: "Lonely"})
		require.NoError(t, err)
		other, err := people.Create(ctx, Person{Name: "Other"})
		require.NoError(t, err)
		require.NoError(t, people.Befriend(ctx, id, other))
		require.NoError(t, people.Befriend(ctx, id, other))
		require.NoError(t, people.Delete(ctx, other))
		require.ErrorIs(t, people.Befriend(ctx, id, "4:nope:1"), ErrNotFound)
		friends, err := people.Friends(ctx, id)
		require.NoError(t, err)
		require.Empty(t, friends)
		require.NoError(t, people.Delete(ctx, id))
	})
}
