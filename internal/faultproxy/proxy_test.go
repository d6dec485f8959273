package faultproxy

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// msg builds one chunked Bolt message with the given signature and a body of n
// filler bytes, split into chunks of at most chunk bytes.
func msg(sig byte, n, chunk int) []byte {
	body := append([]byte{0xB1, sig}, bytes.Repeat([]byte{0x80}, n)...)
	var out []byte
	for len(body) > 0 {
		k := min(len(body), chunk)
		out = append(out, byte(k>>8), byte(k))
		out = append(out, body[:k]...)
		body = body[k:]
	}
	return append(out, 0, 0)
}

func proposal() []byte {
	p := []byte{0x60, 0x60, 0xB0, 0x17}
	return append(p, make([]byte, 16)...)
}

func TestParserClassicAndManifest(t *testing.T) {
	for _, manifest := range []bool{false, true} {
		stream := proposal()
		answer := [4]byte{0, 0, 8, 5}
		if manifest {
			answer = [4]byte{0, 0, 1, 0xFF}
			stream = append(stream, 0, 0, 8, 5, 0x81, 0x01) // choice + 2-byte VarInt
		}
		stream = append(stream, msg(Hello, 10, 5)...)
		stream = append(stream, msg(Logon, 70000, 65535)...)
		stream = append(stream, 0, 0) // NOOP between messages
		stream = append(stream, msg(Run, 3, 1)...)
		stream = append(stream, msg(Pull, 3, 100)...)
		stream = append(stream, msg(Commit, 0, 1)...)
		want := []byte{Hello, Logon, Run, Pull, Commit}
		for _, step := range []int{1, 3, 7, 1 << 20} {
			ch := make(chan [4]byte, 1)
			ch <- answer
			p := clientParser{serverVersion: ch}
			var got []byte
			ends := 0
			for i := 0; i < len(stream); i += step {
				part := stream[i:min(i+step, len(stream))]
				p.feed(part, func(ev event) bool {
					if ev.end {
						ends++
					} else {
						if ev.off < 0 || part[ev.off] != ev.sig {
							t.Fatalf("signature offset %d wrong", ev.off)
						}
						got = append(got, ev.sig)
					}
					return true
				})
			}
			if !bytes.Equal(got, want) || ends != len(want) {
				t.Errorf("manifest=%v step=%d: got %x (%d ends), want %x", manifest, step, got, ends, want)
			}
		}
	}
}

func TestParserStopsOnNonBolt(t *testing.T) {
	p := clientParser{serverVersion: make(chan [4]byte)}
	n := 0
	p.feed([]byte{0x16, 0x03, 0x01, 0x02, 0x00}, func(event) bool { n++; return true })
	if p.state != psOff || n != 0 {
		t.Fatalf("state %v, %d events", p.state, n)
	}
}

// fakeServer accepts one connection at a time, answers the handshake with version
// 5.8, records every byte it receives and, for each complete message, replies with
// reply (if set).
type fakeServer struct {
	ln    net.Listener
	mu    sync.Mutex
	got   bytes.Buffer
	reply []byte
	wg    sync.WaitGroup
	ended atomic.Int32 // connections whose handler has returned
}

func newFakeServer(t *testing.T, reply []byte) *fakeServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{ln: ln, reply: reply}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer s.ended.Add(1)
				defer c.Close()
				hs := make([]byte, 20)
				if _, err := io.ReadFull(c, hs); err != nil {
					return
				}
				s.record(hs)
				c.Write([]byte{0, 0, 8, 5})
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					s.record(buf[:n])
					if n > 0 && s.reply != nil {
						c.Write(s.reply)
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *fakeServer) record(b []byte) {
	s.mu.Lock()
	s.got.Write(b)
	s.mu.Unlock()
}

func (s *fakeServer) received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.got.Bytes()...)
}

// waitEnded waits (5 s at most) until the server has seen its first n connections
// end: from then on received returns all it will ever get. Tests wait for this
// instead of sleeping, which a loaded machine can outlast.
func (s *fakeServer) waitEnded(t *testing.T, n int32) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.ended.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d server connections ended within 5 s", s.ended.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitReceived waits (5 s at most) until the server has received at least n bytes
// and returns what it received, for connections that stay open.
func (s *fakeServer) waitReceived(n int) []byte {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := s.received()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func startProxy(t *testing.T, target string, f Fault) *Proxy {
	p, err := New(target)
	if err != nil {
		t.Fatal(err)
	}
	p.SetFault(f)
	t.Cleanup(func() { p.Close() })
	return p
}

func dialHandshake(t *testing.T, addr string) net.Conn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.Write(proposal())
	ans := make([]byte, 4)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, ans); err != nil {
		t.Fatalf("handshake answer: %v", err)
	}
	return c
}

// readUntilErr reads until an error (or 2 s) and returns what came and the error.
func readUntilErr(c net.Conn, d time.Duration) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(d))
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
	}
}

func TestDropBeforeCommit(t *testing.T) {
	srv := newFakeServer(t, nil)
	p := startProxy(t, srv.ln.Addr().String(), Fault{Action: Drop, Trigger: AtMessage, Message: Commit})
	c := dialHandshake(t, p.Addr())
	first := append(msg(Begin, 2, 100), msg(Run, 2, 100)...)
	c.Write(first)
	time.Sleep(50 * time.Millisecond)
	c.Write(append(msg(Pull, 1, 100), msg(Commit, 0, 100)...))
	if _, err := readUntilErr(c, 2*time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("client read: %v, want EOF", err)
	}
	srv.waitEnded(t, 1)
	want := append(append(proposal(), first...), msg(Pull, 1, 100)...)
	if got := srv.received(); !bytes.Equal(got, want) {
		t.Fatalf("server got %x\nwant %x", got, want)
	}
	st := p.Stats()
	if st.Fired[Drop] != 1 || st.Messages[Commit] != 1 || st.Messages[Begin] != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDropAfterForwardingCommit(t *testing.T) {
	srv := newFakeServer(t, nil)
	p := startProxy(t, srv.ln.Addr().String(), Fault{Action: Drop, Trigger: AtMessage, Message: Commit, AfterForward: true})
	c := dialHandshake(t, p.Addr())
	all := append(msg(Run, 2, 100), msg(Commit, 70000, 65535)...)
	c.Write(all)
	if _, err := readUntilErr(c, 2*time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("client read: %v, want EOF", err)
	}
	srv.waitEnded(t, 1)
	if got := srv.received(); !bytes.Equal(got, append(proposal(), all...)) {
		t.Fatalf("server got %d bytes, want %d", len(got), 20+len(all))
	}
}

func TestNthAnyMessage(t *testing.T) {
	srv := newFakeServer(t, nil)
	p := startProxy(t, srv.ln.Addr().String(), Fault{Action: Drop, Trigger: AtMessage, AnyMessage: true, Nth: 3})
	c := dialHandshake(t, p.Addr())
	c.Write(append(append(msg(Hello, 1, 9), msg(Logon, 1, 9)...), msg(Run, 1, 9)...))
	readUntilErr(c, 2*time.Second)
	srv.waitEnded(t, 1)
	want := append(append(proposal(), msg(Hello, 1, 9)...), msg(Logon, 1, 9)...)
	if got := srv.received(); !bytes.Equal(got, want) {
		t.Fatalf("server got %x\nwant %x", got, want)
	}
}

func TestServerToClientBytes(t *testing.T) {
	reply := bytes.Repeat([]byte("abcdefgh"), 8)
	t.Run("drop", func(t *testing.T) {
		srv := newFakeServer(t, reply)
		p := startProxy(t, srv.ln.Addr().String(), Fault{Action: Drop, Trigger: AfterBytes, Dir: ServerToClient, Bytes: 4 + 10})
		c := dialHandshake(t, p.Addr())
		c.Write(msg(Run, 1, 9))
		got, err := readUntilErr(c, 2*time.Second)
		if !errors.Is(err, io.EOF) || !bytes.Equal(got, reply[:10]) {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("corrupt", func(t *testing.T) {
		srv := newFakeServer(t, reply)
		p := startProxy(t, srv.ln.Addr().String(), Fault{Action: Corrupt, Trigger: AfterBytes, Dir: ServerToClient, Bytes: 4 + 3})
		c := dialHandshake(t, p.Addr())
		c.Write(msg(Run, 1, 9))
		got := make([]byte, len(reply))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
		want := append([]byte(nil), reply...)
		want[3] ^= 0xFF
		if !bytes.Equal(got, want) {
			t.Fatalf("got %q want %q", got, want)
		}
		if p.Stats().Fired[Corrupt] != 1 {
			t.Fatal("corrupt not counted")
		}
	})
	t.Run("corrupt-signature", func(t *testing.T) {
		srv := newFakeServer(t, nil)
		p := startProxy(t, srv.ln.Addr().String(), Fault{Action: Corrupt, Trigger: AtMessage, Message: Run})
		c := dialHandshake(t, p.Addr())
		c.Write(msg(Run, 1, 9))
		want := append(proposal(), msg(Run, 1, 9)...)
		want[20+3] ^= 0xFF
		if got := srv.waitReceived(len(want)); !bytes.Equal(got, want) {
			t.Fatalf("server got %x\nwant %x", got, want)
		}
	})
}

func TestBlackHoleOnAccept(t *testing.T) {
	srv := newFakeServer(t, nil)
	p := startProxy(t, srv.ln.Addr().String(), Fault{Action: BlackHole})
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(proposal()); err != nil {
		t.Fatal(err)
	}
	_, err = readUntilErr(c, 300*time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read: %v, want a timeout", err)
	}
	if len(srv.received()) != 0 {
		t.Fatal("black hole forwarded bytes")
	}
}

func TestResetOnAccept(t *testing.T) {
	srv := newFakeServer(t, nil)
	p := startProxy(t, srv.ln.Addr().String(), Fault{Action: RST})
	c, err := net.Dial("tcp", p.Addr())
	if errors.Is(err, syscall.ECONNRESET) {
		return // the reset can beat the end of connect
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = readUntilErr(c, 2*time.Second)
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read: %v, want ECONNRESET", err)
	}
}

func TestHalfClose(t *testing.T) {
	srv := newFakeServer(t, nil)
	p := startProxy(t, srv.ln.Addr().String(), Fault{Action: HalfClose, Trigger: AtMessage, Message: Run})
	c := dialHandshake(t, p.Addr())
	c.Write(msg(Run, 1, 9))
	if _, err := readUntilErr(c, 2*time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("read: %v, want EOF", err)
	}
	if _, err := c.Write(msg(Pull, 1, 9)); err != nil {
		t.Fatalf("write after half-close: %v", err)
	}
}

func TestLatencyAndInject(t *testing.T) {
	srv := newFakeServer(t, []byte("ok"))
	p := startProxy(t, srv.ln.Addr().String(), Fault{Latency: 50 * time.Millisecond})
	c := dialHandshake(t, p.Addr())
	start := time.Now()
	c.Write(msg(Run, 1, 9))
	b := make([]byte, 2)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("round trip %v, want >= 100ms", d)
	}
	if n := p.Inject(RST); n != 1 {
		t.Fatalf("Inject hit %d connections", n)
	}
	if _, err := readUntilErr(c, 2*time.Second); err == nil || os.IsTimeout(err) {
		t.Fatalf("read after Inject(RST): %v", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for p.Live() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if p.Live() != 0 {
		t.Fatalf("%d live connections after reset", p.Live())
	}
}

func TestFaultString(t *testing.T) {
	f := Fault{Action: Drop, Trigger: AtMessage, Message: Commit, AfterForward: true}
	if got := f.String(); got != "drop after forwarding COMMIT #1" {
		t.Fatal(got)
	}
}

func TestDisarmKeepsOpenConnectionsFaithful(t *testing.T) {
	srv := newFakeServer(t, nil)
	p := startProxy(t, srv.ln.Addr().String(), Fault{Action: Drop, Trigger: AtMessage, Message: Commit})
	c := dialHandshake(t, p.Addr())
	begin := msg(Begin, 2, 100)
	c.Write(begin)
	time.Sleep(50 * time.Millisecond)
	p.SetPlan(nil)
	p.Disarm()
	commit := msg(Commit, 0, 100)
	c.Write(commit)
	if _, err := readUntilErr(c, 300*time.Millisecond); errors.Is(err, io.EOF) {
		t.Fatal("the disarmed connection was dropped at COMMIT")
	}
	want := append(append(proposal(), begin...), commit...)
	if got := srv.waitReceived(len(want)); !bytes.Equal(got, want) {
		t.Fatalf("server got %x\nwant %x", got, want)
	}
	if st := p.Stats(); st.Fired[Drop] != 0 || st.Live != 1 {
		t.Fatalf("stats %+v: want no fault fired and the connection open", st)
	}
}
