package bolt

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// fakeConn is a net.Conn that reads from a fixed byte stream and discards writes.
type fakeConn struct {
	r      io.Reader
	closed bool
}

func (f *fakeConn) Read(b []byte) (int, error) {
	if f.closed {
		return 0, net.ErrClosed
	}
	return f.r.Read(b)
}
func (f *fakeConn) Write(b []byte) (int, error)      { return len(b), nil }
func (f *fakeConn) Close() error                     { f.closed = true; return nil }
func (f *fakeConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (f *fakeConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (f *fakeConn) SetDeadline(time.Time) error      { return nil }
func (f *fakeConn) SetReadDeadline(time.Time) error  { return nil }
func (f *fakeConn) SetWriteDeadline(time.Time) error { return nil }

// replayConn returns a ready Conn at version v whose server side is the byte stream r.
func replayConn(v Version, r io.Reader) *Conn {
	nc := &fakeConn{r: r}
	c := &Conn{nc: nc, addr: "replay:0", version: v, createdAt: time.Now()}
	c.rd = newFrameReader(nc, readBufSize)
	c.rd.beforeRead = c.beforeRead
	c.setFeatures()
	return c
}

func FuzzDechunk(f *testing.F) {
	f.Add([]byte{0x00, 0x02, 0xB0, 0x7E, 0x00, 0x00})
	f.Add([]byte{0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x01, 0x02, 0x00, 0x00})
	f.Add(appendChunked(nil, pattern(70000)))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Reading with a large and a tiny buffer must give the same messages.
		big := newFrameReader(bytes.NewReader(data), readBufSize)
		small := newFrameReader(bytes.NewReader(data), 8)
		for {
			a, errA := big.readMessage()
			b, errB := small.readMessage()
			if (errA == nil) != (errB == nil) {
				t.Fatalf("buffer size changes the outcome: %v vs %v", errA, errB)
			}
			if errA != nil {
				if !errors.Is(errA, io.EOF) && !errors.Is(errA, io.ErrUnexpectedEOF) {
					t.Fatalf("unexpected error %v", errA)
				}
				break
			}
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Fatalf("messages differ or are empty: % x vs % x", a, b)
			}
		}
		// Any non-empty body survives chunking.
		if len(data) > 0 {
			r := newFrameReader(bytes.NewReader(appendChunked(nil, data)), 64)
			got, err := r.readMessage()
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("round trip: %v", err)
			}
		}
	})
}

func FuzzResponse(f *testing.F) {
	ok := appendChunked(nil, []byte{0xB1, 0x70, 0xA1, 0x86, 'f', 'i', 'e', 'l', 'd', 's', 0x91, 0x81, 'x'})
	rec := appendChunked(nil, []byte{0xB1, 0x71, 0x91, 0x01})
	done := appendChunked(nil, []byte{0xB1, 0x70, 0xA0})
	f.Add(byte(2), append(append(append([]byte{}, ok...), rec...), done...))
	f.Add(byte(0), appendChunked(nil, []byte{0xB1, 0x7F, 0xA1, 0x84, 'c', 'o', 'd', 'e', 0x81, 'x'}))
	f.Add(byte(10), []byte{0x00, 0x02, 0xB0, 0x7E, 0x00, 0x00})
	// Bolt 6: a record with a UUID (marker E0), a FLOAT32 Vector (tag 'V') and an
	// UnsupportedType (tag '?'), at 6.1 (index 0) and 6.0 (index 1), and at 5.8
	// where the marker is reserved and the tags unknown.
	b6 := []byte{0xB1, 0x71, 0x93,
		0xE0, 0x55, 0x0E, 0x84, 0x00, 0xE2, 0x9B, 0x41, 0xD4, 0xA7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00,
		0xB2, 0x56, 0xCC, 0x01, 0xC6, 0xCC, 0x08, 0x3F, 0x80, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
		0xB4, 0x3F, 0x84, 'U', 'U', 'I', 'D', 0x06, 0x01, 0xA0}
	rec6 := append(append(append([]byte{}, ok...), appendChunked(nil, b6)...), done...)
	f.Add(byte(0), rec6)
	f.Add(byte(1), rec6)
	f.Add(byte(2), rec6)
	f.Fuzz(func(t *testing.T, vsel byte, data []byte) {
		v := SupportedVersions[int(vsel)%len(SupportedVersions)]
		c := replayConn(v, bytes.NewReader(data))
		ctx := context.Background()
		s, err := c.Run(ctx, "RETURN 1", nil, nil, 1)
		if err == nil {
			for i := 0; i < 100; i++ {
				r, err := s.Next(ctx)
				if err != nil || r == nil {
					break
				}
			}
			s.Consume(ctx)
		}
		if c.defunct == nil {
			c.Reset(ctx)
		}
		c.Close()
	})
}
