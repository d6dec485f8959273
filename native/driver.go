package native

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/boltwire/neo4j/bolt"
)

// NewDriver creates a driver for uri with the given authentication (an
// AuthToken such as BasicAuth(...), or an AuthTokenManager; nil means NoAuth)
// and options. It does no I/O: connections are made when first needed.
//
// Supported URI schemes: bolt (one server), bolt+s (TLS, verified), bolt+ssc
// (TLS, any certificate), and the routing schemes neo4j, neo4j+s and neo4j+ssc,
// whose query string is the routing context. The port defaults to 7687.
// An invalid URI or option is a *UsageError naming it.
func NewDriver(uri string, auth AuthTokenManager, configurers ...func(*Config)) (Driver, error) {
	t, err := parseURI(uri)
	if err != nil {
		return nil, err
	}
	cfg := DefaultConfig()
	for _, f := range configurers {
		if f != nil {
			f(&cfg)
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if auth == nil {
		auth = NoAuth()
	}
	d := &driver{
		target:     t,
		config:     cfg,
		auth:       auth,
		pools:      map[string]*serverPool[*bconn]{},
		authEpochs: map[string]*atomic.Uint64{},
		execBM:     NewBookmarkManager(BookmarkManagerConfig{}),
	}
	d.dialer = d.dialBolt
	if cfg.BoltTrace != nil {
		d.trace = newTraceWriter(cfg.BoltTrace)
	}
	if t.routing {
		cr, err := newClusterRouter(d)
		if err != nil {
			return nil, &UsageError{Message: "routing", Err: err}
		}
		d.router = cr
	} else {
		d.router = newDirectRouter(t.address, cfg.AddressResolver)
	}
	return d, nil
}

// driver is the Driver implementation.
type driver struct {
	target *target
	config Config
	auth   AuthTokenManager
	router router
	execBM BookmarkManager
	trace  func(outgoing bool, msg string)
	// dialer makes a new connection; tests replace it.
	dialer func(ctx context.Context, address string, auth AuthToken, trace func(bool, string)) (*bolt.Conn, error)

	mu         sync.Mutex
	pools      map[string]*serverPool[*bconn]
	authEpochs map[string]*atomic.Uint64 // per address, see authEpoch
	closed     atomic.Bool
}

// bconn is a pooled Bolt connection plus the driver's bookkeeping.
type bconn struct {
	*bolt.Conn
	addr      string              // the address it serves (as routing tables name it), see Address
	failure   error               // first connectivity error met on it (why it is defunct)
	token     AuthToken           // the token the connection authenticated with
	pool      *serverPool[*bconn] // nil for unpooled (traced) connections
	busy      atomic.Bool         // guards against concurrent use through results/transactions
	reused    bool                // it has been back in the pool since it was dialled
	fresh     bool                // dialled for the borrower that holds it, not yet handed out
	epoch     *atomic.Uint64      // the server's AuthorizationExpired count (see authEpoch)
	authEpoch uint64              // epoch when the connection authenticated
}

// Address returns the address the connection serves, as the driver's pools
// and routing tables know it; Conn.Address is the one dialled, which
// Config.HostResolver may have replaced with a resolved IP address.
func (bc *bconn) Address() string { return bc.addr }

func (d *driver) poolFor(address string) (*serverPool[*bconn], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed.Load() {
		return nil, &UsageError{Message: "borrowing a connection", Err: ErrDriverClosed}
	}
	p, ok := d.pools[address]
	if !ok {
		cfg := poolConfig{
			maxSize:         d.config.MaxConnectionPoolSize,
			acquireTimeout:  d.config.ConnectionAcquisitionTimeout,
			maxLifetime:     d.config.MaxConnectionLifetime,
			livenessTimeout: d.config.ConnectionLivenessCheckTimeout,
			resetTimeout:    resetOnReturnTimeout,
		}
		var self *serverPool[*bconn]
		self = newServerPool(address, cfg, func(ctx context.Context) (*bconn, error) {
			return d.newConn(ctx, address, self)
		})
		p = self
		d.pools[address] = p
	}
	return p, nil
}

// resetOnReturnTimeout bounds the RESET of a connection returned mid-transaction.
const resetOnReturnTimeout = 10 * time.Second

// newConn dials a connection with the token carried by ctx (a session's) or
// else the manager's current one.
func (d *driver) newConn(ctx context.Context, address string, p *serverPool[*bconn]) (*bconn, error) {
	tok, managed, err := d.dialToken(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	bc := &bconn{addr: address, pool: p, fresh: true, epoch: d.authEpoch(address)}
	bc.authEpoch = bc.epoch.Load()
	c, err := d.dialer(ctx, address, tok, d.trace)
	if tr := d.config.Tracer; tr != nil {
		tr.Connect(ctx, ConnectEvent{Address: address, Duration: time.Since(start), Err: err})
	}
	if err != nil {
		err = d.wrapErr(err, address)
		if nerr := asNeo4j(err); nerr != nil {
			if nerr.Code == codeUnauthorized {
				nerr.authAddr, nerr.authUser, nerr.authScheme = address, tok.Principal(), tok.Scheme()
			}
			if managed && isSecurityError(nerr) {
				if handled, _ := d.auth.HandleSecurityException(ctx, tok, nerr); handled {
					nerr.authHandled = true
				}
			}
		}
		return nil, err
	}
	bc.Conn, bc.token = c, tok
	return bc, nil
}

// dialWith dials an unpooled connection.
func (d *driver) dialWith(ctx context.Context, address string, tok AuthToken, trace func(bool, string)) (*bolt.Conn, error) {
	return d.dialer(ctx, address, tok, trace)
}

// dialBolt is the production dialer.
func (d *driver) dialBolt(ctx context.Context, address string, tok AuthToken, trace func(bool, string)) (*bolt.Conn, error) {
	cfg := bolt.DialConfig{
		Address:        address,
		ConnectTimeout: d.config.SocketConnectTimeout,
		UserAgent:      d.config.UserAgent,
		Auth:           bolt.Auth(tok.Map()),
		Notifications:  notificationConfig(d.config.NotificationsMinSeverity, d.config.NotificationsDisabledClassifications),
		Trace:          trace,
	}
	if cfg.ConnectTimeout < 0 {
		cfg.ConnectTimeout = 0
	}
	// The connect timeout is for reaching the server; the handshake has the
	// acquisition budget (the pool bounds the whole dial by it as well).
	cfg.HandshakeTimeout = cfg.ConnectTimeout
	if t := d.config.ConnectionAcquisitionTimeout; t > 0 {
		cfg.HandshakeTimeout = t
	}
	if !d.config.SocketKeepalive {
		cfg.KeepAlive = -1
	}
	if d.config.CompatHandshake {
		cfg.Handshake = bolt.HandshakeCompat
	}
	if d.target.routing {
		cfg.RoutingContext = d.target.routingContext
	}
	if d.target.encrypted {
		cfg.TLS = d.tlsConfig(address)
	}
	if d.config.HostResolver != nil {
		return d.dialResolved(ctx, cfg)
	}
	return dialOne(ctx, cfg)
}

// dialOne dials cfg.Address.
func dialOne(ctx context.Context, cfg bolt.DialConfig) (*bolt.Conn, error) {
	c, err := bolt.Dial(ctx, cfg)
	if err != nil && !callerDone(ctx) && isTimeout(err) {
		// The driver's own connect or handshake timeout, not the caller's
		// context: a retryable timeout, however far the dial got.
		// %v: the cause's text without making it match the caller's
		// context.DeadlineExceeded.
		return nil, &ConnectivityError{Address: cfg.Address, Inner: fmt.Errorf("%w: %v", ErrConnectTimeout, err)}
	}
	return c, err
}

// isTimeout reports a deadline that expired, whether it surfaced as the
// context's error or as a socket timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

func (d *driver) tlsConfig(address string) *tls.Config {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	var c *tls.Config
	if d.config.TlsConfig != nil {
		c = d.config.TlsConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	c.ServerName = host
	c.InsecureSkipVerify = d.target.skipVerify
	if d.config.RootCAs != nil {
		c.RootCAs = d.config.RootCAs
	}
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

func notificationConfig(min NotificationMinSeverityLevel, disabled []NotificationClassification) bolt.NotificationConfig {
	n := bolt.NotificationConfig{MinimumSeverity: string(min)}
	if disabled != nil {
		n.DisabledClassifications = make([]string, len(disabled))
		for i, c := range disabled {
			n.DisabledClassifications[i] = string(c)
		}
	}
	return n
}

// newTraceWriter adapts an io.Writer to bolt's trace hook, serialising writes.
func newTraceWriter(w io.Writer) func(bool, string) {
	var mu sync.Mutex
	return func(outgoing bool, msg string) {
		prefix := "S: "
		if outgoing {
			prefix = "C: "
		}
		mu.Lock()
		io.WriteString(w, prefix+msg+"\n")
		mu.Unlock()
	}
}

func (d *driver) NewSession(_ context.Context, config SessionConfig) Session {
	return newSession(d, config)
}

func (d *driver) VerifyConnectivity(ctx context.Context) error {
	_, err := d.GetServerInfo(ctx)
	return err
}

func (d *driver) GetServerInfo(ctx context.Context) (ServerInfo, error) {
	s := newSession(d, SessionConfig{AccessMode: AccessModeRead})
	defer s.Close(context.WithoutCancel(ctx))
	for attempt := 1; ; attempt++ {
		bc, err := s.acquire(ctx, AccessModeRead)
		if err != nil {
			return nil, err
		}
		if bc.reused {
			// An idle pooled connection proves nothing by itself: a RESET
			// round trip shows the server still answers on it.
			if err := bc.Reset(ctx); err != nil {
				err = convertErr(err, bc.Address())
				s.noteError(ctx, bc, err)
				s.releaseConn(bc, err)
				if attempt >= verifyAttempts || ctx.Err() != nil || !IsConnectivityError(err) {
					return nil, err
				}
				continue // that connection was dead: try another (or a new one)
			}
		}
		info := serverInfoOf(bc.Conn)
		s.releaseConn(bc, nil)
		return info, nil
	}
}

// verifyAttempts bounds how many dead pooled connections GetServerInfo and
// VerifyConnectivity step over before reporting the failure.
const verifyAttempts = 3

func (d *driver) VerifyAuthentication(ctx context.Context, auth *AuthToken) error {
	if d.closed.Load() {
		return &UsageError{Message: "VerifyAuthentication", Err: ErrDriverClosed}
	}
	var tok AuthToken
	if auth != nil {
		tok = *auth
	} else {
		var err error
		if tok, err = d.auth.GetAuthToken(ctx); err != nil {
			return err
		}
	}
	// Borrow a reader for the system database as a session logged on with
	// tok: a new connection authenticates while connecting, a pooled one with
	// LOGOFF/LOGON, even if it carries tok already (so the server must speak
	// Bolt 5.1+, as for session auth).
	s := newSession(d, SessionConfig{AccessMode: AccessModeRead, DatabaseName: "system", Auth: &tok})
	s.reLogon = true // a pooled connection proves nothing until it logs on again
	bc, err := s.acquire(ctx, AccessModeRead)
	if err != nil {
		if errors.Is(err, errReAuthUnsupported) {
			return &UsageError{Message: "VerifyAuthentication", Err: err}
		}
		return err
	}
	if !bc.IsIdle() { // LOGOFF/LOGON queued: send them and wait for the verdict
		err = convertErr(bc.Sync(ctx), bc.Address())
		s.noteError(ctx, bc, err)
	}
	s.releaseConn(bc, err)
	return err
}

func (d *driver) IsEncrypted() bool { return d.target.encrypted }

func (d *driver) Target() url.URL { return d.target.url }

func (d *driver) ExecuteQueryBookmarkManager() BookmarkManager { return d.execBM }

func (d *driver) Stats() []PoolStats {
	d.mu.Lock()
	pools := make([]*serverPool[*bconn], 0, len(d.pools))
	for _, p := range d.pools {
		pools = append(pools, p)
	}
	d.mu.Unlock()
	out := make([]PoolStats, 0, len(pools))
	for _, p := range pools {
		out = append(out, p.stats())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

func (d *driver) Close(context.Context) error {
	d.mu.Lock()
	if d.closed.Swap(true) {
		d.mu.Unlock()
		return nil
	}
	pools := d.pools
	d.pools = map[string]*serverPool[*bconn]{}
	d.mu.Unlock()
	for _, p := range pools {
		p.close()
	}
	d.router.close()
	return nil
}
