// Package neo4jtest gives tests a real Neo4j server: one per server line per test binary,
// started lazily with the project's launcher (testserver/neo4j-server), or an outside
// server named by NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD.
//
// Use it from TestMain so the servers stop when the tests end and their log is printed
// when a test fails:
//
//	func TestMain(m *testing.M) { neo4jtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) { ... s.URI ... })
//	}
//
// BOLTWIRE_TEST_LINES (e.g. "5" or "5,2026") narrows the lines that ForEachLine runs.
// Every server this package starts serves bolt, bolt+s and bolt+ssc on one port, with a
// CA in Server.CACert.
package neo4jtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/boltwire/neo4j/internal/testserver"
)

// Lines are the server lines tests run against by default.
var Lines = []string{"5", "2026"}

// Server describes a running Neo4j.
type Server struct {
	// Line is "5" (Neo4j 5.26, Bolt up to 5.8), "2026" (2026.08.1, Bolt up to 6.1) or
	// "external" for a server named by NEO4J_URI.
	Line string
	// URI is bolt://HOST:PORT.
	URI  string
	Host string // host of URI, e.g. "127.0.0.1"
	Port int    // Bolt port of URI
	// User and Password are empty when auth is off.
	User, Password string
	// Version is the Neo4j version, when known.
	Version string
	// CACert is a PEM file with the CA that signed the server's certificate (for
	// 127.0.0.1 and localhost); empty when the server has no TLS.
	CACert string

	proc *testserver.Process
}

// Address returns HOST:PORT.
func (s *Server) Address() string { return fmt.Sprintf("%s:%d", s.Host, s.Port) }

var (
	mu      sync.Mutex
	servers = map[string]*startOnce{}
	tmpDir  string
)

type startOnce struct {
	once sync.Once
	srv  *Server
	err  error
}

var prestartOnce sync.Once

// nopTB lets the background pre-start share Get's start-once logic; errors surface
// again in the test that asks for the server.
type nopTB struct{ testing.TB }

func (nopTB) Helper()               {}
func (nopTB) Fatalf(string, ...any) {}
func (nopTB) Skip(...any)           {}

var versions = map[string]string{"5": "5.26.30", "2026": "2026.08.1"}

// Main runs the tests, stops the servers this binary started, and prints their logs when
// the run failed. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	started := make([]*Server, 0, len(servers))
	for _, so := range servers {
		if so.srv != nil && so.srv.proc != nil {
			started = append(started, so.srv)
		}
	}
	mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range started {
		if code != 0 {
			fmt.Fprintf(os.Stderr, "---- neo4j-server --line %s log (tail) ----\n%s\n---- end of log ----\n", s.Line, tail(s.proc.Log(), 8000))
		}
		wg.Add(1)
		go func() { defer wg.Done(); s.proc.Stop() }()
	}
	wg.Wait()
	if tmpDir != "" {
		_ = os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// External reports whether tests use an outside server (NEO4J_URI is set).
func External() bool { return os.Getenv("NEO4J_URI") != "" }

func external() *Server {
	uri := os.Getenv("NEO4J_URI")
	hostPort := uri
	if i := strings.Index(uri, "://"); i >= 0 {
		hostPort = uri[i+3:]
	}
	hostPort = strings.TrimSuffix(hostPort, "/")
	host, port := hostPort, 7687
	if i := strings.LastIndexByte(hostPort, ':'); i >= 0 {
		host = hostPort[:i]
		fmt.Sscanf(hostPort[i+1:], "%d", &port)
	}
	user := os.Getenv("NEO4J_USER")
	if user == "" && os.Getenv("NEO4J_PASSWORD") != "" {
		user = "neo4j"
	}
	return &Server{Line: "external", URI: "bolt://" + fmt.Sprintf("%s:%d", host, port), Host: host, Port: port,
		User: user, Password: os.Getenv("NEO4J_PASSWORD")}
}

// SelectedLines returns the lines ForEachLine runs: BOLTWIRE_TEST_LINES or Lines, or
// just "external" when NEO4J_URI is set.
func SelectedLines() []string {
	if External() {
		return []string{"external"}
	}
	if v := os.Getenv("BOLTWIRE_TEST_LINES"); v != "" {
		var out []string
		for _, l := range strings.Split(v, ",") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	return Lines
}

// ForEachLine runs fn as a subtest ("line5", "line2026") against each selected server line.
func ForEachLine(t *testing.T, fn func(t *testing.T, s *Server)) {
	t.Helper()
	if !testing.Short() && !External() {
		prestartOnce.Do(func() {
			for _, line := range SelectedLines() {
				go func() { _ = Get(nopTB{}, line) }()
			}
		})
	}
	for _, line := range SelectedLines() {
		t.Run("line"+line, func(t *testing.T) {
			fn(t, Get(t, line))
		})
	}
}

// Get returns the shared server of the given line, starting it on first use. With
// NEO4J_URI set it returns that outside server whatever the line.
func Get(t testing.TB, line string) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a real Neo4j server; skipped in -short mode")
	}
	if External() {
		return external()
	}
	mu.Lock()
	so := servers[line]
	if so == nil {
		so = &startOnce{}
		servers[line] = so
	}
	mu.Unlock()
	so.once.Do(func() { so.srv, so.err = start(line) })
	if so.err != nil {
		t.Fatalf("neo4jtest: starting the line %s server: %v", line, so.err)
	}
	return so.srv
}

// GetTLS returns a server of the given line that serves bolt, bolt+s and bolt+ssc on one
// port; its CACert names the CA to trust. Tests that need it skip (with the reason) when
// an outside server is used.
func GetTLS(t testing.TB, line string) *Server {
	t.Helper()
	if External() {
		t.Skip("TLS tests need the project's own server (NEO4J_URI names an outside one)")
	}
	return Get(t, line)
}

func start(line string) (*Server, error) {
	mu.Lock()
	if tmpDir == "" {
		d, err := os.MkdirTemp("", "neo4jtest-")
		if err != nil {
			mu.Unlock()
			return nil, err
		}
		tmpDir = d
	}
	tlsDir := filepath.Join(tmpDir, "tls-"+line)
	mu.Unlock()
	p, err := testserver.Start(context.Background(), testserver.Options{Line: line, TLSDir: tlsDir})
	if err != nil {
		return nil, err
	}
	return &Server{Line: line, URI: p.URI, Host: p.Host, Port: p.Port, User: p.User, Password: p.Password,
		Version: versions[line], CACert: p.CACert, proc: p}, nil
}

// Clean deletes every node and relationship in the default database.
func (s *Server) Clean(t testing.TB) {
	t.Helper()
	if err := s.Exec(context.Background(), "MATCH (n) DETACH DELETE n", nil); err != nil {
		t.Fatalf("neo4jtest: cleaning the database: %v", err)
	}
}

// Exec runs one auto-commit Cypher statement (with string/int/bool parameters) over a
// minimal Bolt client of this package's own, independent of the driver under test.
func (s *Server) Exec(ctx context.Context, cypher string, params map[string]any) error {
	c, err := DialRaw(ctx, s.Address(), s.User, s.Password)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Run(cypher, params)
}
