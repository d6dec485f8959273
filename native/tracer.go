package native

import (
	"context"
	"time"
)

// Tracer observes the driver: queries, transactions, retries, the pool and
// new connections. Set it in Config.Tracer; a nil Tracer costs nothing. Methods
// are called synchronously on the calling goroutine and must be fast and safe
// for concurrent use. Embed NopTracer to implement only some methods.
type Tracer interface {
	// QueryStart is called before a query is sent.
	QueryStart(ctx context.Context, e QueryStartEvent)
	// QueryEnd is called when a query's result is consumed or failed, or
	// closed unread because its transaction ended.
	QueryEnd(ctx context.Context, e QueryEndEvent)
	// TxBegin is called when an explicit or managed transaction starts.
	TxBegin(ctx context.Context, e TxEvent)
	// TxCommit is called after a COMMIT (Err says whether it succeeded).
	TxCommit(ctx context.Context, e TxEvent)
	// TxRollback is called after a ROLLBACK.
	TxRollback(ctx context.Context, e TxEvent)
	// Retry is called before a managed transaction is retried.
	Retry(ctx context.Context, e RetryEvent)
	// PoolAcquire is called after a connection borrow (Err set on failure).
	PoolAcquire(ctx context.Context, e PoolEvent)
	// PoolRelease is called when a connection goes back to the pool; ctx is
	// the caller's when a transaction ends, context.Background otherwise.
	PoolRelease(ctx context.Context, e PoolEvent)
	// Connect is called after a new connection was dialled (Err set on failure).
	Connect(ctx context.Context, e ConnectEvent)
}

// QueryStartEvent describes a query about to be sent.
type QueryStartEvent struct {
	Query      string         // the query text
	Parameters map[string]any // the parameters converted to Bolt values, as they will be sent
	Database   string         // as configured for the session; "" for the home database
	AccessMode AccessMode     // the session's (Run) or transaction's access mode
	AutoCommit bool           // true for Session.Run, false in a transaction
	// ServerAddress is the host:port of the server the query is sent to.
	ServerAddress string
}

// QueryEndEvent describes a finished query.
type QueryEndEvent struct {
	Query    string        // the query text
	Duration time.Duration // from QueryStart until the result was consumed, failed or closed
	Summary  ResultSummary // nil if the query failed
	Err      error         // also set when the result was closed unread by its transaction's end

	Database      string     // as configured for the session; "" for the home database
	AccessMode    AccessMode // the session's or transaction's access mode
	ServerAddress string     // host:port of the server that ran the query
}

// TxEvent describes a transaction step.
type TxEvent struct {
	Database   string     // as configured for the session; "" for the home database
	AccessMode AccessMode // the transaction's access mode
	Managed    bool       // true for ExecuteRead/ExecuteWrite (and ExecuteQuery) transactions
	// Err is the COMMIT's or ROLLBACK's error; nil on success and always for
	// TxBegin (a failed BEGIN reports no event).
	Err error
	// Duration is, for TxBegin, the time BEGIN took; for TxCommit and
	// TxRollback, the time since the transaction began.
	Duration time.Duration
}

// RetryEvent describes a retry of a managed transaction.
type RetryEvent struct {
	Attempt int           // the attempt that failed, from 1
	Err     error         // its error
	Delay   time.Duration // the wait before the next attempt

	Database   string     // as configured for the session; "" for the home database
	AccessMode AccessMode // AccessModeRead (ExecuteRead) or AccessModeWrite
}

// PoolEvent describes a borrow or a return.
type PoolEvent struct {
	Address string        // host:port of the server whose pool it is
	Wait    time.Duration // time spent waiting (borrow only)
	// Err is, for PoolAcquire, why the borrow failed; for PoolRelease, the
	// error the transaction or query on the connection ended with (nil if
	// none).
	Err error
}

// ConnectEvent describes a dial.
type ConnectEvent struct {
	Address  string        // host:port dialled
	Duration time.Duration // time to connect, handshake and authenticate
	Err      error         // why the connection failed; nil on success
}

// NopTracer implements Tracer with methods that do nothing; embed it.
type NopTracer struct{}

// QueryStart does nothing.
func (NopTracer) QueryStart(context.Context, QueryStartEvent) {}

// QueryEnd does nothing.
func (NopTracer) QueryEnd(context.Context, QueryEndEvent) {}

// TxBegin does nothing.
func (NopTracer) TxBegin(context.Context, TxEvent) {}

// TxCommit does nothing.
func (NopTracer) TxCommit(context.Context, TxEvent) {}

// TxRollback does nothing.
func (NopTracer) TxRollback(context.Context, TxEvent) {}

// Retry does nothing.
func (NopTracer) Retry(context.Context, RetryEvent) {}

// PoolAcquire does nothing.
func (NopTracer) PoolAcquire(context.Context, PoolEvent) {}

// PoolRelease does nothing.
func (NopTracer) PoolRelease(context.Context, PoolEvent) {}

// Connect does nothing.
func (NopTracer) Connect(context.Context, ConnectEvent) {}

// PoolStats is a snapshot of one server's pool.
type PoolStats struct {
	Address  string        // host:port
	Idle     int           // idle connections
	InUse    int           // borrowed connections
	Waiting  int           // borrowers waiting now
	WaitTime time.Duration // total time borrowers spent waiting
	Waits    uint64        // number of borrows that had to wait
	Created  uint64        // connections dialled successfully
	Closed   uint64        // connections closed
	MaxSize  int           // Config.MaxConnectionPoolSize (negative: unlimited)
}

// queryEndEvent describes the end of r's query.
func (r *result) queryEndEvent(err error) QueryEndEvent {
	return QueryEndEvent{Query: r.query, Duration: time.Since(r.start), Err: err,
		Database: r.s.cfg.DatabaseName, AccessMode: r.mode, ServerAddress: r.bc.Address()}
}
