package sqldriver

import (
	"strings"
	"testing"
)

// FuzzParseDSN: any input gives a Config or an error, never a panic, and an
// error never shows the password.
func FuzzParseDSN(f *testing.F) {
	for _, s := range []string{
		"neo4j://u:pw@h:7687/db?access_mode=read&routing.region=eu",
		"bolt+s://h?tls_ca_file=/x",
		"neo4j://u:pw@[::1]:x/db",
		"bolt://u:pw@h?fetch_size=all&bookmarks=none",
		"%",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		cfg, err := ParseDSN(dsn)
		if err == nil {
			if cfg == nil || cfg.URI == "" {
				t.Fatalf("nil config without error for %q", dsn)
			}
			return
		}
		const secret = "pw"
		if strings.Contains(dsn, "u:"+secret+"@") && strings.Contains(err.Error(), "u:"+secret+"@") {
			t.Fatalf("error shows the password: %v", err)
		}
	})
}
