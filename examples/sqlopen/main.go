// Command sqlopen shows existing database/sql code running against Neo4j:
// sql.Open with a DSN, ExecContext, QueryContext, a transaction that commits,
// one that rolls back, and a ReadOnly transaction (where a write fails).
//
//	NEO4J_URI=neo4j://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=secret go run ./examples/sqlopen
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
	db, err := sql.Open("neo4j", DSNFromEnv())
	if err == nil {
		defer db.Close()
		err = Run(ctx, db, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqlopen:", err)
		os.Exit(1)
	}
}

// DSNFromEnv builds a DSN from NEO4J_URI (default bolt://localhost:7687),
// NEO4J_USER and NEO4J_PASSWORD.
func DSNFromEnv() string {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://localhost:7687"
	}
	return DSN(uri, os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD"))
}

// DSN puts the credentials into a driver URI (escaping them as URLs need).
func DSN(uri, user, password string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri // sql.Open reports the problem
	}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// Account is one row of the demo.
type Account struct {
	Owner   string
	Balance int64
}

// Run is the demo: it works on nodes labelled :SqlOpenAccount, which it
// deletes first.
func Run(ctx context.Context, db *sql.DB, out io.Writer) error {
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if _, err := db.ExecContext(ctx, "MATCH (a:SqlOpenAccount) DELETE a"); err != nil {
		return err
	}

	// Exec: positional parameters are $1, $2, ...; RowsAffected counts writes.
	res, err := db.ExecContext(ctx,
		"UNWIND $1 AS owner CREATE (:SqlOpenAccount {owner: owner, balance: $2})",
		[]string{"alice", "bob"}, 100)
	if err != nil {
		return fmt.Errorf("create accounts: %w", err)
	}
	n, _ := res.RowsAffected()
	fmt.Fprintf(out, "created accounts: %d changes (2 nodes, 2 labels, 4 properties)\n", n)

	// Tx that commits: move 30 from alice to bob.
	if err := transfer(ctx, db, "alice", "bob", 30); err != nil {
		return err
	}
	// Tx that rolls back: alice cannot pay 500.
	err = transfer(ctx, db, "alice", "bob", 500)
	fmt.Fprintf(out, "transfer of 500: %v\n", err)

	// Query: named parameters are $name.
	accounts, err := list(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "accounts: %v\n", accounts)

	// ReadOnly transaction: reads work; a write is refused by the server.
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var total int64
	if err := tx.QueryRowContext(ctx, "MATCH (a:SqlOpenAccount) RETURN sum(a.balance)").Scan(&total); err != nil {
		return err
	}
	fmt.Fprintf(out, "total in a read-only transaction: %d\n", total)
	_, err = tx.ExecContext(ctx, "CREATE (:SqlOpenAccount {owner: 'mallory', balance: 1000000})")
	fmt.Fprintf(out, "write in a read-only transaction refused: %t\n", err != nil)
	return nil
}

var errInsufficient = errors.New("insufficient funds")

// transfer moves amount between two accounts in one transaction.
func transfer(ctx context.Context, db *sql.DB, from, to string, amount int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // no-op after Commit
	var left int64
	err = tx.QueryRowContext(ctx,
		"MATCH (a:SqlOpenAccount {owner: $owner}) SET a.balance = a.balance - $amount RETURN a.balance",
		sql.Named("owner", from), sql.Named("amount", amount)).Scan(&left)
	if err != nil {
		return err
	}
	if left < 0 {
		return fmt.Errorf("%s: %w (rolled back)", from, errInsufficient)
	}
	if _, err := tx.ExecContext(ctx,
		"MATCH (a:SqlOpenAccount {owner: $owner}) SET a.balance = a.balance + $amount",
		sql.Named("owner", to), sql.Named("amount", amount)); err != nil {
		return err
	}
	return tx.Commit()
}

func list(ctx context.Context, db *sql.DB) ([]Account, error) {
	rows, err := db.QueryContext(ctx,
		"MATCH (a:SqlOpenAccount) WHERE a.balance >= $min RETURN a.owner, a.balance ORDER BY a.owner",
		sql.Named("min", 0))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		if err := rows.Scan(&a.Owner, &a.Balance); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
