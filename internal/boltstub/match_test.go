package boltstub

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMatching(t *testing.T) {
	got := Message{Sig: SigRun, Name: "RUN", Fields: []any{
		"RETURN 1", map[string]any{"ids": []any{int64(1), int64(2)}},
		map[string]any{"db": "neo4j", "bookmarks": []any{"a"}, "tx_timeout": int64(5)},
	}}
	for name, tc := range map[string]struct {
		exp  Expectation
		fail string
	}{
		"exact with int kinds":    {Run("RETURN 1", M{"ids": []int{1, 2}}, M{"db": "neo4j", "bookmarks": []string{"a"}, "tx_timeout": int32(5)}), ""},
		"wildcards":               {Run(nil, nil, nil), ""},
		"partial":                 {Run(Any, Any, Partial(M{"db": "neo4j", "mode": Absent})), ""},
		"func":                    {Run(Func("a RETURN", func(v any) bool { return v == "RETURN 1" }), nil, nil), ""},
		"extra key":               {Run("RETURN 1", nil, M{"db": "neo4j"}), `unexpected keys bookmarks, tx_timeout`},
		"missing key":             {Run("RETURN 1", nil, Partial(M{"imp_user": "x"})), `key "imp_user" missing`},
		"absent violated":         {Run("RETURN 1", nil, Partial(M{"db": Absent})), `key "db": want it absent, got "neo4j"`},
		"list item":               {Run("RETURN 1", M{"ids": []int{1, 3}}, nil), `key "ids": [1]: want 3, got 2`},
		"wrong signature":         {Pull(nil), "want PULL, got RUN"},
		"wrong field count":       {Expect(SigRun, "RETURN 1"), "want 1 fields, got 3"},
		"func rejects":            {Run(Func("a MATCH", func(v any) bool { return false }), nil, nil), `want a MATCH, got "RETURN 1"`},
		"type mismatch in a dict": {Run("RETURN 1", M{"ids": "x"}, nil), `key "ids": want "x", got [1,2]`},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.exp.Match(got)
			if tc.fail == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.fail)
		})
	}
}

func TestRendering(t *testing.T) {
	m := Message{Sig: SigLogon, Name: "LOGON", Fields: []any{map[string]any{"scheme": "basic", "credentials": "pw", "principal": "u"}}}
	require.Equal(t, `LOGON {"credentials":"***","principal":"u","scheme":"basic"}`, m.String())
	require.Equal(t, `RUN "q" * partial{"db":"x"}`, Run("q", nil, Partial(M{"db": "x"})).String())
	require.Equal(t, "MESSAGE(0x99)", MessageName(0x99))
	require.Equal(t, `SUCCESS {"rt":{"db":"d","servers":[{"addresses":["r:1"],"role":"ROUTE"}],"ttl":5}}`,
		RouteTable(5, "d", []string{"r:1"}, nil, nil).String())
}
