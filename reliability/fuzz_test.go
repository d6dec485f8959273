package reliability

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
)

var uriSeeds = []string{
	"bolt://localhost", "bolt://localhost:7687", "bolt+s://db.example.com:7687", "bolt+ssc://127.0.0.1:1",
	"neo4j://host?policy=eu&region=1", "neo4j+s://[::1]:7687", "neo4j+ssc://h/", "BOLT://HOST", "bolt://",
	"bolt://:7687", "bolt://host:", "bolt://host:0", "bolt://host:65536", "bolt://host:-1", "bolt://u:p@host",
	"bolt://host/db", "bolt://host#frag", "bolt://host?x=1", "neo4j://host?address=x", "neo4j://host?=1",
	"neo4j://host?a=1&a=2", "neo4j://host?a=", "neo4j://host?%zz", "http://host", "bolt:host", "bolt://[::1",
	"bolt://%41", "\x00", "", " ", "bolt://h\u00e9st", "neo4j://host?;",
}

// FuzzNewDriverURI: native.NewDriver must never panic on any URI, and a URI it
// accepts must give a usable (closable) driver. It does no I/O, so this is safe.
func FuzzNewDriverURI(f *testing.F) {
	for _, s := range uriSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		d, err := native.NewDriver(uri, native.BasicAuth("neo4j", "fuzz-secret-pw", ""))
		if err != nil {
			if d != nil {
				t.Fatalf("NewDriver(%q) returned a driver and an error", uri)
			}
			if !native.IsUsageError(err) {
				t.Fatalf("NewDriver(%q): error %v is not a UsageError", uri, err)
			}
			return
		}
		u := d.Target()
		_ = u.String()
		_ = d.IsEncrypted()
		_ = d.Stats()
		if err := d.Close(context.Background()); err != nil {
			t.Fatalf("Close: %v", err)
		}
	})
}

var dsnSeeds = []string{
	"neo4j://neo4j:secret@localhost:7687/neo4j", "bolt://localhost", "bolt+s://u:p@h:1/db?fetch_size=all",
	"bolt://h?max_connection_pool_size=0", "bolt://h?connection_acquisition_timeout=5s&socket_keepalive=false",
	"neo4j://h?routing.region=eu", "bolt://h?routing.x=1", "bolt://h?unknown=1", "bolt://h?fetch_size=1&fetch_size=2",
	"bolt://h:99999", "bolt://[::1", "bolt://h/a/b", "mysql://h", "", "://", "bolt://u:@h", "bolt://:p@h",
	"bolt://h?tls_ca_file=", "bolt://h?notifications_min_severity=loud", "bolt://h?telemetry=maybe",
	"bolt://h?connection_liveness_check_timeout=disabled", "bolt://h#x", "bolt://h?%zz",
}

// FuzzOpenDSN: sql.Open("neo4j", dsn), sqldriver.ParseDSN and sqldriver.OpenDB must
// never panic on any DSN (no connection is made: the DB is closed unused), and a
// parse error must not repeat the DSN's password.
func FuzzOpenDSN(f *testing.F) {
	for _, s := range dsnSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		cfg, perr := sqldriver.ParseDSN(dsn)
		if perr == nil {
			_ = cfg.String()
			db, err := sqldriver.OpenDB(cfg)
			if err == nil {
				db.Close()
			}
		} else if pw := dsnPassword(dsn); len(pw) >= 6 && strings.Count(dsn, pw) == 1 && strings.Contains(perr.Error(), pw) {
			t.Fatalf("ParseDSN error repeats the password %q: %v", pw, perr)
		}
		db, err := sql.Open("neo4j", dsn)
		if err == nil {
			db.Close()
		}
	})
}

// dsnPassword extracts what a DSN's user info would call the password, if anything.
func dsnPassword(dsn string) string {
	i := strings.Index(dsn, "://")
	if i < 0 {
		return ""
	}
	rest := dsn[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	if c := strings.Index(rest[:at], ":"); c >= 0 {
		return rest[c+1 : at]
	}
	return ""
}
