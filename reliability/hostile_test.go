package reliability

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boltwire/neo4j/native"
)

// hostileServer is a fake Bolt 5.0 server: it answers the handshake, HELLO and
// RUN like Neo4j, then answers PULL with whatever payload the test chose (raw bytes
// that are not necessarily a valid message).
type hostileServer struct {
	ln      net.Listener
	payload func(w io.Writer) error // written in answer to PULL
}

func newHostileServer(t *testing.T, payload func(w io.Writer) error) *hostileServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hostileServer{ln: ln, payload: payload}
	serveConns(t, ln, func(c net.Conn, _ func(net.Conn)) { h.serve(c) })
	return h
}

// chunked frames body as one Bolt message.
func chunked(body []byte) []byte {
	var out []byte
	for len(body) > 0 {
		n := min(len(body), 0xFFFF)
		out = append(out, byte(n>>8), byte(n))
		out = append(out, body[:n]...)
		body = body[n:]
	}
	return append(out, 0, 0)
}

// tinyString and tinyMap encode small PackStream values for the fake server.
func psString(s string) []byte {
	switch n := len(s); {
	case n < 16:
		return append([]byte{0x80 | byte(n)}, s...)
	case n < 256:
		return append([]byte{0xD0, byte(n)}, s...)
	default:
		b := []byte{0xD2, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(b[1:], uint32(n))
		return append(b, s...)
	}
}

func psMap(kv ...[]byte) []byte {
	out := []byte{0xA0 | byte(len(kv)/2)}
	for _, x := range kv {
		out = append(out, x...)
	}
	return out
}

var successEmpty = chunked([]byte{0xB1, 0x70, 0xA0})

func (h *hostileServer) serve(c net.Conn) {
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	hs := make([]byte, 20)
	if _, err := io.ReadFull(c, hs); err != nil {
		return
	}
	c.Write([]byte{0, 0, 0, 5}) // Bolt 5.0
	for {
		sig, err := readMessageSig(c)
		if err != nil {
			return
		}
		switch sig {
		case 0x01: // HELLO
			c.Write(chunked(append([]byte{0xB1, 0x70}, psMap(psString("server"), psString("Neo4j/5.0.0"),
				psString("connection_id"), psString("bolt-1"))...)))
		case 0x10: // RUN
			c.Write(chunked(append([]byte{0xB1, 0x70}, psMap(psString("fields"), []byte{0x91, 0x81, 'x'},
				psString("t_first"), []byte{0})...)))
		case 0x3F: // PULL
			if err := h.payload(c); err != nil {
				return
			}
			c.Write(chunked([]byte{0xB1, 0x70, 0xA1, 0x84, 't', 'y', 'p', 'e', 0x81, 'r'})) // summary
		case 0x02: // GOODBYE
			return
		default: // RESET, BEGIN, COMMIT, ROLLBACK, DISCARD, ...
			c.Write(successEmpty)
		}
	}
}

// readMessageSig reads one chunked message and returns its signature.
func readMessageSig(r io.Reader) (byte, error) {
	var body []byte
	hdr := make([]byte, 2)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return 0, err
		}
		n := int(binary.BigEndian.Uint16(hdr))
		if n == 0 {
			if len(body) == 0 {
				continue
			}
			break
		}
		chunk := make([]byte, n)
		if _, err := io.ReadFull(r, chunk); err != nil {
			return 0, err
		}
		body = append(body, chunk...)
	}
	if len(body) < 2 {
		return 0, errors.New("short message")
	}
	return body[1], nil
}

// record writes a RECORD message with one field whose encoding is value.
func record(w io.Writer, value []byte) error {
	_, err := w.Write(chunked(append([]byte{0xB1, 0x71, 0x91}, value...)))
	return err
}

// memPeak samples the heap while fn runs and returns the highest HeapAlloc growth.
func memPeak(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
				peak.Store(m.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return peak.Load()
}

// TestHostileServerResponses points the driver at a fake server that answers a query
// with malicious or absurd responses. Each must end in an error (never a panic or a
// hang), within bounded memory, and the driver must stay usable.
func TestHostileServerResponses(t *testing.T) {
	const MiB = 1 << 20
	nested := func(depth int) []byte {
		b := bytes.Repeat([]byte{0x91}, depth) // list of one element, nested depth times
		return append(b, 0x01)
	}
	bigString := func(n int) []byte {
		return psString(strings.Repeat("x", n))
	}
	declared := func(marker byte) []byte { return []byte{marker, 0x7F, 0xFF, 0xFF, 0xFF} }
	cases := []struct {
		name    string
		payload func(w io.Writer) error
		ok      bool   // the query must succeed (a large but legal answer)
		memMax  uint64 // bound on heap growth while the query runs
	}{
		{"list nested 100000 deep", func(w io.Writer) error { return record(w, nested(100000)) }, false, 64 * MiB},
		{"map nested 50000 deep", func(w io.Writer) error {
			b := bytes.Repeat([]byte{0xA1, 0x81, 'k'}, 50000)
			return record(w, append(b, 0x01))
		}, false, 64 * MiB},
		{"structure nested 50000 deep", func(w io.Writer) error {
			return record(w, append(bytes.Repeat([]byte{0xB1, 0x01}, 50000), 0x01))
		}, false, 64 * MiB},
		{"string declared 2 GiB, 10 bytes sent", func(w io.Writer) error {
			return record(w, append(declared(0xD2), "0123456789"...))
		}, false, 16 * MiB},
		{"list declared 2^31-1 elements", func(w io.Writer) error { return record(w, declared(0xD6)) }, false, 16 * MiB},
		{"map declared 2^31-1 entries", func(w io.Writer) error { return record(w, declared(0xDA)) }, false, 16 * MiB},
		{"bytes declared 2 GiB", func(w io.Writer) error { return record(w, declared(0xCE)) }, false, 16 * MiB},
		{"list of 1e6 empty lists in one record", func(w io.Writer) error {
			b := append([]byte{0xD6, 0, 0x0F, 0x42, 0x40}, bytes.Repeat([]byte{0x90}, 1000000)...)
			return record(w, b)
		}, true, 256 * MiB},
		{"one 32 MiB string", func(w io.Writer) error { return record(w, bigString(32*MiB)) }, true, 256 * MiB},
		{"unknown message signature", func(w io.Writer) error {
			_, err := w.Write(chunked([]byte{0xB1, 0x55, 0x01}))
			return err
		}, false, 16 * MiB},
		{"FAILURE without fields", func(w io.Writer) error {
			_, err := w.Write(chunked([]byte{0xB0, 0x7F}))
			return err
		}, false, 16 * MiB},
		{"truncated chunk then close", func(w io.Writer) error {
			_, err := w.Write([]byte{0xFF, 0xFF, 0xB1, 0x71})
			return errors.Join(err, errors.New("close"))
		}, false, 16 * MiB},
		{"endless message, 64 MiB then close", func(w io.Writer) error {
			chunk := append([]byte{0xFF, 0xFF}, bytes.Repeat([]byte{0x01}, 0xFFFF)...)
			w.Write([]byte{0x00, 0x03, 0xB1, 0x71, 0x91})
			for i := 0; i < 64*MiB/0xFFFF; i++ {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
			}
			return errors.New("close")
		}, false, 512 * MiB},
	}
	if long() {
		cases = append(cases, struct {
			name    string
			payload func(w io.Writer) error
			ok      bool
			memMax  uint64
		}{"endless message until the driver gives up (1 GiB cap)", func(w io.Writer) error {
			chunk := append([]byte{0xFF, 0xFF}, bytes.Repeat([]byte{0x01}, 0xFFFF)...)
			w.Write([]byte{0x00, 0x03, 0xB1, 0x71, 0x91})
			for {
				if _, err := w.Write(chunk); err != nil {
					return err
				}
			}
		}, false, 3 << 30})
	}
	var rows []string
	bad := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if t.Failed() {
					bad++
				}
			}()
			h := newHostileServer(t, c.payload)
			d, err := native.NewDriver("bolt://"+h.ln.Addr().String(), native.NoAuth())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close(context.Background())
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var qerr error
			var panicked any
			start := time.Now()
			peak := memPeak(func() {
				defer func() { panicked = recover() }()
				sess := d.NewSession(ctx, native.SessionConfig{})
				defer sess.Close(ctx)
				res, err := sess.Run(ctx, "RETURN $x AS x", nil)
				if err == nil {
					_, err = res.Collect(ctx)
				}
				qerr = err
			})
			took := time.Since(start)
			switch {
			case panicked != nil:
				t.Errorf("panic: %v", panicked)
			case ctx.Err() != nil:
				t.Errorf("hung until the context ended (%v)", qerr)
			case c.ok && qerr != nil:
				t.Errorf("want success, got %v", qerr)
			case !c.ok && qerr == nil:
				t.Errorf("want an error, got success")
			}
			if peak > c.memMax {
				t.Errorf("heap grew by %d MiB, bound %d MiB", peak/MiB, c.memMax/MiB)
			}
			res := "ok"
			if qerr != nil {
				res = qerr.Error()
				if len(res) > 160 {
					res = res[:160] + "…"
				}
			}
			rows = append(rows, fmt.Sprintf("%s: %s (heap +%d MiB, %v)", c.name, res, peak/MiB, took.Round(time.Millisecond)))
		})
	}
	for _, r := range rows {
		t.Log(r)
	}
	report(t, "hostile server responses", "cases", len(cases), "failed_cases", bad)
}
