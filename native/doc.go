// Package native is boltwire's session API for Neo4j: a Driver (URI, auth, config,
// connection pool, routing for neo4j:// URIs), sessions with auto-commit Run,
// ExecuteRead/ExecuteWrite managed transactions with retry, explicit transactions,
// streaming results, summaries and bookmarks for causal consistency.
//
// # Getting started
//
// Create one Driver per application (it is safe for concurrent use) and a short-lived
// Session per unit of work (sessions are not):
//
//	driver, err := native.NewDriver("neo4j://localhost:7687", native.BasicAuth("neo4j", "secret", ""))
//	if err != nil { ... }
//	defer driver.Close(ctx)
//
//	session := driver.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j"})
//	defer session.Close(ctx)
//
//	names, err := native.ExecuteRead(ctx, session, func(tx native.ManagedTransaction) ([]string, error) {
//		result, err := tx.Run(ctx, "MATCH (p:Person) RETURN p.name AS name", nil)
//		if err != nil {
//			return nil, err
//		}
//		return native.CollectT(ctx, result, func(r *native.Record) (string, error) {
//			name, _, err := native.GetRecordValue[string](r, "name")
//			return name, err
//		})
//	})
//
// For one-off queries, ExecuteQuery runs a retried transaction in a session of its
// own and returns the whole result.
//
// # Transactions
//
//   - Session.Run: an auto-commit transaction; never retried; the only way to run
//     CALL { … } IN TRANSACTIONS. One round trip (RUN and PULL are pipelined).
//   - Session.ExecuteRead / ExecuteWrite (and the generic ExecuteRead[T] / ExecuteWrite[T]):
//     managed transactions, retried on transient server errors, lost connections,
//     leader changes and expired authorization, with waits of 1 s × 2ⁿ ± 20 % (each
//     capped by what is left of the budget) until Config.MaxTransactionRetryTime
//     (30 s by default) has passed since the first failure, or the context ends. A retry-exhausted call returns a
//     *TransactionExecutionLimit holding every attempt's error. If the connection
//     is lost after COMMIT was sent, the outcome is unknown: the call returns a
//     *CommitOutcomeUnknownError and is not retried. A managed write costs two round
//     trips: BEGIN+RUN+PULL, then COMMIT.
//   - Session.BeginTransaction: an explicit transaction committed or rolled back by
//     the caller.
//
// Several results may be open at once inside a transaction. Results stream lazily:
// records are fetched in batches of FetchSize (1000 by default). A result lives
// as long as its transaction: when the transaction ends (Commit, Rollback, Close,
// the end of a transaction function) its unread records are discarded and Next
// and Peek fail with ErrResultNotAvailable (Consume still returns the summary
// of a committed result), so read what you need before committing. A query
// that fails terminates its transaction: later use fails with
// ErrTransactionTerminated.
//
// # Contexts
//
// Every call takes a context. Its deadline and cancellation are honoured during
// blocking reads and writes (without a goroutine per read). A connection
// interrupted mid-message is closed, never handed out again; a result abandoned
// between batches is reset and its connection reused.
//
// # Errors
//
// Server failures are *Neo4jError; network failures *ConnectivityError; API misuse
// *UsageError. Test for them with errors.As or the Is* helpers, which see through
// wrapping. IsRetryable tells whether a failed transaction may succeed if run again.
//
// # Values
//
// Records hold nil, bool, int64, float64, string, []byte, []any, map[string]any,
// time.Time (DATETIME) and the types re-exported from package dbtype (Node,
// Relationship, Path, Point2D, Point3D, Date, Time, LocalTime, LocalDateTime,
// Duration, Vector, UUID). Parameters accept those plus every Go integer and float
// kind, named types, pointers, slices, string-keyed maps, time.Duration and
// structs (fields by `db` tag, `neo4j` tag as alias). Record.Scan, Result.Scan,
// GetRecordValue, RecordAs and CollectAs convert values to Go types.
//
// # Servers, routing and the pool
//
// bolt://, bolt+s:// and bolt+ssc:// URIs talk to one server. neo4j:// URIs (and
// their +s/+ssc forms) fetch a routing table per database with ROUTE, send reads
// to readers and writes to writers (least busy first), pin a session's home
// database once resolved, and forget servers that fail or stop being leaders.
// Each server has its own pool (Config.MaxConnectionPoolSize connections);
// borrowers queue first-come first-served and give up after
// Config.ConnectionAcquisitionTimeout or when their context ends. Connections are
// RESET on return only when left mid-transaction, pinged when idle for longer
// than Config.ConnectionLivenessCheckTimeout, retired after
// Config.MaxConnectionLifetime, and a connection that died (other than by its
// caller's context) takes the idle connections to the same server with it.
// Driver.Stats reports each pool; Config.Tracer observes queries, transactions,
// retries, borrows and dials; Config.BoltTrace and SessionConfig.BoltTrace log the
// Bolt messages with credentials redacted.
//
// # Authentication
//
// NewDriver takes an AuthToken (NoAuth, BasicAuth, BearerAuth, KerberosAuth,
// CustomAuth) or an AuthTokenManager (BasicTokenManager rotates a password after
// the server rejects it, BearerTokenManager refreshes an expiring token). The
// manager is asked for a token once per connection handed out. Pooled
// connections re-authenticate with LOGOFF/LOGON, sent with their next request
// (Bolt 5.1+; older connections are replaced), when the token changes, and
// SessionConfig.Auth runs one session as another user on the same pool (Bolt
// 5.1+). Neo.ClientError.Security.AuthorizationExpired makes every connection
// to that server re-authenticate (or be replaced) before its next use; the
// failed transaction may be retried. Driver.VerifyAuthentication checks a token
// the same way. Tokens and configurations never print their secrets.
//
// # Concurrency
//
// The Driver is safe for concurrent use. Sessions, transactions and results are
// not; concurrent calls on them are detected and fail with a *UsageError instead of
// corrupting the connection.
package native
