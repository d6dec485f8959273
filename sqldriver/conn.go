package sqldriver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/boltwire/neo4j/native"
)

// Conn is one database/sql connection: a native session (two, in fact, created
// lazily: one per access mode, since a native session has one mode). It is not
// safe for concurrent use; database/sql serialises calls on it.
//
// Reach it with (*sql.Conn).Raw to use the native API on the same session:
//
//	err := conn.Raw(func(dc any) error {
//		c := dc.(*sqldriver.Conn)
//		bookmarks = c.LastBookmarks()
//		return nil
//	})
//
// The values Raw hands out (the Conn, its sessions, transaction and driver)
// must not be kept after the callback returns, and the callback must not call
// back into the same *sql.Conn (database/sql holds the connection's lock while
// it runs, so that would deadlock).
type Conn struct {
	connector    *Connector
	bm           native.BookmarkManager
	sessions     [2]native.Session // indexed by native.AccessMode
	last         native.Session    // the session that ran the last transaction
	tx           *Tx
	closed       bool
	ownConnector bool
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.NamedValueChecker  = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.SessionResetter    = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
)

// session returns the connection's native session for mode, creating it (no
// I/O) on first use.
func (c *Conn) session(ctx context.Context, mode native.AccessMode) native.Session {
	if s := c.sessions[mode]; s != nil {
		return s
	}
	o := c.connector.opts
	s := c.connector.native.NewSession(ctx, native.SessionConfig{
		AccessMode:       mode,
		DatabaseName:     o.Database,
		FetchSize:        o.FetchSize,
		ImpersonatedUser: o.ImpersonatedUser,
		BookmarkManager:  c.bm,
	})
	c.sessions[mode] = s
	return s
}

// Session returns the native session of the connection's default access mode
// (see Options.AccessMode), for LastBookmarks, Run, BeginTransaction and
// ExecuteRead/ExecuteWrite. Only while no sql.Tx is open on the connection may
// it start transactions. Use it inside (*sql.Conn).Raw only.
func (c *Conn) Session() native.Session {
	return c.session(context.Background(), c.connector.opts.AccessMode)
}

// SessionFor is Session for an explicit access mode.
func (c *Conn) SessionFor(mode native.AccessMode) native.Session {
	if mode != native.AccessModeRead {
		mode = native.AccessModeWrite
	}
	return c.session(context.Background(), mode)
}

// Tx returns the native explicit transaction of the sql.Tx open on this
// connection, or nil. Use it inside (*sql.Conn).Raw or sql.Tx's own Raw-less
// code paths only; commit and roll back through the sql.Tx.
func (c *Conn) Tx() native.ExplicitTransaction {
	if c.tx == nil {
		return nil
	}
	return c.tx.ntx
}

// Driver returns the native driver, e.g. to open more sessions on the same pool.
func (c *Conn) Driver() native.Driver { return c.connector.native }

// LastBookmarks returns the bookmarks of the last transaction this connection
// completed (auto-commit statement or sql.Tx), to start causally later work
// elsewhere — on another connection, another *sql.DB or another service.
func (c *Conn) LastBookmarks() native.Bookmarks {
	if c.last == nil {
		return nil
	}
	return c.last.LastBookmarks()
}

// check returns driver.ErrBadConn if the connection is closed: nothing has
// reached the server, so database/sql may safely retry on another connection.
func (c *Conn) check() error {
	if c.closed {
		return driver.ErrBadConn
	}
	return nil
}

// joinBookmarks adds the bookmarks of WithBookmarks to the connection's manager.
func (c *Conn) joinBookmarks(ctx context.Context) error {
	b := bookmarksFrom(ctx)
	if len(b) == 0 {
		return nil
	}
	if c.bm == nil {
		return errors.New("sqldriver: WithBookmarks needs bookmarks=shared or bookmarks=session")
	}
	return c.bm.UpdateBookmarks(ctx, nil, b)
}

// CheckNamedValue converts an argument for the server (driver.NamedValueChecker):
// sql.Named("name", v) binds $name, the n-th positional argument binds $n, a
// lone Params binds its keys; values are converted by conv.Param (Valuers,
// structs by `db` tag, slices as lists); sql.Out is rejected.
func (c *Conn) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(nv) }

// QueryContext runs query: inside the open sql.Tx if there is one, else as an
// auto-commit transaction in the access mode of the context or the connector.
// An auto-commit query is never retried (it may be CALL {…} IN TRANSACTIONS).
func (c *Conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	params, err := paramMap(args)
	if err != nil {
		return nil, err
	}
	if c.tx != nil {
		ro := c.tx.readOnly
		res, err := c.tx.ntx.Run(ctx, query, params)
		if err != nil {
			return nil, readOnlyHint(err, ro)
		}
		rows, err := newRows(ctx, res, nil, c.connector.opts.Values)
		if err != nil {
			return nil, readOnlyHint(err, ro)
		}
		rows.readOnly = ro
		return rows, nil
	}
	if err := c.joinBookmarks(ctx); err != nil {
		return nil, err
	}
	s := c.session(ctx, accessModeFrom(ctx, c.connector.opts.AccessMode))
	c.last = s
	res, err := s.Run(ctx, query, params, txConfigurers(ctx)...)
	if err != nil {
		return nil, err
	}
	return newRows(ctx, res, s, c.connector.opts.Values)
}

// ExecContext runs query like QueryContext, discards its records and reports
// the sum of its write counters as RowsAffected (see [Result]).
func (c *Conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	rows, err := c.QueryContext(ctx, query, args)
	if err != nil {
		return nil, err
	}
	r := rows.(*Rows)
	sum, err := r.res.Consume(ctx)
	r.closed = true
	if err != nil {
		return nil, readOnlyHint(err, r.readOnly)
	}
	r.deliver(ctx, sum)
	return newResult(sum), nil
}

// PrepareContext returns a client-side statement (Bolt has no server-side
// prepare): it checks nothing until it runs.
func (c *Conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return &Stmt{conn: c, query: query}, nil
}

// Prepare is PrepareContext without a context.
func (c *Conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// Begin starts a transaction with default options; database/sql uses BeginTx.
func (c *Conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a native explicit transaction. ReadOnly selects read access
// mode (routing to readers in a cluster; the server refuses writes in it);
// otherwise the context's or the connector's access mode applies. Neo4j transactions are read-committed:
// sql.LevelDefault and sql.LevelReadCommitted are accepted, every other level
// is an error. Metadata and timeout come from WithTxMetadata / WithTxTimeout.
func (c *Conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := checkIsolation(opts.Isolation); err != nil {
		return nil, err
	}
	if c.tx != nil {
		return nil, errors.New("sqldriver: a transaction is already open on this connection")
	}
	if err := c.joinBookmarks(ctx); err != nil {
		return nil, err
	}
	mode := accessModeFrom(ctx, c.connector.opts.AccessMode)
	if opts.ReadOnly {
		mode = native.AccessModeRead
	}
	s := c.session(ctx, mode)
	c.last = s
	ntx, err := s.BeginTransaction(ctx, txConfigurers(ctx)...)
	if err != nil {
		return nil, err
	}
	c.tx = &Tx{conn: c, ntx: ntx, ctx: ctx, session: s, readOnly: opts.ReadOnly}
	return c.tx, nil
}

// isolation levels of database/sql (values of sql.IsolationLevel).
const (
	levelDefault       = 0
	levelReadCommitted = 2
)

var isolationNames = []string{"Default", "Read Uncommitted", "Read Committed", "Write Committed",
	"Repeatable Read", "Snapshot", "Serializable", "Linearizable"}

func checkIsolation(level driver.IsolationLevel) error {
	if level == levelDefault || level == levelReadCommitted {
		return nil
	}
	name := fmt.Sprintf("IsolationLevel(%d)", int(level))
	if int(level) >= 0 && int(level) < len(isolationNames) {
		name = isolationNames[level]
	}
	return fmt.Errorf("sqldriver: isolation level %s is not supported: Neo4j transactions are read-committed "+
		"(use sql.LevelDefault or sql.LevelReadCommitted; take explicit locks, e.g. by writing to a node, for more)", name)
}

// Ping checks that a server can be reached and accepts the credentials (it
// borrows, dialling if needed, a pooled connection).
func (c *Conn) Ping(ctx context.Context) error {
	if err := c.check(); err != nil {
		return err
	}
	return c.connector.native.VerifyConnectivity(ctx)
}

// ResetSession is called by database/sql before a pooled connection is
// reused. A transaction left open (leaked) is rolled back and the connection
// discarded (driver.ErrBadConn).
func (c *Conn) ResetSession(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	if c.tx != nil {
		_ = c.tx.Rollback()
		_ = c.Close()
		return driver.ErrBadConn
	}
	return nil
}

// IsValid reports whether the connection may go back to the pool.
func (c *Conn) IsValid() bool { return !c.closed }

// Close closes the connection's sessions (rolling back an open transaction).
func (c *Conn) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	var errs []error
	if c.tx != nil {
		errs = append(errs, c.tx.ntx.Close(ctx))
		c.tx = nil
	}
	for i, s := range c.sessions {
		if s != nil {
			errs = append(errs, s.Close(ctx))
			c.sessions[i] = nil
		}
	}
	if c.ownConnector {
		errs = append(errs, c.connector.Close())
	}
	return errors.Join(errs...)
}
