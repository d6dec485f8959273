package native

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/boltwire/neo4j/bolt"
)

// result implements Result over a bolt.Stream.
type result struct {
	s      *session
	bc     *bconn
	stream *bolt.Stream // &st
	st     bolt.Stream
	tx     *transaction // nil for auto-commit results
	keys   []string
	query  string
	params map[string]any
	start  time.Time  // when RUN was sent (for the Tracer; zero without one)
	mode   AccessMode // for the Tracer

	buf       [][]any // records read ahead (Peek, buffering)
	cur       []any   // current record's values
	curRec    *Record // lazily built from cur
	err       error
	summary   *resultSummary // &sum once built (lazily, from meta)
	sum       resultSummary
	meta      *bolt.Meta  // final metadata (nil until the stream ended well)
	server    serverInfo  // captured at the end, before the connection is released
	facts     streamFacts // captured at the end with server
	slab      []Record    // Records are carved from here, one allocation per batch
	slabNext  int         // size of the next slab: 1, 8, then recordSlabSize
	finished  bool        // stream ended: summary or error received, or closed
	fetchAll  bool        // Collect: later PULLs ask for all remaining records
	consumed  bool        // Consume called: remaining records were discarded
	closedErr error       // set when the transaction ended under an unfinished result
	scopeErr  error       // Next/Peek out of scope: the cursor is not available anymore
	txEnded   bool        // the result's transaction has ended: out of scope
	recErr    error       // the record Next just tried could not be decoded (*bolt.RecordError)

	// onEnd is what runs once after the stream ended (afterEnd): an
	// auto-commit result's bookmark and release, a transaction result's check.
	// A kind and not a closure, so that a query allocates none.
	onEnd    endHook
	usedBms  Bookmarks // auto-commit: the bookmarks its RUN waited for
	bookmark string    // bookmark of the finished auto-commit stream
}

// endHook names what a result runs once its stream has ended.
type endHook uint8

const (
	endNone endHook = iota
	endAutoCommit
	endInTx
)

// noMeta is the metadata of a result that ended well without any (read only).
var noMeta bolt.Meta

// runResult sends query on bc (RUN with PULL, see bolt.Conn.Run) and returns
// its result, with the Stream embedded in it: one allocation for both.
func runResult(ctx context.Context, s *session, bc *bconn, query string, params map[string]any, tx *bolt.TxConfig, start time.Time) (*result, error) {
	r := &result{s: s, bc: bc, query: query, params: params, start: start}
	if err := bc.RunInto(ctx, &r.st, query, params, tx, s.fetchSize); err != nil {
		return nil, err
	}
	r.stream, r.keys = &r.st, r.st.Keys()
	return r, nil
}

func (r *result) Keys() ([]string, error) { return r.keys, nil }

// lock guards the connection (shared with the transaction and other results).
func (r *result) lock(op string) error {
	if !r.bc.busy.CompareAndSwap(false, true) {
		return usageErrorf("%s: result's connection is being used by another goroutine (results are not safe for concurrent use)", op)
	}
	return nil
}

func (r *result) unlock() { r.bc.busy.Store(false) }

// readOne reads one record from the stream (lock held). ok is false at the end
// or on error (r.err set).
func (r *result) readOne(ctx context.Context, into []any) ([]any, bool) {
	if r.finished {
		return nil, false
	}
	rec, err := r.stream.NextInto(ctx, into)
	if err != nil {
		var re *bolt.RecordError
		if errors.As(err, &re) {
			r.recErr = re // this record only: the stream goes on
			return nil, false
		}
		r.end(ctx, nil, err)
		return nil, false
	}
	if rec == nil {
		sum, _ := r.stream.Summary()
		r.end(ctx, sum.Meta, nil)
		return nil, false
	}
	return rec, true
}

// end records the end of the stream and runs the end hooks.
func (r *result) end(ctx context.Context, meta *bolt.Meta, err error) {
	if r.finished {
		return
	}
	r.finished = true
	bookmark := ""
	if err == nil {
		err = checkMeta(meta)
	}
	if err != nil {
		r.err = convertErr(err, r.bc.Address())
	} else {
		if meta == nil {
			meta = &noMeta
		}
		r.meta = meta
		r.server = *serverInfoOf(r.bc.Conn)
		r.facts = streamFacts{pulled: r.stream.Pulled(), records: r.stream.RecordsReceived()}
		bookmark = meta.Bookmark()
	}
	if tr := r.s.d.config.Tracer; tr != nil {
		ev := r.queryEndEvent(r.err)
		if r.meta != nil {
			ev.Summary = r.buildSummary()
		}
		tr.QueryEnd(ctx, ev)
	}
	if r.err != nil {
		r.s.noteError(ctx, r.bc, r.err)
	}
	r.bookmark = bookmark
}

// afterEnd runs the end hook (which may release the connection) once the
// stream has ended. Callers invoke it after dropping the connection lock, so
// a connection is never in the pool while this result still holds its lock.
func (r *result) afterEnd(ctx context.Context) {
	if !r.finished {
		return
	}
	hook := r.onEnd
	r.onEnd = endNone
	switch hook {
	case endAutoCommit:
		r.s.autoCommitEnded(ctx, r)
	case endInTx:
		r.tx.resultEnded(ctx, r.err)
	}
}

// fetch returns the next record, from the read-ahead buffer or the stream.
func (r *result) fetch(ctx context.Context, into []any) ([]any, bool) {
	r.recErr = nil
	if len(r.buf) > 0 {
		rec := r.buf[0]
		r.buf[0] = nil
		r.buf = r.buf[1:]
		if len(rec) == 1 {
			if u, ok := rec[0].(undecodable); ok {
				r.recErr = u.err
				return nil, false
			}
		}
		return rec, true
	}
	if (r.consumed || r.txEnded) && r.err == nil && r.closedErr == nil {
		if r.txEnded {
			r.scopeErr = errScopeTxEnded
		} else {
			r.scopeErr = errScopeConsumed
		}
		return nil, false
	}
	if r.finished || r.closedErr != nil || r.consumed {
		return nil, false
	}
	if err := r.lock("Result.Next"); err != nil {
		r.err = err
		return nil, false
	}
	if r.fetchAll {
		r.stream.FetchAll()
	}
	rec, ok := r.readOne(ctx, into)
	r.unlock()
	r.afterEnd(ctx)
	return rec, ok
}

func (r *result) Next(ctx context.Context) bool {
	rec, ok := r.fetch(ctx, nil)
	r.cur, r.curRec = rec, nil
	return ok
}

// NextValues is Next for sqldriver, which copies every row out before asking
// for the next: the values are decoded into dst when it has room (no value
// slice allocated per record) and returned; the slice is valid until the next
// call. Record returns the same values meanwhile. It is not part of Result.
func (r *result) NextValues(ctx context.Context, dst []any) ([]any, bool) {
	rec, ok := r.fetch(ctx, dst)
	r.cur, r.curRec = rec, nil
	return rec, ok
}

func (r *result) NextRecord(ctx context.Context, out **Record) bool {
	ok := r.Next(ctx)
	if out != nil {
		*out = r.Record()
	}
	return ok
}

func (r *result) Peek(ctx context.Context) bool {
	var rec *Record
	return r.PeekRecord(ctx, &rec)
}

func (r *result) PeekRecord(ctx context.Context, out **Record) bool {
	if len(r.buf) == 0 {
		rec, ok := r.fetch(ctx, nil)
		if !ok {
			if out != nil {
				*out = nil
			}
			return false
		}
		r.buf = append(r.buf, rec)
	}
	if out != nil {
		*out = &Record{Keys: r.keys, Values: r.buf[0]}
	}
	return true
}

func (r *result) Record() *Record {
	if r.cur == nil {
		return nil
	}
	if r.curRec == nil {
		if len(r.slab) == 0 {
			// Grow per result (1, 8, 64): a one-row result pays for one Record.
			n := r.slabNext
			if n == 0 {
				n = 1
			}
			r.slab = make([]Record, n)
			r.slabNext = min(n*8, recordSlabSize)
		}
		r.curRec = &r.slab[0]
		r.slab = r.slab[1:]
		r.curRec.Keys, r.curRec.Values = r.keys, r.cur
	}
	return r.curRec
}

// recordSlabSize is how many Records one allocation provides at most (the
// first slabs of a result are smaller: 1, then 8).
const recordSlabSize = 64

// buildSummary returns the summary, building it on first use.
func (r *result) buildSummary() *resultSummary {
	if r.summary == nil && r.meta != nil {
		r.sum.fill(r.meta, r.query, r.params, &r.server, r.facts)
		r.summary = &r.sum
	}
	return r.summary
}

func (r *result) Scan(dest ...any) error {
	if r.cur == nil {
		return usageErrorf("Result.Scan: no current record (call Next first)")
	}
	if len(dest) > len(r.cur) {
		return usageErrorf("Result.Scan: %d destinations for %d columns", len(dest), len(r.cur))
	}
	for i, d := range dest {
		if d == nil {
			continue
		}
		if err := assignValue(d, r.cur[i]); err != nil {
			return fmt.Errorf("Result.Scan: column %d (%q): %w", i, r.keys[i], err)
		}
	}
	return nil
}

func (r *result) Err() error {
	if r.err != nil {
		return r.err
	}
	if r.recErr != nil {
		return r.recErr
	}
	if r.closedErr != nil {
		return r.closedErr
	}
	return r.scopeErr
}

func (r *result) Records(ctx context.Context) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		for r.Next(ctx) {
			if !yield(r.Record(), nil) {
				return
			}
		}
		if err := r.Err(); err != nil {
			yield(nil, err)
		}
	}
}

func (r *result) Collect(ctx context.Context) ([]*Record, error) {
	r.fetchAll = true
	var out []*Record
	for r.Next(ctx) {
		out = append(out, r.Record())
	}
	return out, r.Err()
}

func (r *result) Single(ctx context.Context) (*Record, error) {
	if !r.Next(ctx) {
		if err := r.Err(); err != nil {
			return nil, err
		}
		return nil, usageErrorf("Result.Single: result contains no records")
	}
	rec := r.Record()
	if r.Peek(ctx) {
		r.consume(ctx)
		return nil, usageErrorf("Result.Single: result contains more than one record")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return rec, nil
}

func (r *result) Consume(ctx context.Context) (ResultSummary, error) {
	s, err := r.consume(ctx)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// consume discards the rest and returns the summary.
func (r *result) consume(ctx context.Context) (*resultSummary, error) {
	r.buf, r.cur, r.curRec = nil, nil, nil
	r.consumed = true
	if !r.finished && r.closedErr == nil {
		if err := r.lock("Result.Consume"); err != nil {
			return nil, err
		}
		sum, err := r.stream.Consume(ctx)
		r.end(ctx, sum.Meta, err)
		r.unlock()
		r.afterEnd(ctx)
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.closedErr != nil {
		return nil, r.closedErr
	}
	return r.buildSummary(), nil
}

func (r *result) IsOpen() bool {
	return !r.consumed && !r.txEnded && r.err == nil && r.closedErr == nil && (!r.finished || len(r.buf) > 0)
}

// bufferRest reads the remaining records into memory (so the connection can
// serve other work) and returns the stream's error, if any.
func (r *result) bufferRest(ctx context.Context) error {
	if r.finished || r.closedErr != nil || r.consumed {
		return r.err
	}
	if err := r.lock("buffering a result"); err != nil {
		return err
	}
	err := r.bufferRestLocked(ctx)
	r.unlock()
	r.afterEnd(ctx)
	return err
}

// bufferRestLocked is bufferRest with the connection lock held.
func (r *result) bufferRestLocked(ctx context.Context) error {
	if r.consumed || r.closedErr != nil {
		return r.err
	}
	for {
		rec, ok := r.readOne(ctx, nil)
		if !ok && r.recErr != nil {
			rec, ok = []any{undecodable{r.recErr}}, true // keeps its place
			r.recErr = nil
		}
		if !ok {
			return r.err
		}
		r.buf = append(r.buf, rec)
	}
}

// undecodable stands in the read-ahead buffer for a record that could not be
// decoded (Next reports its error in its place).
type undecodable struct{ err error }

// discardLocked discards the unread records of an unfinished result (with the
// connection lock held), keeping its summary, and returns the stream's error.
func (r *result) discardLocked(ctx context.Context) error {
	if !r.finished && r.closedErr == nil {
		sum, err := r.stream.Consume(ctx)
		r.end(ctx, sum.Meta, err)
	}
	return r.err
}

// closeWith takes the result out of scope because its transaction ended:
// records read ahead are dropped and an unfinished result fails with err.
func (r *result) closeWith(ctx context.Context, err error) {
	r.txEnded = true
	r.buf = nil
	if r.finished {
		return
	}
	r.finished = true
	r.closedErr = err
	if tr := r.s.d.config.Tracer; tr != nil {
		tr.QueryEnd(ctx, r.queryEndEvent(err))
	}
}

// notAvailable is the error of Next/Peek on a result out of scope.
func notAvailable(why string) error {
	return &UsageError{Message: "Result: " + why, Err: ErrResultNotAvailable}
}

// The scope errors every committed transaction and consumed result would
// otherwise build anew (two allocations per transaction); error values are
// never modified once made, so one of each is shared.
var (
	errScopeTxEnded  = notAvailable("its transaction has ended")
	errScopeConsumed = notAvailable("it was consumed")
)
