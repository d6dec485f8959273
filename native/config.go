package native

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"time"
)

// FetchDefault (0) in a FetchSize field means "use the configured default"
// (1000 records per PULL for Config.FetchSize).
const FetchDefault = 0

// FetchAll (-1) in a FetchSize field pulls the whole result in one request.
const FetchAll = -1

// DefaultFetchSize is the number of records requested per PULL when nothing
// else is configured.
const DefaultFetchSize = 1000

// LivenessCheckDisabled is the default Config.ConnectionLivenessCheckTimeout:
// idle connections are never pinged before reuse.
const LivenessCheckDisabled time.Duration = math.MaxInt64

// Config holds the driver options. NewDriver starts from DefaultConfig and
// applies the configurer functions given to it:
//
//	driver, err := native.NewDriver(uri, auth, func(c *native.Config) {
//		c.MaxConnectionPoolSize = 20
//	})
//
// Its String method redacts secrets. Fields that are nil or zero keep the
// documented default unless stated otherwise.
type Config struct {
	// MaxConnectionPoolSize caps the connections per server (idle + in use).
	// Default 100. 0 is an error; a negative value means no limit.
	MaxConnectionPoolSize int
	// ConnectionAcquisitionTimeout bounds the wait for a pooled connection,
	// including dialling a new one. Default 60 s. 0 means "do not wait when the
	// pool is full"; a negative value means "wait until the context ends". The
	// earlier of this and the context's deadline wins.
	ConnectionAcquisitionTimeout time.Duration
	// MaxConnectionLifetime retires connections older than this when they are
	// returned or borrowed. Default 1 h. 0 or negative disables the check.
	MaxConnectionLifetime time.Duration
	// ConnectionLivenessCheckTimeout: a connection idle for longer than this is
	// pinged (RESET round trip) before it is handed out, and dropped if the ping
	// fails. Default LivenessCheckDisabled; 0 pings every reused connection;
	// negative is an error.
	ConnectionLivenessCheckTimeout time.Duration
	// SocketConnectTimeout bounds reaching a server: the TCP connect and TLS.
	// The Bolt handshake and authentication that follow are bounded by
	// ConnectionAcquisitionTimeout when it is positive, else by this timeout.
	// Default 5 s; 0 or negative means no timeout (the context still applies).
	SocketConnectTimeout time.Duration
	// SocketKeepalive enables TCP keep-alive probes. Default true.
	SocketKeepalive bool
	// MaxTransactionRetryTime is the retry budget of ExecuteRead/ExecuteWrite and
	// ExecuteQuery, counted from the first failure. Default 30 s; negative is an
	// error; 0 means "never retry".
	MaxTransactionRetryTime time.Duration
	// FetchSize is the number of records requested per PULL. Default 1000
	// (FetchDefault); FetchAll (-1) pulls everything at once.
	FetchSize int
	// TlsConfig is the base TLS configuration for +s/+ssc URIs (cloned; ServerName
	// and InsecureSkipVerify are set from the URI). Default nil: system roots,
	// TLS 1.2 minimum.
	TlsConfig *tls.Config
	// RootCAs, if set, replaces TlsConfig.RootCAs for +s URIs (a convenience for
	// trusting a private CA).
	RootCAs *x509.CertPool
	// UserAgent is sent to the server in HELLO. Default "boltwire-neo4j/<version>".
	UserAgent string
	// NotificationsMinSeverity filters the notifications the server sends.
	// Default NotificationDefaultLevel (server's choice). Bolt 5.2+.
	NotificationsMinSeverity NotificationMinSeverityLevel
	// NotificationsDisabledClassifications lists notification classifications the
	// server should not send. Default none. Bolt 5.2+.
	NotificationsDisabledClassifications []NotificationClassification
	// TelemetryDisabled stops the driver from telling the server (Bolt 5.4+) which
	// API kind ran a transaction. Default false.
	TelemetryDisabled bool
	// Logger receives the driver's log records. Default nil: silent.
	Logger *slog.Logger
	// BoltTrace, if set, receives one line per Bolt message sent or received
	// ("C: RUN ..." / "S: SUCCESS ..."), with credentials redacted. It must be
	// safe for concurrent writes or is serialised by the driver. Default nil.
	BoltTrace io.Writer
	// Tracer, if set, observes queries, transactions, retries and the pool.
	// Default nil (zero cost).
	Tracer Tracer
	// AddressResolver, if set, maps the URI's address to the addresses actually
	// dialled (tried in order). Default nil.
	AddressResolver func(address string) []string
	// CompatHandshake, when true, makes every connection (to routers, readers and
	// writers alike) propose versions with bolt.HandshakeCompat instead of the
	// default proposal: Neo4j 4.1 and 4.2 servers, which predate version ranges,
	// then negotiate Bolt 4.1 and so get databases and server-side routing instead
	// of the single-database Bolt 3.0. The price is Bolt 6: servers from 2025.10
	// settle on Bolt 5.8, so VECTOR and UUID values cannot be exchanged. Default
	// false; turn it on only to reach 4.1/4.2 servers with databases (see
	// docs/BOLT-VERSIONS.md).
	CompatHandshake bool
	// HostResolver, if set, replaces the system's name lookup for every
	// server the driver connects to: the URI's address (or each address
	// AddressResolver returned for it) and the servers routing tables name.
	// It gets the host part of the address and returns host names or IP
	// addresses (without port; the address's port is kept), which are
	// tried in order until one connects. It is asked again for every new
	// connection, so a server whose IP address changed is found, and for
	// IP literals too (a resolver may map them). An error or an empty
	// answer fails that connection with a ConnectivityError. A routing
	// table fetch asks it once per router and, when the router's address
	// that connected fails ROUTE (other than with an error every router
	// would give), asks the router's next addresses in turn, each on a
	// connection of its own. Connections keep the unresolved address as
	// their name (routing tables, Tracer events).
	// net.DefaultResolver.LookupHost fits. Default nil.
	HostResolver func(ctx context.Context, host string) ([]string, error)
}

// DefaultUserAgent is the default Config.UserAgent.
const DefaultUserAgent = "boltwire-neo4j/0.1"

// DefaultConfig returns the configuration NewDriver starts from.
func DefaultConfig() Config {
	return Config{
		MaxConnectionPoolSize:          100,
		ConnectionAcquisitionTimeout:   60 * time.Second,
		MaxConnectionLifetime:          time.Hour,
		ConnectionLivenessCheckTimeout: LivenessCheckDisabled,
		SocketConnectTimeout:           5 * time.Second,
		SocketKeepalive:                true,
		MaxTransactionRetryTime:        30 * time.Second,
		FetchSize:                      DefaultFetchSize,
		UserAgent:                      DefaultUserAgent,
	}
}

// Validate reports the first invalid option, naming it.
func (c *Config) Validate() error {
	switch {
	case c.MaxConnectionPoolSize == 0:
		return usageErrorf("Config.MaxConnectionPoolSize must not be 0 (negative means unlimited)")
	case c.ConnectionLivenessCheckTimeout < 0:
		return usageErrorf("Config.ConnectionLivenessCheckTimeout must not be negative, got %v", c.ConnectionLivenessCheckTimeout)
	case c.MaxTransactionRetryTime < 0:
		return usageErrorf("Config.MaxTransactionRetryTime must not be negative, got %v", c.MaxTransactionRetryTime)
	case c.FetchSize < FetchAll:
		return usageErrorf("Config.FetchSize must be positive, FetchDefault (0) or FetchAll (-1), got %d", c.FetchSize)
	}
	if err := c.NotificationsMinSeverity.validate("Config.NotificationsMinSeverity"); err != nil {
		return err
	}
	return validateClassifications("Config.NotificationsDisabledClassifications", c.NotificationsDisabledClassifications)
}

// String describes the configuration without secrets (no TLS keys, no
// credentials).
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Config{MaxConnectionPoolSize=%d, ConnectionAcquisitionTimeout=%v, MaxConnectionLifetime=%v, ",
		c.MaxConnectionPoolSize, c.ConnectionAcquisitionTimeout, c.MaxConnectionLifetime)
	if c.ConnectionLivenessCheckTimeout == LivenessCheckDisabled {
		b.WriteString("ConnectionLivenessCheckTimeout=disabled, ")
	} else {
		fmt.Fprintf(&b, "ConnectionLivenessCheckTimeout=%v, ", c.ConnectionLivenessCheckTimeout)
	}
	fmt.Fprintf(&b, "SocketConnectTimeout=%v, SocketKeepalive=%t, MaxTransactionRetryTime=%v, FetchSize=%d, ",
		c.SocketConnectTimeout, c.SocketKeepalive, c.MaxTransactionRetryTime, c.FetchSize)
	fmt.Fprintf(&b, "TLS=%t, RootCAs=%t, UserAgent=%q, NotificationsMinSeverity=%q, NotificationsDisabledClassifications=%v, TelemetryDisabled=%t, Logger=%t, BoltTrace=%t, Tracer=%t, AddressResolver=%t, HostResolver=%t, CompatHandshake=%t}",
		c.TlsConfig != nil, c.RootCAs != nil, c.UserAgent, string(c.NotificationsMinSeverity),
		c.NotificationsDisabledClassifications, c.TelemetryDisabled, c.Logger != nil, c.BoltTrace != nil,
		c.Tracer != nil, c.AddressResolver != nil, c.HostResolver != nil, c.CompatHandshake)
	return b.String()
}

// GoString is like String, so that %#v redacts too.
func (c Config) GoString() string { return c.String() }

// NotificationMinSeverityLevel is the minimum severity of notifications the
// server sends.
type NotificationMinSeverityLevel string

// Notification severity filters.
const (
	NotificationDefaultLevel     NotificationMinSeverityLevel = ""            // server's default
	NotificationDisabledLevel    NotificationMinSeverityLevel = "OFF"         // no notifications at all
	NotificationWarningLevel     NotificationMinSeverityLevel = "WARNING"     // warnings only
	NotificationInformationLevel NotificationMinSeverityLevel = "INFORMATION" // warnings and information
)

func (l NotificationMinSeverityLevel) validate(field string) error {
	switch l {
	case NotificationDefaultLevel, NotificationDisabledLevel, NotificationWarningLevel, NotificationInformationLevel:
		return nil
	}
	return usageErrorf("%s: unknown severity %q (want OFF, WARNING or INFORMATION)", field, string(l))
}

// NotificationClassification names a class of notifications (a "category"
// before Bolt 5.6).
type NotificationClassification string

// Notification classifications the server knows.
const (
	NotificationHint         NotificationClassification = "HINT"
	NotificationUnrecognized NotificationClassification = "UNRECOGNIZED"
	NotificationUnsupported  NotificationClassification = "UNSUPPORTED"
	NotificationPerformance  NotificationClassification = "PERFORMANCE"
	NotificationDeprecation  NotificationClassification = "DEPRECATION"
	NotificationGeneric      NotificationClassification = "GENERIC"
	NotificationSecurity     NotificationClassification = "SECURITY"
	NotificationTopology     NotificationClassification = "TOPOLOGY"
	NotificationSchema       NotificationClassification = "SCHEMA"
)

func validateClassifications(field string, cs []NotificationClassification) error {
	for _, c := range cs {
		switch c {
		case NotificationHint, NotificationUnrecognized, NotificationUnsupported, NotificationPerformance,
			NotificationDeprecation, NotificationGeneric, NotificationSecurity, NotificationTopology, NotificationSchema:
		default:
			return usageErrorf("%s: unknown classification %q", field, string(c))
		}
	}
	return nil
}
