// Command causal shows causal consistency and transaction functions through
// database/sql: (*sql.Conn).Raw reaches the native session behind a
// connection (its LastBookmarks, its managed transactions), bookmarks carry a
// write over to a second connection pool ("another service"), and
// sqldriver.ExecuteWrite retries a transaction that fails transiently.
//
//	NEO4J_URI=neo4j://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=secret go run ./examples/causal
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

	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://localhost:7687"
	}
	if err := Run(ctx, DSN(uri, os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD")), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "causal:", err)
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

// withOption appends a DSN option.
func withOption(dsn, option string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	if u.RawQuery != "" {
		u.RawQuery += "&"
	}
	u.RawQuery += option
	return u.String()
}

// Run is the demo; it works on :CausalOrder and :CausalCounter nodes.
func Run(ctx context.Context, dsn string, out io.Writer) error {
	orders, err := sql.Open("neo4j", dsn) // the "orders" service
	if err != nil {
		return err
	}
	defer orders.Close()
	if _, err := orders.ExecContext(ctx, "MATCH (n) WHERE n:CausalOrder OR n:CausalCounter DELETE n"); err != nil {
		return err
	}

	// 1. Write through a pinned connection, then read its bookmarks — and run a
	//    native managed transaction on the same session — through Conn.Raw.
	conn, err := orders.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE (:CausalOrder {id: $1, total: $2})", "o-1", 42.5); err != nil {
		return err
	}
	var bookmarks native.Bookmarks
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*sqldriver.Conn)
		if !ok {
			return fmt.Errorf("not a boltwire connection: %T", dc)
		}
		// Native transaction function on this connection's session: retried on
		// transient errors by the native driver.
		_, err := c.Session().ExecuteWrite(ctx, func(tx native.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, "MATCH (o:CausalOrder {id: $id}) SET o.status = 'paid'", map[string]any{"id": "o-1"})
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		bookmarks = c.LastBookmarks() // copy values out; never keep c
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "orders wrote o-1 and got %d bookmark(s)\n", len(bookmarks))

	// 2. "Another service" with its own pool: handing it the bookmarks (say in
	//    an HTTP header) makes its first read wait until that write is visible,
	//    whichever cluster member serves it.
	billing, err := sql.Open("neo4j", withOption(dsn, "bookmarks=session&access_mode=read"))
	if err != nil {
		return err
	}
	defer billing.Close()
	var status string
	err = billing.QueryRowContext(sqldriver.WithBookmarks(ctx, bookmarks),
		"MATCH (o:CausalOrder {id: $1}) RETURN o.status", "o-1").Scan(&status)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "billing sees o-1 as %s\n", status)

	// 3. ExecuteWrite: the whole sql.Tx is retried on transient failures
	//    (deadlocks, leader switches, lost connections before commit). The
	//    first attempt here fails on purpose, as a deadlock would.
	attempts := 0
	err = sqldriver.ExecuteWrite(ctx, orders, func(tx *sql.Tx) error {
		attempts++
		if _, err := tx.ExecContext(ctx, "MERGE (c:CausalCounter {id: 1}) SET c.n = coalesce(c.n, 0) + 1"); err != nil {
			return err
		}
		if attempts == 1 {
			return &native.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "simulated deadlock"}
		}
		return nil
	}, sqldriver.RetryOptions{InitialDelay: 50 * time.Millisecond})
	if err != nil {
		return err
	}
	var n int64
	if err := orders.QueryRowContext(ctx, "MATCH (c:CausalCounter {id: 1}) RETURN c.n").Scan(&n); err != nil {
		return err
	}
	fmt.Fprintf(out, "ExecuteWrite: %d attempts, counter = %d (the failed attempt was rolled back)\n", attempts, n)

	// A non-transient error is returned at once.
	err = sqldriver.ExecuteWrite(ctx, orders, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE (:CausalOrder {id: 'o-2'}) RETURN 1/0")
		return err
	})
	var ne *native.Neo4jError
	if errors.As(err, &ne) {
		fmt.Fprintf(out, "not retried: %s\n", ne.Code)
	}
	return nil
}
