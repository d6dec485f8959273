package sqldriver

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/boltwire/neo4j/native"
)

// Tx is a sql.Tx's driver side: a native explicit transaction. Commit and
// Rollback use the context given to BeginTx (database/sql rolls back by itself
// when that context ends).
type Tx struct {
	conn    *Conn
	ntx     native.ExplicitTransaction
	ctx     context.Context
	session native.Session
	// readOnly: begun with sql.TxOptions{ReadOnly: true}.
	readOnly bool
}

var _ driver.Tx = (*Tx)(nil)

// Commit commits the transaction. If the connection is lost after COMMIT was
// sent, the error is a *native.CommitOutcomeUnknownError: the write may or may
// not have happened, so it is not retried.
func (t *Tx) Commit() error {
	if t.conn.tx == t {
		t.conn.tx = nil
	}
	if err := t.ntx.Commit(t.ctx); err != nil {
		return readOnlyHint(err, t.readOnly)
	}
	if sink := bookmarkSinkFrom(t.ctx); sink != nil {
		*sink = t.session.LastBookmarks()
	}
	return nil
}

// Rollback rolls the transaction back, with a short detached context if the
// BeginTx context has already ended.
func (t *Tx) Rollback() error {
	if t.conn.tx == t {
		t.conn.tx = nil
	}
	ctx := t.ctx
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		defer cancel()
	}
	return t.ntx.Rollback(ctx)
}

// accessModeCode is the server's code for a write in a read transaction.
const accessModeCode = "Neo.ClientError.Statement.AccessMode"

// readOnlyHint adds to the server's refusal of a write in a read transaction that
// the program asked for it with sql.TxOptions{ReadOnly: true}; the server's error
// stays reachable with errors.As.
func readOnlyHint(err error, readOnly bool) error {
	var nerr *native.Neo4jError
	if err == nil || !readOnly || !errors.As(err, &nerr) || nerr.Code != accessModeCode {
		return err
	}
	return fmt.Errorf("%w: the transaction was begun with sql.TxOptions{ReadOnly: true}", err)
}
