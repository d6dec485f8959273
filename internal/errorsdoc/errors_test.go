package errorsdoc

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	_ "github.com/boltwire/neo4j/sqldriver"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

// env is what a case may use; the placeholders {addr}, {host}, {port},
// {user}, {badport}, {deadport} and {httpport} in the documented messages are
// replaced by these values.
type env struct {
	s        *neo4jtest.Server
	auth     native.AuthToken
	badPort  int // a port where an HTTP server (not Bolt) listens
	deadPort int // a port where nothing listens
}

func (e *env) dsn(query string) string {
	u := url.URL{Scheme: "bolt", Host: e.s.Address(), Path: "/neo4j", RawQuery: query}
	if e.s.User != "" {
		u.User = url.UserPassword(e.s.User, e.s.Password)
	}
	return u.String()
}

func (e *env) driver(t *testing.T) native.Driver {
	d, err := native.NewDriver(e.s.URI, e.auth)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

func (e *env) db(t *testing.T) *sql.DB {
	db, err := sql.Open("neo4j", e.dsn(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A case is one mistake; ID is its anchor in docs/ERRORS.md.
type errCase struct {
	ID  string
	Run func(t *testing.T, e *env, ctx context.Context) error
}

var cases = []errCase{
	{"wrong-password", func(t *testing.T, e *env, ctx context.Context) error {
		d, err := native.NewDriver(e.s.URI, native.BasicAuth(e.s.User, "not-the-password", ""))
		if err != nil {
			return err
		}
		defer d.Close(ctx)
		return d.VerifyConnectivity(ctx)
	}},
	{"wrong-password-sql", func(t *testing.T, e *env, ctx context.Context) error {
		dsn := strings.Replace(e.dsn(""), url.QueryEscape(e.s.Password)+"@", "not-the-password@", 1)
		db, err := sql.Open("neo4j", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		return db.PingContext(ctx)
	}},
	{"wrong-port", func(t *testing.T, e *env, ctx context.Context) error {
		// The silent handshake runs into the acquisition timeout (60 s by
		// default); 5 s keeps the test short.
		d, err := native.NewDriver(fmt.Sprintf("bolt://127.0.0.1:%d", e.badPort), e.auth,
			func(c *native.Config) { c.ConnectionAcquisitionTimeout = 5 * time.Second })
		if err != nil {
			return err
		}
		defer d.Close(ctx)
		return d.VerifyConnectivity(ctx)
	}},
	{"server-not-running", func(t *testing.T, e *env, ctx context.Context) error {
		d, err := native.NewDriver(fmt.Sprintf("bolt://127.0.0.1:%d", e.deadPort), e.auth)
		if err != nil {
			return err
		}
		defer d.Close(ctx)
		return d.VerifyConnectivity(ctx)
	}},
	{"server-not-running-sql", func(t *testing.T, e *env, ctx context.Context) error {
		db, err := sql.Open("neo4j", fmt.Sprintf("bolt://127.0.0.1:%d", e.deadPort))
		if err != nil {
			return err
		}
		defer db.Close()
		return db.PingContext(ctx)
	}},
	{"http-uri", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := native.NewDriver(fmt.Sprintf("http://127.0.0.1:%d", e.badPort), e.auth)
		return err
	}},
	{"http-uri-sql", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := sql.Open("neo4j", fmt.Sprintf("http://127.0.0.1:%d", e.badPort))
		return err
	}},
	{"unknown-dsn-key", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := sql.Open("neo4j", e.dsn("fetchsize=10"))
		return err
	}},
	{"syntax-error", func(t *testing.T, e *env, ctx context.Context) error {
		s := e.driver(t).NewSession(ctx, native.SessionConfig{})
		defer s.Close(ctx)
		res, err := s.Run(ctx, "RETRUN 1", nil)
		if err != nil {
			return err
		}
		_, err = res.Consume(ctx)
		return err
	}},
	{"syntax-error-sql", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.db(t).ExecContext(ctx, "RETRUN 1")
		return err
	}},
	{"scan-node-into-int", func(t *testing.T, e *env, ctx context.Context) error {
		s := e.driver(t).NewSession(ctx, native.SessionConfig{})
		defer s.Close(ctx)
		res, err := s.Run(ctx, "CREATE (n:ErrorsDoc {name: 'x'}) WITH n DELETE n RETURN n", nil)
		if err != nil {
			return err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return err
		}
		var n int
		return rec.Scan(&n)
	}},
	{"scan-node-into-int-sql", func(t *testing.T, e *env, ctx context.Context) error {
		tx, err := e.db(t).BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback() // the node is never committed
		var n int
		return tx.QueryRowContext(ctx, "CREATE (n:ErrorsDoc {name: 'x'}) RETURN n").Scan(&n)
	}},
	{"write-in-readonly-tx-sql", func(t *testing.T, e *env, ctx context.Context) error {
		tx, err := e.db(t).BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer tx.Rollback()
		_, err = tx.ExecContext(ctx, "CREATE (:ErrorsDoc)")
		return err
	}},
	{"unsupported-param", func(t *testing.T, e *env, ctx context.Context) error {
		s := e.driver(t).NewSession(ctx, native.SessionConfig{})
		defer s.Close(ctx)
		_, err := s.Run(ctx, "RETURN $ch", map[string]any{"ch": make(chan int)})
		return err
	}},
	{"unsupported-param-sql", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.db(t).ExecContext(ctx, "RETURN $ch", sql.Named("ch", make(chan int)))
		return err
	}},
	{"uuid-param-old-server", func(t *testing.T, e *env, ctx context.Context) error {
		s := e.driver(t).NewSession(ctx, native.SessionConfig{})
		defer s.Close(ctx)
		res, err := s.Run(ctx, "RETURN $id", map[string]any{"id": dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000")})
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err == nil {
			t.Skip("this server negotiates Bolt 6.1, which carries UUIDs")
		}
		return err
	}},
	{"uuid-param-old-server-sql", func(t *testing.T, e *env, ctx context.Context) error {
		_, err := e.db(t).ExecContext(ctx, "RETURN $id", sql.Named("id", conv.UUID(dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"))))
		if err == nil {
			t.Skip("this server negotiates Bolt 6.1, which carries UUIDs")
		}
		return err
	}},
	{"closed-session", func(t *testing.T, e *env, ctx context.Context) error {
		s := e.driver(t).NewSession(ctx, native.SessionConfig{})
		s.Close(ctx)
		_, err := s.Run(ctx, "RETURN 1", nil)
		return err
	}},
}

// docRow matches a row of the table in docs/ERRORS.md:
// | <a id="ID"></a>... | ... | `message` |
var docRow = regexp.MustCompile("^\\|\\s*<a id=\"([a-z0-9-]+)\"></a>.*\\|\\s*`([^`]*)`\\s*\\|\\s*$")

// pattern turns a documented message into a regular expression matching the
// whole message: "{any}" stands for any text (an element id, the server's
// list of expected keywords, a GQL status that differs between server
// versions) and the two characters \n for a newline.
func pattern(doc string) *regexp.Regexp {
	parts := strings.Split(doc, "{any}")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(regexp.QuoteMeta(p), `\\n`, "\n")
	}
	return regexp.MustCompile(`\A(?s:` + strings.Join(parts, ".*?") + `)\z`)
}

// documented reads the expected message of each case from docs/ERRORS.md.
func documented(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join("..", "..", "docs", "ERRORS.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := docRow.FindStringSubmatch(sc.Text()); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}

// TestDocumentedMessages provokes every mistake in docs/ERRORS.md and checks
// the exact message. ERRORSDOC_PRINT=1 prints the messages instead (to update
// the document).
func TestDocumentedMessages(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		want := documented(t)
		http := httptest.NewServer(http.NotFoundHandler())
		defer http.Close()
		badPort := http.Listener.Addr().(*net.TCPAddr).Port
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		deadPort := l.Addr().(*net.TCPAddr).Port
		l.Close()
		e := &env{s: s, auth: native.NoAuth(), badPort: badPort, deadPort: deadPort}
		if s.User != "" {
			e.auth = native.BasicAuth(s.User, s.Password, "")
		}
		repl := strings.NewReplacer(
			"{addr}", s.Address(), "{host}", s.Host, "{port}", fmt.Sprint(s.Port), "{user}", s.User,
			"{badport}", fmt.Sprint(badPort), "{deadport}", fmt.Sprint(deadPort))
		print := os.Getenv("ERRORSDOC_PRINT") != ""
		seen := map[string]bool{}
		for _, c := range cases {
			seen[c.ID] = true
			t.Run(c.ID, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				err := c.Run(t, e, ctx)
				if err == nil {
					t.Fatalf("no error")
				}
				got := err.Error()
				if s.Password != "" && strings.Contains(got, s.Password) {
					t.Errorf("the message contains the password: %s", got)
				}
				if print {
					r := strings.NewReplacer(s.Address(), "{addr}", fmt.Sprintf("127.0.0.1:%d", badPort), "127.0.0.1:{badport}",
						fmt.Sprintf("127.0.0.1:%d", deadPort), "127.0.0.1:{deadport}")
					fmt.Printf("%s\t%s\n", c.ID, r.Replace(got))
					return
				}
				w, ok := want[c.ID]
				if !ok {
					t.Fatalf("docs/ERRORS.md has no row with id %q; current message: %s", c.ID, got)
				}
				if !pattern(repl.Replace(w)).MatchString(got) {
					t.Errorf("message changed; update docs/ERRORS.md\n got: %s\nwant: %s", got, w)
				}
			})
		}
		for id := range want {
			if !seen[id] {
				t.Errorf("docs/ERRORS.md documents %q but no case provokes it", id)
			}
		}
	})
}
