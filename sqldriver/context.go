package sqldriver

import (
	"context"
	"maps"
	"time"

	"github.com/boltwire/neo4j/native"
)

type ctxKey int

const (
	keyTxMetadata ctxKey = iota
	keyTxTimeout
	keyAccessMode
	keyBookmarks
	keyBookmarkSink
	keySummarySink
)

// WithTxMetadata returns a context whose statements and transactions (BeginTx,
// and auto-commit QueryContext / ExecContext) carry metadata, visible in SHOW
// TRANSACTIONS and the server's query log.
func WithTxMetadata(ctx context.Context, metadata map[string]any) context.Context {
	return context.WithValue(ctx, keyTxMetadata, maps.Clone(metadata))
}

// WithTxTimeout returns a context whose transactions are aborted by the server
// after timeout (0: no timeout, overriding the server's default). This is the
// server-side limit; the context's own deadline still bounds the client's wait.
func WithTxTimeout(ctx context.Context, timeout time.Duration) context.Context {
	return context.WithValue(ctx, keyTxTimeout, timeout)
}

// WithAccessMode returns a context whose auto-commit statements and
// transactions (unless sql.TxOptions.ReadOnly asks for read) use mode instead of
// the connector's default. In a cluster the mode decides where the work is
// routed; the server refuses writes in read mode.
func WithAccessMode(ctx context.Context, mode native.AccessMode) context.Context {
	return context.WithValue(ctx, keyAccessMode, mode)
}

// WithBookmarks returns a context whose next transaction waits until the server
// has applied the given bookmarks (e.g. received from another service in an
// HTTP header). The bookmarks join the connection's bookmark manager, so with
// bookmarks=shared every later transaction of the pool waits for them too
// (until a newer write supersedes them). With bookmarks=none it is an error.
func WithBookmarks(ctx context.Context, bookmarks native.Bookmarks) context.Context {
	return context.WithValue(ctx, keyBookmarks, append(native.Bookmarks(nil), bookmarks...))
}

// WithBookmarkSink returns a context that collects bookmarks: after an
// auto-commit statement has completed (Exec, or Rows read to the end / closed)
// or a transaction begun with the context has committed, *sink holds the
// bookmarks of that connection's last transaction, ready to hand to another
// service or to WithBookmarks.
func WithBookmarkSink(ctx context.Context, sink *native.Bookmarks) context.Context {
	return context.WithValue(ctx, keyBookmarkSink, sink)
}

// WithSummary returns a context that receives the full result summary
// (counters, notifications, plan, database, server) of each statement run with
// it: after ExecContext returns, or once Rows are read to the end or closed.
// database/sql hides the driver's Result type, so this is the way to reach
// more than RowsAffected.
func WithSummary(ctx context.Context, sink *native.ResultSummary) context.Context {
	return context.WithValue(ctx, keySummarySink, sink)
}

// txConfigurers returns the native transaction options found in ctx.
func txConfigurers(ctx context.Context) []func(*native.TransactionConfig) {
	var out []func(*native.TransactionConfig)
	if md, ok := ctx.Value(keyTxMetadata).(map[string]any); ok {
		out = append(out, native.WithTxMetadata(md))
	}
	if d, ok := ctx.Value(keyTxTimeout).(time.Duration); ok {
		out = append(out, native.WithTxTimeout(d))
	}
	return out
}

func accessModeFrom(ctx context.Context, def native.AccessMode) native.AccessMode {
	if m, ok := ctx.Value(keyAccessMode).(native.AccessMode); ok {
		return m
	}
	return def
}

func bookmarksFrom(ctx context.Context) native.Bookmarks {
	b, _ := ctx.Value(keyBookmarks).(native.Bookmarks)
	return b
}

func bookmarkSinkFrom(ctx context.Context) *native.Bookmarks {
	s, _ := ctx.Value(keyBookmarkSink).(*native.Bookmarks)
	return s
}

func summarySinkFrom(ctx context.Context) *native.ResultSummary {
	s, _ := ctx.Value(keySummarySink).(*native.ResultSummary)
	return s
}
