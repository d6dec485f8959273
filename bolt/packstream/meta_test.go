package packstream

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// encodeMeta encodes m (string, int64 and []any of strings only) as a dictionary.
func encodeMeta(t *testing.T, m map[string]any) []byte {
	t.Helper()
	var e Encoder
	if err := e.Map(m); err != nil {
		t.Fatal(err)
	}
	return e.Buf
}

// TestMeta checks that Meta decodes what Map decodes, that the short String
// values of a repeated reply come from the Decoder's table (no allocation for
// them), that long strings, empty strings and colliding slots stay correct, and
// that Map after Meta allocates its strings again (the mode ends with Meta).
func TestMeta(t *testing.T) {
	long := strings.Repeat("b", internMaxLen+1)
	reply := encodeMeta(t, map[string]any{
		"type": "r", "db": "neo4j", "bookmark": long, "empty": "",
		"fields": []any{"n", "name", "n.age"}, "t_last": int64(3),
	})
	var d Decoder
	decode := func(meta bool) map[string]any {
		d.Reset(reply)
		var m map[string]any
		var err error
		if meta {
			m, err = d.Meta()
		} else {
			m, err = d.Map()
		}
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	want := decode(false)
	for i := 0; i < 3; i++ {
		if got := decode(true); !reflect.DeepEqual(got, want) {
			t.Fatalf("Meta = %v, want %v", got, want)
		}
	}
	mapAllocs := testing.AllocsPerRun(100, func() { decode(false) })
	metaAllocs := testing.AllocsPerRun(100, func() { decode(true) })
	// Five short non-empty strings: "r", "neo4j", "n", "name", "n.age".
	if metaAllocs > mapAllocs-5 {
		t.Errorf("Meta allocates %v times per reply, Map %v: short strings are not shared", metaAllocs, mapAllocs)
	}
	if again := testing.AllocsPerRun(100, func() { decode(false) }); again != mapAllocs {
		t.Errorf("Map after Meta allocates %v times, before %v", again, mapAllocs)
	}

	// More distinct values than slots: every value still decodes exactly.
	for round := 0; round < 2; round++ {
		for i := 0; i < 3*metaSlots; i++ {
			v := "v" + strconv.Itoa(i)
			d.Reset(encodeMeta(t, map[string]any{"k": v, "l": []any{v + "x"}}))
			m, err := d.Meta()
			if err != nil {
				t.Fatal(err)
			}
			if m["k"] != v || m["l"].([]any)[0] != v+"x" {
				t.Fatalf("Meta = %v, want k=%q l=[%q]", m, v, v+"x")
			}
		}
	}
}

// TestSharedStringAndKey checks the key-by-key metadata reads: SharedString
// consumes nothing on another kind and shares a short string without allocating;
// Key reports a non-String key as malformed; MetaValue counts the nesting limit
// from the depth it is given.
func TestSharedStringAndKey(t *testing.T) {
	var d Decoder
	d.Reset([]byte{0x01})
	if _, err := d.SharedString(); !errors.Is(err, ErrUnexpectedKind) || d.Offset() != 0 {
		t.Fatalf("SharedString on an Integer: %v at offset %d", err, d.Offset())
	}
	if _, err := d.Key(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Key on an Integer: %v, want ErrMalformed", err)
	}
	b := []byte{0x85, 'n', 'e', 'o', '4', 'j'}
	d.Reset(b)
	if s, err := d.SharedString(); err != nil || s != "neo4j" {
		t.Fatalf("SharedString = %q, %v", s, err)
	}
	if n := testing.AllocsPerRun(100, func() {
		d.Reset(b)
		if _, err := d.SharedString(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("SharedString of a repeated short string allocates %v times", n)
	}
	d.Reset([]byte{0x91, 0x01})
	if _, err := d.MetaValue(MaxDepth); !errors.Is(err, ErrTooDeep) {
		t.Fatalf("MetaValue at the limit: %v, want ErrTooDeep", err)
	}
	d.Reset([]byte{0x91, 0x81, 'r'})
	if v, err := d.MetaValue(1); err != nil || !reflect.DeepEqual(v, []any{"r"}) {
		t.Fatalf("MetaValue = %v, %v", v, err)
	}
}
