package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/boltwire/neo4j/bolt/packstream"
)

// FloorConn is the floor subject: the least work that can consume a result
// stream. One raw Bolt 5.6 connection, no pool, no session, no result object:
// it sends RUN and PULL {n}, reads chunks straight out of a bufio.Reader (no
// copy for single-chunk messages) and decodes each record's values with
// packstream.Decoder into a reused []any.
type FloorConn struct {
	c       net.Conn
	rd      *bufio.Reader
	out     []byte
	enc     packstream.Encoder
	dec     packstream.Decoder
	msg     []byte
	pending int // bytes of the last Peeked message still to discard
	row     []any
	err     error
}

// DialFloor connects, shakes hands (Bolt 5.6 down to 5.0) and authenticates.
func DialFloor(ctx context.Context, addr, user, password string) (*FloorConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	f := &FloorConn{c: c, rd: bufio.NewReaderSize(c, 128<<10)}
	f.enc.Features = peerFeatures
	f.dec.Features = peerFeatures
	hs := []byte{0x60, 0x60, 0xB0, 0x17, 0, 6, 6, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := c.Write(hs); err != nil {
		c.Close()
		return nil, err
	}
	var ans [4]byte
	if _, err := readFull(f.rd, ans[:]); err != nil {
		c.Close()
		return nil, err
	}
	if ans[3] != 5 {
		c.Close()
		return nil, fmt.Errorf("floor: server chose % x", ans)
	}
	agent := "boltwire-bench-floor/1"
	f.message(tagHello, map[string]any{"user_agent": agent, "bolt_agent": map[string]any{"product": agent}})
	f.message(tagLogon, map[string]any{"scheme": "basic", "principal": user, "credentials": password})
	if err := f.flush(); err != nil {
		c.Close()
		return nil, err
	}
	for i := 0; i < 2; i++ {
		if _, err := f.summary(); err != nil {
			c.Close()
			return nil, err
		}
	}
	return f, nil
}

func readFull(rd *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := rd.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Close closes the connection.
func (f *FloorConn) Close() error { return f.c.Close() }

// message queues a message whose fields are the given maps (or strings).
func (f *FloorConn) message(tag byte, fields ...any) {
	f.enc.Reset()
	f.enc.StructHeader(tag, len(fields))
	for _, v := range fields {
		if err := f.enc.Value(v); err != nil {
			panic(err)
		}
	}
	f.out = chunk(f.out, f.enc.Buf)
}

func (f *FloorConn) flush() error {
	_, err := f.c.Write(f.out)
	f.out = f.out[:0]
	return err
}

// next returns the next message body, valid until the next call.
func (f *FloorConn) next() ([]byte, error) {
	if f.pending > 0 {
		f.rd.Discard(f.pending)
		f.pending = 0
	}
	f.msg = f.msg[:0]
	for {
		h, err := f.rd.Peek(2)
		if err != nil {
			return nil, err
		}
		n := int(h[0])<<8 | int(h[1])
		if n == 0 {
			f.rd.Discard(2)
			if len(f.msg) == 0 {
				continue
			}
			return f.msg, nil
		}
		if len(f.msg) == 0 && n+4 <= f.rd.Size() {
			b, err := f.rd.Peek(n + 4)
			if err == nil && b[n+2] == 0 && b[n+3] == 0 {
				f.pending = n + 4
				return b[2 : 2+n], nil
			}
		}
		f.rd.Discard(2)
		start := len(f.msg)
		f.msg = append(f.msg, make([]byte, n)...)
		if _, err := readFull(f.rd, f.msg[start:]); err != nil {
			return nil, err
		}
	}
}

// summary reads one SUCCESS (or fails on FAILURE/IGNORED).
func (f *FloorConn) summary() (map[string]any, error) {
	msg, err := f.next()
	if err != nil {
		return nil, err
	}
	f.dec.Reset(msg)
	tag, _, err := f.dec.StructHeader()
	if err != nil {
		return nil, err
	}
	switch tag {
	case tagSuccess:
		return f.dec.Map()
	case tagFailure:
		m, _ := f.dec.Map()
		return nil, fmt.Errorf("floor: FAILURE %v", m)
	}
	return nil, fmt.Errorf("floor: unexpected message 0x%02X", tag)
}

// Stream runs query in auto-commit and calls fn with every record's values
// (the slice is reused). It pulls fetch records per PULL, like the drivers.
func (f *FloorConn) Stream(query string, fetch int64, fn func(row []any)) error {
	if f.err != nil {
		return f.err
	}
	err := f.stream(query, fetch, fn)
	if err != nil {
		f.err = err
		f.c.Close()
	}
	return err
}

var errFloorFailure = errors.New("floor: query failed")

func (f *FloorConn) stream(query string, fetch int64, fn func(row []any)) error {
	f.message(tagRun, query, map[string]any{}, map[string]any{})
	pull := map[string]any{"n": fetch}
	f.message(tagPull, pull)
	if err := f.flush(); err != nil {
		return err
	}
	if _, err := f.summary(); err != nil {
		return err
	}
	for {
		msg, err := f.next()
		if err != nil {
			return err
		}
		f.dec.Reset(msg)
		tag, _, err := f.dec.StructHeader()
		if err != nil {
			return err
		}
		switch tag {
		case tagRecord:
			n, err := f.dec.ListHeader()
			if err != nil {
				return err
			}
			if cap(f.row) < n {
				f.row = make([]any, n)
			}
			row := f.row[:n]
			for i := range row {
				if row[i], err = f.dec.Value(); err != nil {
					return err
				}
			}
			fn(row)
		case tagSuccess:
			meta, err := f.dec.Map()
			if err != nil {
				return err
			}
			if more, _ := meta["has_more"].(bool); !more {
				return nil
			}
			f.message(tagPull, pull)
			if err := f.flush(); err != nil {
				return err
			}
		default:
			m, _ := f.dec.Map()
			return fmt.Errorf("%w: 0x%02X %v", errFloorFailure, tag, m)
		}
	}
}
