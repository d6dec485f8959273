package native

import (
	"strings"
	"testing"
)

// FuzzParseURI: any input gives a target or a usage error, never a panic, and
// a parsed target always has a host:port address.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{"bolt://h", "neo4j+s://h:1?a=b", "bolt+ssc://[::1]:7687/", "http://x", "neo4j://h?address=1", "::", "bolt://u:p@h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		tg, err := parseURI(uri)
		if err != nil {
			if !IsUsageError(err) {
				t.Fatalf("%q: error is not a UsageError: %v", uri, err)
			}
			return
		}
		if tg.host == "" || !strings.Contains(tg.address, ":") {
			t.Fatalf("%q: bad target %+v", uri, tg)
		}
	})
}

// FuzzNormalizeParams: nested values never panic.
func FuzzNormalizeParams(f *testing.F) {
	f.Add("k", int64(1), "s", 1.5, true)
	f.Fuzz(func(t *testing.T, k string, i int64, s string, fl float64, b bool) {
		in := map[string]any{k: []any{i, s, fl, b, map[string]any{s: []int{int(i)}}, &s, struct {
			A string `db:"a"`
		}{s}}}
		if _, err := normalizeParams(in); err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}
