package native

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/stretchr/testify/require"
)

// fakeServer is a scripted Bolt server on a loopback listener, written for
// these tests. It speaks Bolt 5.x (default 5.8) with a rule-based state machine:
// HELLO/LOGON succeed (unless onLogon fails them), RUN asks onRun for the
// reply, PULL streams its records in batches of n, COMMIT asks onCommit.
type fakeServer struct {
	t     *testing.T
	ln    net.Listener
	major byte
	minor byte

	// Hooks (set before use; called from connection goroutines).
	onRun    func(connID int, query string, params map[string]any, inTx bool) runReply
	onCommit func(connID int) commitReply
	onLogon  func(connID int, auth map[string]any) *failMsg
	onPull   func(connID int)                                               // called before a PULL is answered (e.g. to stall)
	onRoute  func(connID int, routing, extra map[string]any) map[string]any // the rt dictionary

	accepted atomic.Int32 // connections accepted
	batches  atomic.Int32 // client→server flights after the handshake and HELLO
	mu       sync.Mutex
	runs     []string         // every RUN query, in order
	begins   []map[string]any // every BEGIN extra
	runExtra []map[string]any // every RUN extra
	msgs     []string         // message names, in order
	bookmark atomic.Int32
	conns    []net.Conn
}

type failMsg struct{ code, message string }

type runReply struct {
	fields  []string
	records [][]any
	fail    *failMsg
	meta    map[string]any // extra keys for the final PULL SUCCESS
	pullErr *failMsg       // answer the first PULL with this FAILURE
}

type commitReply struct {
	drop bool // close the connection instead of answering
	fail *failMsg
}

func newFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &fakeServer{t: t, ln: ln, major: 5, minor: 8}
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
	})
	return s
}

func (s *fakeServer) addr() string { return s.ln.Addr().String() }

func (s *fakeServer) uri() string { return "bolt://" + s.addr() }

func (s *fakeServer) runCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.runs)
}

func (s *fakeServer) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.msgs...)
}

func (s *fakeServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		id := int(s.accepted.Add(1))
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		go s.handle(id, c)
	}
}

var msgNames = map[byte]string{0x01: "HELLO", 0x02: "GOODBYE", 0x0F: "RESET", 0x10: "RUN", 0x11: "BEGIN",
	0x12: "COMMIT", 0x13: "ROLLBACK", 0x2F: "DISCARD", 0x3F: "PULL", 0x54: "TELEMETRY", 0x6A: "LOGON", 0x6B: "LOGOFF", 0x66: "ROUTE"}

type fakeConn struct {
	s       *fakeServer
	id      int
	nc      net.Conn
	rd      *bufio.Reader
	enc     packstream.Encoder
	dec     packstream.Decoder
	out     []byte
	authed  bool
	failed  bool
	inTx    bool
	streams map[int64]*fakeStream
	nextQID int64
	last    int64
}

type fakeStream struct {
	records [][]any
	meta    map[string]any
	auto    bool
	pullErr *failMsg
}

func (s *fakeServer) handle(id int, nc net.Conn) {
	defer nc.Close()
	c := &fakeConn{s: s, id: id, nc: nc, rd: bufio.NewReader(nc), streams: map[int64]*fakeStream{}, last: -1}
	c.enc.Features.UTCDateTime = s.major >= 5 // Bolt 5 sends DateTimes in UTC
	hs := make([]byte, 20)
	if _, err := io.ReadFull(c.rd, hs); err != nil {
		return
	}
	if _, err := nc.Write([]byte{0, 0, s.minor, s.major}); err != nil {
		return
	}
	ready := false
	for {
		if c.rd.Buffered() == 0 && len(c.out) > 0 {
			if _, err := nc.Write(c.out); err != nil {
				return
			}
			c.out = c.out[:0]
		}
		newFlight := c.rd.Buffered() == 0 && ready
		body, err := c.readMessage()
		if err != nil {
			return
		}
		if newFlight {
			c.s.batches.Add(1) // this message started a new client flight
		}
		c.dec.Reset(body)
		tag, n, err := c.dec.StructHeader()
		if err != nil {
			s.t.Errorf("fake server: bad message % x", body)
			return
		}
		fields := make([]any, n)
		for i := range fields {
			fields[i], _ = c.dec.Value()
		}
		s.mu.Lock()
		s.msgs = append(s.msgs, msgNames[tag])
		s.mu.Unlock()
		if !c.dispatch(tag, fields) {
			if len(c.out) > 0 {
				nc.Write(c.out)
			}
			return
		}
		if tag == 0x6A || (tag == 0x01 && s.major == 5 && s.minor == 0) {
			ready = true
		}
	}
}

func (c *fakeConn) readMessage() ([]byte, error) {
	var body []byte
	hdr := make([]byte, 2)
	for {
		if _, err := io.ReadFull(c.rd, hdr); err != nil {
			return nil, err
		}
		n := binary.BigEndian.Uint16(hdr)
		if n == 0 {
			if len(body) == 0 {
				continue // NOOP
			}
			return body, nil
		}
		chunk := make([]byte, n)
		if _, err := io.ReadFull(c.rd, chunk); err != nil {
			return nil, err
		}
		body = append(body, chunk...)
	}
}

func (c *fakeConn) send(sig byte, fields ...any) {
	c.enc.Reset()
	c.enc.StructHeader(sig, len(fields))
	for _, f := range fields {
		if err := c.enc.Value(f); err != nil {
			c.s.t.Errorf("fake server: encode %T: %v", f, err)
		}
	}
	b := c.enc.Buf
	for len(b) > 0 {
		n := min(len(b), 0xFFFF)
		c.out = binary.BigEndian.AppendUint16(c.out, uint16(n))
		c.out = append(c.out, b[:n]...)
		b = b[n:]
	}
	c.out = append(c.out, 0, 0)
}

func (c *fakeConn) success(meta map[string]any) {
	if meta == nil {
		meta = map[string]any{}
	}
	c.send(0x70, meta)
}

func (c *fakeConn) failure(f *failMsg) {
	c.send(0x7F, map[string]any{"code": f.code, "message": f.message})
	c.failed = true
}

func mapField(fields []any, i int) map[string]any {
	if i < len(fields) {
		if m, ok := fields[i].(map[string]any); ok {
			return m
		}
	}
	return map[string]any{}
}

// dispatch answers one message; false closes the connection.
func (c *fakeConn) dispatch(tag byte, fields []any) bool {
	s := c.s
	if c.failed && tag != 0x0F && tag != 0x02 {
		c.send(0x7E)
		return true
	}
	switch tag {
	case 0x01: // HELLO
		c.success(map[string]any{"server": "Neo4j/5.26.0", "connection_id": "bolt-" + strconv.Itoa(c.id)})
	case 0x6A: // LOGON
		if s.onLogon != nil {
			if f := s.onLogon(c.id, mapField(fields, 0)); f != nil {
				c.failure(f)
				return false
			}
		}
		c.authed = true
		c.success(nil)
	case 0x6B: // LOGOFF
		c.authed = false
		c.success(nil)
	case 0x54: // TELEMETRY
		c.success(nil)
	case 0x0F: // RESET
		c.failed, c.inTx = false, false
		c.streams = map[int64]*fakeStream{}
		c.success(nil)
	case 0x02: // GOODBYE
		return false
	case 0x11: // BEGIN
		s.mu.Lock()
		s.begins = append(s.begins, mapField(fields, 0))
		s.mu.Unlock()
		c.inTx = true
		c.success(nil)
	case 0x10: // RUN
		q, _ := fields[0].(string)
		params := mapField(fields, 1)
		s.mu.Lock()
		s.runs = append(s.runs, q)
		s.runExtra = append(s.runExtra, mapField(fields, 2))
		s.mu.Unlock()
		reply := runReply{fields: []string{}}
		if s.onRun != nil {
			reply = s.onRun(c.id, q, params, c.inTx)
		}
		if reply.fail != nil {
			c.failure(reply.fail)
			return true
		}
		keys := make([]any, len(reply.fields))
		for i, f := range reply.fields {
			keys[i] = f
		}
		meta := map[string]any{"fields": keys, "t_first": int64(1)}
		st := &fakeStream{records: reply.records, meta: reply.meta, auto: !c.inTx, pullErr: reply.pullErr}
		qid := int64(-1)
		if c.inTx {
			qid = c.nextQID
			c.nextQID++
			meta["qid"] = qid
		}
		c.streams[qid] = st
		c.last = qid
		c.success(meta)
	case 0x3F, 0x2F: // PULL, DISCARD
		if s.onPull != nil && tag == 0x3F {
			s.onPull(c.id)
		}
		extra := mapField(fields, 0)
		n, _ := extra["n"].(int64)
		qid, ok := extra["qid"].(int64)
		if !ok || qid == -1 {
			qid = c.last
		}
		st := c.streams[qid]
		if st == nil {
			c.failure(&failMsg{"Neo.ClientError.Request.Invalid", "no such stream"})
			return true
		}
		if tag == 0x2F {
			st.records = nil
		} else if st.pullErr != nil {
			delete(c.streams, qid)
			c.failure(st.pullErr)
			return true
		}
		for len(st.records) > 0 && (n < 0 || n > 0) {
			c.send(0x71, st.records[0])
			st.records = st.records[1:]
			n--
		}
		if len(st.records) > 0 {
			c.success(map[string]any{"has_more": true})
			return true
		}
		meta := map[string]any{"type": "rw", "t_last": int64(2), "db": "neo4j"}
		for k, v := range st.meta {
			meta[k] = v
		}
		if st.auto {
			meta["bookmark"] = fmt.Sprintf("bm:%d", s.bookmark.Add(1))
		}
		delete(c.streams, qid)
		c.success(meta)
	case 0x12: // COMMIT
		var r commitReply
		if s.onCommit != nil {
			r = s.onCommit(c.id)
		}
		if r.drop {
			c.out = c.out[:0]
			return false
		}
		c.inTx = false
		c.streams = map[int64]*fakeStream{}
		if r.fail != nil {
			c.failure(r.fail)
			return true
		}
		c.success(map[string]any{"bookmark": fmt.Sprintf("bm:%d", s.bookmark.Add(1))})
	case 0x66: // ROUTE
		if s.onRoute == nil {
			c.failure(&failMsg{"Neo.ClientError.Request.Invalid", "no routing here"})
			return true
		}
		c.success(map[string]any{"rt": s.onRoute(c.id, mapField(fields, 0), mapField(fields, 2))})
	case 0x13: // ROLLBACK
		c.inTx = false
		c.streams = map[int64]*fakeStream{}
		c.success(nil)
	default:
		s.t.Errorf("fake server: unexpected message 0x%02X", tag)
		return false
	}
	return true
}

// errFake marks errors produced by test hooks.
var errFake = errors.New("fake")

// newFakeDriver returns a driver for srv with fast retries for tests.
func newFakeDriver(t *testing.T, srv *fakeServer, configurers ...func(*Config)) *driver {
	t.Helper()
	d, err := NewDriver(srv.uri(), BasicAuth("neo4j", "pass", ""), configurers...)
	require.NoError(t, err)
	t.Cleanup(func() { d.Close(context.Background()) })
	return d.(*driver)
}

// fakeSession opens a session with cfg on a driver (newFakeDriver) for srv;
// the session is closed when the test ends.
func fakeSession(t *testing.T, srv *fakeServer, cfg SessionConfig) (context.Context, Session) {
	t.Helper()
	ctx := context.Background()
	s := newFakeDriver(t, srv).NewSession(ctx, cfg)
	t.Cleanup(func() { s.Close(ctx) })
	return ctx, s
}

// waitFor polls cond until it holds or a second passes.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// killAll closes every connection the server accepted so far (a restart).
func (s *fakeServer) killAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// shutdown stops accepting and closes every connection, waiting briefly for
// the connection goroutines to notice.
func (s *fakeServer) shutdown() {
	s.ln.Close()
	s.killAll()
	time.Sleep(50 * time.Millisecond)
}
