package boltstub

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"

	"github.com/boltwire/neo4j/bolt/packstream"
)

// wire reads and writes chunked Bolt messages on one connection.
type wire struct {
	nc  net.Conn
	rd  *bufio.Reader
	enc packstream.Encoder
	dec packstream.Decoder
}

func newWire(nc net.Conn) *wire {
	return &wire{nc: nc, rd: bufio.NewReader(nc)}
}

// setVersion selects the PackStream features of Bolt version v.
func (w *wire) setVersion(v Version) {
	f := packstream.Features{
		UTCDateTime:     v.Major >= 5,
		ElementIDs:      v.Major >= 5,
		Vector:          v.Major >= 6,
		UnsupportedType: v.Major >= 6,
		UUID:            v.Major > 6 || (v.Major == 6 && v.Minor >= 1),
	}
	w.enc.Features = f
	w.dec.Features = f
}

// readRaw reads exactly n bytes (handshake).
func (w *wire) readRaw(n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := io.ReadFull(w.rd, b)
	return b, err
}

// readVarInt reads a manifest VarInt (7 bits a byte, low group first).
func (w *wire) readVarInt() (uint64, error) {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		b, err := w.rd.ReadByte()
		if err != nil {
			return 0, err
		}
		v |= uint64(b&0x7F) << shift
		if b&0x80 == 0 {
			return v, nil
		}
	}
	return 0, fmt.Errorf("varint longer than 64 bits")
}

// appendVarInt appends v as a manifest VarInt.
func appendVarInt(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// readMessage reads one message, skipping NOOP chunks between messages.
func (w *wire) readMessage() (Message, error) {
	var body []byte
	for {
		var hdr [2]byte
		if _, err := io.ReadFull(w.rd, hdr[:]); err != nil {
			return Message{}, err
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		if n == 0 {
			if len(body) == 0 {
				continue // NOOP
			}
			break
		}
		start := len(body)
		body = append(body, make([]byte, n)...)
		if _, err := io.ReadFull(w.rd, body[start:]); err != nil {
			return Message{}, err
		}
	}
	return w.decode(body)
}

// decode turns one message body into a Message.
func (w *wire) decode(body []byte) (Message, error) {
	w.dec.Reset(body)
	tag, n, err := w.dec.StructHeader()
	if err != nil {
		return Message{}, fmt.Errorf("message is not a structure: %w", err)
	}
	m := Message{Sig: tag, Name: MessageName(tag), Fields: make([]any, 0, n)}
	for i := 0; i < n; i++ {
		v, err := w.dec.Value()
		if err != nil {
			return Message{}, fmt.Errorf("%s field %d: %w", m.Name, i, err)
		}
		m.Fields = append(m.Fields, v)
	}
	if w.dec.Len() != 0 {
		return Message{}, fmt.Errorf("%s: %d bytes after the last field", m.Name, w.dec.Len())
	}
	return m, nil
}

// writeMessage encodes a structure with the given fields and sends it chunked.
func (w *wire) writeMessage(sig byte, fields ...any) error {
	w.enc.Reset()
	w.enc.StructHeader(sig, len(fields))
	for i, f := range fields {
		if err := w.enc.Value(f); err != nil {
			return fmt.Errorf("encoding %s field %d: %w", MessageName(sig), i, err)
		}
	}
	return w.writeChunked(w.enc.Buf)
}

// writeChunked frames body as chunks plus the end marker and writes it at once.
func (w *wire) writeChunked(body []byte) error {
	out := make([]byte, 0, len(body)+len(body)/0xFFFF*2+4)
	for len(body) > 0 {
		n := min(len(body), 0xFFFF)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
		out = append(out, body[:n]...)
		body = body[n:]
	}
	out = append(out, 0, 0)
	_, err := w.nc.Write(out)
	return err
}
