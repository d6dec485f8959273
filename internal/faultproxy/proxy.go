// Package faultproxy is a fault-injecting TCP proxy for tests: it listens on loopback,
// forwards every accepted connection to a target (a real Neo4j server) and, when a test
// asks for it, misbehaves the way production networks and servers do: added latency, a
// connection dropped after N bytes or at a chosen Bolt message, a half-close, a black
// hole (accepts, never answers), a TCP reset, one corrupted byte.
//
// The proxy understands just enough of Bolt to count client messages: the 20-byte
// handshake proposal, the manifest v1 negotiation (the client's extra version and
// capability bytes), then chunk framing, from which it takes each message's signature
// (the byte after the structure marker). Encrypted (TLS) traffic is forwarded without
// parsing; only the byte-level faults apply to it.
//
// Typical use:
//
//	p, err := faultproxy.New(serverAddr)
//	defer p.Close()
//	p.SetPlan(func(n int) faultproxy.Fault { // called for each new connection
//		return faultproxy.Fault{Trigger: faultproxy.AtMessage, Message: faultproxy.Commit, Nth: 1,
//			AfterForward: true, Action: faultproxy.Drop}
//	})
//	driver, _ := native.NewDriver("bolt://"+p.Addr(), auth)
package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Client message signatures of Bolt, for Fault.Message.
const (
	Hello     byte = 0x01
	Goodbye   byte = 0x02
	Reset     byte = 0x0F
	Run       byte = 0x10
	Begin     byte = 0x11
	Commit    byte = 0x12
	Rollback  byte = 0x13
	Discard   byte = 0x2F
	Pull      byte = 0x3F
	Telemetry byte = 0x54
	Route     byte = 0x66
	Logon     byte = 0x6A
	Logoff    byte = 0x6B
)

// Action is what the proxy does to a connection when its fault triggers.
type Action int

const (
	// None forwards faithfully (Latency still applies).
	None Action = iota
	// Drop closes both sides with a normal FIN.
	Drop
	// RST closes both sides with a TCP reset (SO_LINGER 0).
	RST
	// HalfClose sends FIN to the client (it reads EOF) but keeps reading, and
	// discarding, what the client writes; the server side is closed.
	HalfClose
	// BlackHole stops forwarding in both directions and keeps the client's socket
	// open: the client's writes succeed and nothing ever comes back. The server side
	// is closed (so the server rolls back what was open).
	BlackHole
	// Corrupt inverts one byte (XOR 0xFF) at the trigger point and keeps forwarding.
	Corrupt
)

var actionNames = [...]string{"none", "drop", "rst", "half-close", "black-hole", "corrupt"}

// String names the action.
func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Trigger is when a fault fires.
type Trigger int

const (
	// OnAccept fires as soon as the connection is accepted, before anything is
	// forwarded (BlackHole then means "accepts, never answers"; the server is not
	// dialled).
	OnAccept Trigger = iota
	// AfterBytes fires once Fault.Bytes bytes have been forwarded in Fault.Dir.
	// For Corrupt, the byte at offset Bytes (0-based) in that direction is corrupted.
	AfterBytes
	// AtMessage fires at the Nth client message whose signature is Fault.Message
	// (Fault.AnyMessage: any signature), counted from the first message after the
	// handshake. AfterForward chooses whether the message reaches the server first.
	// For Corrupt, the message's signature byte is corrupted.
	AtMessage
)

// Direction is a direction of traffic.
type Direction int

const (
	// ClientToServer is traffic from the driver to the server.
	ClientToServer Direction = iota
	// ServerToClient is traffic from the server to the driver.
	ServerToClient
)

// Fault describes how one connection misbehaves. The zero value forwards faithfully.
type Fault struct {
	// Action is what happens when the trigger fires; None means only Latency applies.
	Action Action
	// Trigger selects when Action happens.
	Trigger Trigger
	// Bytes and Dir configure the AfterBytes trigger.
	Bytes int64     // bytes forwarded before the fault (Corrupt: offset of the corrupted byte)
	Dir   Direction // the direction counted; the zero value is ClientToServer
	// Message, AnyMessage, Nth (1 = the first; 0 counts as 1) and AfterForward
	// configure the AtMessage trigger. With AfterForward the whole message (and
	// whatever preceded it in the same read) reaches the server before the action;
	// without it the message does not reach the server.
	Message      byte // signature of the client message counted, e.g. Commit
	AnyMessage   bool // count every client message, whatever its signature
	Nth          int  // which occurrence fires (1 = the first; 0 counts as 1)
	AfterForward bool // forward the message to the server before the action
	// Latency delays every forwarded read, in both directions.
	Latency time.Duration
}

// String describes the fault, for test logs.
func (f Fault) String() string {
	if f.Action == None {
		if f.Latency > 0 {
			return fmt.Sprintf("latency %v", f.Latency)
		}
		return "none"
	}
	var when string
	switch f.Trigger {
	case OnAccept:
		when = "on accept"
	case AfterBytes:
		dir := "c->s"
		if f.Dir == ServerToClient {
			dir = "s->c"
		}
		when = fmt.Sprintf("after %d bytes %s", f.Bytes, dir)
	case AtMessage:
		msg := fmt.Sprintf("%s #%d", MessageName(f.Message), max(f.Nth, 1))
		if f.AnyMessage {
			msg = fmt.Sprintf("message #%d", max(f.Nth, 1))
		}
		pos := "before"
		if f.AfterForward {
			pos = "after"
		}
		when = fmt.Sprintf("%s forwarding %s", pos, msg)
	}
	s := f.Action.String() + " " + when
	if f.Latency > 0 {
		s += fmt.Sprintf(" (+%v latency)", f.Latency)
	}
	return s
}

// MessageName returns the Bolt name of a client message signature.
func MessageName(sig byte) string {
	switch sig {
	case Hello:
		return "HELLO"
	case Goodbye:
		return "GOODBYE"
	case Reset:
		return "RESET"
	case Run:
		return "RUN"
	case Begin:
		return "BEGIN"
	case Commit:
		return "COMMIT"
	case Rollback:
		return "ROLLBACK"
	case Discard:
		return "DISCARD"
	case Pull:
		return "PULL"
	case Telemetry:
		return "TELEMETRY"
	case Route:
		return "ROUTE"
	case Logon:
		return "LOGON"
	case Logoff:
		return "LOGOFF"
	}
	return fmt.Sprintf("0x%02X", sig)
}

// Stats counts what the proxy did.
type Stats struct {
	Accepted int64            // connections accepted
	Live     int64            // connections currently open (client side)
	Fired    map[Action]int64 // faults fired, by action
	Messages map[byte]int64   // client messages seen, by signature
	Up, Down int64            // bytes forwarded client->server and server->client
}

// Proxy is a running fault-injecting proxy. Its methods are safe for concurrent use.
type Proxy struct {
	ln net.Listener

	mu     sync.Mutex
	target string
	plan   func(n int) Fault
	conns  map[*conn]struct{}
	closed bool
	fired  map[Action]int64
	msgs   map[byte]int64

	accepted atomic.Int64
	up, down atomic.Int64
	wg       sync.WaitGroup
}

// New starts a proxy on 127.0.0.1 (a free port) that forwards to target (host:port).
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listening: %w", err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[*conn]struct{}{},
		fired: map[Action]int64{}, msgs: map[byte]int64{}}
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// Addr returns the proxy's listening address, 127.0.0.1:PORT.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetTarget changes the address later connections are forwarded to.
func (p *Proxy) SetTarget(target string) {
	p.mu.Lock()
	p.target = target
	p.mu.Unlock()
}

// SetPlan sets the function choosing the fault of each new connection; n counts
// accepted connections from 1. nil (the default) forwards faithfully.
func (p *Proxy) SetPlan(plan func(n int) Fault) {
	p.mu.Lock()
	p.plan = plan
	p.mu.Unlock()
}

// Disarm cancels the pending fault of every open connection: from now on they
// forward faithfully, without added latency. Together with SetPlan(nil)
// it turns the proxy calm without closing the connections a pool holds.
func (p *Proxy) Disarm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.disarmed.Store(true)
	}
}

// SetFault makes every new connection get f.
func (p *Proxy) SetFault(f Fault) { p.SetPlan(func(int) Fault { return f }) }

// Inject applies action to every open connection now (Corrupt is not supported
// here) and returns how many connections it hit.
func (p *Proxy) Inject(action Action) int {
	p.mu.Lock()
	cs := make([]*conn, 0, len(p.conns))
	for c := range p.conns {
		cs = append(cs, c)
	}
	p.mu.Unlock()
	for _, c := range cs {
		c.fire(action)
	}
	return len(cs)
}

// Live returns the number of client connections currently open through the proxy.
func (p *Proxy) Live() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// Stats returns a snapshot of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{Accepted: p.accepted.Load(), Live: int64(len(p.conns)), Up: p.up.Load(), Down: p.down.Load(),
		Fired: map[Action]int64{}, Messages: map[byte]int64{}}
	for k, v := range p.fired {
		s.Fired[k] = v
	}
	for k, v := range p.msgs {
		s.Messages[k] = v
	}
	return s
}

// Close stops accepting, closes every connection and waits for the proxy's
// goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	cs := make([]*conn, 0, len(p.conns))
	for c := range p.conns {
		cs = append(cs, c)
	}
	p.mu.Unlock()
	err := p.ln.Close()
	for _, c := range cs {
		c.closeBoth(false)
	}
	p.wg.Wait()
	return err
}

func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		nc, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		n := int(p.accepted.Add(1))
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			nc.Close()
			return
		}
		var f Fault
		if p.plan != nil {
			f = p.plan(n)
		}
		target := p.target
		c := &conn{p: p, client: nc, fault: f, serverVersion: make(chan [4]byte, 1)}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go c.run(target)
	}
}

func (p *Proxy) noteFired(a Action) {
	p.mu.Lock()
	p.fired[a]++
	p.mu.Unlock()
}

func (p *Proxy) noteMessage(sig byte) {
	p.mu.Lock()
	p.msgs[sig]++
	p.mu.Unlock()
}

func (p *Proxy) forget(c *conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// conn is one proxied connection.
type conn struct {
	p      *Proxy
	client net.Conn
	fault  Fault

	mu      sync.Mutex
	server  net.Conn
	state   Action // None until an action other than Corrupt fired
	corrupt bool   // the Corrupt fault already fired

	disarmed atomic.Bool // Disarm was called: the fault no longer applies

	serverVersion chan [4]byte // the server's 4-byte handshake answer, for the client parser
}

func (c *conn) run(target string) {
	defer c.p.wg.Done()
	defer c.p.forget(c)
	f := c.fault
	if f.Trigger == OnAccept && f.Action != None && f.Action != Corrupt {
		c.fire(f.Action)
		if f.Action == BlackHole || f.Action == HalfClose {
			_, _ = io.Copy(io.Discard, c.client)
		}
		c.client.Close()
		return
	}
	s, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		c.client.Close()
		return
	}
	c.mu.Lock()
	c.server = s
	closed := c.state != None
	c.mu.Unlock()
	if closed { // Inject or Close raced with the dial
		s.Close()
		c.client.Close()
		return
	}
	done := make(chan struct{})
	go func() { c.pumpDown(); close(done) }()
	c.pumpUp()
	<-done
	c.closeBoth(false)
}

// fire performs action on the connection (once; later actions are ignored).
func (c *conn) fire(action Action) {
	c.mu.Lock()
	if c.state != None {
		c.mu.Unlock()
		return
	}
	c.state = action
	s := c.server
	c.mu.Unlock()
	c.p.noteFired(action)
	switch action {
	case Drop:
		c.closeBoth(false)
	case RST:
		c.closeBoth(true)
	case HalfClose:
		if tc, ok := c.client.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		if s != nil {
			s.Close()
		}
	case BlackHole:
		if s != nil {
			s.Close()
		}
	}
}

func (c *conn) closeBoth(rst bool) {
	c.mu.Lock()
	if c.state == None {
		c.state = Drop
	}
	s := c.server
	c.mu.Unlock()
	for _, nc := range []net.Conn{c.client, s} {
		if nc == nil {
			continue
		}
		if tc, ok := nc.(*net.TCPConn); ok && rst {
			_ = tc.SetLinger(0)
		}
		nc.Close()
	}
}

// stopped reports whether forwarding has ended (an action fired).
func (c *conn) stopped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state != None
}

// discardClient keeps reading the client until it closes (BlackHole, HalfClose).
func (c *conn) discardClient() {
	_, _ = io.Copy(io.Discard, c.client)
	c.client.Close()
}

// pumpUp forwards client -> server, parsing Bolt framing to find messages.
func (c *conn) pumpUp() {
	buf := make([]byte, 32<<10)
	var parser clientParser
	parser.serverVersion = c.serverVersion
	var pos int64
	f := c.fault
	for {
		n, err := c.client.Read(buf)
		if n > 0 {
			if c.stopped() {
				if st := c.stateNow(); st == BlackHole || st == HalfClose {
					c.discardClient()
				}
				return
			}
			data := buf[:n]
			if c.disarmed.Load() {
				f = Fault{}
			}
			if f.Latency > 0 {
				time.Sleep(f.Latency)
			}
			cut, act := -1, None // forward data[:cut] then act
			switch {
			case f.Trigger == AtMessage && f.Action != None:
				cut, act = c.messageTrigger(&parser, data)
			default:
				if f.Trigger == AfterBytes && f.Dir == ClientToServer && f.Action != None {
					cut, act = c.byteTrigger(data, pos)
				}
				parser.feed(data, func(ev event) bool {
					if !ev.end {
						c.p.noteMessage(ev.sig)
					}
					return true
				})
			}
			if cut >= 0 {
				data = data[:cut]
			}
			pos += int64(n)
			if len(data) > 0 {
				if _, werr := c.serverConn().Write(data); werr != nil {
					c.closeBoth(false)
					return
				}
				c.p.up.Add(int64(len(data)))
			}
			if act != None {
				c.fire(act)
				if act == BlackHole || act == HalfClose {
					c.discardClient()
				}
				return
			}
		}
		if err != nil {
			if st := c.stateNow(); st == BlackHole || st == HalfClose {
				c.client.Close()
				return
			}
			// Client closed (or the connection was torn down): pass the FIN on.
			if tc, ok := c.serverConn().(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}

func (c *conn) stateNow() Action {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *conn) serverConn() net.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.server
}

// byteTrigger applies an AfterBytes fault to data, which starts at stream offset
// pos. It returns how much to forward (-1: all) and the action to fire after.
func (c *conn) byteTrigger(data []byte, pos int64) (int, Action) {
	f := c.fault
	if pos+int64(len(data)) <= f.Bytes {
		return -1, None
	}
	if pos > f.Bytes {
		return -1, None // already fired (Corrupt) — nothing more to do
	}
	k := int(f.Bytes - pos)
	if f.Action == Corrupt {
		c.mu.Lock()
		first := !c.corrupt
		c.corrupt = true
		c.mu.Unlock()
		if first {
			data[k] ^= 0xFF
			c.p.noteFired(Corrupt)
		}
		return -1, None
	}
	return k, f.Action
}

// messageTrigger feeds data to the parser and applies an AtMessage fault. It
// returns how much of data to forward (-1: all) and the action to fire after.
func (c *conn) messageTrigger(parser *clientParser, data []byte) (int, Action) {
	f := c.fault
	nth := max(f.Nth, 1)
	cut, act := -1, None
	parser.feed(data, func(ev event) bool {
		if ev.end {
			if parser.armed {
				cut, act = ev.off, f.Action
				return false
			}
			return true
		}
		c.p.noteMessage(ev.sig)
		if parser.done || (!f.AnyMessage && ev.sig != f.Message) {
			return true
		}
		parser.matched++
		if parser.matched != nth {
			return true
		}
		parser.done = true
		switch {
		case f.Action == Corrupt:
			if ev.off >= 0 {
				data[ev.off] ^= 0xFF
				c.p.noteFired(Corrupt)
			}
			return true
		case f.AfterForward:
			parser.armed = true // fire at the end of this message
			return true
		default:
			// The message does not reach the server (bytes of its start that came
			// in an earlier read are gone already, but an unfinished message is
			// never executed).
			cut, act = max(ev.start, 0), f.Action
			return false
		}
	})
	return cut, act
}

// pumpDown forwards server -> client.
func (c *conn) pumpDown() {
	buf := make([]byte, 32<<10)
	f := c.fault
	var pos int64
	handshake := make([]byte, 0, 4)
	sent := false
	defer func() {
		if !sent {
			close(c.serverVersion)
		}
	}()
	for {
		s := c.serverConn()
		n, err := s.Read(buf)
		if n > 0 {
			if c.stopped() {
				return
			}
			data := buf[:n]
			if !sent {
				need := 4 - len(handshake)
				handshake = append(handshake, data[:min(need, len(data))]...)
				if len(handshake) == 4 {
					c.serverVersion <- [4]byte(handshake)
					sent = true
				}
			}
			if c.disarmed.Load() {
				f = Fault{}
			}
			if f.Latency > 0 {
				time.Sleep(f.Latency)
			}
			cut, act := -1, None
			if f.Trigger == AfterBytes && f.Dir == ServerToClient && f.Action != None {
				cut, act = c.byteTrigger(data, pos)
			}
			if cut >= 0 {
				data = data[:cut]
			}
			pos += int64(n)
			if len(data) > 0 {
				if _, werr := c.client.Write(data); werr != nil {
					c.closeBoth(false)
					return
				}
				c.p.down.Add(int64(len(data)))
			}
			if act != None {
				c.fire(act)
				return
			}
		}
		if err != nil {
			if c.stopped() {
				return
			}
			// Server closed: pass the FIN on, then let the client finish.
			if tc, ok := c.client.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}
