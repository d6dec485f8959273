package conv_test

import (
	"database/sql"
	"fmt"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/dbtype"
)

// Person is mapped from a node's properties by `db` tag.
type Person struct {
	Name string   `db:"name"`
	Age  int      `db:"age"`
	Tags []string `db:"tags"`
}

// A node scanned through database/sql (here a mocked database returning what the
// sqldriver would) lands in a struct with conv.Props; a list lands in a typed
// slice with conv.List.
func ExampleProps() {
	db, mock, _ := sqlmock.New(sqlmock.ValueConverterOption(conv.ParamConverter))
	defer db.Close()
	mock.ExpectQuery("MATCH").WillReturnRows(mock.NewRows([]string{"p", "friends"}).AddRow(
		dbtype.Node{ElementId: "4:db:1", Labels: []string{"Person"},
			Props: map[string]any{"name": "Ada", "age": int64(36), "tags": []any{"math"}}},
		[]any{"Charles", "Mary"},
	))

	var p conv.Props[Person]
	var friends conv.List[string]
	err := db.QueryRow("MATCH (p:Person)-[:KNOWS]-(f) RETURN p, collect(f.name) AS friends").Scan(&p, &friends)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.V.Name, p.V.Age, p.V.Tags, p.Labels, friends)
	// Output: Ada 36 [math] [Person] [Charles Mary]
}

// Assign converts a value returned by the native API into a Go variable, and
// names both types when it cannot.
func ExampleAssign() {
	var ages []int8
	err := conv.Assign(&ages, []any{int64(36), int64(300)})
	fmt.Println(err)
	// Output: conv: cannot convert Neo4j INTEGER to Go int8 (at [1]): value 300 overflows int8
}

// Param turns a struct into the parameter map a query expects.
func ExampleParam() {
	type Movie struct {
		Title string `db:"title"`
		Year  int    `db:"year,omitempty"`
	}
	m, _ := conv.Param(Movie{Title: "Alien"})
	fmt.Println(m)
	// Output: map[title:Alien]
}

// A NULL column scans into sql.Null wrapped around a conv type.
func ExampleNode_nullable() {
	db, mock, _ := sqlmock.New(sqlmock.ValueConverterOption(conv.ParamConverter))
	defer db.Close()
	mock.ExpectQuery("OPTIONAL").WillReturnRows(mock.NewRows([]string{"n"}).AddRow(nil))
	var n sql.Null[conv.Node]
	_ = db.QueryRow("OPTIONAL MATCH (n:Missing) RETURN n").Scan(&n)
	fmt.Println(n.Valid)
	// Output: false
}
