package bolt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/boltwire/neo4j/internal/clock"
)

// Conn is one Bolt connection. It is not safe for concurrent use: one goroutine at a
// time (a pool hands it out). Every blocking method takes a context whose cancellation
// and deadline are honoured; an interrupted read or write leaves the connection defunct.
type Conn struct {
	nc      net.Conn
	addr    string
	rd      *frameReader
	out     []byte   // queued chunked messages, written by flush
	scratch []byte   // body copy for messages over one chunk
	txExtra [4]kv    // backing of txKVs' list (used only until its message is encoded)
	txBms   []string // the bookmarks txKVs' list points to
	enc     packstream.Encoder
	dec     packstream.Decoder
	meta    Meta // SUCCESS metadata of requests other than RUN, decoded anew for each

	beginReq, endReq request // BEGIN's, and COMMIT's or ROLLBACK's (see slot)
	trace            func(bool, string)

	version      Version
	manifest     bool
	utcPatch     bool
	serverAgent  string
	connectionID string
	hints        Hints
	routing      map[string]string
	notif        NotificationConfig
	auth         Auth

	queue        []*request // requests queued or in flight, oldest first
	streams      []*Stream  // results the server still holds open
	inTx         bool       // BEGIN queued or acknowledged, no COMMIT/ROLLBACK yet
	lastRun      *Stream    // result of the transaction's latest RUN (PULL/DISCARD omit its qid)
	failure      error      // FAILURE that put the server in FAILED (nil = not failed)
	resetsQueued int        // RESETs sent whose SUCCESS has not been read
	defunct      error      // non-nil once the connection is unusable
	timedQueued  bool       // a request with a reply timeout waits to be flushed
	readDL       bool       // the socket's read deadline is a reply or recv timeout

	createdAt time.Time
	lastUsed  time.Time

	// Context plumbing for the operation in progress (see enter/arm/leave).
	ctx         context.Context
	armed       bool
	stop        func() bool
	mu          sync.Mutex // guards gen against the AfterFunc callback
	gen         uint64
	interrupted atomic.Bool
	closeOnce   sync.Once
}

// request is a message queued or sent whose summary has not been read yet.
type request struct {
	kind   msgKind
	stream *Stream
	meta   *Meta // SUCCESS metadata (not RUN's, which is its stream's): ROUTE's own, else the Conn's until the next reply
	err    error // FAILURE or IGNORED
	done   bool
	ends   bool // a PULL or DISCARD of all remaining records: its stream ends with it
	queued bool // in Conn.queue (see Conn.slot)

	// timeout, if positive, bounds the wait for the reply from the moment the
	// request is written (deadline, set by flush), whatever the caller's context.
	timeout  time.Duration
	deadline time.Time
}

// msgKind names request messages.
type msgKind uint8

const (
	msgHello msgKind = iota
	msgLogon
	msgLogoff
	msgGoodbye
	msgReset
	msgRun
	msgPull
	msgDiscard
	msgBegin
	msgCommit
	msgRollback
	msgRoute
	msgTelemetry
)

var msgNames = [...]string{"HELLO", "LOGON", "LOGOFF", "GOODBYE", "RESET", "RUN", "PULL", "DISCARD",
	"BEGIN", "COMMIT", "ROLLBACK", "ROUTE", "TELEMETRY"}

func (k msgKind) String() string { return msgNames[k] }

// Dial connects to cfg.Address: TCP (with keep-alive), TLS when cfg.TLS is set, the Bolt
// handshake, then HELLO (and LOGON from Bolt 5.1) sent in one write.
func Dial(ctx context.Context, cfg DialConfig) (*Conn, error) {
	connCtx := ctx
	if cfg.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		connCtx, cancel = context.WithTimeout(ctx, cfg.ConnectTimeout)
		defer cancel()
	}
	d := net.Dialer{KeepAlive: cfg.KeepAlive}
	nc, err := d.DialContext(connCtx, "tcp", cfg.Address)
	if err != nil {
		return nil, &ConnectivityError{Address: cfg.Address, Op: "dial", Err: err}
	}
	if cfg.TLS != nil {
		tc := tls.Client(nc, tlsClientConfig(cfg.TLS, cfg.Address))
		if err := tc.HandshakeContext(connCtx); err != nil {
			nc.Close()
			return nil, &ConnectivityError{Address: cfg.Address, Op: "tls handshake", Err: err}
		}
		nc = tc
	}
	hsCtx := connCtx
	if cfg.HandshakeTimeout > 0 {
		var cancel context.CancelFunc
		hsCtx, cancel = context.WithTimeout(ctx, cfg.HandshakeTimeout)
		defer cancel()
	}
	c, err := NewConn(hsCtx, nc, cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NewConn runs the Bolt handshake and authentication over an established transport
// (Dial uses it; tests pass one end of a net.Pipe). On error nc is closed.
func NewConn(ctx context.Context, nc net.Conn, cfg DialConfig) (*Conn, error) {
	now := clock.Now() // the driver's clock: a fake one in tests ages connections
	c := &Conn{
		nc:        nc,
		addr:      cfg.Address,
		trace:     cfg.Trace,
		routing:   cfg.RoutingContext,
		notif:     cfg.Notifications,
		auth:      cfg.Auth,
		createdAt: now,
		lastUsed:  now,
	}
	c.rd = newFrameReader(nc, readBufSize)
	c.rd.beforeRead = c.beforeRead
	if err := c.enter(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	defer c.leave()
	if err := c.arm(); err != nil {
		return nil, c.fail("handshake", err)
	}
	res, out, err := doHandshake(nc, c.rd, cfg.Handshake, cfg.Versions, c.out[:0])
	if err != nil {
		return nil, c.fail("handshake", err)
	}
	c.out = out
	c.version, c.manifest = res.version, res.manifest
	c.setFeatures()
	if err := c.queueHello(cfg); err != nil {
		c.closeTransport()
		return nil, err
	}
	if err := c.flush(); err != nil {
		return nil, err
	}
	for _, req := range slices.Clone(c.queue) {
		if err := c.wait(req); err != nil {
			c.closeTransport()
			return nil, err
		}
	}
	return c, nil
}

// setFeatures fills the PackStream features from the version table.
func (c *Conn) setFeatures() {
	v := c.version
	f := packstream.Features{
		UTCDateTime:     v.Has(FeatureUTCDateTime) || c.utcPatch,
		ElementIDs:      v.Has(FeatureElementIDs),
		Vector:          v.Has(FeatureVector),
		UnsupportedType: v.Has(FeatureUnsupportedType),
		UUID:            v.Has(FeatureUUID),
	}
	c.enc.Features, c.dec.Features = f, f
}

// Version returns the negotiated Bolt version.
func (c *Conn) Version() Version { return c.version }

// ServerAgent returns the server's agent string, e.g. "Neo4j/5.26.0".
func (c *Conn) ServerAgent() string { return c.serverAgent }

// ConnectionID returns the server's id for this connection, e.g. "bolt-61".
func (c *Conn) ConnectionID() string { return c.connectionID }

// Address returns the address the connection was dialled with.
func (c *Conn) Address() string { return c.addr }

// Hints returns the connection hints from HELLO's SUCCESS.
func (c *Conn) Hints() Hints { return c.hints }

// CreatedAt returns when the connection was made.
func (c *Conn) CreatedAt() time.Time { return c.createdAt }

// LastUsed returns when the connection last exchanged data.
func (c *Conn) LastUsed() time.Time { return c.lastUsed }

// IsDefunct reports whether the connection can no longer be used.
func (c *Conn) IsDefunct() bool { return c.defunct != nil }

// IsIdle reports whether the connection is ready for a new transaction: not defunct,
// not failed, no transaction, no open result, nothing queued.
func (c *Conn) IsIdle() bool {
	return c.defunct == nil && c.failure == nil && !c.inTx && len(c.queue) == 0 && len(c.streams) == 0
}

// InTx reports whether an explicit transaction is open (begun, not yet committed or
// rolled back).
func (c *Conn) InTx() bool { return c.inTx }

// Close sends GOODBYE (best effort, without waiting) and closes the socket. It is safe
// to call more than once.
func (c *Conn) Close() error {
	if c.defunct == nil {
		c.out = c.out[:0]
		c.queueSimple(msgGoodbye)
		// GOODBYE is a few bytes: unless the peer stopped reading, the write
		// completes at once. The deadline only bounds that case; a write that
		// timed out before sending anything is tried once more, because on a
		// loaded machine the goroutine can be descheduled past a short deadline
		// between setting it and writing.
		for try := 0; try < 2; try++ {
			c.nc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			n, err := c.nc.Write(c.out)
			var ne net.Error
			if n > 0 || !errors.As(err, &ne) || !ne.Timeout() {
				break
			}
		}
		c.out = c.out[:0]
		c.defunct = fmt.Errorf("%w: closed", ErrDefunct)
	}
	c.closeTransport()
	return nil
}

func (c *Conn) closeTransport() {
	c.closeOnce.Do(func() { c.nc.Close() })
	if c.defunct == nil {
		c.defunct = ErrDefunct
	}
	for _, s := range c.streams {
		if s.err == nil {
			s.err = ErrDefunct
		}
	}
	c.streams = nil
}

// defunctErr is returned by calls on a defunct connection.
func (c *Conn) defunctErr() error {
	return &ConnectivityError{Address: c.addr, Op: "use", Err: c.defunct}
}

// fail marks the connection defunct after an I/O or protocol error during op and
// returns the error to report (a *ConnectivityError; cancellation is reported as the
// context's error inside it).
func (c *Conn) fail(op string, err error) error {
	var ce *ConnectivityError
	if errors.As(err, &ce) {
		c.closeTransport()
		c.defunct = err
		return err
	}
	if c.ctx != nil {
		if cerr := c.ctx.Err(); cerr != nil {
			err = cerr
		} else if dl, ok := c.ctx.Deadline(); ok && !time.Now().Before(dl) && isTimeout(err) {
			err = context.DeadlineExceeded
		} else if c.interrupted.Load() {
			err = context.Canceled
		}
	}
	e := &ConnectivityError{Address: c.addr, Op: op, Err: err}
	// Requests pipelined behind one the server failed would only have been
	// IGNORED: that FAILURE, not the lost connection, is why they did not run.
	if c.failed() {
		c.dropQueue(nil, c.failure)
	}
	c.closeTransport()
	c.defunct = e
	c.dropQueue(e, nil)
	return e
}

// dropQueue ends every outstanding request with err or, when cause (a FAILURE
// that made the server skip them) is non-nil, with an *IgnoredError carrying
// cause. Their streams fail the same way.
func (c *Conn) dropQueue(err, cause error) {
	for _, r := range c.queue {
		r.queued = false
		if r.done {
			continue
		}
		r.done, r.err = true, err
		if cause != nil {
			r.err = &IgnoredError{Request: r.kind.String(), Failure: cause}
		}
		if r.stream != nil && r.stream.err == nil {
			r.stream.err = r.err
		}
	}
	clear(c.queue)
	c.queue = c.queue[:0]
	c.timedQueued = false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
