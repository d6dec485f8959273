package native_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/boltwire/neo4j/native"
)

// A driver, a session, and the seed's three kinds of transactions.
func Example() {
	ctx := context.Background()
	driver, err := native.NewDriver("bolt://localhost:7687", native.BasicAuth("neo4j", os.Getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		panic(err)
	}
	defer driver.Close(ctx)

	session := driver.NewSession(ctx, native.SessionConfig{})
	defer session.Close(ctx)

	// Auto-commit transaction.
	result, err := session.Run(ctx, "CREATE (n:Person {name: $name}) RETURN n", map[string]any{"name": "Alice"})
	if err != nil {
		panic(err)
	}
	if _, err := result.Consume(ctx); err != nil {
		panic(err)
	}

	// Read transaction with retry.
	names, err := native.ExecuteRead(ctx, session, func(tx native.ManagedTransaction) ([]string, error) {
		result, err := tx.Run(ctx, "MATCH (n:Person) RETURN n.name AS name", nil)
		if err != nil {
			return nil, err
		}
		return native.CollectT(ctx, result, func(r *native.Record) (string, error) {
			name, _, err := native.GetRecordValue[string](r, "name")
			return name, err
		})
	})
	fmt.Println(names, err)

	// Manual transaction control.
	tx, err := session.BeginTransaction(ctx, native.WithTxTimeout(5*time.Second))
	if err != nil {
		panic(err)
	}
	defer tx.Close(ctx) // rolls back unless committed
	if _, err := tx.Run(ctx, "CREATE (n:Person {name: $name})", map[string]any{"name": "Charlie"}); err != nil {
		return
	}
	if err := tx.Commit(ctx); err != nil {
		fmt.Println("commit failed:", err)
	}
}

// A write transaction function returning a typed value.
func ExampleExecuteWrite() {
	ctx := context.Background()
	driver, _ := native.NewDriver("bolt://localhost:7687", native.NoAuth())
	defer driver.Close(ctx)
	session := driver.NewSession(ctx, native.SessionConfig{})
	defer session.Close(ctx)

	id, err := native.ExecuteWrite(ctx, session, func(tx native.ManagedTransaction) (string, error) {
		result, err := tx.Run(ctx, "CREATE (n:Person {name: $name}) RETURN elementId(n) AS id", map[string]any{"name": "Bob"})
		record, err := native.Single(ctx, result, err)
		if err != nil {
			return "", err
		}
		id, _, err := native.GetRecordValue[string](record, "id")
		return id, err
	}, native.WithTxMetadata(map[string]any{"app": "example"}))
	fmt.Println(id, err)
}

// Causal consistency: a reading session waits for a writing session's bookmarks.
func ExampleSession_LastBookmarks() {
	ctx := context.Background()
	driver, _ := native.NewDriver("neo4j://localhost:7687", native.NoAuth())
	defer driver.Close(ctx)

	write := driver.NewSession(ctx, native.SessionConfig{})
	if result, err := write.Run(ctx, "CREATE (n:Person {name: 'Alice'})", nil); err == nil {
		result.Consume(ctx)
	}
	bookmarks := write.LastBookmarks()
	write.Close(ctx)

	read := driver.NewSession(ctx, native.SessionConfig{Bookmarks: bookmarks, AccessMode: native.AccessModeRead})
	defer read.Close(ctx)
	result, err := read.Run(ctx, "MATCH (n:Person {name: 'Alice'}) RETURN n", nil)
	if err == nil {
		records, _ := result.Collect(ctx)
		fmt.Println(len(records))
	}
}

// Sessions sharing a bookmark manager see each other's writes.
func ExampleNewBookmarkManager() {
	ctx := context.Background()
	driver, _ := native.NewDriver("neo4j://localhost:7687", native.NoAuth())
	defer driver.Close(ctx)
	bm := native.NewBookmarkManager(native.BookmarkManagerConfig{})
	a := driver.NewSession(ctx, native.SessionConfig{BookmarkManager: bm})
	defer a.Close(ctx)
	b := driver.NewSession(ctx, native.SessionConfig{BookmarkManager: bm, AccessMode: native.AccessModeRead})
	defer b.Close(ctx)
	// Writes through a are visible to b's next transaction.
}

// ExecuteQuery runs one query in a retried transaction and keeps the result.
func ExampleExecuteQuery() {
	ctx := context.Background()
	driver, _ := native.NewDriver("neo4j://localhost:7687", native.NoAuth())
	defer driver.Close(ctx)
	res, err := native.ExecuteQuery(ctx, driver, "MATCH (p:Person) RETURN p.name AS name", nil,
		native.EagerResultTransformer, native.ExecuteQueryWithReadersRouting(), native.ExecuteQueryWithDatabase("neo4j"))
	if err != nil {
		return
	}
	for _, r := range res.Records {
		fmt.Println(r.AsMap()["name"])
	}
	fmt.Println(res.Summary.ResultAvailableAfter())
}

// Records map onto structs by `db` tag (`neo4j` as alias) or field name.
func ExampleRecordAs() {
	type Person struct {
		Name string `db:"name"`
		Age  int    `db:"age"`
	}
	rec := &native.Record{Keys: []string{"name", "age"}, Values: []any{"Alice", int64(30)}}
	p, err := native.RecordAs[Person](rec)
	fmt.Println(p, err)

	// A single node column maps its properties.
	node := native.Node{Labels: []string{"Person"}, Props: map[string]any{"name": "Bob", "age": int64(40)}}
	p, err = native.RecordAs[Person](&native.Record{Keys: []string{"p"}, Values: []any{node}})
	fmt.Println(p, err)
	// Output:
	// {Alice 30} <nil>
	// {Bob 40} <nil>
}

// Scan copies a record's values into typed variables.
func ExampleRecord_Scan() {
	rec := &native.Record{Keys: []string{"name", "age", "email"}, Values: []any{"Alice", int64(30), nil}}
	var name string
	var age int
	var email *string
	err := rec.Scan(&name, &age, &email)
	fmt.Println(name, age, email, err)
	// Output: Alice 30 <nil> <nil>
}

// Bad URIs and options are reported by NewDriver, naming the culprit.
func ExampleNewDriver() {
	_, err := native.NewDriver("http://localhost:7687", native.NoAuth())
	fmt.Println(err)
	_, err = native.NewDriver("bolt://localhost:7687?region=eu", native.NoAuth())
	fmt.Println(err)
	_, err = native.NewDriver("bolt://localhost", native.NoAuth(), func(c *native.Config) {
		c.MaxConnectionPoolSize = 0
	})
	fmt.Println(err)
	// Output:
	// URI scheme "http" is not supported (want bolt, bolt+s, bolt+ssc, neo4j, neo4j+s or neo4j+ssc)
	// URI query "region=eu" is only allowed (as routing context) with the neo4j, neo4j+s and neo4j+ssc schemes, not with bolt://
	// Config.MaxConnectionPoolSize must not be 0 (negative means unlimited)
}

// Tokens never print their secrets.
func ExampleBasicAuth() {
	tok := native.BasicAuth("neo4j", "s3cret", "")
	fmt.Println(tok)
	fmt.Printf("%+v\n", native.SessionConfig{Auth: &tok, DatabaseName: "neo4j"})
	// Output:
	// AuthToken{scheme=basic, principal=neo4j, credentials=<redacted>}
	// SessionConfig{AccessMode=WRITE, Bookmarks=0, DatabaseName="neo4j", FetchSize=0, ImpersonatedUser="", BookmarkManager=false, Auth=AuthToken{scheme=basic, principal=neo4j, credentials=<redacted>}, NotificationsMinSeverity="", NotificationsDisabledClassifications=[], BoltTrace=false}
}

// Errors are matched with errors.As, through any wrapping.
func ExampleNeo4jError() {
	err := fmt.Errorf("saving order: %w", &native.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"})
	var nerr *native.Neo4jError
	if errors.As(err, &nerr) {
		fmt.Println(nerr.Classification(), nerr.Title(), native.IsRetryable(err))
	}
	// Output: TransientError DeadlockDetected true
}
