package bolt

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/stretchr/testify/require"
)

// peer is a scripted Bolt server on one end of a loopback TCP connection. Scripts run in their own
// goroutine and report mismatches with t.Errorf.
type peer struct {
	t    *testing.T
	nc   net.Conn
	rd   *frameReader
	enc  packstream.Encoder
	dec  packstream.Decoder
	done chan struct{}
}

// countingConn counts Write calls (to check pipelining: one flush = one write).
type countingConn struct {
	net.Conn
	writes atomic.Int32
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// tcpPair returns two ends of a loopback TCP connection (kernel-buffered, unlike
// net.Pipe, so pipelined writes behave as with a real server).
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(ch)
			return
		}
		ch <- c
	}()
	cli, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	srv, ok := <-ch
	require.True(t, ok, "accept failed")
	return cli, srv
}

// startPeer runs script against the server end of a pipe and returns the client end.
func startPeer(t *testing.T, script func(p *peer)) (*countingConn, *peer) {
	t.Helper()
	cli, srv := tcpPair(t)
	p := &peer{t: t, nc: srv, rd: newFrameReader(srv, readBufSize), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer srv.Close()
		script(p)
	}()
	t.Cleanup(func() {
		cli.Close()
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			t.Error("peer script did not finish")
		}
	})
	return &countingConn{Conn: cli}, p
}

// wait blocks until the script has finished.
func (p *peer) wait() {
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.t.Error("peer script did not finish")
	}
}

// handshake reads the 20-byte proposal and answers a classic version.
func (p *peer) handshake(v Version) []byte {
	b, err := p.rd.readRaw(20)
	if err != nil {
		p.t.Errorf("peer: reading handshake: %v", err)
		return nil
	}
	got := append([]byte(nil), b...)
	p.write([]byte{0, 0, v.Minor, v.Major})
	return got
}

// recv reads one message body and returns a copy.
func (p *peer) recv() []byte {
	b, err := p.rd.readMessage()
	if err != nil {
		p.t.Errorf("peer: reading message: %v", err)
		return nil
	}
	return append([]byte(nil), b...)
}

// expect reads one message and checks its signature; it returns the decoded fields.
func (p *peer) expect(sig byte) []any {
	b := p.recv()
	if b == nil {
		return nil
	}
	p.dec.Reset(b)
	tag, n, err := p.dec.StructHeader()
	if err != nil || tag != sig {
		p.t.Errorf("peer: want message 0x%02X, got % x", sig, b)
		return nil
	}
	out := make([]any, n)
	for i := range out {
		out[i], _ = p.dec.Value()
	}
	return out
}

func (p *peer) write(b []byte) {
	if _, err := p.nc.Write(b); err != nil {
		p.t.Errorf("peer: write: %v", err)
	}
}

// msg encodes a message with the given fields and writes it chunked.
func (p *peer) msg(sig byte, fields ...any) {
	p.enc.Reset()
	p.enc.StructHeader(sig, len(fields))
	for _, f := range fields {
		if err := p.enc.Value(f); err != nil {
			p.t.Errorf("peer: encode: %v", err)
		}
	}
	p.write(appendChunked(nil, p.enc.Buf))
}

func (p *peer) success(meta map[string]any) {
	if meta == nil {
		meta = map[string]any{}
	}
	p.msg(sigSuccess, meta)
}
func (p *peer) record(vals ...any) { p.msg(sigRecord, vals) }
func (p *peer) ignored()           { p.msg(sigIgnored) }
func (p *peer) failure(code, message string) {
	p.msg(sigFailure, map[string]any{"code": code, "message": message})
}

// helloOK answers HELLO (and LOGON when v has it).
func (p *peer) helloOK(v Version, hints map[string]any) {
	p.expect(sigHello)
	meta := map[string]any{"server": "Neo4j/5.26.0", "connection_id": "bolt-7"}
	if hints != nil {
		meta["hints"] = hints
	}
	if v.Has(FeatureLogon) {
		p.expect(sigLogon)
		p.success(meta)
		p.success(nil)
		return
	}
	p.success(meta)
}

// expectAll reads one message for each signature of sigs, in order, and checks
// their signatures (not their fields).
func (p *peer) expectAll(sigs ...byte) {
	for _, sig := range sigs {
		p.expect(sig)
	}
}

// openTxResult plays BEGIN, RUN and PULL of a transaction's first result: their
// SUCCESSes (qid < 0: none in RUN's), the records, then more to come. It
// returns PULL's fields.
func (p *peer) openTxResult(field string, qid int64, recs ...any) []any {
	p.expectAll(sigBegin, sigRun)
	pull := p.expect(sigPull)
	p.success(nil)
	meta := map[string]any{"fields": []any{field}}
	if qid >= 0 {
		meta["qid"] = qid
	}
	p.success(meta)
	for _, r := range recs {
		p.record(r)
	}
	p.success(map[string]any{"has_more": true})
	return pull
}

// classicConfig is the DialConfig of a connection to a scripted peer: a classic
// handshake proposing v only, then auth.
func classicConfig(v Version, auth Auth) DialConfig {
	return DialConfig{Address: "x:1", Auth: auth, Versions: []Version{v}, Handshake: HandshakeClassic}
}

// dialPeer connects a Conn to a scripted peer that negotiates v and accepts HELLO.
func dialPeer(t *testing.T, v Version, script func(p *peer)) (*Conn, *countingConn, *peer) {
	t.Helper()
	cli, p := startPeer(t, func(p *peer) {
		p.handshake(v)
		p.helloOK(v, nil)
		script(p)
	})
	c, err := NewConn(context.Background(), cli, classicConfig(v, BasicAuth("u", "p", "")))
	require.NoError(t, err)
	t.Cleanup(func() { c.closeTransport() })
	return c, cli, p
}

// runTwo runs "A" and then "B" on c, both with fetch size fetch.
func runTwo(ctx context.Context, t *testing.T, c *Conn, fetch int) (*Stream, *Stream) {
	t.Helper()
	s1, err := c.Run(ctx, "A", nil, nil, fetch)
	require.NoError(t, err)
	s2, err := c.Run(ctx, "B", nil, nil, fetch)
	require.NoError(t, err)
	return s1, s2
}

// requireNext reads the next record of s and checks that it is want (nil: the
// end of the result).
func requireNext(ctx context.Context, t *testing.T, s *Stream, want []any, msgAndArgs ...any) {
	t.Helper()
	r, err := s.Next(ctx)
	require.NoError(t, err, msgAndArgs...)
	require.Equal(t, want, r, msgAndArgs...)
}

// requireServerError checks that err is (or wraps) a *ServerError with code and
// returns it.
func requireServerError(t *testing.T, err error, code string) *ServerError {
	t.Helper()
	var se *ServerError
	require.ErrorAs(t, err, &se)
	require.Equal(t, code, se.Code)
	return se
}

// unhex decodes hex with optional spaces.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err, s)
	return b
}

func hexOf(b []byte) string { return fmt.Sprintf("% x", b) }
