package native

import (
	"context"
	"errors"
	"time"

	"github.com/boltwire/neo4j/bolt"
)

type txState uint8

const (
	txOpen txState = iota
	txCommitted
	txRolledBack
	txFailed     // commit failed or connection lost
	txTerminated // a query in it failed (server error or lost connection)
)

// transaction implements ExplicitTransaction (and, wrapped in managedTx,
// ManagedTransaction). Its connection is held from BEGIN to COMMIT/ROLLBACK.
type transaction struct {
	s           *session
	bc          *bconn
	bookmarks   Bookmarks // bookmarks BEGIN waited for
	mode        AccessMode
	managed     bool
	start       time.Time // when BEGIN was sent (for the Tracer; zero without one)
	results     []*result
	firstResult [1]*result // backing of results for the usual single query
	state       txState
	termErr     error // why the transaction was terminated (txTerminated)
}

// managedTx exposes only Run to transaction functions.
type managedTx struct{ tx *transaction }

func (m managedTx) Run(ctx context.Context, query string, params map[string]any) (Result, error) {
	return m.tx.Run(ctx, query, params)
}

func (t *transaction) stateErr(op string) error {
	switch t.state {
	case txCommitted:
		return usageErrorf("%s: transaction already committed", op)
	case txRolledBack:
		return usageErrorf("%s: transaction already rolled back", op)
	case txFailed:
		return usageErrorf("%s: transaction already ended with an error", op)
	case txTerminated:
		return &UsageError{Message: "cannot use this transaction (" + op + ")", Err: &terminatedError{cause: t.termErr}}
	}
	return nil
}

// lock guards the connection against concurrent use of the transaction and its
// results.
func (t *transaction) lock(op string) error {
	if !t.bc.busy.CompareAndSwap(false, true) {
		return usageErrorf("%s: transaction is being used by another goroutine (transactions are not safe for concurrent use)", op)
	}
	return nil
}

func (t *transaction) unlock() { t.bc.busy.Store(false) }

func (t *transaction) Run(ctx context.Context, query string, params map[string]any) (Result, error) {
	if err := t.stateErr("Transaction.Run"); err != nil {
		return nil, err
	}
	np, err := normalizeParams(params)
	if err != nil {
		return nil, err
	}
	if err := t.lock("Transaction.Run"); err != nil {
		return nil, err
	}
	locked := true
	defer func() {
		if locked {
			t.unlock()
		}
	}()
	start := t.s.traceStart()
	tr := t.s.d.config.Tracer
	if tr != nil {
		tr.QueryStart(ctx, QueryStartEvent{Query: query, Parameters: np, Database: t.s.cfg.DatabaseName, AccessMode: t.mode, ServerAddress: t.bc.Address()})
	}
	// Results still streaming stay open: package bolt reads the batch in
	// flight into memory and later PULLs address each stream by its query id.
	r, err := runResult(ctx, t.s, t.bc, query, np, nil, start)
	if err != nil {
		err = convertErr(err, t.bc.Address())
		t.s.noteError(ctx, t.bc, err)
		if tr != nil {
			tr.QueryEnd(ctx, QueryEndEvent{Query: query, Duration: time.Since(start), Err: err, Database: t.s.cfg.DatabaseName, AccessMode: t.mode, ServerAddress: t.bc.Address()})
		}
		// The server has failed (or lost) the transaction: it is over. Release
		// the connection (the pool RESETs it) so the session can begin anew.
		t.termErr = err
		t.unlock()
		locked = false
		t.end(ctx, txTerminated, err)
		return nil, err
	}
	r.mode = t.mode
	r.tx = t
	r.onEnd = endInTx
	if t.results == nil {
		t.results = t.firstResult[:0]
	}
	t.results = append(t.results, r)
	return r, nil
}

// resultEnded is the end of one of t's results, with the error it ended with: a
// failed PULL/DISCARD failed the transaction on the server.
func (t *transaction) resultEnded(ctx context.Context, err error) {
	if err != nil && t.state == txOpen {
		t.termErr = err
		t.end(ctx, txTerminated, err)
	}
}

func (t *transaction) Commit(ctx context.Context) error {
	if err := t.stateErr("Transaction.Commit"); err != nil {
		return err
	}
	return t.commit(ctx)
}

// commit discards the unread records of open results (they go out of scope
// with the transaction), sends COMMIT, records the bookmark and releases the
// connection.
func (t *transaction) commit(ctx context.Context) error {
	if err := t.lock("Transaction.Commit"); err != nil {
		return err
	}
	for _, r := range t.results {
		if err := r.discardLocked(ctx); err != nil && IsConnectivityError(err) {
			// COMMIT not sent: the transaction is not committed. (A server
			// failure in a result is reported by COMMIT itself.)
			t.unlock()
			t.end(ctx, txFailed, err)
			return err
		}
	}
	cr, err := t.bc.Commit(ctx)
	t.unlock()
	if err != nil {
		err = commitErr(err, t.bc.Address())
		t.s.noteError(ctx, t.bc, err)
		if tr := t.s.d.config.Tracer; tr != nil {
			tr.TxCommit(ctx, TxEvent{Database: t.s.cfg.DatabaseName, AccessMode: t.mode, Managed: t.managed, Err: err, Duration: time.Since(t.start)})
		}
		t.end(ctx, txFailed, err)
		return err
	}
	t.s.updateBookmarks(ctx, t.bookmarks, cr.Bookmark)
	if tr := t.s.d.config.Tracer; tr != nil {
		tr.TxCommit(ctx, TxEvent{Database: t.s.cfg.DatabaseName, AccessMode: t.mode, Managed: t.managed, Duration: time.Since(t.start)})
	}
	t.end(ctx, txCommitted, nil)
	return nil
}

// commitErr converts a COMMIT error. A connection failure after the request
// was handed to the socket leaves the outcome unknown.
func commitErr(err error, address string) error {
	var bce *bolt.ConnectivityError
	if errors.As(err, &bce) && bce.Op != "use" {
		return &CommitOutcomeUnknownError{Err: convertErr(err, address)}
	}
	return convertErr(err, address)
}

func (t *transaction) Rollback(ctx context.Context) error {
	if t.state == txTerminated {
		return nil // already over on the server; rolling back is idempotent
	}
	if err := t.stateErr("Transaction.Rollback"); err != nil {
		return err
	}
	return t.rollback(ctx)
}

// rollback rolls back an open transaction (no-op otherwise).
func (t *transaction) rollback(ctx context.Context) error {
	if t.state != txOpen {
		return nil
	}
	if err := t.lock("Transaction.Rollback"); err != nil {
		return err
	}
	for _, r := range t.results {
		r.closeWith(ctx, notAvailable("its transaction was rolled back"))
	}
	var err error
	if !t.bc.IsDefunct() {
		err = convertErr(t.bc.Rollback(ctx), t.bc.Address())
		t.s.noteError(ctx, t.bc, err)
	}
	t.unlock()
	if tr := t.s.d.config.Tracer; tr != nil {
		tr.TxRollback(ctx, TxEvent{Database: t.s.cfg.DatabaseName, AccessMode: t.mode, Managed: t.managed, Err: err, Duration: time.Since(t.start)})
	}
	t.end(ctx, txRolledBack, err)
	return err
}

func (t *transaction) Close(ctx context.Context) error {
	if t.state != txOpen {
		return nil
	}
	return t.rollback(ctx)
}

// end moves to a final state and releases the connection. Its results go
// out of scope; unfinished ones fail with why the transaction ended.
func (t *transaction) end(ctx context.Context, state txState, err error) {
	t.state = state
	closed := errScopeTxEnded
	if state == txTerminated {
		closed = &UsageError{Message: "result failed", Err: &terminatedError{cause: t.termErr}}
	}
	for _, r := range t.results {
		r.closeWith(ctx, closed)
	}
	if t.s.tx == t {
		t.s.tx = nil
	}
	t.s.releaseConnCtx(ctx, t.bc, err)
}
