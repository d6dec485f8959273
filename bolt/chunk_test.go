package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// chunkSizes parses the chunk headers of one chunked message.
func chunkSizes(t *testing.T, b []byte) []int {
	t.Helper()
	var out []int
	for {
		require.GreaterOrEqual(t, len(b), 2)
		n := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if n == 0 {
			require.Empty(t, b, "bytes after the end marker")
			return out
		}
		out = append(out, n)
		b = b[n:]
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func TestAppendChunkedSizes(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []int
	}{
		{1, []int{1}},
		{16, []int{16}},
		{65535, []int{65535}},
		{65536, []int{65535, 1}},
		{70000, []int{65535, 4465}},
		{2 * 65535, []int{65535, 65535}},
	} {
		out := appendChunked(nil, pattern(tc.n))
		require.Equal(t, tc.want, chunkSizes(t, out), "size %d", tc.n)
	}
	// Spec example: a 16-byte message.
	out := appendChunked(nil, pattern(16))
	require.Equal(t, []byte{0x00, 0x10}, out[:2])
	require.Equal(t, []byte{0x00, 0x00}, out[len(out)-2:])
}

func TestReadMessageRoundTrip(t *testing.T) {
	for _, n := range []int{1, 2, 100, 65533, 65534, 65535, 65536, 70000, 200000} {
		body := pattern(n)
		wire := appendChunked(nil, body)
		wire = append(wire, 0, 0, 0, 0) // NOOPs after
		wire = appendChunked(wire, []byte{0xB0, 0x7E})
		for _, mode := range []string{"whole", "onebyte", "half"} {
			var rd io.Reader = bytes.NewReader(wire)
			switch mode {
			case "onebyte":
				if n > 70000 {
					continue
				}
				rd = iotest.OneByteReader(rd)
			case "half":
				rd = iotest.HalfReader(rd)
			}
			f := newFrameReader(rd, readBufSize)
			got, err := f.readMessage()
			require.NoError(t, err, "size %d %s", n, mode)
			require.True(t, bytes.Equal(body, got), "size %d %s", n, mode)
			got, err = f.readMessage()
			require.NoError(t, err)
			require.Equal(t, []byte{0xB0, 0x7E}, got)
			_, err = f.readMessage()
			require.ErrorIs(t, err, io.EOF)
		}
	}
}

func TestReadMessageSmallBuffer(t *testing.T) {
	body := pattern(70000)
	wire := appendChunked(nil, body)
	f := newFrameReader(bytes.NewReader(wire), 64)
	got, err := f.readMessage()
	require.NoError(t, err)
	require.Equal(t, body, got)
}

func TestReadMessageNoopsBetweenChunksAndMessages(t *testing.T) {
	// NOOPs before the first message, and a message split 16 + 4 as in the spec.
	wire := []byte{0, 0, 0, 0}
	wire = append(wire, 0x00, 0x10)
	wire = append(wire, pattern(16)...)
	wire = append(wire, 0x00, 0x04)
	wire = append(wire, pattern(20)[16:]...)
	wire = append(wire, 0, 0, 0, 0)
	wire = append(wire, 0x00, 0x02, 0xB0, 0x0F, 0x00, 0x00)
	f := newFrameReader(bytes.NewReader(wire), readBufSize)
	got, err := f.readMessage()
	require.NoError(t, err)
	require.Equal(t, pattern(20), got)
	got, err = f.readMessage()
	require.NoError(t, err)
	require.Equal(t, []byte{0xB0, 0x0F}, got)
}

func TestReadMessageTruncated(t *testing.T) {
	for _, wire := range [][]byte{
		{0x00},                   // half a header
		{0x00, 0x05, 0xB1},       // short chunk
		{0x00, 0x02, 0xB0, 0x7E}, // no end marker
		{0x00, 0x02, 0xB0, 0x7E, 0x00, 0x03, 0x01}, // second chunk cut
	} {
		f := newFrameReader(bytes.NewReader(wire), readBufSize)
		_, err := f.readMessage()
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "% x", wire)
	}
	f := newFrameReader(bytes.NewReader(nil), readBufSize)
	_, err := f.readMessage()
	require.ErrorIs(t, err, io.EOF)
}

func TestReadMessageSingleChunkDoesNotAllocate(t *testing.T) {
	wire := appendChunked(nil, pattern(300))
	rd := bytes.NewReader(wire)
	f := newFrameReader(rd, readBufSize)
	allocs := testing.AllocsPerRun(100, func() {
		rd.Reset(wire)
		f.r, f.w = 0, 0
		if _, err := f.readMessage(); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

func TestReadVarInt(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want uint64
	}{
		{[]byte{0x00}, 0}, {[]byte{0x01}, 1}, {[]byte{0x7F}, 127},
		{[]byte{0x80, 0x01}, 128}, {[]byte{0xFF, 0x82, 0x71}, 1851775},
	} {
		f := newFrameReader(bytes.NewReader(tc.in), 16)
		v, err := f.readVarInt()
		require.NoError(t, err)
		require.Equal(t, tc.want, v)
	}
	f := newFrameReader(bytes.NewReader(bytes.Repeat([]byte{0xFF}, 11)), 16)
	_, err := f.readVarInt()
	var pe *ProtocolError
	require.True(t, errors.As(err, &pe))
}
