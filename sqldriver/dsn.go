package sqldriver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/boltwire/neo4j/native"
)

// ErrDSN is wrapped by every error of [ParseDSN].
var ErrDSN = errors.New("sqldriver: invalid DSN")

// routingPrefix marks DSN options that are routing context.
const routingPrefix = "routing."

// dsnOption applies one DSN option to a Config.
type dsnOption func(c *Config, tlsFiles map[string]string, value string) error

// dsnOptions lists every option a DSN accepts (see DSN.md).
var dsnOptions = map[string]dsnOption{
	"max_connection_pool_size": func(c *Config, _ map[string]string, v string) error {
		return setInt(&c.Driver.MaxConnectionPoolSize, v)
	},
	"connection_acquisition_timeout": func(c *Config, _ map[string]string, v string) error {
		return setDuration(&c.Driver.ConnectionAcquisitionTimeout, v)
	},
	"max_connection_lifetime": func(c *Config, _ map[string]string, v string) error {
		return setDuration(&c.Driver.MaxConnectionLifetime, v)
	},
	"connection_liveness_check_timeout": func(c *Config, _ map[string]string, v string) error {
		if v == "disabled" {
			c.Driver.ConnectionLivenessCheckTimeout = native.LivenessCheckDisabled
			return nil
		}
		return setDuration(&c.Driver.ConnectionLivenessCheckTimeout, v)
	},
	"socket_connect_timeout": func(c *Config, _ map[string]string, v string) error {
		return setDuration(&c.Driver.SocketConnectTimeout, v)
	},
	"socket_keepalive": func(c *Config, _ map[string]string, v string) error {
		return setBool(&c.Driver.SocketKeepalive, v)
	},
	"max_transaction_retry_time": func(c *Config, _ map[string]string, v string) error {
		return setDuration(&c.Driver.MaxTransactionRetryTime, v)
	},
	"fetch_size": func(c *Config, _ map[string]string, v string) error {
		if v == "all" {
			c.FetchSize = native.FetchAll
			return nil
		}
		return setInt(&c.FetchSize, v)
	},
	"user_agent": func(c *Config, _ map[string]string, v string) error {
		c.Driver.UserAgent = v
		return nil
	},
	"telemetry": func(c *Config, _ map[string]string, v string) error {
		var on bool
		if err := setBool(&on, v); err != nil {
			return err
		}
		c.Driver.TelemetryDisabled = !on
		return nil
	},
	"compat_handshake": func(c *Config, _ map[string]string, v string) error {
		return setBool(&c.Driver.CompatHandshake, v)
	},
	"notifications_min_severity": func(c *Config, _ map[string]string, v string) error {
		switch s := strings.ToUpper(v); s {
		case "OFF", "WARNING", "INFORMATION":
			c.Driver.NotificationsMinSeverity = native.NotificationMinSeverityLevel(s)
			return nil
		}
		return errors.New("want off, warning or information")
	},
	"notifications_disabled_classifications": func(c *Config, _ map[string]string, v string) error {
		c.Driver.NotificationsDisabledClassifications = nil
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				return errors.New("empty classification in the list")
			}
			c.Driver.NotificationsDisabledClassifications = append(c.Driver.NotificationsDisabledClassifications,
				native.NotificationClassification(strings.ToUpper(s)))
		}
		return nil
	},
	"access_mode": func(c *Config, _ map[string]string, v string) error {
		switch strings.ToLower(v) {
		case "read":
			c.AccessMode = native.AccessModeRead
		case "write":
			c.AccessMode = native.AccessModeWrite
		default:
			return errors.New("want read or write")
		}
		return nil
	},
	"bookmarks": func(c *Config, _ map[string]string, v string) error {
		switch strings.ToLower(v) {
		case "shared":
			c.Bookmarks = BookmarksShared
		case "session":
			c.Bookmarks = BookmarksSession
		case "none":
			c.Bookmarks = BookmarksNone
		default:
			return errors.New("want shared, session or none")
		}
		return nil
	},
	"values": func(c *Config, _ map[string]string, v string) error {
		switch strings.ToLower(v) {
		case "native":
			c.Values = ValuesNative
		case "standard":
			c.Values = ValuesStandard
		default:
			return errors.New("want native or standard")
		}
		return nil
	},
	"impersonated_user": func(c *Config, _ map[string]string, v string) error {
		c.ImpersonatedUser = v
		return nil
	},
	"tls_ca_file":   tlsFileOption("tls_ca_file"),
	"tls_cert_file": tlsFileOption("tls_cert_file"),
	"tls_key_file":  tlsFileOption("tls_key_file"),
}

func tlsFileOption(key string) dsnOption {
	return func(_ *Config, files map[string]string, v string) error {
		if v == "" {
			return errors.New("empty file name")
		}
		files[key] = v
		return nil
	}
}

// DSNOptions returns the names of the options a DSN accepts, sorted (routing
// context keys, written routing.<key>, are not listed).
func DSNOptions() []string {
	keys := make([]string, 0, len(dsnOptions))
	for k := range dsnOptions {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ParseDSN parses a data source name of the form
//
//	scheme://[user[:password]@]host[:port][/database][?option=value&...]
//
// into a Config (see the package documentation and DSN.md for every option).
// scheme is neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s or bolt+ssc; the port
// defaults to 7687; user info means basic authentication, none means no
// authentication; the path names the database (none: the home database).
// Options named routing.<key> form the routing context (neo4j schemes only).
// An unknown, repeated or malformed option is an error naming it; errors never
// contain the password.
func ParseDSN(dsn string) (*Config, error) {
	cfg, err := parseDSN(dsn)
	if err != nil {
		return nil, scrubSecret(err, dsn)
	}
	return cfg, nil
}

// scrubSecret keeps whatever stands where a password would (between the first
// ":" after "://" and the last "@") out of an error message, even when a
// malformed DSN made the parser see it as a path, a fragment or a host.
func scrubSecret(err error, dsn string) error {
	i := strings.Index(dsn, "://")
	if i < 0 {
		return err
	}
	rest := dsn[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return err
	}
	c := strings.Index(rest[:at], ":")
	if c < 0 {
		return err
	}
	msg := err.Error()
	// The whole "user:secret@" is specific enough to scrub at any length; the
	// secret alone only from 3 characters (shorter would mangle the message).
	scrubbed := msg
	// The "user:secret@" right before the last "@", however the rest parsed.
	start := strings.LastIndexAny(rest[:at], "/?#&=;@") + 1
	if seg := rest[start : at+1]; strings.Contains(seg, ":") {
		scrubbed = strings.ReplaceAll(scrubbed, seg, "<redacted>@")
		if secret := seg[strings.Index(seg, ":")+1 : len(seg)-1]; len(secret) >= 3 {
			scrubbed = strings.ReplaceAll(scrubbed, secret, "<redacted>")
		}
	}
	if secret := rest[c+1 : at]; len(secret) >= 3 {
		scrubbed = strings.ReplaceAll(scrubbed, secret, "<redacted>")
	}
	if scrubbed == msg {
		return err
	}
	return &scrubbedError{msg: scrubbed}
}

// scrubbedError is a DSN error whose text had the password removed; it matches
// ErrDSN with errors.Is.
type scrubbedError struct{ msg string }

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return ErrDSN }

func parseDSN(dsn string) (*Config, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDSN, redactErr(err, dsn))
	}
	scheme := strings.ToLower(u.Scheme)
	routing := strings.HasPrefix(scheme, "neo4j")
	switch scheme {
	case "neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc":
	case "":
		return nil, fmt.Errorf("%w: no scheme (want neo4j://, neo4j+s://, neo4j+ssc://, bolt://, bolt+s:// or bolt+ssc://)", ErrDSN)
	default:
		return nil, fmt.Errorf("%w: scheme %q is not supported (want neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s or bolt+ssc)", ErrDSN, u.Scheme)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%w: no host (want %s://host[:port])", ErrDSN, scheme)
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("%w: a fragment (\"#...\") is not supported; a \"#\" in a password must be written %%23", ErrDSN)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return nil, fmt.Errorf("%w: empty port", ErrDSN)
		}
		port = strconv.Itoa(native.DefaultPort)
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("%w: port %q is not a number between 1 and 65535", ErrDSN, port)
	}

	c := NewConfig("")
	if u.User != nil {
		pw, _ := u.User.Password()
		c.Auth = native.BasicAuth(u.User.Username(), pw, "")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if strings.Contains(db, "/") {
		return nil, fmt.Errorf("%w: path %q must be one database name (/database)", ErrDSN, u.Path)
	}
	c.Database = db

	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: malformed options %q: %w", ErrDSN, u.RawQuery, err)
	}
	routingCtx := url.Values{}
	tlsFiles := map[string]string{}
	for _, key := range sortedKeys(query) {
		vals := query[key]
		if len(vals) != 1 {
			return nil, fmt.Errorf("%w: option %q is given %d times", ErrDSN, key, len(vals))
		}
		val := vals[0]
		if rk, ok := strings.CutPrefix(key, routingPrefix); ok {
			switch {
			case !routing:
				return nil, fmt.Errorf("%w: option %q: routing context needs a neo4j, neo4j+s or neo4j+ssc scheme", ErrDSN, key)
			case rk == "" || rk == "address":
				return nil, fmt.Errorf("%w: option %q: invalid routing context key", ErrDSN, key)
			case val == "":
				return nil, fmt.Errorf("%w: option %q: empty value", ErrDSN, key)
			}
			routingCtx.Set(rk, val)
			continue
		}
		apply, ok := dsnOptions[key]
		if !ok {
			hint := ""
			if near := closestOption(key); near != "" {
				hint = fmt.Sprintf(": did you mean %q?", near)
			}
			return nil, fmt.Errorf("%w: unknown option %q%s (known: %s, routing.<key>)", ErrDSN, key, hint, strings.Join(DSNOptions(), ", "))
		}
		if err := apply(c, tlsFiles, val); err != nil {
			return nil, fmt.Errorf("%w: option %q: invalid value %q: %w", ErrDSN, key, val, err)
		}
	}
	if err := applyTLSFiles(c, scheme, tlsFiles); err != nil {
		return nil, err
	}
	target := url.URL{Scheme: scheme, Host: net.JoinHostPort(host, port), RawQuery: routingCtx.Encode()}
	c.URI = target.String()
	if err := c.Driver.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDSN, err)
	}
	if err := c.Options.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDSN, err)
	}
	return c, nil
}

func sortedKeys(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// redactErr removes the password from a url.Parse error.
func redactErr(err error, dsn string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	_ = dsn
	return err
}

// applyTLSFiles loads the tls_* files into c.Driver.TlsConfig.
func applyTLSFiles(c *Config, scheme string, files map[string]string) error {
	if len(files) == 0 {
		return nil
	}
	if !strings.HasSuffix(scheme, "+s") && !strings.HasSuffix(scheme, "+ssc") {
		for _, k := range []string{"tls_ca_file", "tls_cert_file", "tls_key_file"} {
			if _, ok := files[k]; ok {
				return fmt.Errorf("%w: option %q needs an encrypted scheme (%s+s or %s+ssc)", ErrDSN, k, scheme, scheme)
			}
		}
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca, ok := files["tls_ca_file"]; ok {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return fmt.Errorf("%w: option \"tls_ca_file\": %w", ErrDSN, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%w: option \"tls_ca_file\": no PEM certificate in %q", ErrDSN, ca)
		}
		tc.RootCAs = pool
	}
	certFile, hasCert := files["tls_cert_file"]
	keyFile, hasKey := files["tls_key_file"]
	switch {
	case hasCert && hasKey:
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return fmt.Errorf("%w: options \"tls_cert_file\"/\"tls_key_file\": %w", ErrDSN, err)
		}
		tc.Certificates = []tls.Certificate{pair}
	case hasCert:
		return fmt.Errorf("%w: option \"tls_cert_file\" needs \"tls_key_file\" too", ErrDSN)
	case hasKey:
		return fmt.Errorf("%w: option \"tls_key_file\" needs \"tls_cert_file\" too", ErrDSN)
	}
	c.Driver.TlsConfig = tc
	return nil
}

func setInt(dst *int, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return errors.New("want an integer")
	}
	*dst = n
	return nil
}

func setDuration(dst *time.Duration, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return errors.New("want a Go duration such as 30s, 1m30s or 500ms")
	}
	*dst = d
	return nil
}

func setBool(dst *bool, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("want true or false")
	}
	*dst = b
	return nil
}

// closestOption returns the known DSN option nearest to key by edit distance, or ""
// when none is near enough to be a likely typo (at most a third of the key's length,
// and at most 3 edits).
func closestOption(key string) string {
	key = strings.ToLower(key)
	best, bestD := "", len(key)/3+1
	if bestD > 4 {
		bestD = 4
	}
	for _, o := range DSNOptions() {
		if d := editDistance(key, o); d < bestD {
			best, bestD = o, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
