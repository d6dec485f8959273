package native

import (
	"context"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

// The seed's session examples, translated.
func TestSeedSessionExamples(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, driver := cleanServer(t, s)
		session := driver.NewSession(ctx, SessionConfig{})
		defer session.Close(ctx)

		// Auto-commit transaction.
		result, err := session.Run(ctx, "CREATE (n:Person {name: $name}) RETURN n", map[string]any{"name": "Alice"})
		require.NoError(t, err)
		rec, err := result.Single(ctx)
		require.NoError(t, err)
		node, _, err := GetRecordValue[Node](rec, "n")
		require.NoError(t, err)
		require.Equal(t, []string{"Person"}, node.Labels)
		require.Equal(t, "Alice", node.Props["name"])
		require.NotEmpty(t, node.ElementId)

		// Read transaction with retry.
		names, err := ExecuteRead(ctx, session, func(tx ManagedTransaction) ([]string, error) {
			result, err := tx.Run(ctx, "MATCH (n:Person) RETURN n.name AS name", nil)
			if err != nil {
				return nil, err
			}
			return CollectT(ctx, result, func(r *Record) (string, error) {
				v, _, err := GetRecordValue[string](r, "name")
				return v, err
			})
		})
		require.NoError(t, err)
		require.Equal(t, []string{"Alice"}, names)

		// Write transaction returning a value.
		createPerson := func(name string) func(tx ManagedTransaction) (string, error) {
			return func(tx ManagedTransaction) (string, error) {
				result, err := tx.Run(ctx, "CREATE (n:Person {name: $name}) RETURN elementId(n) AS id", map[string]any{"name": name})
				rec, err := Single(ctx, result, err)
				if err != nil {
					return "", err
				}
				id, _, err := GetRecordValue[string](rec, "id")
				return id, err
			}
		}
		bobID, err := ExecuteWrite(ctx, session, createPerson("Bob"))
		require.NoError(t, err)
		require.NotEmpty(t, bobID)

		// Manual transaction control: commit.
		tx, err := session.BeginTransaction(ctx)
		require.NoError(t, err)
		_, err = tx.Run(ctx, "CREATE (n:Person {name: $name})", map[string]any{"name": "Charlie"})
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))

		// Manual transaction control: rollback.
		tx, err = session.BeginTransaction(ctx)
		require.NoError(t, err)
		_, err = tx.Run(ctx, "CREATE (n:Person {name: $name})", map[string]any{"name": "Dave"})
		require.NoError(t, err)
		require.NoError(t, tx.Rollback(ctx))

		count := func() int64 {
			res, err := ExecuteQuery(ctx, driver, "MATCH (n:Person) RETURN count(n) AS c", nil, EagerResultTransformer,
				ExecuteQueryWithReadersRouting())
			require.NoError(t, err)
			require.Len(t, res.Records, 1)
			return res.Records[0].Values[0].(int64)
		}
		require.Equal(t, int64(3), count(), "Alice, Bob, Charlie; Dave rolled back")

		// Transaction function creating a relationship, returning the record's values.
		vals, err := session.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
			result, err := tx.Run(ctx, `MATCH (p1:Person {name: $name1}), (p2:Person {name: $name2})
				CREATE (p1)-[:FRIENDS_WITH]->(p2) RETURN p1.name, p2.name`, map[string]any{"name1": "Alice", "name2": "Bob"})
			rec, err := Single(ctx, result, err)
			if err != nil {
				return nil, err
			}
			return rec.Values, nil
		})
		require.NoError(t, err)
		require.Equal(t, []any{"Alice", "Bob"}, vals)
	})
}

func TestCausalConsistencyAcrossSessions(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, driver := cleanServer(t, s)

		// Bookmarks handed over by hand.
		write := driver.NewSession(ctx, SessionConfig{})
		res, err := write.Run(ctx, "CREATE (n:Person {name: 'Alice'})", nil)
		require.NoError(t, err)
		_, err = res.Consume(ctx)
		require.NoError(t, err)
		bookmarks := write.LastBookmarks()
		require.NoError(t, write.Close(ctx))
		require.Len(t, bookmarks, 1)

		read := driver.NewSession(ctx, SessionConfig{Bookmarks: bookmarks, AccessMode: AccessModeRead})
		defer read.Close(ctx)
		res, err = read.Run(ctx, "MATCH (n:Person {name: 'Alice'}) RETURN n", nil)
		require.NoError(t, err)
		recs, err := res.Collect(ctx)
		require.NoError(t, err)
		require.Len(t, recs, 1)

		// A shared bookmark manager.
		var consumed []Bookmarks
		bm := NewBookmarkManager(BookmarkManagerConfig{
			InitialBookmarks:  bookmarks,
			BookmarksConsumer: func(_ context.Context, b Bookmarks) error { consumed = append(consumed, b); return nil },
		})
		s1 := driver.NewSession(ctx, SessionConfig{BookmarkManager: bm})
		defer s1.Close(ctx)
		s2 := driver.NewSession(ctx, SessionConfig{BookmarkManager: bm, AccessMode: AccessModeRead})
		defer s2.Close(ctx)
		_, err = s1.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
			_, err := tx.Run(ctx, "CREATE (:Person {name: 'Bob'})", nil)
			return nil, err
		})
		require.NoError(t, err)
		require.Len(t, consumed, 1)
		mb, err := bm.GetBookmarks(ctx)
		require.NoError(t, err)
		require.Equal(t, s1.LastBookmarks(), mb, "the manager replaced the initial bookmark by the new one")
		n, err := ExecuteRead(ctx, s2, func(tx ManagedTransaction) (int64, error) {
			res, err := tx.Run(ctx, "MATCH (p:Person) RETURN count(p)", nil)
			rec, err := Single(ctx, res, err)
			if err != nil {
				return 0, err
			}
			return rec.Values[0].(int64), nil
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
	})
}

func TestSessionConfigurations(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx, driver := cleanServer(t, s)

		// Explicit database.
		sys := driver.NewSession(ctx, SessionConfig{DatabaseName: "system", AccessMode: AccessModeRead})
		defer sys.Close(ctx)
		res, err := sys.Run(ctx, "SHOW DATABASES YIELD name RETURN name ORDER BY name", nil)
		require.NoError(t, err)
		recs, err := res.Collect(ctx)
		require.NoError(t, err)
		var dbs []string
		for _, r := range recs {
			dbs = append(dbs, r.Values[0].(string))
		}
		require.Contains(t, dbs, "neo4j")
		sum, err := res.Consume(ctx)
		require.NoError(t, err)
		require.Equal(t, "system", sum.Database().Name())

		// Unknown database: a server error naming it.
		bad := driver.NewSession(ctx, SessionConfig{DatabaseName: "nosuchdb"})
		defer bad.Close(ctx)
		_, err = bad.Run(ctx, "RETURN 1", nil)
		var nerr *Neo4jError
		require.ErrorAs(t, err, &nerr)
		require.Equal(t, "Neo.ClientError.Database.DatabaseNotFound", nerr.Code)

		// Session-level auth as another user.
		require.NoError(t, s.Exec(ctx, "CREATE OR REPLACE USER sessionuser SET PASSWORD 'pw12345678' CHANGE NOT REQUIRED", nil))
		other := BasicAuth("sessionuser", "pw12345678", "")
		as := driver.NewSession(ctx, SessionConfig{Auth: &other})
		defer as.Close(ctx)
		res, err = as.Run(ctx, "SHOW CURRENT USER YIELD user", nil)
		require.NoError(t, err)
		rec, err := res.Single(ctx)
		require.NoError(t, err)
		require.Equal(t, "sessionuser", rec.Values[0])
		// The pooled connection goes back to the driver's user afterwards.
		main := driver.NewSession(ctx, SessionConfig{})
		defer main.Close(ctx)
		res, err = main.Run(ctx, "SHOW CURRENT USER YIELD user", nil)
		require.NoError(t, err)
		rec, err = res.Single(ctx)
		require.NoError(t, err)
		require.Equal(t, s.User, rec.Values[0])
		require.Len(t, driver.Stats(), 1)
		require.Equal(t, uint64(1), driver.Stats()[0].Created, "re-authentication reused the pooled connection")
	})
}

func TestSeveralOpenResultsInOneTransaction(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := testCtx(t)
		driver := newServerDriver(t, s)
		sess := driver.NewSession(ctx, SessionConfig{FetchSize: 2})
		defer sess.Close(ctx)
		tx, err := sess.BeginTransaction(ctx)
		require.NoError(t, err)
		defer tx.Close(ctx)
		a, err := tx.Run(ctx, "UNWIND range(1, 5) AS x RETURN x", nil)
		require.NoError(t, err)
		require.True(t, a.Next(ctx))
		b, err := tx.Run(ctx, "UNWIND range(101, 105) AS x RETURN x", nil)
		require.NoError(t, err)
		var got []int64
		for {
			okA, okB := a.Next(ctx), b.Next(ctx)
			if !okA && !okB {
				break
			}
			if okA {
				got = append(got, a.Record().Values[0].(int64))
			}
			if okB {
				got = append(got, b.Record().Values[0].(int64))
			}
		}
		require.NoError(t, a.Err())
		require.NoError(t, b.Err())
		require.Equal(t, []int64{2, 101, 3, 102, 4, 103, 5, 104, 105}, got)
		require.NoError(t, tx.Commit(ctx))
	})
}

func TestRoutingURIAgainstSingleServer(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := testCtx(t)
		d, err := NewDriver("neo4j://"+s.Address()+"?policy=default", serverAuth(s))
		require.NoError(t, err)
		defer d.Close(ctx)
		require.NoError(t, d.VerifyConnectivity(ctx))
		_, err = ExecuteQuery(ctx, d, "CREATE (:Routed {at: timestamp()})", nil, EagerResultTransformer)
		require.NoError(t, err)
		res, err := ExecuteQuery(ctx, d, "MATCH (n:Routed) RETURN count(n) AS c", nil, EagerResultTransformer,
			ExecuteQueryWithReadersRouting())
		require.NoError(t, err)
		require.GreaterOrEqual(t, res.Records[0].Values[0].(int64), int64(1))
		require.Equal(t, "neo4j", res.Summary.Database().Name())

		sess := d.NewSession(ctx, SessionConfig{AccessMode: AccessModeRead, DatabaseName: "system"})
		defer sess.Close(ctx)
		r, err := sess.Run(ctx, "SHOW DATABASES YIELD name", nil)
		require.NoError(t, err)
		recs, err := r.Collect(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, recs)
	})
}
