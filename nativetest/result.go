package nativetest

import (
	"context"
	"iter"

	"github.com/boltwire/neo4j/native"
)

// result is a fake native.Result over scripted rows.
type result struct {
	keys      []string
	rows      [][]any
	pos       int // rows handed out
	current   *native.Record
	streamErr error
	failAfter int
	err       error
	consumed  bool
	summary   *summary
}

var _ native.Result = (*result)(nil)

func (r *result) closeWith(err error) {
	if !r.consumed && r.err == nil && r.pos < len(r.rows) {
		r.err = err
	}
	r.consumed = true
}

func (r *result) Keys() ([]string, error) { return r.keys, nil }

// upcoming returns the next record without advancing, or nil at the end (or on
// failure, setting err).
func (r *result) upcoming() *native.Record {
	if r.err != nil || r.consumed {
		return nil
	}
	if r.streamErr != nil && r.pos >= r.failAfter {
		r.err = r.streamErr
		return nil
	}
	if r.pos >= len(r.rows) {
		return nil
	}
	return &native.Record{Keys: r.keys, Values: r.rows[r.pos]}
}

func (r *result) Next(ctx context.Context) bool {
	rec := r.upcoming()
	r.current = rec
	if rec == nil {
		return false
	}
	r.pos++
	return true
}

func (r *result) NextRecord(ctx context.Context, out **native.Record) bool {
	ok := r.Next(ctx)
	if out != nil {
		*out = r.current
	}
	return ok
}

func (r *result) Peek(context.Context) bool { return r.upcoming() != nil }

func (r *result) PeekRecord(_ context.Context, out **native.Record) bool {
	rec := r.upcoming()
	if out != nil {
		*out = rec
	}
	return rec != nil
}

func (r *result) Record() *native.Record { return r.current }

func (r *result) Scan(dest ...any) error {
	if r.current == nil {
		return &native.UsageError{Message: "Result.Scan: no current record (call Next first)"}
	}
	return r.current.Scan(dest...)
}

func (r *result) Err() error { return r.err }

func (r *result) Records(ctx context.Context) iter.Seq2[*native.Record, error] {
	return func(yield func(*native.Record, error) bool) {
		for r.Next(ctx) {
			if !yield(r.current, nil) {
				return
			}
		}
		if r.err != nil {
			yield(nil, r.err)
		}
	}
}

func (r *result) Collect(ctx context.Context) ([]*native.Record, error) {
	var out []*native.Record
	for r.Next(ctx) {
		out = append(out, r.current)
	}
	return out, r.err
}

func (r *result) Single(ctx context.Context) (*native.Record, error) {
	if !r.Next(ctx) {
		if r.err != nil {
			return nil, r.err
		}
		return nil, &native.UsageError{Message: "Result.Single: the result has no records"}
	}
	rec := r.current
	if r.Peek(ctx) {
		r.Consume(ctx)
		return nil, &native.UsageError{Message: "Result.Single: the result has more than one record"}
	}
	return rec, r.err
}

func (r *result) Consume(context.Context) (native.ResultSummary, error) {
	if r.err == nil && !r.consumed && r.streamErr != nil && r.failAfter <= len(r.rows) {
		r.err = r.streamErr
	}
	r.consumed = true
	r.current = nil
	if r.err != nil {
		return nil, r.err
	}
	return r.summary, nil
}

func (r *result) IsOpen() bool { return !r.consumed && r.err == nil && r.pos < len(r.rows) }
