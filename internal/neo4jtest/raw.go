package neo4jtest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"time"
)

// This file is a deliberately tiny Bolt 5.8 client, independent of package bolt, so the
// test glue can prepare and clean databases (and prove the server is real) even while
// the driver under test is broken.

// RawConn is a minimal Bolt 5.8 connection.
type RawConn struct {
	c net.Conn
}

// Handshake dials addr, sends the Bolt magic and the four given proposals (each the
// 4-byte big-endian slot: 0x00 RANGE MINOR MAJOR), and returns the server's 4-byte answer
// with the still-open connection.
func Handshake(ctx context.Context, addr string, proposals [4]uint32) (net.Conn, uint32, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, 0, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	} else {
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	}
	buf := make([]byte, 20)
	binary.BigEndian.PutUint32(buf, 0x6060B017)
	for i, p := range proposals {
		binary.BigEndian.PutUint32(buf[4+4*i:], p)
	}
	if _, err := c.Write(buf); err != nil {
		c.Close()
		return nil, 0, err
	}
	if _, err := io.ReadFull(c, buf[:4]); err != nil {
		c.Close()
		return nil, 0, err
	}
	return c, binary.BigEndian.Uint32(buf[:4]), nil
}

// ReadManifest reads a manifest v1 answer's body (after the 0x000001FF slot): the list of
// offered version ranges (each 0x00 RANGE MINOR MAJOR) and the capability bits.
func ReadManifest(r io.Reader) (ranges []uint32, capabilities uint64, err error) {
	n, err := readVarInt(r)
	if err != nil {
		return nil, 0, err
	}
	if n > 64 {
		return nil, 0, fmt.Errorf("manifest: %d ranges is implausible", n)
	}
	b := make([]byte, 4)
	for i := uint64(0); i < n; i++ {
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, 0, err
		}
		ranges = append(ranges, binary.BigEndian.Uint32(b))
	}
	capabilities, err = readVarInt(r)
	return ranges, capabilities, err
}

func readVarInt(r io.Reader) (uint64, error) {
	var v uint64
	b := make([]byte, 1)
	for shift := 0; shift < 64; shift += 7 {
		if _, err := io.ReadFull(r, b); err != nil {
			return 0, err
		}
		v |= uint64(b[0]&0x7F) << shift
		if b[0]&0x80 == 0 {
			return v, nil
		}
	}
	return 0, errors.New("varint too long")
}

// DialRaw connects with Bolt 5.8 and authenticates (basic auth, or none if user is empty).
func DialRaw(ctx context.Context, addr, user, password string) (*RawConn, error) {
	c, v, err := Handshake(ctx, addr, [4]uint32{0x00000805, 0, 0, 0})
	if err != nil {
		return nil, fmt.Errorf("neo4jtest: handshake with %s: %w", addr, err)
	}
	if v != 0x00000805 {
		c.Close()
		return nil, fmt.Errorf("neo4jtest: %s answered version %08x, want Bolt 5.8", addr, v)
	}
	rc := &RawConn{c: c}
	if _, err := rc.request(0x01, map[string]any{"user_agent": "boltwire-neo4jtest/1",
		"bolt_agent": map[string]any{"product": "boltwire-neo4jtest/1"}}); err != nil {
		c.Close()
		return nil, fmt.Errorf("neo4jtest: HELLO: %w", err)
	}
	auth := map[string]any{"scheme": "none"}
	if user != "" {
		auth = map[string]any{"scheme": "basic", "principal": user, "credentials": password}
	}
	if _, err := rc.request(0x6A, auth); err != nil {
		c.Close()
		return nil, fmt.Errorf("neo4jtest: LOGON: %w", err)
	}
	return rc, nil
}

// Close ends the connection.
func (r *RawConn) Close() error { return r.c.Close() }

// Run runs an auto-commit statement and discards its records.
func (r *RawConn) Run(cypher string, params map[string]any) error {
	if params == nil {
		params = map[string]any{}
	}
	if _, err := r.request(0x10, cypher, params, map[string]any{}); err != nil {
		return fmt.Errorf("neo4jtest: RUN %q: %w", cypher, err)
	}
	if _, err := r.request(0x3F, map[string]any{"n": int64(-1)}); err != nil {
		return fmt.Errorf("neo4jtest: PULL %q: %w", cypher, err)
	}
	return nil
}

// Query runs an auto-commit statement and returns its records' values.
func (r *RawConn) Query(cypher string, params map[string]any) ([][]any, error) {
	if params == nil {
		params = map[string]any{}
	}
	if _, err := r.request(0x10, cypher, params, map[string]any{}); err != nil {
		return nil, fmt.Errorf("neo4jtest: RUN %q: %w", cypher, err)
	}
	recs, err := r.request(0x3F, map[string]any{"n": int64(-1)})
	if err != nil {
		return nil, fmt.Errorf("neo4jtest: PULL %q: %w", cypher, err)
	}
	return recs, nil
}

// request sends one message and reads responses up to its summary, returning the
// fields of RECORD messages.
func (r *RawConn) request(sig byte, fields ...any) ([][]any, error) {
	var e rawEnc
	e.b = append(e.b, 0xB0|byte(len(fields)), sig)
	for _, f := range fields {
		if err := e.value(f); err != nil {
			return nil, err
		}
	}
	msg := e.b
	out := make([]byte, 0, len(msg)+8)
	for len(msg) > 0 {
		n := min(len(msg), 65535)
		out = append(out, byte(n>>8), byte(n))
		out = append(out, msg[:n]...)
		msg = msg[n:]
	}
	out = append(out, 0, 0)
	if _, err := r.c.Write(out); err != nil {
		return nil, err
	}
	var records [][]any
	for {
		body, err := r.readMessage()
		if err != nil {
			return nil, err
		}
		d := rawDec{b: body}
		v, err := d.value(0)
		if err != nil {
			return nil, err
		}
		st, ok := v.(rawStruct)
		if !ok {
			return nil, fmt.Errorf("response is not a structure: %v", v)
		}
		switch st.tag {
		case 0x71:
			if len(st.fields) == 1 {
				l, _ := st.fields[0].([]any)
				records = append(records, l)
			}
		case 0x70:
			return records, nil
		case 0x7E:
			return nil, errors.New("IGNORED")
		case 0x7F:
			m, _ := st.fields[0].(map[string]any)
			code := m["neo4j_code"]
			if code == nil {
				code = m["code"]
			}
			return nil, fmt.Errorf("FAILURE %v: %v", code, m["message"])
		default:
			return nil, fmt.Errorf("unexpected response 0x%02X", st.tag)
		}
	}
}

func (r *RawConn) readMessage() ([]byte, error) {
	var msg []byte
	h := make([]byte, 2)
	for {
		if _, err := io.ReadFull(r.c, h); err != nil {
			return nil, err
		}
		n := int(binary.BigEndian.Uint16(h))
		if n == 0 {
			if len(msg) == 0 {
				continue // NOOP
			}
			return msg, nil
		}
		start := len(msg)
		msg = append(msg, make([]byte, n)...)
		if _, err := io.ReadFull(r.c, msg[start:]); err != nil {
			return nil, err
		}
	}
}

type rawEnc struct{ b []byte }

func (e *rawEnc) size(small, b8, b16, b32 byte, n int) {
	switch {
	case small != 0 && n < 16:
		e.b = append(e.b, small|byte(n))
	case b8 != 0 && n < 256:
		e.b = append(e.b, b8, byte(n))
	case n < 65536:
		e.b = append(e.b, b16, byte(n>>8), byte(n))
	default:
		e.b = append(e.b, b32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func (e *rawEnc) value(v any) error {
	switch x := v.(type) {
	case nil:
		e.b = append(e.b, 0xC0)
	case bool:
		if x {
			e.b = append(e.b, 0xC3)
		} else {
			e.b = append(e.b, 0xC2)
		}
	case int:
		return e.value(int64(x))
	case int64:
		e.b = append(e.b, 0xCB)
		e.b = binary.BigEndian.AppendUint64(e.b, uint64(x))
	case float64:
		e.b = append(e.b, 0xC1)
		e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(x))
	case string:
		e.size(0x80, 0xD0, 0xD1, 0xD2, len(x))
		e.b = append(e.b, x...)
	case []any:
		e.size(0x90, 0xD4, 0xD5, 0xD6, len(x))
		for _, y := range x {
			if err := e.value(y); err != nil {
				return err
			}
		}
	case map[string]any:
		e.size(0xA0, 0xD8, 0xD9, 0xDA, len(x))
		for k, y := range x {
			_ = e.value(k)
			if err := e.value(y); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("neo4jtest raw client: unsupported parameter type %T", v)
	}
	return nil
}

type rawStruct struct {
	tag    byte
	fields []any
}

type rawDec struct {
	b []byte
	i int
}

var errShort = errors.New("neo4jtest raw client: truncated message")

func (d *rawDec) n(k int) (uint64, error) {
	if d.i+k > len(d.b) {
		return 0, errShort
	}
	var v uint64
	for j := 0; j < k; j++ {
		v = v<<8 | uint64(d.b[d.i+j])
	}
	d.i += k
	return v, nil
}

func (d *rawDec) value(depth int) (any, error) {
	if depth > 64 {
		return nil, errors.New("neo4jtest raw client: nesting too deep")
	}
	if d.i >= len(d.b) {
		return nil, errShort
	}
	m := d.b[d.i]
	d.i++
	switch {
	case m < 0x80:
		return int64(m), nil
	case m >= 0xF0:
		return int64(int8(m)), nil
	case m>>4 == 0x8:
		return d.str(int(m & 0xF))
	case m>>4 == 0x9:
		return d.list(int(m&0xF), depth)
	case m>>4 == 0xA:
		return d.dict(int(m&0xF), depth)
	case m>>4 == 0xB:
		return d.strct(int(m&0xF), depth)
	}
	switch m {
	case 0xC0:
		return nil, nil
	case 0xC1:
		v, err := d.n(8)
		return math.Float64frombits(v), err
	case 0xC2:
		return false, nil
	case 0xC3:
		return true, nil
	case 0xC8:
		v, err := d.n(1)
		return int64(int8(v)), err
	case 0xC9:
		v, err := d.n(2)
		return int64(int16(v)), err
	case 0xCA:
		v, err := d.n(4)
		return int64(int32(v)), err
	case 0xCB:
		v, err := d.n(8)
		return int64(v), err
	case 0xCC, 0xCD, 0xCE:
		k, err := d.n(1 << (m - 0xCC))
		if err != nil {
			return nil, err
		}
		if d.i+int(k) > len(d.b) {
			return nil, errShort
		}
		d.i += int(k)
		return d.b[d.i-int(k) : d.i], nil
	case 0xD0, 0xD1, 0xD2:
		k, err := d.n(1 << (m - 0xD0))
		if err != nil {
			return nil, err
		}
		return d.str(int(k))
	case 0xD4, 0xD5, 0xD6:
		k, err := d.n(1 << (m - 0xD4))
		if err != nil {
			return nil, err
		}
		return d.list(int(k), depth)
	case 0xD8, 0xD9, 0xDA:
		k, err := d.n(1 << (m - 0xD8))
		if err != nil {
			return nil, err
		}
		return d.dict(int(k), depth)
	case 0xE0:
		if d.i+16 > len(d.b) {
			return nil, errShort
		}
		d.i += 16
		return d.b[d.i-16 : d.i], nil
	}
	return nil, fmt.Errorf("neo4jtest raw client: unknown marker 0x%02X", m)
}

func (d *rawDec) str(k int) (any, error) {
	if k < 0 || d.i+k > len(d.b) {
		return nil, errShort
	}
	d.i += k
	return string(d.b[d.i-k : d.i]), nil
}

func (d *rawDec) list(k, depth int) (any, error) {
	if k > len(d.b)-d.i {
		return nil, errShort
	}
	out := make([]any, 0, k)
	for j := 0; j < k; j++ {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (d *rawDec) dict(k, depth int) (any, error) {
	if k > len(d.b)-d.i {
		return nil, errShort
	}
	out := make(map[string]any, k)
	for j := 0; j < k; j++ {
		key, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		ks, _ := key.(string)
		out[ks] = v
	}
	return out, nil
}

func (d *rawDec) strct(k, depth int) (any, error) {
	if d.i >= len(d.b) {
		return nil, errShort
	}
	tag := d.b[d.i]
	d.i++
	l, err := d.list(k, depth)
	if err != nil {
		return nil, err
	}
	return rawStruct{tag: tag, fields: l.([]any)}, nil
}
