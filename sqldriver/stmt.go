package sqldriver

import (
	"context"
	"database/sql/driver"
)

// Stmt is a prepared statement. Bolt has no server-side prepare, so it only
// remembers the query text; the server caches query plans by text anyway.
type Stmt struct {
	conn  *Conn
	query string
}

var (
	_ driver.Stmt             = (*Stmt)(nil)
	_ driver.StmtExecContext  = (*Stmt)(nil)
	_ driver.StmtQueryContext = (*Stmt)(nil)
)

// Close does nothing.
func (s *Stmt) Close() error { return nil }

// NumInput returns -1: Cypher parameters are named, so database/sql does not
// count arguments.
func (s *Stmt) NumInput() int { return -1 }

// ExecContext runs the statement like Conn.ExecContext.
func (s *Stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.conn.ExecContext(ctx, s.query, args)
}

// QueryContext runs the statement like Conn.QueryContext.
func (s *Stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.conn.QueryContext(ctx, s.query, args)
}

// Exec runs the statement without a context (database/sql uses ExecContext).
func (s *Stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

// Query runs the statement without a context (database/sql uses QueryContext).
func (s *Stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}
