package bench

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strconv"
)

// The null driver is a database/sql driver that does no work: it serves the
// wide workload's rows from driver.Values built once, copying each row into
// database/sql's destination slice. Timing database/sql's Rows.Next + Scan
// over it measures what database/sql itself costs per row (its locking and
// convertAssign's reflection for int64/float64 destinations), the part of the
// database/sql figure no driver can remove.

// OpenNullSQL returns a database/sql handle on the null driver serving w.
// The rows belong to the handle: once it is closed and dropped they are
// garbage (a package-level table would keep ~50 MiB live and raise the GC's
// heap goal for every later measurement).
func OpenNullSQL(w *Workload) (*sql.DB, error) {
	rows := make([][]driver.Value, w.Rows)
	for i := range rows {
		vals := w.Gen(i)
		row := make([]driver.Value, len(vals))
		for k, v := range vals {
			row[k] = v
		}
		rows[i] = row
	}
	return sql.OpenDB(nullConnector{query: w.Query, rows: rows}), nil
}

// WideSQLNull is WideSQL on a null-driver handle from OpenNullSQL.
func WideSQLNull(ctx context.Context, db *sql.DB, w *Workload) (Outcome, error) {
	return scanWide(ctx, db, w.Query)
}

type nullConnector struct {
	query string
	rows  [][]driver.Value
}

func (c nullConnector) Connect(context.Context) (driver.Conn, error) { return nullConn(c), nil }
func (c nullConnector) Driver() driver.Driver                        { return nullDriver{} }

type nullDriver struct{}

func (nullDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("bench-null: open it with OpenNullSQL")
}

type nullConn nullConnector

func (nullConn) Prepare(string) (driver.Stmt, error) {
	return nil, errors.New("bench-null: no prepared statements")
}
func (nullConn) Close() error              { return nil }
func (nullConn) Begin() (driver.Tx, error) { return nil, errors.New("bench-null: no transactions") }

// QueryContext serves the connector's rows for its query.
func (c nullConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	if q != c.query {
		return nil, errors.New("bench-null: unknown query")
	}
	rows := c.rows
	var cols []string
	if len(rows) > 0 {
		for k := range rows[0] {
			cols = append(cols, "c"+strconv.Itoa(k))
		}
	}
	return &nullResult{rows: rows, cols: cols}, nil
}

type nullResult struct {
	rows [][]driver.Value
	cols []string
	pos  int
}

func (r *nullResult) Columns() []string { return r.cols }
func (r *nullResult) Close() error      { return nil }
func (r *nullResult) Next(dest []driver.Value) error {
	if r.pos >= len(r.rows) {
		return io.EOF
	}
	copy(dest, r.rows[r.pos])
	r.pos++
	return nil
}
