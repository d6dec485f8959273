package boltstub

import (
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

func TestParsedScriptPlays(t *testing.T) {
	sc := MustParse(t, `
		# a read through a router
		!: BOLT 5.8
		!: AUTO RESET
		C: HELLO {"user_agent": *, "bolt_agent": {"product": *, ...}, "routing": {"address": "x:7687"}, ...}
		S: SUCCESS {"server": "Neo4j/5.26.0", "connection_id": "bolt-1", "hints": {"ssr.enabled": true}}
		C: LOGON {"scheme": "basic", "principal": "neo4j", "credentials": *}
		S: SUCCESS
		?: TELEMETRY *
		S: SUCCESS {}
		C: ROUTE {"address": "x:7687"} [] {"db": "neo4j", "imp_user": <absent>}
		S: SUCCESS {"rt": {"ttl": 300, "db": "neo4j", "servers": [{"addresses": ["r:1"], "role": "ROUTE"}, {"addresses": ["a:1", "b:1"], "role": "READ"}]}}
		C: RUN "RETURN $x AS x" {"x": -1.5} {"db": "neo4j", "mode": "r", ...}
		S: SUCCESS {"fields": ["x"]}
		C: PULL {"n": 1000}
		S: RECORD [-1.5]
		S: <SLEEP 10ms>
		S: SUCCESS {"type": "r", "has_more": false}
	`)
	stub := New(t, "parsed", sc)
	c := mustDial(t, stub.Address(), func(cfg *bolt.DialConfig) { cfg.RoutingContext = map[string]string{"address": "x:7687"} })
	require.True(t, c.Hints().SSR)
	rt, err := c.Route(bg, bolt.RouteRequest{Database: "neo4j"})
	require.NoError(t, err)
	require.Equal(t, []string{"a:1", "b:1"}, rt.Readers)
	require.Equal(t, 300*time.Second, rt.TTL)
	st, err := c.Run(bg, "RETURN $x AS x", map[string]any{"x": -1.5}, &bolt.TxConfig{Database: "neo4j", Mode: bolt.Read}, 0)
	require.NoError(t, err)
	rec, err := st.Next(bg)
	require.NoError(t, err)
	require.Equal(t, []any{-1.5}, rec)
	closeAndWait(t, c, stub)
}

func TestParsedDirectivesAndActions(t *testing.T) {
	sc := MustParse(t, `
		!: MANIFEST 6.0 5.8
		C: LOGIN
		C: RUN "RETURN 1" * *
		S: <CLOSE>
	`)
	require.True(t, sc.hs.Manifest)
	require.Equal(t, []Version{{6, 0}, {5, 8}}, sc.hs.Offers)
	stub := New(t, "closer", sc)
	c := mustDial(t, stub.Address())
	require.Equal(t, bolt.Version{Major: 6, Minor: 0}, c.Version())
	_, err := c.Run(bg, "RETURN 1", nil, nil, 0)
	require.ErrorIs(t, err, bolt.ErrDefunct)

	sc = MustParse(t, "!: REFUSE\n!: OPTIONAL\n!: BOLT 4.4\nS: <NOOP>\nS: <HANG>\nS: <HALF-CLOSE>")
	require.True(t, sc.hs.Refuse)
	require.True(t, sc.optional)
	require.Equal(t, Version{4, 4}, sc.hs.Version)
	require.Len(t, sc.steps, 3)
	require.Nil(t, sc.steps[0].expect)
}

func TestParsedExpectationSemantics(t *testing.T) {
	sc := MustParse(t, `C: BEGIN {"bookmarks": [], "db": null, "tx_metadata": {"k": [1, "two", true]}}`)
	e := sc.steps[0].expect
	ok := Message{Sig: SigBegin, Name: "BEGIN", Fields: []any{map[string]any{
		"bookmarks": []any{}, "db": nil, "tx_metadata": map[string]any{"k": []any{int64(1), "two", true}}}}}
	require.NoError(t, e.Match(ok))
	bad := Message{Sig: SigBegin, Name: "BEGIN", Fields: []any{map[string]any{
		"bookmarks": []any{}, "db": "x", "tx_metadata": map[string]any{"k": []any{int64(1), "two", true}}}}}
	require.ErrorContains(t, e.Match(bad), `key "db": want null, got "x"`)

	sc = MustParse(t, "C: ROUTE * * null")
	require.NoError(t, sc.steps[0].expect.Match(Message{Sig: SigRoute, Name: "ROUTE", Fields: []any{M{}, []any{}, nil}}))
	require.Error(t, sc.steps[0].expect.Match(Message{Sig: SigRoute, Name: "ROUTE", Fields: []any{M{}, []any{}, M{}}}))
}

func TestParseErrors(t *testing.T) {
	for text, want := range map[string]string{
		"X: RUN":                          `line 1 "X: RUN": unknown line kind "X"`,
		"RUN":                             "want a line starting with C:, S:, ?: or !:",
		"C: RUNN":                         `unknown message "RUNN"`,
		`C: RUN "q"`:                      "RUN takes 3 field(s), got 1",
		`C: RUN "q" {} {"a" 1}`:           "':' expected after key \"a\"",
		`C: RUN "q" {} {..., "a": 1}`:     "'...' must be the last entry",
		`C: RUN "unterminated {} {}`:      "unterminated string",
		`C: PULL {"n": 1e}`:               `bad number "1e"`,
		`C: PULL [1 2]`:                   "',' or ']' expected",
		`C: PULL {n: 1}`:                  "dictionary key (a quoted string) expected",
		"S: SUCCESS {\"a\": *}":           "a server message cannot hold wildcards",
		"S: <SLEEP forever>":              "bad sleep duration",
		"S: <EXPLODE>":                    "unknown action <EXPLODE>",
		"!: BOLT five":                    `bad version "FIVE"`,
		"!: WHATEVER":                     `unknown directive "WHATEVER"`,
		"C: HELLO {}\nS: SUCCESS\nC: ???": `line 3`,
	} {
		_, err := Parse(text)
		require.ErrorContains(t, err, want, text)
	}
}
