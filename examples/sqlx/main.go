// Command sqlx shows github.com/jmoiron/sqlx on Neo4j: Get and Select into
// structs by `db` tag, nested structs filled from dotted columns
// (RETURN p.name, p.age), nodes scanned into structs with conv.Props, and the
// caveat of NamedExec: sqlx reads every colon as the start of a bind name, so
// each colon Cypher needs — labels (n:Person), relationship types [:KNOWS],
// map keys {name: ...} — must be doubled (::) — or, simpler, pass the struct
// itself as a parameter.
//
//	NEO4J_URI=neo4j://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=secret go run ./examples/sqlx
package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/boltwire/neo4j/conv"
	_ "github.com/boltwire/neo4j/sqldriver" // registers the "neo4j" driver
)

func init() {
	// sqlx does not know the driver's placeholder style; Cypher's positional
	// parameters are $1, $2, ... (only Rebind and the Named* compilers use it).
	sqlx.BindDriver("neo4j", sqlx.DOLLAR)
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sqlx.Open("neo4j", DSN(getenv("NEO4J_URI", "bolt://localhost:7687"), os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD")))
	if err == nil {
		defer db.Close()
		err = Run(ctx, db, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqlx:", err)
		os.Exit(1)
	}
}

func getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// DSN puts the credentials into a driver URI.
func DSN(uri, user, password string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// Person is mapped by `db` tag, by sqlx when scanning columns and by the
// driver when the struct is a parameter.
type Person struct {
	Name string `db:"name"`
	Age  int    `db:"age"`
}

// Membership nests a Person: the columns "p.name" and "p.age" fill P.
type Membership struct {
	P    Person `db:"p"`
	Club string `db:"club"`
}

// Run is the demo; it works on :SqlxPerson and :SqlxClub nodes, which it
// deletes first.
func Run(ctx context.Context, db *sqlx.DB, out io.Writer) error {
	if _, err := db.ExecContext(ctx, "MATCH (n) WHERE n:SqlxPerson OR n:SqlxClub DETACH DELETE n"); err != nil {
		return err
	}

	// A struct is a parameter map by itself: no NamedExec needed.
	for _, p := range []Person{{"Ada", 36}, {"Grace", 85}} {
		if _, err := db.ExecContext(ctx, "CREATE (p:SqlxPerson) SET p = $1", p); err != nil {
			return err
		}
	}

	// NamedExec: the label and the map keys' colons are read as bind names...
	_, err := db.NamedExecContext(ctx, "CREATE (:SqlxPerson {name: :name, age: :age})", Person{"Alan", 41})
	fmt.Fprintf(out, "NamedExec with Cypher colons: %v\n", err)
	// ...unless every Cypher colon is doubled (sqlx's escape for a literal colon).
	if _, err := db.NamedExecContext(ctx, "CREATE (::SqlxPerson {name:: :name, age:: :age})", Person{"Alan", 41}); err != nil {
		return err
	}

	// Get: one row into a struct (columns aliased to the tags).
	var ada Person
	if err := db.GetContext(ctx, &ada, "MATCH (p:SqlxPerson {name: $1}) RETURN p.name AS name, p.age AS age", "Ada"); err != nil {
		return err
	}
	fmt.Fprintf(out, "Get: %+v\n", ada)

	// Select: many rows.
	var people []Person
	if err := db.SelectContext(ctx, &people, "MATCH (p:SqlxPerson) RETURN p.name AS name, p.age AS age ORDER BY name"); err != nil {
		return err
	}
	fmt.Fprintf(out, "Select: %+v\n", people)

	// Nested structs from dotted column names.
	if _, err := db.ExecContext(ctx, `MATCH (p:SqlxPerson) WHERE p.name IN ['Ada', 'Alan']
		MERGE (c:SqlxClub {name: 'Analytical'}) CREATE (p)-[:MEMBER_OF]->(c)`); err != nil {
		return err
	}
	var members []Membership
	if err := db.SelectContext(ctx, &members, `MATCH (p:SqlxPerson)-[:MEMBER_OF]->(c:SqlxClub)
		RETURN p.name, p.age, c.name AS club ORDER BY p.name`); err != nil {
		return err
	}
	fmt.Fprintf(out, "nested: %+v\n", members)

	// Whole nodes into structs: conv.Props is a sql.Scanner, so sqlx scans the
	// column into it; the labels and element id come along.
	var nodes []conv.Props[Person]
	if err := db.SelectContext(ctx, &nodes, "MATCH (p:SqlxPerson) WHERE p.age > $1 RETURN p ORDER BY p.age", 40); err != nil {
		return err
	}
	for _, n := range nodes {
		fmt.Fprintf(out, "node: %+v %v\n", n.V, n.Labels)
	}
	return nil
}
