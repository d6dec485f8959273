package reliability

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/faultproxy"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
)

// TestDeadPooledSocketsPurged kills every pooled connection at once (what a server
// restart or a network blip does to idle sockets) and checks that the driver notices
// on the first failure and purges the others: whatever path found the dead socket
// (auto-commit query, explicit transaction, managed transaction, database/sql), the
// very next operation gets a working connection.
func TestDeadPooledSocketsPurged(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		const poolSize = 8
		p := newProxy(t, s.Address())
		d := newDriver(t, "bolt://"+p.Addr(), s, func(c *native.Config) {
			c.MaxConnectionPoolSize = poolSize
			c.MaxTransactionRetryTime = 0 // one attempt: we count what each path sees
		})
		ctx := testCtx(t, time.Minute)
		// dropped waits until the proxy has closed every dropped connection (its
		// FINs are out) rather than sleeping a fixed time a loaded machine can outlast.
		dropped := func() {
			t.Helper()
			deadline := time.Now().Add(5 * time.Second)
			for p.Live() != 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if n := p.Live(); n != 0 {
				t.Fatalf("%d proxied connections still open 5 s after dropping them all", n)
			}
		}
		fill := func() {
			t.Helper()
			var wg sync.WaitGroup
			for i := 0; i < poolSize; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sess := d.NewSession(ctx, native.SessionConfig{})
					defer sess.Close(ctx)
					tx, err := sess.BeginTransaction(ctx)
					if err != nil {
						t.Errorf("filling the pool: %v", err)
						return
					}
					res, err := tx.Run(ctx, "RETURN 1", nil)
					if err == nil {
						_, err = res.Consume(ctx)
					}
					if err != nil {
						t.Errorf("filling the pool: %v", err)
					}
					time.Sleep(100 * time.Millisecond)
					tx.Rollback(ctx)
				}()
			}
			wg.Wait()
			if st := d.Stats(); len(st) != 1 || st[0].Idle != poolSize {
				t.Fatalf("pool not filled: %+v", st)
			}
			if n := p.Inject(faultproxy.Drop); n != poolSize {
				t.Fatalf("dropped %d connections, want %d", n, poolSize)
			}
			dropped()
		}
		autoCommit := func() error {
			sess := d.NewSession(ctx, native.SessionConfig{})
			defer sess.Close(ctx)
			res, err := sess.Run(ctx, "RETURN 1", nil)
			if err != nil {
				return err
			}
			_, err = res.Consume(ctx)
			return err
		}
		explicit := func() error {
			sess := d.NewSession(ctx, native.SessionConfig{})
			defer sess.Close(ctx)
			tx, err := sess.BeginTransaction(ctx)
			if err != nil {
				return err
			}
			defer tx.Close(ctx)
			res, err := tx.Run(ctx, "RETURN 1", nil)
			if err != nil {
				return err
			}
			if _, err = res.Consume(ctx); err != nil {
				return err
			}
			return tx.Commit(ctx)
		}
		managed := func() error {
			sess := d.NewSession(ctx, native.SessionConfig{})
			defer sess.Close(ctx)
			_, err := sess.ExecuteWrite(ctx, func(tx native.ManagedTransaction) (any, error) {
				res, err := tx.Run(ctx, "RETURN 1", nil)
				if err != nil {
					return nil, err
				}
				return res.Consume(ctx)
			})
			return err
		}
		paths := []struct {
			name string
			fn   func() error
		}{{"auto-commit", autoCommit}, {"explicit", explicit}, {"managed", managed}}
		var bad []string
		for _, first := range paths {
			fill()
			err1 := first.fn()
			// The first operation may fail (it met a dead socket); the next must not.
			err2 := autoCommit()
			t.Logf("%s first: %v; next auto-commit: %v", first.name, err1, err2)
			if err2 != nil {
				bad = append(bad, first.name)
				t.Logf("after a %s operation met a dead socket, the next operation failed too: %v (pool %+v)", first.name, err2, d.Stats())
			}
		}
		// database/sql over the same kind of failure.
		db, err := sql.Open("neo4j", dsnFor(s, p.Addr(), "max_connection_pool_size=8&max_transaction_retry_time=0s"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(poolSize)
		var wg sync.WaitGroup
		for i := 0; i < poolSize; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					t.Errorf("sql fill: %v", err)
					return
				}
				if _, err := tx.ExecContext(ctx, "RETURN 1"); err != nil {
					t.Errorf("sql fill: %v", err)
				}
				time.Sleep(100 * time.Millisecond)
				tx.Rollback()
			}()
		}
		wg.Wait()
		p.Inject(faultproxy.Drop)
		dropped()
		var sqlErrs []error
		for i := 0; i < 3; i++ {
			tx, err := db.BeginTx(ctx, nil)
			if err == nil {
				_, err = tx.ExecContext(ctx, "RETURN 1")
				if err == nil {
					err = tx.Commit()
				} else {
					tx.Rollback()
				}
			}
			sqlErrs = append(sqlErrs, err)
		}
		t.Logf("database/sql transactions after the drop: %v", sqlErrs)
		if sqlErrs[1] != nil || sqlErrs[2] != nil {
			bad = append(bad, "database/sql")
		}
		report(t, "dead pooled sockets purged", "line", s.Line, "pool", poolSize, "paths", "auto-commit,explicit,managed,database/sql",
			"paths_failing_twice", len(bad))
		if len(bad) > 0 {
			knownBug(t, "B3", "paths after which the next operation still got a dead socket: "+joinStrings(bad))
		}
	})
}

func joinStrings(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// dsnFor builds a DSN for s's credentials at addr with extra options.
func dsnFor(s *neo4jtest.Server, addr, options string) string {
	dsn := "bolt://"
	if s.User != "" {
		dsn += s.User + ":" + s.Password + "@"
	}
	dsn += addr
	if options != "" {
		dsn += "?" + options
	}
	return dsn
}

var _ = context.Background
