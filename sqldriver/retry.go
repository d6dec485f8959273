package sqldriver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/boltwire/neo4j/native"
)

// RetryOptions tunes ExecuteRead and ExecuteWrite. The zero value means the
// defaults of the native driver.
type RetryOptions struct {
	// MaxRetryTime is the retry budget, counted from the first failure.
	// Default: the max_transaction_retry_time of the *sql.DB's configuration
	// (30 s unless set); negative: never retry.
	MaxRetryTime time.Duration
	// InitialDelay is the first wait between attempts; each later wait doubles,
	// with ±20 % jitter. Default 1 s.
	InitialDelay time.Duration
	// MaxDelay caps a single wait. Default 60 s.
	MaxDelay time.Duration
}

// ExecuteWrite runs work in a transaction on db and commits it, retrying the
// whole transaction — like native.Session.ExecuteWrite — when it fails with an
// error native.IsRetryable classifies as transient (deadlock, leader switch,
// lost connection before commit), until the retry budget is spent. A commit
// whose outcome is unknown is not retried. work may run more than once: keep it
// free of side effects outside the transaction. Context helpers (WithTxMetadata,
// WithTxTimeout, ...) on ctx apply to every attempt.
//
// When the budget is spent the error is a *native.TransactionExecutionLimit
// holding every attempt's error.
func ExecuteWrite(ctx context.Context, db *sql.DB, work func(tx *sql.Tx) error, opts ...RetryOptions) error {
	return execute(ctx, db, false, work, opts)
}

// ExecuteRead is ExecuteWrite for a read-only transaction (sql.TxOptions
// ReadOnly: routed to readers).
func ExecuteRead(ctx context.Context, db *sql.DB, work func(tx *sql.Tx) error, opts ...RetryOptions) error {
	return execute(ctx, db, true, work, opts)
}

func execute(ctx context.Context, db *sql.DB, readOnly bool, work func(*sql.Tx) error, opts []RetryOptions) error {
	if db == nil || work == nil {
		return errors.New("sqldriver: ExecuteRead/ExecuteWrite need a *sql.DB and a work function")
	}
	o := RetryOptions{}
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.MaxRetryTime == 0 {
		o.MaxRetryTime = native.DefaultConfig().MaxTransactionRetryTime
		if d, ok := db.Driver().(*Driver); ok && d.connector != nil {
			o.MaxRetryTime = d.connector.retryTime
			if o.MaxRetryTime == 0 { // native: 0 means "never retry"
				o.MaxRetryTime = -1
			}
		}
	}
	if o.InitialDelay <= 0 {
		o.InitialDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = time.Minute
	}
	var (
		errs       []error
		firstFail  time.Time
		delay      = o.InitialDelay
		txOpts     = &sql.TxOptions{ReadOnly: readOnly}
		budgetLeft = func() bool { return o.MaxRetryTime > 0 && time.Since(firstFail) < o.MaxRetryTime }
	)
	for {
		err := attempt(ctx, db, txOpts, work)
		if err == nil {
			return nil
		}
		if !native.IsRetryable(err) || ctx.Err() != nil || o.MaxRetryTime < 0 {
			return err
		}
		errs = append(errs, err)
		if firstFail.IsZero() {
			firstFail = time.Now()
		}
		if !budgetLeft() {
			return &native.TransactionExecutionLimit{Cause: fmt.Sprintf("retry budget of %v spent", o.MaxRetryTime), Errors: errs}
		}
		wait := jitter(delay)
		if rest := o.MaxRetryTime - time.Since(firstFail); wait > rest {
			wait = rest
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("sqldriver: retry interrupted: %w (last error: %w)", ctx.Err(), err)
		case <-t.C:
		}
		delay = min(2*delay, o.MaxDelay)
	}
}

// attempt runs work once in a transaction and commits or rolls back.
func attempt(ctx context.Context, db *sql.DB, opts *sql.TxOptions, work func(*sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := work(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// jitter returns d ± 20 %.
func jitter(d time.Duration) time.Duration {
	f := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * f)
}
