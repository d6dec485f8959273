package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/boltwire/neo4j/native"
)

// Scenario runs the seed's session API walk-through against the server at uri.
func Scenario(ctx context.Context, out io.Writer, uri, user, password string) error {
	auth := native.NoAuth()
	if user != "" {
		auth = native.BasicAuth(user, password, "")
	}
	driver, err := native.NewDriver(uri, auth)
	if err != nil {
		return err
	}
	defer driver.Close(ctx)
	if err := driver.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("connecting to %s: %w", uri, err)
	}
	info, err := driver.GetServerInfo(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "connected to %s (%s) over Bolt %d.%d\n", info.Address(), info.Agent(), info.ProtocolVersion().Major, info.ProtocolVersion().Minor)

	session := driver.NewSession(ctx, native.SessionConfig{})
	defer session.Close(ctx)

	// Start from a clean slate for the demo's own label.
	if _, err := session.ExecuteWrite(ctx, func(tx native.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "MATCH (p:QuickstartPerson) DETACH DELETE p", nil)
		if err != nil {
			return nil, err
		}
		return res.Consume(ctx)
	}); err != nil {
		return err
	}

	// A write transaction function that returns a value (retried on transient errors).
	for _, name := range []string{"Alice", "Bob"} {
		id, err := native.ExecuteWrite(ctx, session, func(tx native.ManagedTransaction) (string, error) {
			res, err := tx.Run(ctx, "CREATE (p:QuickstartPerson {name: $name}) RETURN elementId(p) AS id",
				map[string]any{"name": name})
			if err != nil {
				return "", err
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return "", err
			}
			id, _, err := native.GetRecordValue[string](rec, "id")
			return id, err
		})
		if err != nil {
			return fmt.Errorf("creating %s: %w", name, err)
		}
		fmt.Fprintf(out, "created %s with element id %s\n", name, id)
	}

	// A read transaction function.
	names, err := native.ExecuteRead(ctx, session, func(tx native.ManagedTransaction) ([]string, error) {
		res, err := tx.Run(ctx, "MATCH (p:QuickstartPerson) RETURN p.name AS name ORDER BY name", nil)
		if err != nil {
			return nil, err
		}
		return native.CollectT(ctx, res, func(r *native.Record) (string, error) {
			n, _, err := native.GetRecordValue[string](r, "name")
			return n, err
		})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "people: %v\n", names)

	// An explicit transaction with metadata that commits...
	tx, err := session.BeginTransaction(ctx, native.WithTxMetadata(map[string]any{"app": "quickstart"}))
	if err != nil {
		return err
	}
	if _, err := tx.Run(ctx, "MATCH (a:QuickstartPerson {name: 'Alice'}), (b:QuickstartPerson {name: 'Bob'}) CREATE (a)-[:KNOWS]->(b)", nil); err != nil {
		_ = tx.Close(ctx)
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "committed: Alice KNOWS Bob")

	// ...and one that rolls back.
	tx, err = session.BeginTransaction(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Run(ctx, "CREATE (:QuickstartPerson {name: 'Ghost'})", nil); err != nil {
		_ = tx.Close(ctx)
		return err
	}
	if err := tx.Rollback(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "rolled back: Ghost was never created")

	// Causal consistency: a second session starts from the first one's bookmarks.
	bookmarks := session.LastBookmarks()
	reader := driver.NewSession(ctx, native.SessionConfig{AccessMode: native.AccessModeRead, Bookmarks: bookmarks})
	defer reader.Close(ctx)
	res, err := reader.Run(ctx, "MATCH (:QuickstartPerson)-[k:KNOWS]->(:QuickstartPerson) RETURN count(k) AS knows, "+
		"count { MATCH (g:QuickstartPerson {name: 'Ghost'}) } AS ghosts", nil)
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	knows, _, _ := native.GetRecordValue[int64](rec, "knows")
	ghosts, _, _ := native.GetRecordValue[int64](rec, "ghosts")
	fmt.Fprintf(out, "second session (bookmarks %v) sees %d KNOWS relationship(s) and %d ghost(s)\n", bookmarks, knows, ghosts)
	if knows != 1 || ghosts != 0 {
		return errors.New("unexpected state after the transactions")
	}

	// Clean up.
	_, err = native.ExecuteQuery(ctx, driver, "MATCH (p:QuickstartPerson) DETACH DELETE p", nil,
		native.EagerResultTransformer)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "done")
	return nil
}
