package native

import (
	"context"
	"io"
)

// ResultTransformer turns the records of an ExecuteQuery result into a value.
// A fresh transformer is made for every attempt (a retried transaction starts
// over), so it may keep state.
type ResultTransformer[T any] interface {
	// Accept receives each record in order.
	Accept(record *Record) error
	// Complete receives the keys and summary after the last record and returns
	// the final value.
	Complete(keys []string, summary ResultSummary) (T, error)
}

// EagerResult holds a whole result in memory.
type EagerResult struct {
	Keys    []string      // the result's column names, in order
	Records []*Record     // every record, in order; nil when there were none
	Summary ResultSummary // the summary of the consumed result
}

// EagerResultTransformer is the transformer factory that collects everything
// into an *EagerResult; pass it (uncalled) to ExecuteQuery.
func EagerResultTransformer() ResultTransformer[*EagerResult] { return &eagerTransformer{} }

type eagerTransformer struct{ records []*Record }

func (t *eagerTransformer) Accept(r *Record) error { t.records = append(t.records, r); return nil }

func (t *eagerTransformer) Complete(keys []string, s ResultSummary) (*EagerResult, error) {
	return &EagerResult{Keys: keys, Records: t.records, Summary: s}, nil
}

// RoutingControl says whether ExecuteQuery runs on writers or readers.
type RoutingControl int

// Routing choices.
const (
	// Write routes to the leader (default).
	Write RoutingControl = iota
	// Read routes to readers.
	Read
)

// ExecuteQueryConfiguration holds the options of ExecuteQuery.
type ExecuteQueryConfiguration struct {
	Routing          RoutingControl  // Write (the zero value) or Read
	ImpersonatedUser string          // "" runs as the authenticated user
	Database         string          // "" is the user's home database
	BookmarkManager  BookmarkManager // nil with noBookmarkManager false = the driver's default manager
	Auth             *AuthToken      // nil uses the driver's token (see SessionConfig.Auth)
	BoltTrace        io.Writer       // nil traces nothing (see SessionConfig.BoltTrace)
	// TxConfigurers set the timeout and metadata of the transaction (of
	// every attempt).
	TxConfigurers []func(*TransactionConfig)

	noBookmarkManager bool
}

// ExecuteQueryConfigurationOption sets an ExecuteQuery option.
type ExecuteQueryConfigurationOption func(*ExecuteQueryConfiguration)

// ExecuteQueryWithReadersRouting runs the query on readers.
func ExecuteQueryWithReadersRouting() ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.Routing = Read }
}

// ExecuteQueryWithWritersRouting runs the query on the leader (the default).
func ExecuteQueryWithWritersRouting() ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.Routing = Write }
}

// ExecuteQueryWithDatabase selects the database ("" = home database).
func ExecuteQueryWithDatabase(db string) ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.Database = db }
}

// ExecuteQueryWithImpersonatedUser runs the query as user.
func ExecuteQueryWithImpersonatedUser(user string) ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.ImpersonatedUser = user }
}

// ExecuteQueryWithBookmarkManager uses m instead of the driver's default
// ExecuteQuery bookmark manager.
func ExecuteQueryWithBookmarkManager(m BookmarkManager) ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.BookmarkManager, c.noBookmarkManager = m, m == nil }
}

// ExecuteQueryWithoutBookmarkManager runs the query without any bookmark
// manager (no causal chaining with other ExecuteQuery calls).
func ExecuteQueryWithoutBookmarkManager() ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.BookmarkManager, c.noBookmarkManager = nil, true }
}

// ExecuteQueryWithAuthToken runs the query with another auth token (Bolt 5.1+).
func ExecuteQueryWithAuthToken(auth AuthToken) ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.Auth = &auth }
}

// ExecuteQueryWithBoltTrace traces this query's Bolt messages to w.
func ExecuteQueryWithBoltTrace(w io.Writer) ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.BoltTrace = w }
}

// ExecuteQueryWithTransactionConfig sets the transaction's timeout/metadata.
func ExecuteQueryWithTransactionConfig(configurers ...func(*TransactionConfig)) ExecuteQueryConfigurationOption {
	return func(c *ExecuteQueryConfiguration) { c.TxConfigurers = append(c.TxConfigurers, configurers...) }
}

// ExecuteQuery runs query in one managed (retried) transaction on a session of
// its own and turns the result into a T with a fresh transformer from
// newTransformer per attempt. By default it writes, uses the home database and
// the driver's ExecuteQuery bookmark manager, so successive ExecuteQuery calls
// see each other's writes.
//
//	res, err := native.ExecuteQuery(ctx, driver, "MATCH (p:Person) RETURN p.name AS name", nil,
//		native.EagerResultTransformer, native.ExecuteQueryWithReadersRouting())
//
// Queries that manage their own transactions (CALL { … } IN TRANSACTIONS) must
// use Session.Run instead.
func ExecuteQuery[T any](ctx context.Context, driver Driver, query string, params map[string]any,
	newTransformer func() ResultTransformer[T], options ...ExecuteQueryConfigurationOption) (T, error) {
	var zero T
	if driver == nil {
		return zero, usageErrorf("ExecuteQuery: driver is nil")
	}
	if newTransformer == nil {
		return zero, usageErrorf("ExecuteQuery: transformer factory is nil")
	}
	cfg := ExecuteQueryConfiguration{}
	for _, o := range options {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.BookmarkManager == nil && !cfg.noBookmarkManager {
		cfg.BookmarkManager = driver.ExecuteQueryBookmarkManager()
	}
	sess := driver.NewSession(ctx, SessionConfig{
		DatabaseName:     cfg.Database,
		ImpersonatedUser: cfg.ImpersonatedUser,
		BookmarkManager:  cfg.BookmarkManager,
		Auth:             cfg.Auth,
		BoltTrace:        cfg.BoltTrace,
	})
	defer sess.Close(context.WithoutCancel(ctx))
	if s, ok := sess.(*session); ok {
		s.telemetryAPI = telemetryExecuteQuery
	}
	work := func(tx ManagedTransaction) (T, error) {
		var zero T
		transformer := newTransformer()
		if transformer == nil {
			return zero, usageErrorf("ExecuteQuery: transformer factory returned nil")
		}
		result, err := tx.Run(ctx, query, params)
		if err != nil {
			return zero, err
		}
		for result.Next(ctx) {
			if err := transformer.Accept(result.Record()); err != nil {
				return zero, err
			}
		}
		if err := result.Err(); err != nil {
			return zero, err
		}
		keys, err := result.Keys()
		if err != nil {
			return zero, err
		}
		summary, err := result.Consume(ctx)
		if err != nil {
			return zero, err
		}
		return transformer.Complete(keys, summary)
	}
	if cfg.Routing == Read {
		return ExecuteRead(ctx, sess, work, cfg.TxConfigurers...)
	}
	return ExecuteWrite(ctx, sess, work, cfg.TxConfigurers...)
}
