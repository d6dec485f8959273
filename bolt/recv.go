package bolt

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/boltwire/neo4j/bolt/packstream"
)

// errServerClosed reports a connection the server closed between messages.
var errServerClosed = fmt.Errorf("server closed the connection: %w", io.EOF)

// errIgnored is the cause of an IGNORED reply without a preceding FAILURE.
var errIgnored = errors.New("bolt: request ignored by the server")

// IgnoredError is the error of a request the server answered with IGNORED because an
// earlier request failed (Failure, when known) or a RESET interrupted it.
type IgnoredError struct {
	Request string // the ignored request, e.g. "RUN"
	Failure error  // the FAILURE that caused it (nil after a RESET)
}

// Error implements error.
func (e *IgnoredError) Error() string {
	if e.Failure != nil {
		return fmt.Sprintf("bolt: %s ignored after an earlier failure: %v", e.Request, e.Failure)
	}
	return fmt.Sprintf("bolt: %s ignored by the server", e.Request)
}

// Unwrap returns the earlier failure so errors.As finds the *ServerError.
func (e *IgnoredError) Unwrap() error {
	if e.Failure != nil {
		return e.Failure
	}
	return errIgnored
}

// wait flushes queued messages and reads until req has its summary. It returns req's
// error (FAILURE/IGNORED) or the connection's error.
func (c *Conn) wait(req *request) error {
	if err := c.flush(); err != nil {
		return err
	}
	for !req.done {
		if _, err := c.receive(nil); err != nil {
			if ig, ok := req.err.(*IgnoredError); ok && ig.Failure != nil {
				return req.err // skipped after an earlier pipelined request failed
			}
			return err
		}
	}
	return req.err
}

// receive reads one message and applies it to the oldest outstanding request. A RECORD
// for stream deliver is decoded and returned; RECORDs for other streams are buffered in
// their stream (or dropped if it is being discarded).
func (c *Conn) receive(deliver *Stream) ([]any, error) {
	if len(c.queue) == 0 {
		return nil, c.fail("read", protocolErrorf("receive with no request outstanding"))
	}
	msg, err := c.rd.readMessage()
	if err != nil {
		if err == io.EOF {
			err = errServerClosed
		} else if h := c.queue[0]; isTimeout(err) && !h.deadline.IsZero() && !time.Now().Before(h.deadline) {
			err = fmt.Errorf("no reply to %s within %v: %w", h.kind, h.timeout, err)
		}
		return nil, c.fail("read", err)
	}
	c.dec.Reset(msg)
	tag, n, err := c.dec.StructHeader()
	if err != nil {
		return nil, c.fail("read", protocolErrorf("response is not a structure: %v", err))
	}
	head := c.queue[0]
	switch {
	case tag == sigRecord && n == 1:
		if head.kind != msgPull || head.stream == nil {
			return nil, c.fail("read", protocolErrorf("RECORD in reply to %s", head.kind))
		}
		s := head.stream
		s.records++
		if s.discarding {
			c.traceIn(msg)
			return nil, nil
		}
		var into []any
		if s == deliver {
			into = s.into
		}
		rec, err := c.decodeRecord(s, into)
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				return nil, c.fail("read", err)
			}
			rec = []any{badRecord{re}} // only this record is lost
		}
		c.traceIn(msg)
		if s == deliver {
			return recordOrErr(rec)
		}
		s.buf = append(s.buf, rec)
		return nil, nil
	case tag == sigSuccess && n == 1:
		meta := &c.meta
		switch head.kind {
		case msgRun:
			meta = &head.stream.meta
		case msgRoute:
			meta = new(Meta)
		}
		err := meta.decode(&c.dec)
		if err == nil && c.dec.Len() != 0 {
			err = fmt.Errorf("%d bytes after the message", c.dec.Len())
		}
		if err != nil {
			return nil, c.fail("read", protocolErrorf("bad SUCCESS: %v", err))
		}
		c.traceIn(msg)
		c.pop()
		head.done, head.meta = true, meta
		return nil, c.onSuccess(head, meta)
	case tag == sigFailure && n == 1:
		meta, err := c.dec.Map()
		if err != nil {
			return nil, c.fail("read", protocolErrorf("bad FAILURE: %v", err))
		}
		c.traceIn(msg)
		c.pop()
		se := newServerError(meta, c.version.Has(FeatureGQLFailure))
		head.done, head.err = true, se
		c.onFailure(head, se)
		return nil, nil
	case tag == sigIgnored && n == 0:
		c.traceIn(msg)
		c.pop()
		head.done, head.err = true, &IgnoredError{Request: head.kind.String(), Failure: c.failure}
		if s := head.stream; s != nil {
			s.fail(head.err)
			if s.pending == head {
				s.pending = nil
			}
			c.dropStream(s)
		}
		if head.kind == msgReset || head.kind == msgHello || head.kind == msgLogon {
			return nil, c.fail("read", protocolErrorf("%s was ignored", head.kind))
		}
		return nil, nil
	}
	return nil, c.fail("read", protocolErrorf("unexpected message 0x%02X with %d fields in reply to %s", tag, n, head.kind))
}

func (c *Conn) pop() {
	c.queue[0].queued = false
	copy(c.queue, c.queue[1:])
	c.queue[len(c.queue)-1] = nil
	c.queue = c.queue[:len(c.queue)-1]
}

// decodeRecord decodes RECORD's field list for stream s. The value slices are carved
// from per-stream blocks (one allocation per block, sized 1, 8, then 64 rows, at most
// recordBlockMax values unless a row is wider); a block is never reused once a slice
// of it is handed out, so records kept by the caller are never overwritten. If into
// has room for the fields (NextInto), they are decoded into it instead.
func (c *Conn) decodeRecord(s *Stream, into []any) ([]any, error) {
	n, err := c.dec.ListHeader()
	if err != nil {
		return nil, protocolErrorf("bad RECORD: %v", err)
	}
	if n > c.dec.Len() {
		return nil, protocolErrorf("bad RECORD: %d fields in %d bytes", n, c.dec.Len())
	}
	var rec []any
	if len(into) >= n {
		rec = into[:n:n]
	} else if len(s.block) >= n {
		rec = s.block[:n:n]
		s.block = s.block[n:]
	} else {
		rows := s.blockRows
		if rows == 0 {
			rows = 1
		}
		s.blockRows = min(rows*8, 64)
		size := rows * n
		if size > recordBlockMax {
			size = max(recordBlockMax/max(n, 1)*n, n)
		}
		blk := make([]any, size)
		rec = blk[:n:n]
		s.block = blk[n:]
	}
	for i := range rec {
		if rec[i], err = c.dec.Value(); err != nil {
			if errors.Is(err, packstream.ErrUnknownZone) {
				// Well-formed, but not representable: the record's own message
				// ends it, so the stream and the connection go on.
				return nil, &RecordError{Field: i, Err: err}
			}
			return nil, protocolErrorf("bad RECORD field %d: %v", i, err)
		}
	}
	if c.dec.Len() != 0 {
		return nil, protocolErrorf("bad RECORD: %d bytes after the field list", c.dec.Len())
	}
	return rec, nil
}

// RecordError reports a RECORD that was well-formed but held a value the driver
// cannot represent (a DateTime in a time zone the local time zone database
// lacks: it wraps packstream.ErrUnknownZone). Stream.Next returns it for that
// record alone; the next call goes on with the following record, and the
// connection stays usable.
type RecordError struct {
	Field int   // index of the offending field
	Err   error // the decode error
}

// Error names the field and the decode problem.
func (e *RecordError) Error() string {
	return fmt.Sprintf("bolt: record field %d cannot be decoded: %v", e.Field, e.Err)
}

// Unwrap returns the decode error.
func (e *RecordError) Unwrap() error { return e.Err }

// badRecord stands in a stream's read-ahead buffer for a record that failed
// with a RecordError, keeping its place in the order of records.
type badRecord struct{ err *RecordError }

// recordOrErr unwraps a buffered record: a badRecord becomes its error.
func recordOrErr(rec []any) ([]any, error) {
	if len(rec) == 1 {
		if b, ok := rec[0].(badRecord); ok {
			return nil, b.err
		}
	}
	return rec, nil
}

// recordBlockMax bounds a record value block (values): a retained record keeps at
// most one block alive.
const recordBlockMax = 256

// onSuccess applies a SUCCESS to the connection's view of the server state.
func (c *Conn) onSuccess(req *request, meta *Meta) error {
	switch req.kind {
	case msgHello:
		c.serverAgent = metaString(meta, "server")
		c.connectionID = metaString(meta, "connection_id")
		if h, ok := meta.extra["hints"].(map[string]any); ok {
			c.hints = parseHints(h)
		}
		if p, ok := meta.extra["patch_bolt"].([]any); ok {
			for _, x := range p {
				if x == "utc" {
					c.utcPatch = true
				}
			}
			c.setFeatures()
		}
	case msgReset:
		c.resetsQueued--
		if c.resetsQueued <= 0 {
			c.resetsQueued = 0
			c.failure = nil
		}
	case msgRun:
		s := req.stream
		if f, ok := meta.Fields(); ok {
			s.keys = f
		} else if f, ok := meta.extra["fields"].([]any); ok {
			s.keys = make([]string, len(f))
			for i, k := range f {
				s.keys[i], _ = k.(string)
			}
		}
		if q, ok := meta.QID(); ok {
			s.qid = q
		}
	case msgPull, msgDiscard:
		s := req.stream
		s.pending = nil
		if meta.HasMore() {
			s.hasMore = true
			return nil
		}
		s.hasMore = false
		s.done = true
		s.finish(meta)
		c.dropStream(s)
	case msgCommit, msgRollback:
		c.inTx, c.lastRun = false, nil
	}
	return nil
}

// onFailure applies a FAILURE: the server is now FAILED until RESET.
func (c *Conn) onFailure(req *request, se *ServerError) {
	c.failure = se
	if s := req.stream; s != nil {
		s.fail(se)
		if s.pending == req {
			s.pending = nil
		}
		c.dropStream(s)
	}
	c.failOpenStreams(se)
	switch req.kind {
	case msgHello, msgLogon, msgReset, msgLogoff:
		// The server closes the connection after these fail; what was pipelined
		// behind them will not run.
		c.dropQueue(nil, se)
		c.closeTransport()
		c.defunct = &ConnectivityError{Address: c.addr, Op: req.kind.String(), Err: se}
	case msgCommit, msgRollback:
		c.inTx, c.lastRun = false, nil
	}
}

// failOpenStreams ends the other open results after a FAILURE: a FAILED server has
// dropped them (with the transaction), so no PULL or DISCARD may address them. Records
// already received stay readable; then the result reports the failure. Results with a
// request in flight end with that request's IGNORED instead.
func (c *Conn) failOpenStreams(se *ServerError) {
	kept := c.streams[:0]
	for _, s := range c.streams {
		if s.pending != nil {
			kept = append(kept, s)
			continue
		}
		s.fail(&StreamFailedError{Failure: se})
	}
	clear(c.streams[len(kept):])
	c.streams = kept
}

// dropStream forgets s as an open server-side result.
func (c *Conn) dropStream(s *Stream) {
	for i, x := range c.streams {
		if x == s {
			c.streams = append(c.streams[:i], c.streams[i+1:]...)
			return
		}
	}
}

// parseHints reads the HELLO hints.
func parseHints(h map[string]any) Hints {
	out := Hints{Raw: h}
	if v, ok := h["connection.recv_timeout_seconds"].(int64); ok && v > 0 {
		out.RecvTimeout = time.Duration(v) * time.Second
	}
	out.Telemetry, _ = h["telemetry.enabled"].(bool)
	out.SSR, _ = h["ssr.enabled"].(bool)
	return out
}
