package packstream

import (
	"errors"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

func TestEncodeNeedsNewerProtocol(t *testing.T) {
	cases := []struct {
		v       any
		f       Features
		message string
	}{
		{dbtype.NewVectorInt8([]int8{1}), feat5, "Vector values need Bolt 6.0+"},
		{dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"), feat60, "UUID values need Bolt 6.1+"},
		{dbtype.UnsupportedType{Name: "X"}, feat5, "UnsupportedType needs Bolt 6.0+"},
	}
	for _, c := range cases {
		e := Encoder{Features: c.f}
		err := e.Map(map[string]any{"p": c.v})
		require.ErrorIs(t, err, ErrNeedsNewerProtocol)
		require.Contains(t, err.Error(), c.message)
		require.Contains(t, err.Error(), `"p"`)
		var ee *EncodeError
		require.True(t, errors.As(err, &ee))
		require.Contains(t, ee.GoType, "dbtype.")
	}
}

// TestDecodeUnknownVersionStructures: structures of another protocol version
// become UnknownStructure values; the rest of the record still decodes.
func TestDecodeUnknownVersionStructures(t *testing.T) {
	vec := "b256cc01c6cc0c3f8000004000000040400000"
	cases := []struct {
		name   string
		f      Features
		hex    string
		tag    byte
		fields int
	}{
		{"Vector on 5.x", feat5, vec, 'V', 2},
		{"UnsupportedType on 5.x", feat5, "b43f84555549440601a0", '?', 4},
		{"DateTime I on 4.4", feat44, "b349c911942ac90e10", 'I', 3},
		{"DateTime i on 4.4", feat44, "b369ca671d8988008d4575726f70652f4265726c696e", 'i', 3},
		{"legacy F on 5.x", feat5, "b346c91fa42ac90e10", 'F', 3},
		{"legacy f with utc patch", feat44U, "b366ca671da5a8008d4575726f70652f4265726c696e", 'f', 3},
		{"unknown tag with nested fields", feat61, "b35a" + "93010203" + "a18161c0" + "b17a80", 'Z', 3},
		{"unknown tag without fields", feat61, "b000", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeAll(t, c.f, unhex(t, "93"+c.hex+"2a"+c.hex))
			l := got.([]any)
			require.Len(t, l, 3)
			us, ok := l[0].(dbtype.UnknownStructure)
			require.True(t, ok, "got %T", l[0])
			require.Equal(t, c.tag, us.Tag)
			require.Equal(t, c.fields, us.Fields)
			require.NotEmpty(t, us.Reason)
			require.ErrorIs(t, us, dbtype.ErrUnknownStructure)
			require.Equal(t, int64(42), l[1])
			require.Equal(t, us, l[2])
		})
	}
}

func TestUUIDMarkerNeeds61(t *testing.T) {
	b := unhex(t, "e0550e8400e29b41d4a716446655440000")
	for _, f := range []Features{feat44, feat5, feat60} {
		d := Decoder{Features: f}
		d.Reset(b)
		_, err := d.Value()
		require.ErrorIs(t, err, ErrMalformed)
		require.Contains(t, err.Error(), "6.1")
		_, err = d.PeekKind()
		require.ErrorIs(t, err, ErrMalformed)
		require.ErrorIs(t, d.Skip(), ErrMalformed)
	}
	d := Decoder{Features: feat61}
	d.Reset(b)
	k, err := d.PeekKind()
	require.NoError(t, err)
	require.Equal(t, KindUUID, k)
	u, err := d.UUID()
	require.NoError(t, err)
	require.Equal(t, "550e8400-e29b-41d4-a716-446655440000", u.String())
}

func TestElementIDFieldCounts(t *testing.T) {
	node44 := unhex(t, "b34e089183546d70a1846e616d6583426f62")
	// A 3-field Node is wrong on 5.x, a 4-field one wrong on 4.4.
	d := Decoder{Features: feat5}
	d.Reset(node44)
	_, err := d.Value()
	require.ErrorIs(t, err, ErrMalformed)
	require.Contains(t, err.Error(), "Node structure with 3 fields, want 4")
	n := decodeAll(t, feat44, node44).(dbtype.Node)
	require.Equal(t, "8", n.ElementId, "element id falls back to the legacy id")
}

func TestEncodeGraphWithoutElementIDs(t *testing.T) {
	n := dbtype.Node{Id: 3, Labels: nil, Props: nil}
	require.Equal(t, "b34e0390a0", encodeHex(t, feat44, n))
	// With element ids, the element id is written as it is (here empty).
	require.Equal(t, "b44e0390a080", encodeHex(t, feat5, n))
}

func TestEncodeDateTimeZoneChoice(t *testing.T) {
	// Local and unnamed fixed zones use the offset form.
	for _, tt := range []time.Time{
		time.Unix(0, 0).In(time.FixedZone("", 0)),
		time.Unix(0, 0).In(time.FixedZone("", 3600)),
		time.Unix(0, 0).In(time.FixedZone("+01:00", 3600)),
		time.Unix(0, 0).Local(),
	} {
		got := encodeHex(t, feat5, tt)
		require.Equal(t, "b349", got[:4], "%v", tt.Location())
	}
	// A named location uses the zone id form, time.UTC included.
	require.Equal(t, "b369", encodeHex(t, feat5, time.Unix(0, 0).UTC())[:4])
	require.Equal(t, "b369", encodeHex(t, feat5, time.Unix(0, 0).In(berlin(t)))[:4])
	require.Equal(t, "b366", encodeHex(t, feat44, time.Unix(0, 0).In(berlin(t)))[:4])
}
