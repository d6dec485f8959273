package packstream

import (
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
