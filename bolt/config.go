package bolt

import (
	"crypto/tls"
	"time"
)

// AccessMode is the access mode of a transaction.
type AccessMode byte

const (
	// Write is the default access mode.
	Write AccessMode = iota
	// Read marks a transaction read-only (sent as mode "r").
	Read
)

// Auth is an authentication token: "scheme" plus scheme entries such as "principal",
// "credentials", "realm" and "parameters". Use BasicAuth, BearerAuth or NoAuth, or build
// a custom one.
type Auth map[string]any

// BasicAuth returns a basic auth token; realm may be empty.
func BasicAuth(user, password, realm string) Auth {
	a := Auth{"scheme": "basic", "principal": user, "credentials": password}
	if realm != "" {
		a["realm"] = realm
	}
	return a
}

// BearerAuth returns a bearer (SSO token) auth token.
func BearerAuth(token string) Auth { return Auth{"scheme": "bearer", "credentials": token} }

// NoAuth returns the token for servers with authentication disabled.
func NoAuth() Auth { return Auth{"scheme": "none"} }

// NotificationConfig filters the notifications (GQL statuses) the server reports
// (Bolt 5.2+). The zero value sends nothing and keeps the server's (or, in a
// transaction, the connection's) setting.
type NotificationConfig struct {
	// MinimumSeverity is "OFF" (no notifications), "WARNING" or "INFORMATION";
	// "" keeps the default.
	MinimumSeverity string
	// DisabledClassifications lists classifications (categories before Bolt 5.6) not
	// to report, e.g. "HINT", "DEPRECATION". nil keeps the default; an empty non-nil
	// slice disables nothing.
	DisabledClassifications []string
}

func (n NotificationConfig) isZero() bool {
	return n.MinimumSeverity == "" && n.DisabledClassifications == nil
}

// DialConfig configures Dial.
type DialConfig struct {
	// Address is host:port of the server.
	Address string
	// TLS, when non-nil, encrypts the connection. ServerName defaults to the host of
	// Address; MinVersion is raised to TLS 1.2. See TLSConfig.
	TLS *tls.Config
	// ConnectTimeout bounds TCP connect and TLS and, unless HandshakeTimeout is
	// set, the Bolt handshake and authentication too (one budget for all);
	// 0 = only the context.
	ConnectTimeout time.Duration
	// HandshakeTimeout, when positive, gives the Bolt handshake and
	// authentication their own budget, started once TCP (and TLS) are up, so
	// that ConnectTimeout bounds reaching the server only.
	HandshakeTimeout time.Duration
	// KeepAlive is the TCP keep-alive period; 0 = system default, negative = off.
	KeepAlive time.Duration
	// Versions, when non-nil, is the exact set of versions to propose (tests).
	Versions []Version
	// Handshake selects how versions are proposed: the default (HandshakeAuto)
	// offers manifest v1 and classic slots; HandshakeCompat reaches Bolt 4.1/4.2 on
	// servers that predate version ranges at the cost of Bolt 6.
	Handshake HandshakeStyle
	// UserAgent is sent as HELLO user_agent; "" = DefaultUserAgent.
	UserAgent string
	// BoltAgent overrides HELLO bolt_agent (keys product, platform, language,
	// language_details); nil = this driver's identity.
	BoltAgent map[string]string
	// Auth is the authentication token (HELLO before Bolt 5.1, LOGON after).
	Auth Auth
	// RoutingContext, when non-nil, enables server-side routing in HELLO; put the
	// URI's query parameters and "address" (the initial host:port) in it. nil = direct.
	RoutingContext map[string]string
	// Notifications are the connection-wide notification filters (Bolt 5.2+).
	Notifications NotificationConfig
	// Trace, when set, sees every message in readable form (credentials redacted).
	Trace func(outgoing bool, msg string)
}

// DefaultUserAgent is the user agent sent when DialConfig.UserAgent is empty.
const DefaultUserAgent = "boltwire/0.1"

// TxConfig configures a transaction: BEGIN for explicit ones, RUN for auto-commit ones.
type TxConfig struct {
	Mode             AccessMode     // Read sends mode "r"
	Database         string         // "" = the user's home database
	ImpersonatedUser string         // "" = none (Bolt 4.4+)
	Bookmarks        []string       // wait for these transactions (causal consistency)
	Timeout          time.Duration  // sent only if TimeoutSet (rounded up to ms); 0 = no timeout
	TimeoutSet       bool           // false = server default timeout
	Metadata         map[string]any // tx_metadata, shown in the server's query log
	// Notifications, when non-nil, overrides the connection's filters (Bolt 5.2+).
	Notifications *NotificationConfig
}

// CommitResult is what a COMMIT returns.
type CommitResult struct {
	Bookmark string // bookmark of the committed transaction ("" if none)
	Database string // database, when the server reported it
}

// Summary is the metadata of a finished result: RUN's SUCCESS merged with the last
// PULL/DISCARD SUCCESS (t_first, fields, qid, t_last, type, stats, plan, profile,
// notifications or statuses, bookmark, db), the final SUCCESS winning on a repeated
// key. has_more is removed. Meta is nil in the zero Summary; it belongs to the
// Stream and must not be modified.
type Summary struct {
	Meta *Meta // the merged metadata (nil only in the zero Summary returned with an error)
}

// Bookmark returns the bookmark of an auto-commit result ("" if none).
func (s Summary) Bookmark() string { return s.Meta.Bookmark() }

// Database returns the database the query ran in ("" if not reported).
func (s Summary) Database() string { return s.Meta.Database() }

// RouteRequest is the input of ROUTE.
type RouteRequest struct {
	// Routing is the routing context (must hold "address"); nil = the one from Dial.
	Routing          map[string]string
	Bookmarks        []string // bookmarks the routing table must reflect
	Database         string   // "" = the user's home database
	ImpersonatedUser string   // resolve this user's home database instead
}

// RoutingTable is the answer to ROUTE.
type RoutingTable struct {
	TTL      time.Duration // how long the table may be used
	Database string        // the database it is for (resolved home database if none was given)
	Routers  []string      // addresses that answer ROUTE
	Readers  []string      // addresses for read transactions
	Writers  []string      // addresses for write transactions
}

// Hints are the connection hints the server sent with HELLO's SUCCESS.
type Hints struct {
	// RecvTimeout is connection.recv_timeout_seconds (0 = none): the server sends
	// something at least this often, so longer silence means a dead connection.
	RecvTimeout time.Duration
	// Telemetry is telemetry.enabled: TELEMETRY messages are wanted.
	Telemetry bool
	// SSR is ssr.enabled: the cluster routes on the server side.
	SSR bool
	// Raw holds every hint as sent.
	Raw map[string]any
}

// Telemetry API codes (the argument of Conn.Telemetry).
const (
	TelemetryManagedTx    = 0 // transaction function (ExecuteRead/ExecuteWrite)
	TelemetryExplicitTx   = 1 // BeginTransaction
	TelemetryAutoCommit   = 2 // session Run
	TelemetryExecuteQuery = 3 // driver-level ExecuteQuery
)
