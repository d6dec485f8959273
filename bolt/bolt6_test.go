package bolt

import (
	"bytes"
	"context"
	"testing"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// TestBolt6RecordPerVersion replays one record with a UUID, a Vector and an
// UnsupportedType at 6.1, 6.0 and 5.8.
func TestBolt6RecordPerVersion(t *testing.T) {
	ok := appendChunked(nil, []byte{0xB1, 0x70, 0xA1, 0x86, 'f', 'i', 'e', 'l', 'd', 's', 0x93, 0x81, 'u', 0x81, 'v', 0x81, 'x'})
	b6 := []byte{0xB1, 0x71, 0x93,
		0xE0, 0x55, 0x0E, 0x84, 0x00, 0xE2, 0x9B, 0x41, 0xD4, 0xA7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00,
		0xB2, 0x56, 0xCC, 0x01, 0xC6, 0xCC, 0x08, 0x3F, 0x80, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
		0xB4, 0x3F, 0x84, 'U', 'U', 'I', 'D', 0x06, 0x01, 0xA0}
	done := appendChunked(nil, []byte{0xB1, 0x70, 0xA0})
	stream := append(append(append([]byte{}, ok...), appendChunked(nil, b6)...), done...)
	read := func(v Version) ([]any, error) {
		c := replayConn(v, bytes.NewReader(stream))
		defer c.Close()
		s, err := c.Run(context.Background(), "RETURN 1", nil, nil, -1)
		require.NoError(t, err)
		return s.Next(context.Background())
	}
	rec, err := read(Version{6, 1})
	require.NoError(t, err)
	require.Equal(t, []any{dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"),
		dbtype.NewVectorFloat32([]float32{1, 2}), dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1}}, rec)

	// 6.0 has no UUID marker: E0 is reserved there, so the record is malformed.
	_, err = read(Version{6, 0})
	require.ErrorIs(t, err, ErrDefunct)
	require.ErrorContains(t, err, "offset")

	// 5.8: E0 is reserved as well.
	_, err = read(Version{5, 8})
	require.ErrorIs(t, err, ErrDefunct)
}
