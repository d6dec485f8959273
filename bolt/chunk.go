package bolt

import (
	"encoding/binary"
	"errors"
	"io"
)

const (
	// maxChunk is the largest payload one chunk can carry (the header is 16 bits).
	maxChunk = 0xFFFF
	// readBufSize is the size of a connection's read buffer. It holds one maximal chunk
	// plus its header and the next header, so most messages are returned without a copy.
	readBufSize = maxChunk + 4
	// maxMessageSize bounds one assembled message so garbage cannot exhaust memory.
	maxMessageSize = 1 << 30
)

// frameReader reads raw bytes (handshake) and chunked messages from a stream through one
// reusable buffer. A message that fits one chunk is returned as a slice of the read
// buffer; a message spanning chunks is assembled into one reusable slice. Either way the
// returned bytes are valid only until the next call.
type frameReader struct {
	rd   io.Reader
	buf  []byte
	r, w int
	msg  []byte // assembly buffer for multi-chunk messages
	// beforeRead, if set, is called before each read from rd (it arms deadlines).
	beforeRead func() error
}

func newFrameReader(rd io.Reader, size int) *frameReader {
	if size < 4 {
		size = 4
	}
	return &frameReader{rd: rd, buf: make([]byte, size)}
}

// fill reads at least once from the underlying reader, compacting the buffer first.
func (f *frameReader) fill() error {
	if f.r > 0 {
		n := copy(f.buf, f.buf[f.r:f.w])
		f.w, f.r = n, 0
	}
	if f.w == len(f.buf) {
		return errors.New("bolt: read buffer full") // callers never ask for more than fits
	}
	if f.beforeRead != nil {
		if err := f.beforeRead(); err != nil {
			return err
		}
	}
	for tries := 0; tries < 100; tries++ {
		n, err := f.rd.Read(f.buf[f.w:])
		f.w += n
		if n > 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// ensure makes at least n bytes available in the buffer (n <= len(buf)).
func (f *frameReader) ensure(n int) error {
	for f.w-f.r < n {
		if err := f.fill(); err != nil {
			if errors.Is(err, io.EOF) {
				if f.w-f.r > 0 {
					return io.ErrUnexpectedEOF
				}
			}
			return err
		}
	}
	return nil
}

// readRaw returns the next n raw bytes (n <= buffer size); valid until the next call.
func (f *frameReader) readRaw(n int) ([]byte, error) {
	if err := f.ensure(n); err != nil {
		return nil, err
	}
	b := f.buf[f.r : f.r+n]
	f.r += n
	return b, nil
}

// readVarInt reads an unsigned LEB128-style VarInt (least significant group first).
func (f *frameReader) readVarInt() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		b, err := f.readRaw(1)
		if err != nil {
			return 0, err
		}
		v |= uint64(b[0]&0x7F) << (7 * i)
		if b[0]&0x80 == 0 {
			return v, nil
		}
	}
	return 0, protocolErrorf("VarInt longer than 10 bytes")
}

// bufferedRecord returns the next message body if it is a single-chunk RECORD with
// one field (struct header 0xB1 0x71) already complete in the buffer, consuming it;
// otherwise nil, consuming nothing. It never reads from the underlying reader.
// The result is valid until the next read.
func (f *frameReader) bufferedRecord() []byte {
	avail := f.w - f.r
	if avail < 6 {
		return nil
	}
	b := f.buf[f.r:f.w]
	n := int(b[0])<<8 | int(b[1])
	if n < 2 || avail < n+4 || b[n+2] != 0 || b[n+3] != 0 || b[2] != 0xB1 || b[3] != 0x71 {
		return nil
	}
	f.r += n + 4
	return b[2 : n+2]
}

// unread gives back the message bufferedRecord just returned (n = its length).
func (f *frameReader) unread(n int) { f.r -= n + 4 }

// readMessage returns the next complete message body, skipping NOOP chunks between
// messages. The result is valid until the next call.
func (f *frameReader) readMessage() ([]byte, error) {
	f.msg = f.msg[:0]
	assembling := false
	for {
		if err := f.ensure(2); err != nil {
			if assembling && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		n := int(binary.BigEndian.Uint16(f.buf[f.r:]))
		f.r += 2
		if n == 0 {
			if !assembling {
				continue // NOOP keep-alive between messages
			}
			return f.msg, nil
		}
		if !assembling && n+2 <= len(f.buf) {
			if err := f.ensure(n + 2); err != nil {
				if errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return nil, err
			}
		}
		if !assembling && f.w-f.r >= n+2 && f.buf[f.r+n] == 0 && f.buf[f.r+n+1] == 0 {
			// Whole single-chunk message already buffered: hand out the buffer itself.
			b := f.buf[f.r : f.r+n]
			f.r += n + 2
			return b, nil
		}
		if len(f.msg)+n > maxMessageSize {
			return nil, protocolErrorf("message larger than %d bytes", maxMessageSize)
		}
		assembling = true
		for n > 0 {
			if f.r == f.w {
				if err := f.fill(); err != nil {
					if errors.Is(err, io.EOF) {
						err = io.ErrUnexpectedEOF
					}
					return nil, err
				}
			}
			k := min(n, f.w-f.r)
			f.msg = append(f.msg, f.buf[f.r:f.r+k]...)
			f.r += k
			n -= k
		}
	}
}

// appendChunked appends body to dst as one chunked message: chunks of at most 65,535
// bytes, each with its 2-byte big-endian size, then the 00 00 end marker.
func appendChunked(dst, body []byte) []byte {
	for len(body) > 0 {
		n := min(len(body), maxChunk)
		dst = append(dst, byte(n>>8), byte(n))
		dst = append(dst, body[:n]...)
		body = body[n:]
	}
	return append(dst, 0, 0)
}
