package boltstub

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
)

// Session answers the messages of one connection in handler mode: it returns
// the responses for m, or an error that fails the test and closes the
// connection.
type Session func(m Message) ([]Response, error)

// Handler starts a Session for connection number conn, which negotiated v.
type Handler func(conn int, v Version) Session

// Options configures Start.
type Options struct {
	// Name names the stub in failure messages ("router-1", "reader-2"); default "stub".
	Name string
	// Address to listen on; default "127.0.0.1:0" (a free port).
	Address string
	// Scripts are played one per connection, in order of arrival.
	Scripts []*Script
	// RepeatLast plays the last script for every further connection.
	RepeatLast bool
	// Handler, when set instead of Scripts, answers every connection.
	Handler Handler
	// Handshake is used in handler mode (scripts carry their own).
	Handshake Handshake
}

// HandshakeInfo is what one connection's handshake settled.
type HandshakeInfo struct {
	Conn       int        // the connection's number on its stub, as Message.Conn
	Offered    [4][4]byte // the client's four slots as sent
	Manifest   bool       // manifest v1 was used
	Negotiated Version    // zero when refused
}

// Stub is a scripted Bolt server on loopback. Its methods are safe for
// concurrent use.
type Stub struct {
	t    testing.TB
	opts Options
	ln   net.Listener
	stop chan struct{}
	wg   sync.WaitGroup

	mu         sync.Mutex
	scripts    []*Script
	conns      map[int]net.Conn
	next       int // number of connections accepted so far
	received   []Message
	handshakes []HandshakeInfo
	down       bool
	closed     bool
}

// New starts a stub named name that plays scripts (one per connection) and
// stops it when the test ends. It fails the test if it cannot listen.
func New(t testing.TB, name string, scripts ...*Script) *Stub {
	t.Helper()
	s, err := Start(t, Options{Name: name, Scripts: scripts})
	if err != nil {
		t.Fatalf("boltstub: %v", err)
	}
	return s
}

// Start starts a stub with opts and registers its shutdown with t.Cleanup.
func Start(t testing.TB, opts Options) (*Stub, error) {
	if opts.Name == "" {
		opts.Name = "stub"
	}
	if opts.Address == "" {
		opts.Address = "127.0.0.1:0"
	}
	if opts.Handler != nil && len(opts.Scripts) > 0 {
		return nil, fmt.Errorf("stub %s: Options.Handler and Options.Scripts are exclusive", opts.Name)
	}
	if opts.Handshake.Version == (Version{}) {
		opts.Handshake.Version = DefaultVersion
	}
	ln, err := net.Listen("tcp", opts.Address)
	if err != nil {
		return nil, fmt.Errorf("stub %s: listen on %s: %w", opts.Name, opts.Address, err)
	}
	s := &Stub{t: t, opts: opts, ln: ln, stop: make(chan struct{}), scripts: slices.Clone(opts.Scripts), conns: map[int]net.Conn{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s, nil
}

// Name returns the stub's name.
func (s *Stub) Name() string { return s.opts.Name }

// Address returns host:port of the stub.
func (s *Stub) Address() string { return s.ln.Addr().String() }

// AddScripts queues more scripts for later connections.
func (s *Stub) AddScripts(scripts ...*Script) {
	s.mu.Lock()
	s.scripts = append(s.scripts, scripts...)
	s.mu.Unlock()
}

// Received returns every message received so far, from all connections, in
// order of arrival.
func (s *Stub) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Count returns how many messages named name ("RUN", "ROUTE", ...) arrived.
func (s *Stub) Count(name string) int {
	n := 0
	for _, m := range s.Received() {
		if m.Name == name {
			n++
		}
	}
	return n
}

// Connections returns how many connections were accepted.
func (s *Stub) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Handshakes returns what each connection's handshake settled.
func (s *Stub) Handshakes() []HandshakeInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.handshakes)
}

// SetDown makes the stub drop every open connection and close new ones right
// after accepting them (down = true), or serve again (false).
func (s *Stub) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	var open []net.Conn
	if down {
		for _, c := range s.conns {
			open = append(open, c)
		}
	}
	s.mu.Unlock()
	for _, c := range open {
		c.Close()
	}
}

// Close stops the stub: no more connections, open ones are closed. It then
// fails the test for scripts that never got a connection (unless Optional).
// Safe to call more than once; the test's cleanup calls it.
func (s *Stub) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stop)
	s.ln.Close()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Handler == nil {
		for i := s.next; i < len(s.scripts); i++ {
			if !s.scripts[i].optional && !(s.opts.RepeatLast && i == len(s.scripts)-1 && s.next > 0) {
				s.t.Errorf("boltstub[%s]: script #%d was never played: %d connection(s) arrived, %d script(s) given",
					s.opts.Name, i, s.next, len(s.scripts))
			}
		}
	}
}

func (s *Stub) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed || s.down {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		idx := s.next
		s.next++
		s.conns[idx] = nc
		var sc *Script
		switch {
		case s.opts.Handler != nil:
		case idx < len(s.scripts):
			sc = s.scripts[idx]
		case s.opts.RepeatLast && len(s.scripts) > 0:
			sc = s.scripts[len(s.scripts)-1]
		}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				nc.Close()
				s.mu.Lock()
				delete(s.conns, idx)
				s.mu.Unlock()
			}()
			c := &connState{stub: s, idx: idx, w: newWire(nc), stop: s.stop}
			if s.opts.Handler == nil && sc == nil {
				c.failf("connection arrived but no script is left (%d script(s) given)", len(s.scripts))
				return
			}
			c.serve(sc)
		}()
	}
}

// stopping reports whether the stub is shutting down.
func (s *Stub) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// isDown reports whether SetDown(true) is in force.
func (s *Stub) isDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

func (s *Stub) record(m Message) {
	s.mu.Lock()
	s.received = append(s.received, m)
	s.mu.Unlock()
}

// isClosedErr reports errors that mean the connection went away.
func isClosedErr(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, errConnReset)
}
