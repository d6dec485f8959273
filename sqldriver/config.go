package sqldriver

import (
	"fmt"

	"github.com/boltwire/neo4j/native"
)

// BookmarkMode says how the statements of a *sql.DB are chained causally.
type BookmarkMode int

const (
	// BookmarksShared (the default) gives all connections of a connector one
	// bookmark manager: a write committed through any pooled connection is
	// visible to the next statement on any other (read-your-writes across the
	// pool), at the price of every transaction waiting for the latest write.
	BookmarksShared BookmarkMode = iota
	// BookmarksSession chains only the statements of one database/sql
	// connection (one native session); use it when unrelated requests share the
	// pool and need no ordering between them.
	BookmarksSession
	// BookmarksNone uses no bookmarks: each transaction sees whatever the server
	// it lands on has applied. Fastest; fine on a single server.
	BookmarksNone
)

// String returns "shared", "session" or "none" (the DSN spelling).
func (m BookmarkMode) String() string {
	switch m {
	case BookmarksShared:
		return "shared"
	case BookmarksSession:
		return "session"
	case BookmarksNone:
		return "none"
	}
	return fmt.Sprintf("BookmarkMode(%d)", int(m))
}

// ValueMode chooses the values Rows hand to database/sql.
type ValueMode int

const (
	// ValuesNative (the default) hands over Go's standard values where they
	// exist and the dbtype values (Node, Duration, Point2D, ...) otherwise — see
	// the value table in the package documentation.
	ValuesNative ValueMode = iota
	// ValuesStandard hands over only values every database/sql tool knows
	// (nil, bool, int64, float64, string, []byte, time.Time): lists, maps,
	// graph values, points and vectors as JSON ([]byte, see conv.JSON); times
	// of day, durations and UUIDs as their ISO / canonical text (string); dates
	// as time.Time.
	ValuesStandard
)

// String returns "native" or "standard" (the DSN spelling).
func (m ValueMode) String() string {
	switch m {
	case ValuesNative:
		return "native"
	case ValuesStandard:
		return "standard"
	}
	return fmt.Sprintf("ValueMode(%d)", int(m))
}

// Options are the per-connection settings of a *sql.DB: everything that does
// not belong to the native driver. They are part of [Config] and are what
// [OpenDBFromDriver] takes.
type Options struct {
	// Database is the database every connection uses; "" is the user's home
	// database (DSN: the URL path).
	Database string
	// AccessMode is the mode of statements outside transactions and of
	// transactions not marked ReadOnly; WithAccessMode overrides it per call.
	// Default native.AccessModeWrite (DSN: access_mode=read|write).
	AccessMode native.AccessMode
	// FetchSize overrides the driver's records per PULL; 0 keeps it,
	// native.FetchAll (-1) pulls everything (DSN: fetch_size).
	FetchSize int
	// ImpersonatedUser runs every transaction as this user (DSN:
	// impersonated_user).
	ImpersonatedUser string
	// Bookmarks chooses the causal chaining (DSN: bookmarks=shared|session|none).
	Bookmarks BookmarkMode
	// Values chooses the values Rows hand over (DSN: values=native|standard).
	Values ValueMode
	// BookmarkManager, with BookmarksShared, replaces the manager the connector
	// would create, e.g. to share one with native sessions of the same program.
	BookmarkManager native.BookmarkManager
}

// Config is everything a connector needs: what a DSN can say, plus what a
// string cannot carry (token managers, TLS objects, loggers, tracers). Start
// from [ParseDSN] or [NewConfig], adjust, then call [OpenDB] or [NewConnector],
// or [RegisterConfig] for code that must keep calling sql.Open.
type Config struct {
	// URI is the native driver URI: scheme://host[:port][?routing context], e.g.
	// "neo4j://db.example.com:7687?region=eu" (no credentials, no path).
	URI string
	// Auth authenticates connections; nil means no authentication. A
	// native.AuthToken (native.BasicAuth, native.BearerAuth, ...) is a manager.
	Auth native.AuthTokenManager
	// Driver is the native driver configuration (pool, timeouts, TLS, logging).
	Driver native.Config
	// Options are the per-connection settings.
	Options
}

// NewConfig returns a Config for uri with the native defaults, no
// authentication and shared bookmarks.
func NewConfig(uri string) *Config {
	return &Config{URI: uri, Driver: native.DefaultConfig()}
}

// String describes the configuration without secrets.
func (c *Config) String() string {
	auth := "none"
	if c.Auth != nil {
		auth = fmt.Sprint(c.Auth)
	}
	return fmt.Sprintf("sqldriver.Config{URI=%q, Auth=%s, Database=%q, AccessMode=%v, FetchSize=%d, ImpersonatedUser=%q, Bookmarks=%v, Values=%v, Driver=%v}",
		c.URI, auth, c.Database, c.AccessMode, c.FetchSize, c.ImpersonatedUser, c.Bookmarks, c.Values, c.Driver)
}

// validate checks the options that the native layer does not.
func (o *Options) validate() error {
	if o.AccessMode != native.AccessModeRead && o.AccessMode != native.AccessModeWrite {
		return fmt.Errorf("sqldriver: Options.AccessMode %d is not native.AccessModeRead or AccessModeWrite", int(o.AccessMode))
	}
	if o.Bookmarks < BookmarksShared || o.Bookmarks > BookmarksNone {
		return fmt.Errorf("sqldriver: Options.Bookmarks %d is not a BookmarkMode", int(o.Bookmarks))
	}
	if o.Values < ValuesNative || o.Values > ValuesStandard {
		return fmt.Errorf("sqldriver: Options.Values %d is not a ValueMode", int(o.Values))
	}
	if o.FetchSize < native.FetchAll {
		return fmt.Errorf("sqldriver: Options.FetchSize must be positive, 0 or native.FetchAll (-1), got %d", o.FetchSize)
	}
	return nil
}
