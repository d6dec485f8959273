package bolt

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// failed reports whether the server is in FAILED with no RESET queued yet.
func (c *Conn) failed() bool { return c.failure != nil && c.resetsQueued == 0 }

// queueReset queues RESET. Open results are closed (records already buffered stay
// readable) and the transaction, if any, is gone.
func (c *Conn) queueReset() (*request, error) {
	for _, s := range c.streams {
		s.discarding = true
		s.fail(ErrStreamClosed)
	}
	c.streams = c.streams[:0]
	c.inTx, c.lastRun = false, nil
	req, err := c.queueSimple(msgReset)
	if err == nil {
		c.resetsQueued++
	}
	return req, err
}

// prepareIdle brings the connection to a state that accepts a new auto-commit RUN,
// BEGIN, ROUTE, TELEMETRY or LOGOFF: open results are read into memory and a FAILED
// server gets a RESET (queued, pipelined with what follows).
func (c *Conn) prepareIdle() error {
	if err := c.bufferStreams(true); err != nil {
		return err
	}
	if c.failed() {
		if _, err := c.queueReset(); err != nil {
			return err
		}
	}
	return nil
}

// bufferStreams reads the open results into memory: the PULL in flight of each and,
// when all is set, every remaining record.
func (c *Conn) bufferStreams(all bool) error {
	for _, s := range slices.Clone(c.streams) {
		if err := s.bufferAll(all); err != nil {
			return err
		}
	}
	return nil
}

// bufferWithoutQID reads into memory the open results a PULL could not address once
// another RUN is sent: all of them before Bolt 4.0 (no query ids), else those whose
// RUN reply carried no qid. A result whose request in flight fetches or discards all
// the rest (PULL_ALL, n = -1) needs no further PULL and is not waited for. It returns
// how many it read.
func (c *Conn) bufferWithoutQID() (int, error) {
	all := !c.version.Has(FeatureQueryID)
	var todo []*Stream
	for _, s := range c.streams {
		if (all || s.qid < 0) && (s.pending == nil || !s.pending.ends) {
			todo = append(todo, s)
		}
	}
	for _, s := range todo {
		if err := s.bufferAll(true); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

// Run sends RUN and PULL(fetchSize) in one write and returns once RUN's reply arrived.
// Outside a transaction it runs an auto-commit transaction configured by tx (nil =
// defaults); inside one (after Begin) tx must be nil. fetchSize 0 means
// DefaultFetchSize, negative means all records at once. An auto-commit result still
// open on this connection is first read into memory so that both stay readable; inside
// a transaction earlier results stay open on the server and are pulled by their qid
// (Bolt 4.0+; without query ids they are read into memory first, as outside one).
func (c *Conn) Run(ctx context.Context, query string, params map[string]any, tx *TxConfig, fetchSize int) (*Stream, error) {
	s := new(Stream)
	if err := c.RunInto(ctx, s, query, params, tx, fetchSize); err != nil {
		return nil, err
	}
	return s, nil
}

// RunInto is Run with the Stream provided by the caller, which may embed it in
// a structure of its own and so save an allocation per query. s must be a zero
// Stream that has never been used (on error it must not be used).
func (c *Conn) RunInto(ctx context.Context, s *Stream, query string, params map[string]any, tx *TxConfig, fetchSize int) error {
	if err := c.enter(ctx); err != nil {
		return err
	}
	defer c.leave()
	var extra []kv
	if c.inTx {
		if tx != nil {
			return fmt.Errorf("bolt: Run inside a transaction takes no TxConfig: %w", ErrBusy)
		}
		if c.failed() {
			return fmt.Errorf("bolt: transaction has failed: %w", c.failure)
		}
		// Other results of the transaction stay open: the server accepts RUN in
		// TX_STREAMING, and records of a PULL still in flight are buffered in their
		// stream while this RUN's reply is awaited. No extra round trip. A result
		// without a query id could no longer be addressed, so it is read into
		// memory first.
		if n, err := c.bufferWithoutQID(); err != nil {
			return err
		} else if n > 0 && c.failed() {
			return fmt.Errorf("bolt: transaction has failed: %w", c.failure)
		}
	} else {
		var err error
		if extra, err = c.txKVs(tx); err != nil {
			return err
		}
		if err := c.prepareIdle(); err != nil {
			return err
		}
	}
	n := int64(fetchSize)
	if n == 0 {
		n = DefaultFetchSize
	} else if n < 0 {
		n = -1
	}
	*s = Stream{c: c, qid: -1, fetchSize: n, inTx: c.inTx}
	runReq, err := c.queueRun(s, query, params, extra)
	if err != nil {
		return err
	}
	c.streams = append(c.streams, s)
	if s.inTx {
		c.lastRun = s
	}
	if err := s.pull(n); err != nil {
		return err
	}
	pullReq := s.pending
	if err := c.wait(runReq); err != nil {
		if c.defunct == nil {
			c.wait(pullReq) // the pipelined PULL's IGNORED (or FAILURE)
		}
		c.dropStream(s)
		return err
	}
	return nil
}

// Begin queues BEGIN; it is sent with the next request (normally Run), so a
// transaction costs no extra round trip. A BEGIN failure surfaces from that request.
func (c *Conn) Begin(ctx context.Context, tx TxConfig) error {
	if c.inTx {
		return fmt.Errorf("bolt: Begin inside a transaction: %w", ErrBusy)
	}
	if err := c.enter(ctx); err != nil {
		return err
	}
	defer c.leave()
	extra, err := c.txKVs(&tx)
	if err != nil {
		return err
	}
	if err := c.prepareIdle(); err != nil {
		return err
	}
	if _, err := c.queueMsg(msgBegin, nil, func() error {
		c.enc.StructHeader(sigBegin, 1)
		return c.writeKVs(extra)
	}); err != nil {
		return err
	}
	c.inTx = true
	return nil
}

// Commit commits the transaction. Open results are first read into memory. If Commit
// fails while InTx still reports true (the transaction failed earlier, or BEGIN did),
// call Rollback, which clears the failure with RESET.
func (c *Conn) Commit(ctx context.Context) (CommitResult, error) {
	if !c.inTx {
		return CommitResult{}, fmt.Errorf("bolt: Commit without a transaction: %w", ErrBusy)
	}
	if err := c.enter(ctx); err != nil {
		return CommitResult{}, err
	}
	defer c.leave()
	if err := c.bufferStreams(true); err != nil {
		return CommitResult{}, err
	}
	if c.failed() {
		return CommitResult{}, fmt.Errorf("bolt: transaction has failed: %w", c.failure)
	}
	req, err := c.queueSimple(msgCommit)
	if err != nil {
		return CommitResult{}, err
	}
	if err := c.wait(req); err != nil {
		return CommitResult{}, err
	}
	var r CommitResult
	r.Bookmark = req.meta.Bookmark()
	r.Database = req.meta.Database()
	return r, nil
}

// Rollback rolls the transaction back. Unread records of open results are discarded.
// A failed transaction is cleared with RESET instead.
func (c *Conn) Rollback(ctx context.Context) error {
	if !c.inTx {
		return fmt.Errorf("bolt: Rollback without a transaction: %w", ErrBusy)
	}
	if err := c.enter(ctx); err != nil {
		return err
	}
	defer c.leave()
	if err := c.bufferStreams(false); err != nil {
		return err
	}
	if c.failed() {
		req, err := c.queueReset()
		if err != nil {
			return err
		}
		return c.wait(req)
	}
	for _, s := range slices.Clone(c.streams) {
		if s.hasMore && s.pending == nil && s.err == nil {
			s.discarding = true
			req, err := c.queuePullDiscard(msgDiscard, s, -1, s.qidArg())
			if err != nil {
				return err
			}
			s.pending = req
		}
	}
	req, err := c.queueSimple(msgRollback)
	if err != nil {
		return err
	}
	return c.wait(req)
}

// Reset sends RESET: it aborts the running transaction and results, clears a failure
// and returns the server to READY. Unread records of open results are lost. A
// re-authentication still queued or in flight is completed first: a RESET overtakes
// the requests before it on the server, and LOGOFF does not survive that.
func (c *Conn) Reset(ctx context.Context) error {
	if err := c.enter(ctx); err != nil {
		return err
	}
	defer c.leave()
	if logon := c.lastQueued(msgLogon); logon != nil {
		if err := c.wait(logon); err != nil {
			return err
		}
	}
	req, err := c.queueReset()
	if err != nil {
		return err
	}
	return c.wait(req)
}

// Route asks for the routing table of a database: with ROUTE on Bolt 4.3+, with a
// routing procedure before (see routeByProcedure). It is not allowed inside a
// transaction.
func (c *Conn) Route(ctx context.Context, rr RouteRequest) (RoutingTable, error) {
	if c.inTx {
		return RoutingTable{}, fmt.Errorf("bolt: Route inside a transaction: %w", ErrBusy)
	}
	if rr.ImpersonatedUser != "" {
		if err := c.need(FeatureImpersonation, "impersonation of user "+strconv.Quote(rr.ImpersonatedUser)); err != nil {
			return RoutingTable{}, err
		}
	}
	if !c.version.Has(FeatureRoute) {
		return c.routeByProcedure(ctx, rr)
	}
	if err := c.enter(ctx); err != nil {
		return RoutingTable{}, err
	}
	defer c.leave()
	if err := c.prepareIdle(); err != nil {
		return RoutingTable{}, err
	}
	routing := rr.Routing
	if routing == nil {
		routing = c.routing
	}
	req, err := c.queueRoute(routing, rr.Bookmarks, rr.Database, rr.ImpersonatedUser)
	if err != nil {
		return RoutingTable{}, err
	}
	if err := c.wait(req); err != nil {
		return RoutingTable{}, err
	}
	rt, err := parseRoutingTable(req.meta)
	if err != nil {
		return RoutingTable{}, c.fail("read", err)
	}
	if rt.Database == "" {
		rt.Database = rr.Database // 4.3 does not name the database
	}
	return rt, nil
}

// parseRoutingTable reads ROUTE's SUCCESS {rt: {ttl, db, servers: [{addresses, role}]}}.
func parseRoutingTable(meta *Meta) (RoutingTable, error) {
	rt, ok := meta.extra["rt"].(map[string]any)
	if !ok {
		return RoutingTable{}, protocolErrorf("ROUTE SUCCESS without rt dictionary")
	}
	return parseRT(rt, "ROUTE rt")
}

// parseRT reads a routing table {ttl, db, servers: [{addresses, role}]}; src names
// where it came from in errors.
func parseRT(rt map[string]any, src string) (RoutingTable, error) {
	var out RoutingTable
	ttl, ok := rt["ttl"].(int64)
	if !ok {
		return out, protocolErrorf("%s without integer ttl", src)
	}
	out.TTL = time.Duration(ttl) * time.Second
	out.Database, _ = rt["db"].(string)
	servers, _ := rt["servers"].([]any)
	for _, x := range servers {
		e, ok := x.(map[string]any)
		if !ok {
			return out, protocolErrorf("%s: servers entry is %T, not a dictionary", src, x)
		}
		addrs, _ := e["addresses"].([]any)
		list := make([]string, 0, len(addrs))
		for _, a := range addrs {
			if s, ok := a.(string); ok {
				list = append(list, s)
			}
		}
		switch e["role"] {
		case "ROUTE":
			out.Routers = append(out.Routers, list...)
		case "READ":
			out.Readers = append(out.Readers, list...)
		case "WRITE":
			out.Writers = append(out.Writers, list...)
		}
	}
	return out, nil
}

// Telemetry queues TELEMETRY(api) to go out with the next request. It does nothing
// unless the version has TELEMETRY and the server asked for it (hint telemetry.enabled),
// and nothing outside the READY state (in a transaction, with open results, failed).
//
// The returned acked reports, once the next request's replies have been read,
// whether the server answered this TELEMETRY with SUCCESS (false when nothing
// was queued, or the connection failed before the reply). Like the connection,
// it must not be called concurrently with other uses of c.
func (c *Conn) Telemetry(api int) (acked func() bool) {
	if c.defunct != nil || !c.version.Has(FeatureTelemetry) || !c.hints.Telemetry ||
		c.inTx || len(c.streams) > 0 || c.failure != nil {
		return notAcked
	}
	req, err := c.queueTelemetry(api)
	if err != nil || req == nil {
		return notAcked
	}
	return func() bool { return req.done && req.err == nil }
}

func notAcked() bool { return false }

// ReAuth replaces the connection's credentials with LOGOFF + LOGON (Bolt 5.1+) and
// waits for LOGON's reply. It returns an error wrapping ErrUnsupported on older
// versions and ErrBusy inside a transaction. A rejected token leaves the connection
// defunct (the server closes it).
func (c *Conn) ReAuth(ctx context.Context, auth Auth) error {
	if err := c.enter(ctx); err != nil {
		return err
	}
	defer c.leave()
	logon, err := c.queueReAuth(auth, 0)
	if err != nil {
		return err
	}
	return c.wait(logon)
}

// QueueReAuth queues LOGOFF + LOGON (Bolt 5.1+) to go out with the next request,
// so re-authenticating costs no round trip of its own. A rejected token surfaces
// as the error of that request (wrapping the LOGON *ServerError in an
// *IgnoredError) and leaves the connection defunct. timeout, if positive, bounds
// the wait for the LOGOFF and LOGON replies once they are written, whatever the
// context of that request: a peer that never answers fails the connection rather
// than hanging it. Errors are as for ReAuth.
func (c *Conn) QueueReAuth(ctx context.Context, auth Auth, timeout time.Duration) error {
	if err := c.enter(ctx); err != nil {
		return err
	}
	defer c.leave()
	_, err := c.queueReAuth(auth, timeout)
	return err
}

// Sync sends the queued messages (such as BEGIN, TELEMETRY or a re-authentication
// queued by QueueReAuth) and waits for the replies to every outstanding request. It
// returns the error of the last one, which reports an earlier failure that made the
// server ignore it.
func (c *Conn) Sync(ctx context.Context) error {
	if err := c.enter(ctx); err != nil {
		return err
	}
	defer c.leave()
	if len(c.queue) == 0 {
		return nil
	}
	return c.wait(c.queue[len(c.queue)-1])
}

// lastQueued returns the newest outstanding request of kind, or nil.
func (c *Conn) lastQueued(kind msgKind) *request {
	for i := len(c.queue) - 1; i >= 0; i-- {
		if c.queue[i].kind == kind {
			return c.queue[i]
		}
	}
	return nil
}

// queueReAuth queues LOGOFF + LOGON and returns LOGON's request.
func (c *Conn) queueReAuth(auth Auth, timeout time.Duration) (*request, error) {
	if !c.version.Has(FeatureLogon) {
		return nil, fmt.Errorf("bolt: re-authentication needs Bolt 5.1+, connection speaks %s: %w", c.version, ErrUnsupported)
	}
	if c.inTx {
		return nil, fmt.Errorf("bolt: ReAuth inside a transaction: %w", ErrBusy)
	}
	if err := c.prepareIdle(); err != nil {
		return nil, err
	}
	out, queued := len(c.out), len(c.queue)
	logoff, err := c.queueSimple(msgLogoff)
	if err != nil {
		return nil, err
	}
	logon, err := c.queueLogon(auth)
	if err != nil { // unencodable token: take LOGOFF back, the connection stays as it was
		c.out, c.queue = c.out[:out], c.queue[:queued]
		return nil, err
	}
	if timeout > 0 {
		logoff.timeout, logon.timeout = timeout, timeout
		c.timedQueued = true
	}
	c.auth = auth
	return logon, nil
}

// Auth returns the auth token the connection authenticated with.
func (c *Conn) Auth() Auth { return c.auth }
