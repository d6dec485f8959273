package packstream

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

type point struct{ X, Y int }

func TestEncodeErrorsNameTypeAndPath(t *testing.T) {
	cases := []struct {
		name     string
		params   map[string]any
		sentinel error
		path     string
		goType   string
		message  string
	}{
		{"uint64 too big", map[string]any{"n": uint64(math.MaxInt64) + 1}, ErrOutOfRange, "n", "uint64",
			`packstream: cannot encode "n" (Go type uint64): 9223372036854775808 exceeds the largest PackStream integer (MaxInt64)`},
		{"uint via reflection", map[string]any{"n": []uint{math.MaxUint64}}, ErrOutOfRange, "n[0]", "uint", ""},
		{"channel deep inside", map[string]any{"person": map[string]any{"tags": []any{"a", 1, make(chan int)}}},
			ErrUnsupportedType, "person.tags[2]", "chan int",
			`packstream: cannot encode "person.tags[2]" (Go type chan int): no PackStream representation`},
		{"struct", map[string]any{"p": point{1, 2}}, ErrUnsupportedType, "p", "packstream.point", ""},
		{"pointer to struct", map[string]any{"p": &point{1, 2}}, ErrUnsupportedType, "p", "packstream.point", ""},
		{"int keys", map[string]any{"m": map[int]string{1: "a"}}, ErrUnsupportedType, "m", "map[int]string",
			`packstream: cannot encode "m" (Go type map[int]string): dictionary keys must be strings`},
		{"complex", map[string]any{"c": complex(1, 2)}, ErrUnsupportedType, "c", "complex128", ""},
		{"func in typed map", map[string]any{"m": map[string]func(){"f": func() {}}}, ErrUnsupportedType, "m.f", "func()", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var e Encoder
			err := e.Map(c.params)
			require.ErrorIs(t, err, c.sentinel)
			var ee *EncodeError
			require.True(t, errors.As(err, &ee))
			require.Equal(t, c.path, ee.Path())
			require.Equal(t, c.goType, ee.GoType)
			if c.message != "" {
				require.Equal(t, c.message, err.Error())
			}
			require.Contains(t, err.Error(), c.goType)
		})
	}
}

func TestEncodeTopLevelErrorHasNoPath(t *testing.T) {
	var e Encoder
	err := e.Value(make(chan int))
	require.EqualError(t, err, "packstream: cannot encode Go type chan int: no PackStream representation")
}

func TestEncodeCycleIsTooDeep(t *testing.T) {
	l := []any{nil}
	l[0] = l
	var e Encoder
	require.ErrorIs(t, e.Value(l), ErrTooDeep)
	m := map[string]any{}
	m["self"] = m
	e.Reset()
	err := e.Map(m)
	require.ErrorIs(t, err, ErrTooDeep)
	p := new(any)
	*p = p
	e.Reset()
	require.ErrorIs(t, e.Value(p), ErrTooDeep)
}

type (
	myString string
	myInt    int16
	myList   []myString
)

func TestEncodeViaReflection(t *testing.T) {
	five := 5
	var nilPtr *int
	var nilMap map[string]int
	cases := []struct {
		v   any
		hex string
	}{
		{&five, "05"},
		{nilPtr, "c0"},
		{myString("a"), "8161"},
		{myInt(-300), "c9fed4"},
		{myList{"x"}, "918178"},
		{[2]int{1, 2}, "920102"},
		{[2]byte{1, 2}, "cc020102"},
		{[]int32{7}, "9107"},
		{[]*int{&five, nil}, "9205c0"},
		{map[string]int{"a": 1}, "a1816101"},
		{map[myString]bool{"k": true}, "a1816bc3"},
		{nilMap, "a0"},
		{[]any(nil), "90"},
		{map[string]any(nil), "a0"},
		{[]uint8(nil), "cc00"},
		{float32(math.Inf(-1)), "c1fff0000000000000"},
		{[]float32{0.5}, "91c13fe0000000000000"},
	}
	for _, c := range cases {
		require.Equal(t, c.hex, encodeHex(t, feat5, c.v), "%T", c.v)
	}
}

func TestMapNilIsEmpty(t *testing.T) {
	var e Encoder
	require.NoError(t, e.Map(nil))
	require.Equal(t, []byte{0xA0}, e.Buf)
}

func TestFastPathListOfMaps(t *testing.T) {
	rows := []map[string]any{{"a": int64(1)}, {}}
	require.Equal(t, "92a1816101a0", encodeHex(t, feat5, rows))
	var e Encoder
	err := e.Map(map[string]any{"rows": []map[string]any{{}, {"bad": make(chan int)}}})
	require.ErrorIs(t, err, ErrUnsupportedType)
	require.Contains(t, err.Error(), `"rows[1].bad"`)
}
