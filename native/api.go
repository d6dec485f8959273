package native

import (
	"context"
	"iter"
	"net/url"
)

// Driver is the entry point: it owns the connection pools and is safe for
// concurrent use by many goroutines. Create one per application with NewDriver
// and Close it on shutdown. Sessions are cheap; create one per unit of work.
type Driver interface {
	// NewSession returns a session. It does no I/O and never fails; on a closed
	// driver every call on the session returns an error wrapping ErrDriverClosed.
	NewSession(ctx context.Context, config SessionConfig) Session
	// VerifyConnectivity borrows a connection (dialling if needed) and returns an
	// error if the server cannot be reached or rejects the credentials.
	VerifyConnectivity(ctx context.Context) error
	// VerifyAuthentication reports whether the server accepts auth (nil = the
	// driver's current token): it logs on with it a reader of the system
	// database, a new connection or a pooled one (LOGOFF/LOGON), as a session
	// with SessionConfig.Auth would. A rejected token is a *Neo4jError with a
	// Neo.ClientError.Security code (e.g. Unauthorized, TokenExpired); a server
	// before Bolt 5.1, which cannot re-authenticate, is a *UsageError.
	VerifyAuthentication(ctx context.Context, auth *AuthToken) error
	// GetServerInfo connects and describes the server (address, agent, protocol).
	GetServerInfo(ctx context.Context) (ServerInfo, error)
	// IsEncrypted reports whether connections use TLS (from the URI scheme).
	IsEncrypted() bool
	// Target returns the parsed URI the driver was created with.
	Target() url.URL
	// ExecuteQueryBookmarkManager returns the bookmark manager ExecuteQuery uses
	// by default, which chains all ExecuteQuery calls causally.
	ExecuteQueryBookmarkManager() BookmarkManager
	// Stats returns a snapshot of every server pool.
	Stats() []PoolStats
	// Close closes all idle connections and makes every later operation fail.
	// Connections in use are closed when returned. Close is idempotent and safe
	// to call concurrently.
	Close(ctx context.Context) error
}

// Session runs transactions on the driver's pool. It is NOT safe for
// concurrent use: use one session per goroutine. Concurrent calls are detected
// and return a *UsageError instead of corrupting state. Always Close it:
//
//	session := driver.NewSession(ctx, native.SessionConfig{})
//	defer session.Close(ctx)
type Session interface {
	// LastBookmarks returns the bookmarks of the last transaction this session
	// committed (or its initial bookmarks if none).
	LastBookmarks() Bookmarks
	// BeginTransaction starts an explicit transaction. Only one transaction may
	// be open per session.
	BeginTransaction(ctx context.Context, configurers ...func(*TransactionConfig)) (ExplicitTransaction, error)
	// ExecuteRead runs work in a read transaction, retrying it on transient
	// errors (see IsRetryable) until Config.MaxTransactionRetryTime has passed
	// since the first failure. work may run more than once: keep it free of
	// side effects outside the transaction. Never retried once a COMMIT's
	// outcome is unknown.
	ExecuteRead(ctx context.Context, work ManagedTransactionWork, configurers ...func(*TransactionConfig)) (any, error)
	// ExecuteWrite is ExecuteRead for a write transaction.
	ExecuteWrite(ctx context.Context, work ManagedTransactionWork, configurers ...func(*TransactionConfig)) (any, error)
	// Run runs query in an auto-commit transaction (never retried). The result
	// streams lazily; consume it before the next call on the session or it is
	// buffered then.
	Run(ctx context.Context, query string, params map[string]any, configurers ...func(*TransactionConfig)) (Result, error)
	// Close rolls back an open transaction, discards an unconsumed result and
	// releases the connection. It is idempotent.
	Close(ctx context.Context) error
}

// ManagedTransactionWork is the function run by ExecuteRead/ExecuteWrite.
type ManagedTransactionWork func(tx ManagedTransaction) (any, error)

// ManagedTransaction is the transaction handed to a transaction function. The
// driver commits it when the function returns nil error and rolls it back
// otherwise.
type ManagedTransaction interface {
	// Run runs query in the transaction. Several results may be open at once.
	Run(ctx context.Context, query string, params map[string]any) (Result, error)
}

// ExplicitTransaction is a transaction committed or rolled back by the caller.
type ExplicitTransaction interface {
	// Run runs query in the transaction. Several results may be open at once.
	Run(ctx context.Context, query string, params map[string]any) (Result, error)
	// Commit commits the transaction, first discarding the unread records of
	// its open results (which go out of scope). A second Commit or Rollback is a
	// *UsageError; after a query in the transaction failed, Commit and Run fail
	// with ErrTransactionTerminated. If the connection is lost after COMMIT was sent the error is
	// a *CommitOutcomeUnknownError.
	Commit(ctx context.Context) error
	// Rollback rolls the transaction back.
	Rollback(ctx context.Context) error
	// Close rolls the transaction back unless it was committed or rolled back
	// already; it is idempotent.
	Close(ctx context.Context) error
}

// Result is a lazily streamed query result. A result of an explicit or managed
// transaction is valid until the transaction ends: then its unread records are
// discarded and Next/Peek fail with ErrResultNotAvailable. An auto-commit result
// stays readable until consumed (the next call on the session buffers it).
// Typical use:
//
//	for result.Next(ctx) {
//		rec := result.Record()
//		...
//	}
//	if err := result.Err(); err != nil { ... }
type Result interface {
	// Keys returns the column names.
	Keys() ([]string, error)
	// Next advances to the next record and reports whether there is one. On
	// false, Err tells whether the stream ended or failed.
	Next(ctx context.Context) bool
	// NextRecord is Next that also stores the record in *out.
	NextRecord(ctx context.Context, out **Record) bool
	// Peek reports whether another record is available without advancing.
	Peek(ctx context.Context) bool
	// PeekRecord is Peek that also stores the upcoming record in *out.
	PeekRecord(ctx context.Context, out **Record) bool
	// Record returns the current record (after a successful Next), else nil.
	Record() *Record
	// Scan copies the current record's values into dest (see Record.Scan):
	// *any, *string, *int64, *int, *float64, *bool and *[]byte without
	// reflection; other pointer types by conversion (integers with overflow
	// checks, lists to slices, maps/nodes to maps or structs, temporal values to
	// time.Time). A NULL needs a pointer, slice, map or interface destination.
	Scan(dest ...any) error
	// Err returns the error that ended iteration, if any.
	Err() error
	// Records returns an iterator over the remaining records; it stops at the
	// first error, which it yields with a nil record.
	Records(ctx context.Context) iter.Seq2[*Record, error]
	// Collect returns all remaining records. It ignores the fetch size: the
	// records of the batch in flight are read, then the rest is pulled at once.
	Collect(ctx context.Context) ([]*Record, error)
	// Single returns the only remaining record; zero or more than one record
	// is a *UsageError (the rest of the result is discarded).
	Single(ctx context.Context) (*Record, error)
	// Consume discards the remaining records and returns the summary.
	Consume(ctx context.Context) (ResultSummary, error)
	// IsOpen reports whether records may still be read.
	IsOpen() bool
}
