package sqldriver_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"

	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
)

// The DSN carries the address, credentials, database and options.
func ExampleParseDSN() {
	cfg, err := sqldriver.ParseDSN("neo4j://app:secret@db.example.com/movies?access_mode=read&fetch_size=200&routing.region=eu")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.URI)
	fmt.Println(cfg.Database, cfg.AccessMode, cfg.FetchSize, cfg.Bookmarks)

	_, err = sqldriver.ParseDSN("neo4j://app:secret@db.example.com?fetchsize=200")
	fmt.Println(err != nil)
	// Output:
	// neo4j://db.example.com:7687?region=eu
	// movies READ 200 shared
	// true
}

// Open a database, write, and read back with positional and named parameters.
func Example() {
	db, err := sql.Open("neo4j", os.Getenv("NEO4J_DSN")) // e.g. "neo4j://neo4j:password@localhost:7687"
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	if _, err := db.ExecContext(ctx, "CREATE (:Person {name: $1, born: $2})", "Ada", 1815); err != nil {
		log.Fatal(err)
	}
	var born int
	err = db.QueryRowContext(ctx, "MATCH (p:Person {name: $name}) RETURN p.born", sql.Named("name", "Ada")).Scan(&born)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(born)
}

// Nodes scan into structs through conv.Props.
func Example_nodes() {
	db, err := sql.Open("neo4j", os.Getenv("NEO4J_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	type Person struct {
		Name string `db:"name"`
		Born int    `db:"born"`
	}
	rows, err := db.QueryContext(context.Background(), "MATCH (p:Person) RETURN p ORDER BY p.name")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p conv.Props[Person]
		if err := rows.Scan(&p); err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.V.Name, p.V.Born, p.Labels)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
}

// ExecuteWrite retries the whole transaction on transient errors.
func ExampleExecuteWrite() {
	db, err := sql.Open("neo4j", os.Getenv("NEO4J_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	err = sqldriver.ExecuteWrite(ctx, db, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "MERGE (c:Counter {id: 1}) SET c.n = coalesce(c.n, 0) + 1")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
}

// Conn.Raw reaches the native session: here its bookmarks, handed to a native
// session that must see the write.
func ExampleConn() {
	db, err := sql.Open("neo4j", os.Getenv("NEO4J_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE (:Event {at: datetime()})"); err != nil {
		log.Fatal(err)
	}
	var bookmarks native.Bookmarks
	err = conn.Raw(func(dc any) error {
		bookmarks = dc.(*sqldriver.Conn).LastBookmarks() // copy out values, never the Conn
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(bookmarks) > 0)
}

// The full summary of a statement travels through a context sink.
func ExampleWithSummary() {
	db, err := sql.Open("neo4j", os.Getenv("NEO4J_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var sum native.ResultSummary
	ctx := sqldriver.WithSummary(context.Background(), &sum)
	if _, err := db.ExecContext(ctx, "MATCH (p:Person) SET p.seen = true"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(sum.Counters().PropertiesSet(), sum.Database().Name())
}

// What a DSN cannot carry goes through a Config: OpenDB, or RegisterConfig for
// code that must call sql.Open.
func ExampleRegisterConfig() {
	cfg := sqldriver.NewConfig("neo4j://localhost:7687")
	cfg.Auth = native.BearerAuth("a-token-from-your-identity-provider")
	cfg.Database = "movies"
	name := sqldriver.RegisterConfig(cfg)
	defer sqldriver.UnregisterConfig(name)

	db, err := sql.Open("neo4j", name)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println(db.Driver() != nil)
	// Output: true
}
