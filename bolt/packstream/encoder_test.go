package packstream

import (
	"encoding/hex"
	"math"
	"strings"
	"testing"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// TestIntegerSizeClasses checks the smallest encoding at every boundary of the
// size-class table, and that each decodes back.
func TestIntegerSizeClasses(t *testing.T) {
	cases := []struct {
		v   int64
		hex string
	}{
		{math.MinInt64, "cb8000000000000000"},
		{-2147483649, "cbffffffff7fffffff"},
		{-2147483648, "ca80000000"},
		{-32769, "caffff7fff"},
		{-32768, "c98000"},
		{-129, "c9ff7f"},
		{-128, "c880"},
		{-17, "c8ef"},
		{-16, "f0"},
		{-1, "ff"},
		{0, "00"},
		{42, "2a"},
		{127, "7f"},
		{128, "c90080"},
		{32767, "c97fff"},
		{32768, "ca00008000"},
		{2147483647, "ca7fffffff"},
		{2147483648, "cb0000000080000000"},
		{math.MaxInt64, "cb7fffffffffffffff"},
	}
	for _, c := range cases {
		require.Equal(t, c.hex, encodeHex(t, feat5, c.v), "%d", c.v)
		require.Equal(t, c.v, decodeAll(t, feat5, unhex(t, c.hex)), "%d", c.v)
	}
}

func TestIntegerWiderFormsDecode(t *testing.T) {
	for _, h := range []string{"2a", "c82a", "c9002a", "ca0000002a", "cb000000000000002a"} {
		require.Equal(t, int64(42), decodeAll(t, feat5, unhex(t, h)), h)
	}
	require.Equal(t, int64(-1), decodeAll(t, feat5, unhex(t, "cbffffffffffffffff")))
}

func TestGoIntKinds(t *testing.T) {
	cases := []struct {
		v   any
		hex string
	}{
		{int(-17), "c8ef"}, {int8(-128), "c880"}, {int16(300), "c9012c"}, {int32(-2147483648), "ca80000000"},
		{uint(7), "07"}, {uint8(255), "c900ff"}, {uint16(65535), "ca0000ffff"}, {uint32(4294967295), "cb00000000ffffffff"},
		{uint64(math.MaxInt64), "cb7fffffffffffffff"}, {uintptr(1), "01"},
	}
	for _, c := range cases {
		require.Equal(t, c.hex, encodeHex(t, feat5, c.v), "%T", c.v)
	}
}

func TestScalars(t *testing.T) {
	cases := []struct {
		v   any
		hex string
	}{
		{nil, "c0"},
		{true, "c3"},
		{false, "c2"},
		{1.23, "c13ff3ae147ae147ae"},
		{float32(1.5), "c13ff8000000000000"},
		{math.Inf(1), "c17ff0000000000000"},
		{math.Inf(-1), "c1fff0000000000000"},
		{math.Copysign(0, -1), "c18000000000000000"},
		{math.MaxFloat64, "c17fefffffffffffff"},
		{math.SmallestNonzeroFloat64, "c10000000000000001"},
		{"", "80"},
		{"A", "8141"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "d01a4142434445464748494a4b4c4d4e4f505152535455565758595a"},
		{"grüße", "876772c3bcc39f65"},
		{[]byte{}, "cc00"},
		{[]byte(nil), "cc00"},
		{[]byte{1, 2, 3}, "cc03010203"},
		{[]any{}, "90"},
		{[]any{int64(1), int64(2), int64(3)}, "93010203"},
		{map[string]any{}, "a0"},
		{map[string]any{"one": "eins"}, "a1836f6e65846569 6e73"},
	}
	for _, c := range cases {
		want := strings.ReplaceAll(c.hex, " ", "")
		require.Equal(t, want, encodeHex(t, feat5, c.v), "%#v", c.v)
	}
	d := decodeAll(t, feat5, unhex(t, "c17ff8000000000001"))
	require.True(t, math.IsNaN(d.(float64)))
}

func TestListOf40(t *testing.T) {
	l := make([]int64, 40)
	want := "d428"
	for i := range l {
		l[i] = int64(i + 1)
		want += hex.EncodeToString([]byte{byte(i + 1)})
	}
	require.Equal(t, want, encodeHex(t, feat5, l))
}

// TestSizeClasses checks headers at every size boundary for strings, bytes,
// lists and dictionaries, and that the values decode back.
func TestSizeClasses(t *testing.T) {
	cases := []struct {
		n                      int
		str, bytes, list, dict string
	}{
		{0, "80", "cc00", "90", "a0"},
		{15, "8f", "cc0f", "9f", "af"},
		{16, "d010", "cc10", "d410", "d810"},
		{255, "d0ff", "ccff", "d4ff", "d8ff"},
		{256, "d10100", "cd0100", "d50100", "d90100"},
		{65535, "d1ffff", "cdffff", "d5ffff", "d9ffff"},
		{65536, "d200010000", "ce00010000", "d600010000", "da00010000"},
		{70000, "d200011170", "ce00011170", "d600011170", "da00011170"},
	}
	for _, c := range cases {
		s := strings.Repeat("x", c.n)
		b := repeat(7, c.n)
		l := make([]any, c.n)
		for i := range l {
			l[i] = int64(i % 100)
		}
		m := make(map[string]any, c.n)
		for i := 0; i < c.n; i++ {
			m[strings.Repeat("k", 1+i%3)+itoa(i)] = int64(i)
		}
		for _, x := range []struct {
			v    any
			head string
		}{{s, c.str}, {b, c.bytes}, {l, c.list}, {m, c.dict}} {
			e := Encoder{Features: feat5}
			require.NoError(t, e.Value(x.v))
			require.Equal(t, x.head, hex.EncodeToString(e.Buf[:len(x.head)/2]), "%T of %d", x.v, c.n)
			require.Equal(t, x.v, decodeAll(t, feat5, e.Buf), "%T of %d", x.v, c.n)
		}
	}
}

func itoa(i int) string {
	return string(rune('a'+i%26)) + hex.EncodeToString([]byte{byte(i >> 16), byte(i >> 8), byte(i)})
}

func TestPrimitiveMethods(t *testing.T) {
	var e Encoder
	e.StructHeader(0x7E, 0)
	e.StructHeader(0x10, 3)
	e.String("RETURN 1")
	e.MapHeader(0)
	e.MapHeader(1)
	e.String("n")
	e.Int(-1)
	e.ListHeader(2)
	e.Null()
	e.Bool(true)
	e.Float(0)
	e.Bytes([]byte{9})
	e.UUID(dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"))
	require.NoError(t, e.Err())
	require.Equal(t, "b07e"+"b310"+"8852455455524e2031"+"a0"+"a1816eff"+"92c0c3"+"c10000000000000000"+"cc0109"+
		"e0550e8400e29b41d4a716446655440000", hex.EncodeToString(e.Buf))
	e.Reset()
	require.Empty(t, e.Buf)
}

func TestStructHeaderTooManyFields(t *testing.T) {
	var e Encoder
	e.StructHeader(1, 16)
	require.ErrorIs(t, e.Err(), ErrOutOfRange)
	require.ErrorIs(t, e.Value(1), ErrOutOfRange, "the remembered error is reported by Value")
	e.Reset()
	require.NoError(t, e.Err())
	require.NoError(t, e.Value(1))
}

func TestFastPathSlicesAndMaps(t *testing.T) {
	require.Equal(t, "9281618162", encodeHex(t, feat5, []string{"a", "b"}))
	require.Equal(t, "9201ff", encodeHex(t, feat5, []int{1, -1}))
	require.Equal(t, "92c3c2", encodeHex(t, feat5, []bool{true, false}))
	require.Equal(t, "91c13ff8000000000000", encodeHex(t, feat5, []float64{1.5}))
	require.Equal(t, "a181618162", encodeHex(t, feat5, map[string]string{"a": "b"}))
}
