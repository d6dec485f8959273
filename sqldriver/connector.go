package sqldriver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/boltwire/neo4j/native"
)

// closeTimeout bounds clean-up work that must not follow a cancelled context
// (closing a session, discarding the rest of a result, a rollback).
const closeTimeout = 10 * time.Second

// Connector opens database/sql connections — native sessions — on one native
// driver. Build one with [NewConnector] for sql.OpenDB, or let [OpenDB] or
// sql.Open do it. It is safe for concurrent use.
type Connector struct {
	drv        *Driver
	native     native.Driver
	ownsNative bool
	opts       Options
	retryTime  time.Duration          // MaxTransactionRetryTime of the native config, for ExecuteWrite/Read
	bm         native.BookmarkManager // with BookmarksShared
	closeOnce  sync.Once
	closeErr   error
}

var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)

// NewConnector builds a native driver from cfg (no I/O yet) and returns a
// connector that owns it: closing the *sql.DB closes the driver.
func NewConnector(cfg *Config) (*Connector, error) {
	return newConnector(cfg)
}

func newConnector(cfg *Config) (*Connector, error) {
	if cfg == nil {
		return nil, errors.New("sqldriver: nil Config")
	}
	if err := cfg.Options.validate(); err != nil {
		return nil, err
	}
	dcfg := cfg.Driver
	nd, err := native.NewDriver(cfg.URI, authOrNone(cfg.Auth), func(c *native.Config) { *c = dcfg })
	if err != nil {
		return nil, fmt.Errorf("sqldriver: %w", err)
	}
	c := &Connector{native: nd, ownsNative: true, opts: cfg.Options, retryTime: dcfg.MaxTransactionRetryTime}
	c.drv = &Driver{connector: c}
	c.initBookmarks()
	return c, nil
}

func authOrNone(a native.AuthTokenManager) native.AuthTokenManager {
	if a == nil {
		return native.NoAuth()
	}
	return a
}

func (c *Connector) initBookmarks() {
	if c.opts.Bookmarks == BookmarksShared {
		c.bm = c.opts.BookmarkManager
		if c.bm == nil {
			c.bm = native.NewBookmarkManager(native.BookmarkManagerConfig{})
		}
	}
}

// OpenDB returns a *sql.DB for cfg; closing it closes the native driver. It is
// sql.OpenDB(NewConnector(cfg)).
func OpenDB(cfg *Config) (*sql.DB, error) {
	c, err := NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// OpenDBFromDriver returns a *sql.DB whose connections are sessions of nd, a
// native driver the caller owns and shares (for example with code using the
// native API): closing the *sql.DB does not close nd. Pass the per-connection
// options the DSN would otherwise give.
func OpenDBFromDriver(nd native.Driver, opts Options) (*sql.DB, error) {
	if nd == nil {
		return nil, errors.New("sqldriver: nil native driver")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	c := &Connector{native: nd, opts: opts, retryTime: native.DefaultConfig().MaxTransactionRetryTime}
	c.drv = &Driver{connector: c}
	c.initBookmarks()
	return sql.OpenDB(c), nil
}

// Connect opens a connection: a native session (no I/O until the first
// statement).
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bm := c.bm
	if c.opts.Bookmarks == BookmarksSession {
		bm = native.NewBookmarkManager(native.BookmarkManagerConfig{})
	}
	return &Conn{connector: c, bm: bm}, nil
}

// Driver returns the database/sql driver.
func (c *Connector) Driver() driver.Driver { return c.drv }

// NativeDriver returns the native driver the connections use.
func (c *Connector) NativeDriver() native.Driver { return c.native }

// BookmarkManager returns the connector-wide bookmark manager (nil unless
// bookmarks=shared).
func (c *Connector) BookmarkManager() native.BookmarkManager { return c.bm }

// Close closes the native driver if the connector owns it (database/sql calls
// it from DB.Close). It is idempotent.
func (c *Connector) Close() error {
	c.closeOnce.Do(func() {
		if c.ownsNative {
			ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
			defer cancel()
			c.closeErr = c.native.Close(ctx)
		}
	})
	return c.closeErr
}
