package sqldriver

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"

	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/native"
)

// Rows streams a result to database/sql. Next honours the query's context;
// Close discards the records not read (the server stops producing them) and
// hands the connection back to the pool.
type Rows struct {
	ctx     context.Context
	res     native.Result
	session native.Session // auto-commit results: the session, for bookmark sinks
	keys    []string
	mode    ValueMode
	cur     *native.Record // the last record returned by Next
	curRec  native.Record  // cur's storage with vr: its Values alias scratch
	next    *native.Record // NextRecord's target (a field, so it does not escape per row)
	vr      valuesReader   // res decoding into scratch, when it can
	scratch []any          // vr's destination, reused for every row
	first   *native.Record // the record column types are derived from
	typed   bool
	closed  bool
	// readOnly: the result belongs to a sql.Tx begun with ReadOnly (see readOnlyHint).
	readOnly bool
}

var (
	_ driver.Rows                           = (*Rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*Rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*Rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*Rows)(nil)
)

func newRows(ctx context.Context, res native.Result, s native.Session, mode ValueMode) (*Rows, error) {
	keys, err := res.Keys()
	if err != nil {
		return nil, err
	}
	vr, _ := res.(valuesReader)
	return &Rows{ctx: ctx, res: res, session: s, keys: keys, mode: mode, vr: vr}, nil
}

// valuesReader is implemented by native's results: NextValues decodes the
// next record into dst (returning it) instead of a value slice of its own.
// database/sql copies each row out of dest before asking for the next, so
// one slice serves every row.
type valuesReader interface {
	NextValues(ctx context.Context, dst []any) ([]any, bool)
}

// Columns returns the result's keys (the names in RETURN).
func (r *Rows) Columns() []string { return r.keys }

// Next stores the next record's values in dest. It returns the query context's
// error if that ends while waiting for the server, and an error naming the
// column for a value the driver could not decode.
func (r *Rows) Next(dest []driver.Value) error {
	if r.closed {
		return io.EOF
	}
	var vals []any
	if r.vr != nil {
		if r.scratch == nil {
			r.scratch = make([]any, len(r.keys))
		}
		v, ok := r.vr.NextValues(r.ctx, r.scratch)
		if !ok {
			return r.end()
		}
		vals = v
		r.curRec.Keys, r.curRec.Values = r.keys, v
		r.cur = &r.curRec
	} else {
		// NextRecord writes into r.next: a local *Record whose address goes to an
		// interface method would escape, one allocation per row.
		if !r.res.NextRecord(r.ctx, &r.next) {
			return r.end()
		}
		r.cur = r.next
		vals = r.cur.Values
	}
	for i := range dest {
		if i >= len(vals) {
			dest[i] = nil
			continue
		}
		switch v := vals[i]; v.(type) {
		case int64, float64, string, bool, nil: // the common values, as they are
			dest[i] = v
			continue
		}
		v, err := toDriverValue(vals[i], r.mode)
		if err != nil {
			return fmt.Errorf("sqldriver: column %d (%q): %w", i, r.key(i), err)
		}
		dest[i] = v
	}
	return nil
}

// end is Next's io.EOF, or the error that ended the result.
func (r *Rows) end() error {
	if err := r.res.Err(); err != nil {
		return readOnlyHint(err, r.readOnly)
	}
	r.finish()
	return io.EOF
}

func (r *Rows) key(i int) string {
	if i < len(r.keys) {
		return r.keys[i]
	}
	return ""
}

// finish collects the summary after the last record.
func (r *Rows) finish() {
	r.closed = true
	if summarySinkFrom(r.ctx) == nil && bookmarkSinkFrom(r.ctx) == nil {
		return
	}
	sum, err := r.res.Consume(r.ctx)
	if err == nil {
		r.deliver(r.ctx, sum)
	}
}

// deliver fills the context's summary and bookmark sinks.
func (r *Rows) deliver(ctx context.Context, sum native.ResultSummary) {
	if sink := summarySinkFrom(ctx); sink != nil {
		*sink = sum
	}
	if sink := bookmarkSinkFrom(ctx); sink != nil && r.session != nil {
		*sink = r.session.LastBookmarks()
	}
}

// Close discards the rest of the result. If the query context has ended, the
// discard runs on a short detached context so the connection stays usable.
func (r *Rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	ctx := r.ctx
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		defer cancel()
	}
	sum, err := r.res.Consume(ctx)
	if err != nil {
		if r.ctx.Err() != nil {
			return nil // the statement was cancelled; database/sql reports that
		}
		return readOnlyHint(err, r.readOnly)
	}
	r.deliver(r.ctx, sum)
	return nil
}

// typeRecord returns the record column types are derived from: the first one
// read, or peeked at if none was read yet.
func (r *Rows) typeRecord() *native.Record {
	if !r.typed {
		r.typed = true
		switch {
		case r.cur == &r.curRec:
			// Its values live in scratch, which the next row overwrites.
			r.first = &native.Record{Keys: r.keys, Values: append([]any(nil), r.cur.Values...)}
		case r.cur != nil:
			r.first = r.cur
		case !r.closed:
			var rec *native.Record
			if r.res.PeekRecord(r.ctx, &rec) {
				r.first = rec
			}
		}
	}
	return r.first
}

func (r *Rows) typeValue(i int) (any, bool) {
	rec := r.typeRecord()
	if rec == nil || i >= len(rec.Values) {
		return nil, false
	}
	return rec.Values[i], true
}

// ColumnTypeScanType returns the Go type of the column's value in the first
// record (interface{} when it is NULL or there are no records). Neo4j is
// schema-less: later records may differ.
func (r *Rows) ColumnTypeScanType(i int) reflect.Type {
	v, ok := r.typeValue(i)
	if !ok {
		return anyType
	}
	return scanType(v, r.mode)
}

// ColumnTypeDatabaseTypeName returns the Neo4j type of the column's value in
// the first record ("INTEGER", "NODE", "LIST<ANY>", ...; "NULL" for a NULL,
// "ANY" when there are no records). Later records may differ.
func (r *Rows) ColumnTypeDatabaseTypeName(i int) string {
	v, ok := r.typeValue(i)
	if !ok {
		return "ANY"
	}
	return conv.TypeName(v)
}

// ColumnTypeNullable reports that every column may hold NULL: Cypher has no
// NOT NULL columns.
func (r *Rows) ColumnTypeNullable(int) (nullable, ok bool) { return true, true }
