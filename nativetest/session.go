package nativetest

import (
	"context"
	"fmt"
	"maps"

	"github.com/boltwire/neo4j/native"
)

type session struct {
	d         *Driver
	cfg       native.SessionConfig
	closed    bool
	tx        *transaction
	bookmarks native.Bookmarks
	bmCount   int
}

func (s *session) enter(op string) error {
	if s.closed {
		return &native.UsageError{Message: op, Err: native.ErrSessionClosed}
	}
	s.d.mu.Lock()
	closed := s.d.closed
	s.d.mu.Unlock()
	if closed {
		return &native.UsageError{Message: op, Err: native.ErrDriverClosed}
	}
	return nil
}

func (s *session) LastBookmarks() native.Bookmarks {
	return append(native.Bookmarks(nil), s.bookmarks...)
}

// commitBookmark gives a committed transaction a fresh fake bookmark.
func (s *session) commitBookmark(ctx context.Context) {
	s.bmCount++
	prev := s.bookmarks
	s.bookmarks = native.Bookmarks{fmt.Sprintf("nativetest:bookmark:%p:%d", s, s.bmCount)}
	if bm := s.cfg.BookmarkManager; bm != nil {
		_ = bm.UpdateBookmarks(ctx, prev, s.bookmarks)
	}
}

func txConfig(configurers []func(*native.TransactionConfig)) native.TransactionConfig {
	c := native.TransactionConfig{Timeout: native.TxTimeoutServerDefault}
	for _, f := range configurers {
		if f != nil {
			f(&c)
		}
	}
	return c
}

func (s *session) Run(ctx context.Context, query string, params map[string]any, configurers ...func(*native.TransactionConfig)) (native.Result, error) {
	if err := s.enter("Session.Run"); err != nil {
		return nil, err
	}
	if s.tx != nil {
		return nil, &native.UsageError{Message: "Session.Run: the session has an open transaction; run the query in it or close it first"}
	}
	tc := txConfig(configurers)
	r, err := s.d.run(s, nil, Call{Query: query, Params: maps.Clone(params), Database: s.cfg.DatabaseName,
		AccessMode: s.cfg.AccessMode, Kind: AutoCommit, Metadata: tc.Metadata})
	if err == nil {
		// The fake has nothing to stream: the auto-commit transaction is
		// committed as soon as Run returns, and LastBookmarks moves on.
		s.commitBookmark(ctx)
	}
	return r, err
}

func (s *session) BeginTransaction(ctx context.Context, configurers ...func(*native.TransactionConfig)) (native.ExplicitTransaction, error) {
	if err := s.enter("Session.BeginTransaction"); err != nil {
		return nil, err
	}
	if s.tx != nil {
		return nil, &native.UsageError{Message: "Session.BeginTransaction: the session already has an open transaction"}
	}
	return s.begin(s.cfg.AccessMode, false, txConfig(configurers)), nil
}

func (s *session) begin(mode native.AccessMode, managed bool, tc native.TransactionConfig) *transaction {
	rec := &Tx{Database: s.cfg.DatabaseName, AccessMode: mode, Managed: managed, Outcome: Open}
	s.d.mu.Lock()
	s.d.txs = append(s.d.txs, rec)
	s.d.mu.Unlock()
	t := &transaction{s: s, rec: rec, state: Open, metadata: tc.Metadata}
	s.tx = t
	return t
}

func (s *session) ExecuteRead(ctx context.Context, work native.ManagedTransactionWork, configurers ...func(*native.TransactionConfig)) (any, error) {
	return s.execute(ctx, "Session.ExecuteRead", native.AccessModeRead, work, configurers)
}

func (s *session) ExecuteWrite(ctx context.Context, work native.ManagedTransactionWork, configurers ...func(*native.TransactionConfig)) (any, error) {
	return s.execute(ctx, "Session.ExecuteWrite", native.AccessModeWrite, work, configurers)
}

func (s *session) execute(ctx context.Context, op string, mode native.AccessMode, work native.ManagedTransactionWork, configurers []func(*native.TransactionConfig)) (any, error) {
	if work == nil {
		return nil, &native.UsageError{Message: op + ": transaction function is nil"}
	}
	if err := s.enter(op); err != nil {
		return nil, err
	}
	if s.tx != nil {
		return nil, &native.UsageError{Message: op + ": the session has an open transaction; close it first"}
	}
	tc := txConfig(configurers)
	var errs []error
	for attempt := 0; ; attempt++ {
		t := s.begin(mode, true, tc)
		v, err := work(managedTx{t})
		if err == nil {
			if t.state != Open {
				err = &native.UsageError{Message: "managed transaction ended inside the transaction function"}
			} else {
				err = t.commit(ctx)
			}
		} else {
			t.rollback()
		}
		if err == nil {
			return v, nil
		}
		errs = append(errs, err)
		if !native.IsRetryable(err) {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, &native.TransactionExecutionLimit{Cause: "context ended while waiting to retry", Errors: append(errs, ctx.Err())}
		}
		if attempt >= s.d.MaxRetries {
			return nil, &native.TransactionExecutionLimit{Cause: fmt.Sprintf("nativetest: MaxRetries (%d) reached", s.d.MaxRetries), Errors: errs}
		}
	}
}

func (s *session) Close(context.Context) error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.tx != nil {
		s.tx.rollback()
	}
	s.d.mu.Lock()
	s.d.openSessions--
	s.d.mu.Unlock()
	return nil
}

type transaction struct {
	s        *session
	rec      *Tx
	state    Outcome
	metadata map[string]any
	results  []*result
}

func (t *transaction) stateErr(op string) error {
	switch t.state {
	case Committed:
		return &native.UsageError{Message: op + ": the transaction is already committed"}
	case RolledBack:
		return &native.UsageError{Message: op + ": the transaction is already rolled back"}
	}
	return nil
}

func (t *transaction) Run(ctx context.Context, query string, params map[string]any) (native.Result, error) {
	if err := t.stateErr("Transaction.Run"); err != nil {
		return nil, err
	}
	kind := Explicit
	if t.rec.Managed {
		kind = Managed
	}
	c := Call{Query: query, Params: maps.Clone(params), Database: t.s.cfg.DatabaseName, AccessMode: t.rec.AccessMode,
		Kind: kind, Metadata: t.metadata}
	return t.s.d.run(t.s, t, c)
}

func (t *transaction) Commit(ctx context.Context) error {
	if err := t.stateErr("Transaction.Commit"); err != nil {
		return err
	}
	return t.commit(ctx)
}

func (t *transaction) commit(ctx context.Context) error {
	d := t.s.d
	d.mu.Lock()
	var err error
	if len(d.commitErrs) > 0 {
		err = d.commitErrs[0]
		d.commitErrs = d.commitErrs[1:]
	}
	d.mu.Unlock()
	if err != nil {
		t.end(RolledBack)
		return err
	}
	t.end(Committed)
	t.s.commitBookmark(ctx)
	return nil
}

func (t *transaction) Rollback(context.Context) error {
	if err := t.stateErr("Transaction.Rollback"); err != nil {
		return err
	}
	t.rollback()
	return nil
}

func (t *transaction) rollback() {
	if t.state == Open {
		t.end(RolledBack)
	}
}

func (t *transaction) Close(context.Context) error {
	t.rollback()
	return nil
}

func (t *transaction) end(o Outcome) {
	t.state = o
	t.s.d.mu.Lock()
	t.rec.Outcome = o
	t.s.d.mu.Unlock()
	if o == RolledBack {
		for _, r := range t.results {
			r.closeWith(&native.UsageError{Message: "result is closed: its transaction was rolled back"})
		}
	}
	if t.s.tx == t {
		t.s.tx = nil
	}
}

// managedTx hides Commit/Rollback from transaction functions.
type managedTx struct{ t *transaction }

func (m managedTx) Run(ctx context.Context, query string, params map[string]any) (native.Result, error) {
	return m.t.Run(ctx, query, params)
}

// run records c and answers it from the first matching expectation.
func (d *Driver) run(s *session, t *transaction, c Call) (native.Result, error) {
	d.mu.Lock()
	d.calls = append(d.calls, c)
	if t != nil {
		t.rec.Queries = append(t.rec.Queries, c)
	}
	var e *Expectation
	for _, x := range d.expectations {
		if x.matches(c.Query, c.Params) {
			e = x
			break
		}
	}
	if e == nil {
		d.unexpected = append(d.unexpected, c)
		d.mu.Unlock()
		return nil, fmt.Errorf("nativetest: unexpected query %q with parameters %v (add d.ExpectQuery for it)", c.Query, c.Params)
	}
	e.calls++
	server := d.serverInfo()
	d.mu.Unlock()
	if e.runErr != nil {
		return nil, e.runErr
	}
	db := e.summary.Database
	if db == "" {
		db = s.cfg.DatabaseName
	}
	if db == "" {
		db = "neo4j"
	}
	r := &result{
		keys:      e.keys,
		rows:      e.rows,
		streamErr: e.streamErr,
		failAfter: e.failAfter,
		summary:   &summary{s: e.summary, db: db, query: c.Query, params: c.Params, server: server},
	}
	if r.keys == nil {
		r.keys = []string{}
	}
	if t != nil {
		t.results = append(t.results, r)
	}
	return r, nil
}
