package native

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/boltwire/neo4j/bolt"
)

// Telemetry API kinds (sent to Bolt 5.4+ servers unless disabled).
const (
	telemetryManaged      = bolt.TelemetryManagedTx
	telemetryExplicit     = bolt.TelemetryExplicitTx
	telemetryAutoCommit   = bolt.TelemetryAutoCommit
	telemetryExecuteQuery = bolt.TelemetryExecuteQuery
	telemetryDefault      = -1
)

// session is the Session implementation. It is not goroutine-safe; busy
// detects concurrent calls and turns them into usage errors.
type session struct {
	d            *driver
	cfg          SessionConfig
	fetchSize    int
	trace        func(bool, string)                       // session-level Bolt trace, nil if none
	telemetryAPI int                                      // overrides the managed-tx kind (ExecuteQuery)
	txBmsFn      func(context.Context) (Bookmarks, error) // s.txBookmarks, made once (a method value allocates)
	// telemetryAck reports whether the latest TELEMETRY was answered with
	// SUCCESS (read when its connection is released). During a managed
	// call (inManaged), telemetryDone says one was, so retries skip it.
	telemetryAck  func() bool
	telemetryDone bool
	inManaged     bool
	reLogon       bool // pooled connections log on again even with the same token (VerifyAuthentication)

	busy          atomic.Bool
	closed        bool
	lastBookmarks Bookmarks
	resolvedDB    string       // home database resolved by the router (routing URIs)
	tx            *transaction // open explicit or managed transaction
	autoResult    *result      // open auto-commit result
}

func newSession(d *driver, cfg SessionConfig) *session {
	s := &session{d: d, cfg: cfg, telemetryAPI: telemetryDefault}
	s.cfg.Bookmarks = CombineBookmarks(cfg.Bookmarks)
	s.lastBookmarks = s.cfg.Bookmarks
	s.fetchSize = cfg.FetchSize
	if s.fetchSize == FetchDefault {
		s.fetchSize = d.config.FetchSize
	}
	if s.fetchSize == FetchDefault {
		s.fetchSize = DefaultFetchSize
	}
	if cfg.BoltTrace != nil {
		s.trace = newTraceWriter(cfg.BoltTrace)
	}
	return s
}

// enter starts a session call; it fails on concurrent use or a closed session.
func (s *session) enter(op string) error {
	if !s.busy.CompareAndSwap(false, true) {
		return usageErrorf("%s: session is being used by another goroutine (sessions are not safe for concurrent use)", op)
	}
	if s.closed {
		s.busy.Store(false)
		return &UsageError{Message: op, Err: ErrSessionClosed}
	}
	if s.d.closed.Load() {
		s.busy.Store(false)
		return &UsageError{Message: op, Err: ErrDriverClosed}
	}
	if err := s.cfg.validate(); err != nil {
		s.busy.Store(false)
		return err
	}
	return nil
}

func (s *session) leave() { s.busy.Store(false) }

func (s *session) LastBookmarks() Bookmarks {
	return append(Bookmarks(nil), s.lastBookmarks...)
}

// database returns the configured database, or the home database the router
// resolved for this session ("" = let the server decide).
func (s *session) database() string {
	if s.cfg.DatabaseName != "" {
		return s.cfg.DatabaseName
	}
	return s.resolvedDB
}

// traceStart returns the start time of a query or transaction, which only the
// Tracer's durations use: the zero time without a Tracer, saving a clock read
// (~0.1 µs) per query and transaction.
func (s *session) traceStart() time.Time {
	if s.d.config.Tracer == nil {
		return time.Time{}
	}
	return time.Now()
}

// txBookmarks returns the bookmarks a new transaction waits for: the
// session's and, when it has one, its BookmarkManager's (asked anew on every
// call, so a supplier's answer is used once: a ROUTE and the BEGIN after it
// each ask).
func (s *session) txBookmarks(ctx context.Context) (Bookmarks, error) {
	b := s.lastBookmarks
	if bm := s.cfg.BookmarkManager; bm != nil {
		mb, err := bm.GetBookmarks(ctx)
		if err != nil {
			return nil, err
		}
		b = CombineBookmarks(b, mb)
	}
	return b, nil
}

// updateBookmarks records the bookmark of a committed transaction.
func (s *session) updateBookmarks(ctx context.Context, used Bookmarks, bookmark string) {
	if bookmark == "" {
		return
	}
	if !utf8.ValidString(bookmark) {
		// A damaged bookmark would make every later transaction fail with
		// InvalidBookmark; losing one causal link is the lesser evil.
		if l := s.d.config.Logger; l != nil {
			l.Warn("ignoring a bookmark that is not valid UTF-8", "length", len(bookmark))
		}
		return
	}
	s.lastBookmarks = Bookmarks{bookmark}
	if bm := s.cfg.BookmarkManager; bm != nil {
		if err := bm.UpdateBookmarks(ctx, used, s.lastBookmarks); err != nil && s.d.config.Logger != nil {
			s.d.config.Logger.Warn("bookmark manager update failed", "error", err)
		}
	}
}

// boltTx builds the BEGIN / auto-commit RUN options.
func (s *session) boltTx(mode AccessMode, bookmarks Bookmarks, tc TransactionConfig) bolt.TxConfig {
	bt := bolt.TxConfig{
		Database:         s.database(),
		ImpersonatedUser: s.cfg.ImpersonatedUser,
		Bookmarks:        bookmarks,
		Metadata:         tc.Metadata,
	}
	if mode == AccessModeRead {
		bt.Mode = bolt.Read
	}
	if ms, ok := tc.timeoutMillis(); ok {
		bt.Timeout, bt.TimeoutSet = time.Duration(ms)*time.Millisecond, true
	}
	if s.cfg.NotificationsMinSeverity != NotificationDefaultLevel || s.cfg.NotificationsDisabledClassifications != nil {
		n := notificationConfig(s.cfg.NotificationsMinSeverity, s.cfg.NotificationsDisabledClassifications)
		bt.Notifications = &n
	}
	return bt
}

// acquire borrows a connection for mode, authenticated with the session's (or
// the driver's current) token.
func (s *session) acquire(ctx context.Context, mode AccessMode) (*bconn, error) {
	return s.acquireFor(ctx, mode, func(context.Context) (Bookmarks, error) { return s.lastBookmarks, nil })
}

// acquireFor is acquire for a transaction: a routing table fetched for it is
// asked for with the bookmarks the transaction waits for (bookmarks, called
// only when a fetch is needed; see txBookmarks).
func (s *session) acquireFor(ctx context.Context, mode AccessMode, bookmarks func(context.Context) (Bookmarks, error)) (*bconn, error) {
	d := s.d
	if d.closed.Load() {
		return nil, &UsageError{Message: "borrowing a connection", Err: ErrDriverClosed}
	}
	db := s.database()
	addrs, resolved, err := d.router.addresses(ctx, routeRequest{mode: mode, database: db,
		impersonatedUser: s.cfg.ImpersonatedUser, bookmarks: bookmarks, auth: s.cfg.Auth})
	if err != nil {
		return nil, convertErr(err, "")
	}
	if s.cfg.DatabaseName == "" && resolved != "" {
		s.resolvedDB = resolved // pin the home database for the session's lifetime
	}
	var errs []error
	for _, addr := range addrs {
		bc, err := s.acquireFrom(ctx, addr)
		if err == nil {
			return bc, nil
		}
		errs = append(errs, err)
		if !IsConnectivityError(err) || ctx.Err() != nil {
			return nil, err
		}
		if serverUnreachable(err) {
			d.router.forgetServer(addr)
		}
	}
	return nil, noServerReached(mode, resolved, errs)
}

// acquireForTx borrows a connection for a transaction in mode and returns it
// with the bookmarks the transaction waits for, asked for after the routing
// table (which asks for its own when it is fetched): a BookmarkManager's
// supplier is called once per ROUTE and once per transaction, and each answer
// goes only with the message it was asked for.
func (s *session) acquireForTx(ctx context.Context, mode AccessMode) (*bconn, Bookmarks, error) {
	if s.txBmsFn == nil {
		s.txBmsFn = s.txBookmarks
	}
	bc, err := s.acquireFor(ctx, mode, s.txBmsFn)
	if err != nil {
		return nil, nil, err
	}
	bms, err := s.txBookmarks(ctx)
	if err != nil {
		s.releaseConn(bc, nil)
		return nil, nil, err
	}
	return bc, bms, nil
}

func (s *session) acquireFrom(ctx context.Context, addr string) (*bconn, error) {
	d := s.d
	if s.trace != nil { // traced sessions use a dedicated, unpooled connection
		tok, err := s.token(ctx)
		if err != nil {
			return nil, err
		}
		trace := s.trace
		if d.trace != nil {
			dt := d.trace
			trace = func(out bool, msg string) { dt(out, msg); s.trace(out, msg) }
		}
		c, err := d.dialWith(ctx, addr, tok, trace)
		if err != nil {
			return nil, convertErr(err, addr)
		}
		return &bconn{Conn: c, addr: addr, token: tok}, nil
	}
	pool, err := d.poolFor(addr)
	if err != nil {
		return nil, err
	}
	dctx := ctx
	if s.cfg.Auth != nil {
		dctx = withDialToken(ctx, *s.cfg.Auth) // new connections log on as the session
	}
	for attempt := 0; ; attempt++ {
		bc, waited, err := pool.borrow(dctx)
		if tr := d.config.Tracer; tr != nil {
			tr.PoolAcquire(ctx, PoolEvent{Address: addr, Wait: waited, Err: err})
		}
		if err != nil {
			return nil, convertErr(err, addr)
		}
		fresh := bc.fresh // just dialled with the right token
		bc.fresh = false
		if s.cfg.Auth != nil && !bc.canReAuth() {
			pool.release(bc, false)
			return nil, &UsageError{Message: "session auth (SessionConfig.Auth) needs Bolt 5.1+ on the server",
				Err: fmt.Errorf("%w: %s speaks Bolt %s", errReAuthUnsupported, addr, bc.Version())}
		}
		if fresh {
			return bc, nil
		}
		tok, err := s.token(ctx)
		if err != nil {
			pool.release(bc, false)
			return nil, err
		}
		if bc.token.Equal(tok) && !bc.authExpired() && !s.reLogon {
			return bc, nil
		}
		err = d.reAuth(ctx, bc, tok)
		if err == nil {
			return bc, nil
		}
		if !errors.Is(err, errReAuthUnsupported) {
			pool.release(bc, false)
			return nil, convertErr(err, addr)
		}
		// Before Bolt 5.1 credentials cannot change in place: replace the
		// connection, and the idle ones, which are likely as outdated.
		bc.Close()
		pool.release(bc, true)
		if attempt >= 2 || ctx.Err() != nil {
			return nil, &ConnectivityError{Address: addr, Inner: fmt.Errorf("no connection with current credentials after %d attempts: %w", attempt+1, errReAuthUnsupported)}
		}
	}
}

// token returns the token the session's connections must carry.
func (s *session) token(ctx context.Context) (AuthToken, error) {
	if s.cfg.Auth != nil {
		return *s.cfg.Auth, nil
	}
	return s.d.auth.GetAuthToken(ctx)
}

// releaseConn gives a connection back after a transaction; err is the error
// the transaction ended with (nil if none), used to decide about purging.
func (s *session) releaseConn(bc *bconn, err error) {
	s.releaseConnCtx(context.Background(), bc, err)
}

// releaseConnCtx is releaseConn with the caller's ctx for Tracer.PoolRelease.
func (s *session) releaseConnCtx(ctx context.Context, bc *bconn, err error) {
	if bc == nil {
		return
	}
	s.settleTelemetry()
	if bc.pool == nil {
		bc.Close()
		return
	}
	bc.reused = true // written before the pool hands it to anyone else
	// A connection that died for another reason than the caller's context
	// (server restart, network failure) suggests that the idle ones to the same
	// server are dead too: close them rather than hand them out one by one.
	purge := err != nil && IsConnectivityError(err) && !isContextErr(err)
	if bc.IsDefunct() && (bc.failure == nil || !isContextErr(bc.failure)) {
		purge = true
	} else if bc.authExpired() && !bc.canReAuth() {
		bc.Close() // its credentials cannot be renewed in place (the idle ones stay)
	}
	bc.pool.release(bc, purge)
	if tr := s.d.config.Tracer; tr != nil {
		tr.PoolRelease(ctx, PoolEvent{Address: bc.Address(), Err: err})
	}
}

// noteError reacts to an error met on bc: routing and auth bookkeeping.
func (s *session) noteError(ctx context.Context, bc *bconn, err error) {
	nerr := asNeo4j(err)
	if nerr == nil {
		if IsConnectivityError(err) && bc != nil {
			if bc.failure == nil {
				bc.failure = err
			}
			if !isContextErr(err) {
				s.d.router.forgetServer(bc.Address())
			}
		}
		return
	}
	switch nerr.Code {
	case "Neo.ClientError.Cluster.NotALeader", "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase":
		if bc != nil {
			s.d.router.forgetWriter(bc.Address(), s.database())
		}
	case codeDatabaseUnavailable:
		// The server cannot serve the database now (store copy, restart): leave
		// it out of the routing tables so the retry goes elsewhere or asks the
		// routers again.
		if bc != nil {
			s.d.router.forgetServer(bc.Address())
		}
	case codeAuthorizationExpired:
		if bc != nil {
			bc.expireAuth() // every connection to this server re-authenticates
		}
	}
	if isSecurityError(nerr) && s.cfg.Auth == nil && bc != nil {
		if handled, _ := s.d.auth.HandleSecurityException(ctx, bc.token, nerr); handled {
			nerr.authHandled = true
		}
	}
}

// telemetry queues the TELEMETRY message for api unless disabled or already
// acknowledged during this API call (a managed transaction's retries).
func (s *session) telemetry(bc *bconn, api int) {
	if s.d.config.TelemetryDisabled || s.telemetryDone {
		return
	}
	if api == telemetryManaged && s.telemetryAPI != telemetryDefault {
		api = s.telemetryAPI
	}
	s.telemetryAck = bc.Telemetry(api)
}

// settleTelemetry records whether the TELEMETRY queued on a connection about
// to be released got through. It runs before the release: afterwards the
// connection may belong to another goroutine.
func (s *session) settleTelemetry() {
	if s.telemetryAck != nil && s.telemetryAck() && s.inManaged {
		s.telemetryDone = true
	}
	s.telemetryAck = nil
}

// finishAutoResult buffers an unconsumed auto-commit result so its connection
// can be released before new work starts.
func (s *session) finishAutoResult(ctx context.Context) error {
	r := s.autoResult
	if r == nil {
		return nil
	}
	s.autoResult = nil
	return r.bufferRest(ctx)
}

func (s *session) Run(ctx context.Context, query string, params map[string]any, configurers ...func(*TransactionConfig)) (Result, error) {
	if err := s.enter("Session.Run"); err != nil {
		return nil, err
	}
	defer s.leave()
	if s.tx != nil {
		return nil, usageErrorf("Session.Run: the session has an open transaction; run the query in it or close it first")
	}
	s.finishAutoResult(ctx) // its own error stays with that result
	tc, err := buildTxConfig(configurers)
	if err != nil {
		return nil, err
	}
	np, err := normalizeParams(params)
	if err != nil {
		return nil, err
	}
	bc, bms, err := s.acquireForTx(ctx, s.cfg.AccessMode)
	if err != nil {
		return nil, err
	}
	s.telemetry(bc, telemetryAutoCommit)
	btx := s.boltTx(s.cfg.AccessMode, bms, tc)
	start := s.traceStart()
	if tr := s.d.config.Tracer; tr != nil {
		tr.QueryStart(ctx, QueryStartEvent{Query: query, Parameters: np, Database: s.cfg.DatabaseName, AccessMode: s.cfg.AccessMode, AutoCommit: true, ServerAddress: bc.Address()})
	}
	r, err := runResult(ctx, s, bc, query, np, &btx, start)
	if err != nil {
		err = convertErr(err, bc.Address())
		s.noteError(ctx, bc, err)
		if tr := s.d.config.Tracer; tr != nil {
			tr.QueryEnd(ctx, QueryEndEvent{Query: query, Duration: time.Since(start), Err: err, Database: s.cfg.DatabaseName, AccessMode: s.cfg.AccessMode, ServerAddress: bc.Address()})
		}
		s.releaseConn(bc, err)
		return nil, err
	}
	r.mode = s.cfg.AccessMode
	r.onEnd, r.usedBms = endAutoCommit, bms
	s.autoResult = r
	return r, nil
}

// autoCommitEnded is the end of an auto-commit result r: its bookmark is the
// session's, and its connection goes back.
func (s *session) autoCommitEnded(ctx context.Context, r *result) {
	if r.err == nil { // (an error was noted when the result ended)
		s.updateBookmarks(ctx, r.usedBms, r.bookmark)
	}
	if s.autoResult == r {
		s.autoResult = nil
	}
	s.releaseConn(r.bc, r.err)
}

func (s *session) BeginTransaction(ctx context.Context, configurers ...func(*TransactionConfig)) (ExplicitTransaction, error) {
	if err := s.enter("Session.BeginTransaction"); err != nil {
		return nil, err
	}
	defer s.leave()
	if s.tx != nil {
		return nil, usageErrorf("Session.BeginTransaction: the session already has an open transaction")
	}
	s.finishAutoResult(ctx)
	tc, err := buildTxConfig(configurers)
	if err != nil {
		return nil, err
	}
	tx, err := s.begin(ctx, s.cfg.AccessMode, tc, telemetryExplicit, false)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

// begin borrows a connection and queues BEGIN (sent with the first request).
func (s *session) begin(ctx context.Context, mode AccessMode, tc TransactionConfig, api int, managed bool) (*transaction, error) {
	bc, bms, err := s.acquireForTx(ctx, mode)
	if err != nil {
		return nil, err
	}
	s.telemetry(bc, api)
	began := s.traceStart()
	if err := bc.Begin(ctx, s.boltTx(mode, bms, tc)); err != nil {
		err = convertErr(err, bc.Address())
		s.releaseConn(bc, err)
		return nil, err
	}
	tx := &transaction{s: s, bc: bc, bookmarks: bms, mode: mode, managed: managed, start: began}
	s.tx = tx
	if tr := s.d.config.Tracer; tr != nil {
		tr.TxBegin(ctx, TxEvent{Database: s.cfg.DatabaseName, AccessMode: mode, Managed: managed, Duration: time.Since(began)})
	}
	return tx, nil
}

func (s *session) ExecuteRead(ctx context.Context, work ManagedTransactionWork, configurers ...func(*TransactionConfig)) (any, error) {
	return s.executeManaged(ctx, "Session.ExecuteRead", AccessModeRead, work, configurers)
}

func (s *session) ExecuteWrite(ctx context.Context, work ManagedTransactionWork, configurers ...func(*TransactionConfig)) (any, error) {
	return s.executeManaged(ctx, "Session.ExecuteWrite", AccessModeWrite, work, configurers)
}

func (s *session) Close(ctx context.Context) error {
	if !s.busy.CompareAndSwap(false, true) {
		return usageErrorf("Session.Close: session is being used by another goroutine (sessions are not safe for concurrent use)")
	}
	defer s.leave()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if tx := s.tx; tx != nil {
		err = tx.rollback(ctx)
	}
	if r := s.autoResult; r != nil {
		s.autoResult = nil
		hadErr := r.err != nil
		if _, cerr := r.consume(ctx); cerr != nil && err == nil && !hadErr {
			err = cerr // a failure the caller has not seen yet
		}
	}
	return err
}
