package bench

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/boltwire/neo4j/bolt/packstream"
)

// Bolt message tags the canned peer understands.
const (
	tagHello     = 0x01
	tagGoodbye   = 0x02
	tagLogon     = 0x6A
	tagLogoff    = 0x6B
	tagTelemetry = 0x54
	tagRun       = 0x10
	tagPull      = 0x3F
	tagDiscard   = 0x2F
	tagBegin     = 0x11
	tagCommit    = 0x12
	tagRollback  = 0x13
	tagReset     = 0x0F
	tagRecord    = 0x71
	tagSuccess   = 0x70
	tagFailure   = 0x7F
	tagIgnored   = 0x7E
)

// PeerVersion is the Bolt version the canned peer negotiates (both drivers
// speak it; boltwire offers 5.8–5.6, 5.4–5.0 and the official v5.28 driver
// 5.8–5.0).
var PeerVersion = [2]byte{5, 6}

// cannedResult is one query's pre-encoded answer.
type cannedResult struct {
	runSuccess []byte // chunked SUCCESS {fields, t_first}
	fields     []any
	records    []byte // every RECORD message, chunked, back to back
	offsets    []int  // offsets[i] is where record i starts; offsets[rows] = len(records)
	stats      map[string]any
}

// Peer is a canned Bolt server on loopback: it answers the handshake and
// HELLO, LOGON, TELEMETRY, RUN, PULL, DISCARD, BEGIN, COMMIT, ROLLBACK, RESET
// and GOODBYE, serving each known query from byte streams encoded once at
// start-up, so a benchmark measures the driver and not a database.
type Peer struct {
	ln      net.Listener
	results map[string]*cannedResult
	wg      sync.WaitGroup
	conns   atomic.Int64
	flushes atomic.Int64
	mu      sync.Mutex
	open    map[net.Conn]struct{}
	closed  atomic.Bool
	quiet   atomic.Int64 // nanoseconds; see SetQuietFlush
}

// StartPeer encodes the workloads' answers and starts serving on 127.0.0.1.
func StartPeer(workloads []*Workload) (*Peer, error) {
	p := &Peer{results: map[string]*cannedResult{}, open: map[net.Conn]struct{}{}}
	for _, w := range workloads {
		r, err := encodeResult(w)
		if err != nil {
			return nil, fmt.Errorf("peer: encoding %s: %w", w.Name, err)
		}
		p.results[w.Query] = r
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.ln = ln
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns host:port.
func (p *Peer) Addr() string { return p.ln.Addr().String() }

// URI returns the bolt:// URI of the peer.
func (p *Peer) URI() string { return "bolt://" + p.Addr() }

// Connections returns how many connections the peer has accepted.
func (p *Peer) Connections() int64 { return p.conns.Load() }

// Flushes returns how many times the peer has sent its queued replies: each
// flush answers one batch of pipelined requests, so the count is the number
// of round trips the clients made.
func (p *Peer) Flushes() int64 { return p.flushes.Load() }

// SetQuietFlush makes the peer hold its replies until the client has sent
// nothing for d (0, the default, answers as soon as the read buffer is
// empty). With a quiet period, requests a client writes back to back
// without waiting for a reply are answered in one flush even when they
// arrive in several TCP segments or writes, so Flushes counts exactly the
// times a client waited for the server: the mode for counting round trips,
// not for timing.
func (p *Peer) SetQuietFlush(d time.Duration) { p.quiet.Store(int64(d)) }

// Close stops the peer and closes its connections.
func (p *Peer) Close() error {
	p.closed.Store(true)
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.open {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Peer) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		p.mu.Lock()
		p.open[c] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			_ = p.serve(c)
			p.mu.Lock()
			delete(p.open, c)
			p.mu.Unlock()
			c.Close()
		}()
	}
}

// chunk appends body as one chunked message (bodies are < 64 KiB here).
func chunk(out, body []byte) []byte {
	if len(body) > 0xFFFF {
		panic("bench: message too large for one chunk")
	}
	out = append(out, byte(len(body)>>8), byte(len(body)))
	out = append(out, body...)
	return append(out, 0, 0)
}

var peerFeatures = packstream.Features{UTCDateTime: true, ElementIDs: true}

// successMsg encodes a chunked SUCCESS with meta.
func successMsg(meta map[string]any) []byte {
	enc := packstream.Encoder{Features: peerFeatures}
	enc.StructHeader(tagSuccess, 1)
	if err := enc.Map(meta); err != nil {
		panic(err)
	}
	return chunk(nil, enc.Buf)
}

func encodeResult(w *Workload) (*cannedResult, error) {
	fields := make([]any, len(w.Keys))
	for i, k := range w.Keys {
		fields[i] = k
	}
	r := &cannedResult{fields: fields, runSuccess: successMsg(map[string]any{"fields": fields, "t_first": int64(1)})}
	enc := packstream.Encoder{Features: peerFeatures}
	r.offsets = make([]int, 0, w.Rows+1)
	for i := 0; i < w.Rows; i++ {
		enc.Reset()
		row := w.Gen(i)
		enc.StructHeader(tagRecord, 1)
		enc.ListHeader(len(row))
		for _, v := range row {
			if err := enc.Value(v); err != nil {
				return nil, err
			}
		}
		r.offsets = append(r.offsets, len(r.records))
		r.records = chunk(r.records, enc.Buf)
	}
	r.offsets = append(r.offsets, len(r.records))
	if w.Kind == KindWrite {
		r.stats = map[string]any{"nodes-created": int64(1), "properties-set": int64(1), "labels-added": int64(1)}
	}
	return r, nil
}

// peerConn is the state of one connection.
type peerConn struct {
	p      *Peer
	c      net.Conn
	rd     *bufio.Reader
	out    []byte
	msg    []byte
	dec    packstream.Decoder
	failed bool
	inTx   bool
	bm     int64
	qid    int64
	cur    *cannedResult // open result
	pos    int           // next record of cur
}

func (p *Peer) serve(c net.Conn) error {
	pc := &peerConn{p: p, c: c, rd: bufio.NewReaderSize(c, 64<<10)}
	pc.dec.Features = peerFeatures
	if err := pc.handshake(); err != nil {
		return err
	}
	for {
		if pc.rd.Buffered() == 0 && len(pc.out) > 0 && !pc.moreWithinQuiet() {
			if err := pc.flush(); err != nil {
				return err
			}
		}
		if err := pc.readMessage(); err != nil {
			return err
		}
		done, err := pc.handle()
		if err != nil || done {
			pc.flush()
			return err
		}
	}
}

// moreWithinQuiet reports whether, in quiet-flush mode, the client sends
// more bytes within the quiet period (then the replies wait for them).
func (pc *peerConn) moreWithinQuiet() bool {
	d := time.Duration(pc.p.quiet.Load())
	if d <= 0 {
		return false
	}
	pc.c.SetReadDeadline(time.Now().Add(d))
	_, err := pc.rd.Peek(1) // a timeout is returned once; the reader stays usable
	pc.c.SetReadDeadline(time.Time{})
	return err == nil
}

// flush sends the queued replies. The flush is counted before the write:
// once the bytes are out the client may act on them, and a count taken
// after the write could land in the client's next measurement window.
func (pc *peerConn) flush() error {
	if len(pc.out) == 0 {
		return nil
	}
	pc.p.flushes.Add(1)
	_, err := pc.c.Write(pc.out)
	pc.out = pc.out[:0]
	return err
}

// handshake reads the magic and four proposals and answers PeerVersion if a
// classic slot covers it (both drivers put manifest v1 first and classic
// ranges after it).
func (pc *peerConn) handshake() error {
	var hs [20]byte
	if _, err := io.ReadFull(pc.rd, hs[:]); err != nil {
		return err
	}
	if binary.BigEndian.Uint32(hs[:4]) != 0x6060B017 {
		return errors.New("peer: bad magic")
	}
	major, minor := PeerVersion[0], PeerVersion[1]
	for i := 0; i < 4; i++ {
		s := hs[4+4*i : 8+4*i]
		if s[3] == major && s[2] >= minor && int(s[2])-int(s[1]) <= int(minor) {
			_, err := pc.c.Write([]byte{0, 0, minor, major})
			return err
		}
	}
	pc.c.Write([]byte{0, 0, 0, 0})
	return errors.New("peer: no common version")
}

// readMessage reads one chunked message into pc.msg.
func (pc *peerConn) readMessage() error {
	pc.msg = pc.msg[:0]
	var hdr [2]byte
	for {
		if _, err := io.ReadFull(pc.rd, hdr[:]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		if n == 0 {
			if len(pc.msg) == 0 {
				continue // NOOP
			}
			return nil
		}
		start := len(pc.msg)
		pc.msg = slices.Grow(pc.msg, n)[:start+n]
		if _, err := io.ReadFull(pc.rd, pc.msg[start:]); err != nil {
			return err
		}
	}
}

var (
	emptySuccess = successMsg(map[string]any{})
	ignoredMsg   = chunk(nil, []byte{0xB0, tagIgnored})
	helloSuccess = successMsg(map[string]any{"server": "Neo4j/5.26.0", "connection_id": "bolt-canned",
		"hints": map[string]any{}})
)

func (pc *peerConn) fail(code, msg string) {
	pc.failed = true
	enc := packstream.Encoder{Features: peerFeatures}
	enc.StructHeader(tagFailure, 1)
	enc.Map(map[string]any{"code": code, "message": msg})
	pc.out = chunk(pc.out, enc.Buf)
}

// handle answers the message in pc.msg; done is true after GOODBYE.
func (pc *peerConn) handle() (done bool, err error) {
	pc.dec.Reset(pc.msg)
	tag, _, err := pc.dec.StructHeader()
	if err != nil {
		return false, err
	}
	if tag == tagGoodbye {
		return true, nil
	}
	if tag == tagReset {
		pc.failed, pc.inTx, pc.cur = false, false, nil
		pc.out = append(pc.out, emptySuccess...)
		return false, nil
	}
	if pc.failed {
		pc.out = append(pc.out, ignoredMsg...)
		return false, nil
	}
	switch tag {
	case tagHello:
		pc.out = append(pc.out, helloSuccess...)
	case tagLogon, tagLogoff, tagTelemetry:
		pc.out = append(pc.out, emptySuccess...)
	case tagBegin:
		pc.inTx, pc.qid = true, 0
		pc.out = append(pc.out, emptySuccess...)
	case tagCommit:
		pc.inTx = false
		pc.bm++
		pc.out = append(pc.out, successMsg(map[string]any{"bookmark": "FB:canned:" + strconv.FormatInt(pc.bm, 10), "db": "neo4j"})...)
	case tagRollback:
		pc.inTx = false
		pc.out = append(pc.out, emptySuccess...)
	case tagRun:
		q, err := pc.dec.String()
		if err != nil {
			return false, err
		}
		r := pc.p.results[q]
		if r == nil {
			pc.fail("Neo.ClientError.Statement.SyntaxError", "canned peer does not know the query: "+q)
			return false, nil
		}
		pc.cur, pc.pos = r, 0
		if pc.inTx {
			pc.out = append(pc.out, successMsg(map[string]any{"fields": r.fields, "t_first": int64(1), "qid": pc.qid})...)
			pc.qid++
		} else {
			pc.out = append(pc.out, r.runSuccess...)
		}
	case tagPull, tagDiscard:
		n := int64(-1)
		if extra, err := pc.dec.Map(); err == nil {
			if v, ok := extra["n"].(int64); ok {
				n = v
			}
		}
		r := pc.cur
		if r == nil {
			pc.fail("Neo.ClientError.Request.Invalid", "no open result")
			return false, nil
		}
		rows := len(r.offsets) - 1
		end := rows
		if tag == tagPull && n >= 0 && pc.pos+int(n) < rows {
			end = pc.pos + int(n)
		}
		if tag == tagPull && end > pc.pos {
			batch := r.records[r.offsets[pc.pos]:r.offsets[end]]
			if len(batch) > 32<<10 {
				if err := pc.flush(); err != nil {
					return false, err
				}
				if _, err := pc.c.Write(batch); err != nil {
					return false, err
				}
			} else {
				pc.out = append(pc.out, batch...)
			}
		}
		pc.pos = end
		if end < rows {
			pc.out = append(pc.out, hasMoreSuccess...)
			return false, nil
		}
		pc.cur = nil
		pc.out = append(pc.out, pc.summary(r)...)
	default:
		pc.fail("Neo.ClientError.Request.Invalid", fmt.Sprintf("canned peer: message 0x%02X not supported", tag))
	}
	return false, nil
}

var (
	hasMoreSuccess = successMsg(map[string]any{"has_more": true})
	txReadSummary  = successMsg(map[string]any{"type": "r", "t_last": int64(1), "db": "neo4j"})
	autoReadSum    = successMsg(map[string]any{"type": "r", "t_last": int64(1), "db": "neo4j", "bookmark": "FB:canned:r"})
	writeStats     = map[string]any{"nodes-created": int64(1), "properties-set": int64(1), "labels-added": int64(1)}
	txWriteSummary = successMsg(map[string]any{"type": "w", "t_last": int64(1), "db": "neo4j", "stats": writeStats})
	autoWriteSum   = successMsg(map[string]any{"type": "w", "t_last": int64(1), "db": "neo4j", "stats": writeStats, "bookmark": "FB:canned:w"})
)

// summary is the final SUCCESS of a result.
func (pc *peerConn) summary(r *cannedResult) []byte {
	switch {
	case r.stats != nil && pc.inTx:
		return txWriteSummary
	case r.stats != nil:
		return autoWriteSum
	case pc.inTx:
		return txReadSummary
	default:
		return autoReadSum
	}
}
