// Command repository shows a small repository layer over *sql.DB (see
// repository.go): the rest of a program deals in Person values, the layer in
// Cypher. Its unit tests mock the database with go-sqlmock; its integration
// test runs it against a real server.
//
//	NEO4J_URI=neo4j://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=secret go run ./examples/repository
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	_ "github.com/boltwire/neo4j/sqldriver" // registers the "neo4j" driver
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://localhost:7687"
	}
	db, err := sql.Open("neo4j", DSN(uri, os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD")))
	if err == nil {
		defer db.Close()
		err = Demo(ctx, NewPeople(db), os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "repository:", err)
		os.Exit(1)
	}
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

// Demo uses the repository the way application code would.
func Demo(ctx context.Context, people *People, out io.Writer) error {
	ada, err := people.Create(ctx, Person{Name: "Ada", Email: "ada@example.org", Born: 1815, Tags: []string{"math"}})
	if err != nil {
		return err
	}
	grace, err := people.Create(ctx, Person{Name: "Grace", Email: "grace@example.org", Born: 1906, Tags: []string{"math", "navy"}})
	if err != nil {
		return err
	}
	if err := people.Befriend(ctx, ada, grace); err != nil {
		return err
	}
	if err := people.Rename(ctx, ada, "Ada Lovelace"); err != nil {
		return err
	}
	p, err := people.Get(ctx, ada)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s (%d) %v\n", p.Name, p.Born, p.Tags)
	math, err := people.WithTag(ctx, "math")
	if err != nil {
		return err
	}
	for _, m := range math {
		fmt.Fprintf(out, "math: %s <%s>\n", m.Name, m.Email)
	}
	friends, err := people.Friends(ctx, grace)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Grace's friends: %v\n", friends)
	if err := people.Delete(ctx, grace); err != nil {
		return err
	}
	_, err = people.Get(ctx, grace)
	fmt.Fprintf(out, "after delete: not found = %t\n", errors.Is(err, ErrNotFound))
	return people.Delete(ctx, ada)
}
