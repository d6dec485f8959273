package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
)

// TestSecretsNeverPrinted collects everything the driver can print — debug logs,
// Bolt traces, error strings of failed logins, malformed URIs and DSNs, fmt output
// (%v, %+v, %#v, %s) of configurations, tokens and parsed DSNs — and greps it for the
// password and the bearer token.
func TestSecretsNeverPrinted(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		if s.Password == "" {
			t.Skip("the server has no password")
		}
		bearer := "eyJhbGciOi.bearer-" + runID() + ".sig"
		wrongPw := "Wr0ng-pa55-" + runID()
		secrets := map[string]string{"password": s.Password, "bearer token": bearer, "wrong password": wrongPw}
		var out neo4jtest.SyncBuffer // everything printed
		printf := func(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }
		ctx := testCtx(t, 2*time.Minute)

		logs := &neo4jtest.SyncBuffer{}
		trace := &neo4jtest.SyncBuffer{}
		logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfgFn := func(c *native.Config) {
			c.Logger = logger
			c.BoltTrace = trace
			c.MaxTransactionRetryTime = time.Second
		}
		// A working connection, traced and logged.
		d := newDriver(t, s.URI, s, cfgFn)
		if _, err := native.ExecuteQuery(ctx, d, "RETURN $p AS p", map[string]any{"p": "not a secret"},
			native.EagerResultTransformer, native.ExecuteQueryWithBoltTrace(trace)); err != nil {
			t.Fatal(err)
		}
		sess := d.NewSession(ctx, native.SessionConfig{})
		_, err := sess.ExecuteWrite(ctx, func(tx native.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, "RETURN 1", nil)
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		printf("managed tx: %v", err)
		sess.Close(ctx)
		// fmt of every configuration and token.
		basic := native.BasicAuth(s.User, s.Password, "")
		tokens := []native.AuthToken{basic, native.BearerAuth(bearer), native.KerberosAuth(bearer),
			native.CustomAuth("custom", s.User, s.Password, "", map[string]any{"token": bearer})}
		for _, tok := range tokens {
			printf("%v | %+v | %#v | %s", tok, tok, tok, tok)
		}
		cfg := native.DefaultConfig()
		cfgFn(&cfg)
		printf("%v | %+v | %#v | %s", cfg, cfg, cfg, cfg)
		// Failed logins.
		// Failed logins use a user of their own: Neo4j rate-limits a user after a few
		// failures, which would lock the other tests out.
		intruder := "intruder-" + runID()
		for _, tok := range []native.AuthToken{native.BasicAuth(intruder, wrongPw, ""), native.BearerAuth(bearer)} {
			bad, err := native.NewDriver(s.URI, tok, cfgFn)
			if err != nil {
				t.Fatal(err)
			}
			err = bad.VerifyConnectivity(ctx)
			printf("login with %v: %v | %+v | %#v", tok, err, err, err)
			verr := bad.VerifyAuthentication(ctx, &tok)
			printf("verify auth: %v", verr)
			bs := bad.NewSession(ctx, native.SessionConfig{})
			_, err = bs.Run(ctx, "RETURN 1", nil)
			printf("run: %v", err)
			bs.Close(ctx)
			bad.Close(ctx)
		}
		// URIs with credentials.
		for _, uri := range []string{
			"bolt://" + s.User + ":" + s.Password + "@" + s.Address(),
			"neo4j://u:" + s.Password + "@host:99999",
			"bolt+s://u:" + bearer + "@[::1",
			"bolt://u:" + s.Password + "@host/path?x=1",
		} {
			_, err := native.NewDriver(uri, basic)
			printf("NewDriver: %v | %#v", err, err)
		}
		// DSNs with credentials: parse errors, connection errors, fmt of parsed configs.
		dsns := []string{
			"bolt://" + s.User + ":" + s.Password + "@" + s.Address(),
			"bolt://" + s.User + ":" + s.Password + "@127.0.0.1:1",
			"bolt://" + intruder + ":" + wrongPw + "@" + s.Address(),
			"bolt://u:" + s.Password + "@host:99999",
			"bolt://u:" + s.Password + "@host?unknown_option=1",
			"bolt://u:" + s.Password + "@host?fetch_size=abc",
			"bolt://u:" + s.Password + "@[::1",
			"bolt://u:" + s.Password + "@host/a/b",
			"neo4j+s://u:" + bearer + "@host?routing.=x",
			"bolt://u:" + s.Password + "@host?tls_ca_file=/nonexistent/ca.pem",
			"mysql://u:" + s.Password + "@host",
		}
		for _, dsn := range dsns {
			c, err := sqldriver.ParseDSN(dsn)
			printf("ParseDSN: %v | %#v", err, err)
			if c != nil {
				printf("config: %v | %+v | %s", c, c, c)
			}
			db, err := sql.Open("neo4j", dsn)
			if err != nil {
				printf("sql.Open: %v", err)
				continue
			}
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			printf("Ping: %v", db.PingContext(pctx))
			_, err = db.ExecContext(pctx, "RETURN 1")
			printf("Exec: %v", err)
			cancel()
			printf("db stats: %+v", db.Stats())
			db.Close()
		}
		all := out.String() + "\n" + logs.String() + "\n" + trace.String()
		t.Logf("collected %d bytes of output (%d of logs, %d of Bolt trace)", len(all), len(logs.String()), len(trace.String()))
		if !strings.Contains(trace.String(), "HELLO") && !strings.Contains(trace.String(), "LOGON") {
			t.Errorf("the Bolt trace has no HELLO/LOGON: the check proved nothing")
		}
		leaks := 0
		for what, secret := range secrets {
			if n := strings.Count(all, secret); n > 0 {
				leaks += n
				for _, line := range strings.Split(all, "\n") {
					if !strings.Contains(line, secret) {
						continue
					}
					shown := strings.ReplaceAll(line, secret, "<"+what+">")
					t.Errorf("the %s appears in: %s", what, shown)
				}
			}
		}
		report(t, "secrets", "line", s.Line, "bytes_checked", len(all), "dsns", len(dsns), "uris", 4, "secret_occurrences", leaks)
	})
}
