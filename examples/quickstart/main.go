// Command quickstart runs the seed scenario of the session API through package native:
// create people in a write transaction function, read them back in a read transaction
// function, run an explicit transaction that commits and one that rolls back, and chain
// two sessions causally with bookmarks.
//
// With NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) set it talks to that server; otherwise
// it starts a local Neo4j of its own with testserver/neo4j-server and stops it at the end.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/boltwire/neo4j/internal/testserver"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out *os.File) error {
	uri, user, password := os.Getenv("NEO4J_URI"), os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD")
	if uri == "" {
		fmt.Fprintln(out, "NEO4J_URI is not set: starting a local Neo4j 5.26 (testserver/neo4j-server)...")
		srv, err := testserver.Start(ctx, testserver.Options{Line: os.Getenv("NEO4J_LINE")})
		if err != nil {
			return err
		}
		defer srv.Stop()
		uri, user, password = srv.URI, srv.User, srv.Password
	} else if user == "" {
		user = "neo4j"
	}
	return Scenario(ctx, out, uri, user, password)
}
