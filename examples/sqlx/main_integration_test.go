package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/require"

	"github.com/boltwire/neo4j/internal/neo4jtest"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

func TestRun(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		db, err := sqlx.Open("neo4j", DSN(s.URI, s.User, s.Password))
		require.NoError(t, err)
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var out bytes.Buffer
		require.NoError(t, Run(ctx, db, &out))
		require.Equal(t, `NamedExec with Cypher colons: could not find name SqlxPerson in main.Person{Name:"Alan", Age:41}
Get: {Name:Ada Age:36}
Select: [{Name:Ada Age:36} {Name:Alan Age:41} {Name:Grace Age:85}]
nested: [{P:{Name:Ada Age:36} Club:Analytical} {P:{Name:Alan Age:41} Club:Analytical}]
node: {Name:Alan Age:41} [SqlxPerson]
node: {Name:Grace Age:85} [SqlxPerson]
`, out.String())
	})
}

// TestSqlxCaveats pins down what sqlx does with Cypher, so the documentation
// stays true.
func TestSqlxCaveats(t *testing.T) {
	// A label is taken for a bind name.
	_, _, err := sqlx.Named("MATCH (p:Person) RETURN p", map[string]any{})
	require.ErrorContains(t, err, "could not find name Person")
	// So is a map key's colon (an empty name).
	_, _, err = sqlx.Named("RETURN {a: :a}", map[string]any{"a": 1})
	require.ErrorContains(t, err, "could not find name  in")
	// :: escapes a colon; with BindDriver("neo4j", DOLLAR) the binds become $1, $2.
	q, args, err := sqlx.Named("CREATE (::Person {name:: :name})-[::KNOWS]->(b)", map[string]any{"name": "x"})
	require.NoError(t, err)
	require.Equal(t, "CREATE (:Person {name: ?})-[:KNOWS]->(b)", q)
	require.Equal(t, []any{"x"}, args)
	require.Equal(t, "CREATE (:Person {name: $1})-[:KNOWS]->(b)", sqlx.Rebind(sqlx.BindType("neo4j"), q))
}
