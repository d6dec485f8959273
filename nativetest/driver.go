package nativetest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/boltwire/neo4j/native"
)

// Kind says how a query was run.
type Kind string

// The ways a query can run.
const (
	AutoCommit Kind = "auto-commit" // Session.Run
	Explicit   Kind = "explicit"    // ExplicitTransaction.Run
	Managed    Kind = "managed"     // ManagedTransaction.Run (ExecuteRead, ExecuteWrite, ExecuteQuery)
)

// Call is one query the code under test ran.
type Call struct {
	Query      string            // the query text as passed
	Params     map[string]any    // a copy of the parameters as passed (not converted)
	Database   string            // SessionConfig.DatabaseName ("" = home database)
	AccessMode native.AccessMode // the session's (Run) or transaction's access mode
	Kind       Kind              // how the query was run
	// Metadata is the transaction metadata (native.WithTxMetadata) in effect.
	Metadata map[string]any
}

// Outcome is how a transaction ended.
type Outcome string

// Transaction outcomes.
const (
	Open       Outcome = "open"
	Committed  Outcome = "committed"
	RolledBack Outcome = "rolled back"
)

// Tx is one transaction the code under test began: an explicit one, or one
// attempt of a managed one.
type Tx struct {
	Database   string            // SessionConfig.DatabaseName ("" = home database)
	AccessMode native.AccessMode // the session's (explicit) or the function's (ExecuteRead/ExecuteWrite) mode
	Managed    bool              // an attempt of ExecuteRead or ExecuteWrite
	Queries    []Call            // the queries run in it, in order
	Outcome    Outcome           // Open until committed or rolled back (a failed commit is RolledBack)
}

// Server describes the fake server, as reported by GetServerInfo and in
// result summaries.
type Server struct {
	Address  string                 // default "localhost:7687"
	Agent    string                 // default "Neo4j/5.26.0"
	Protocol native.ProtocolVersion // default 5.8
}

// Driver is the fake native.Driver. Create it with NewDriver. It is safe for
// concurrent use; the sessions it makes, like real ones, are not.
type Driver struct {
	// MaxRetries bounds how many times ExecuteRead/ExecuteWrite re-run the work
	// after an error native.IsRetryable accepts. NewDriver sets 3. The fake
	// never sleeps between attempts.
	MaxRetries int
	// URI is what Target returns, parsed; NewDriver sets bolt://localhost:7687.
	URI string
	// Server describes the fake server.
	Server Server
	// PoolStats is what Stats returns.
	PoolStats []native.PoolStats

	mu              sync.Mutex
	expectations    []*Expectation
	calls           []Call
	txs             []*Tx
	unexpected      []Call
	closed          bool
	connectivityErr error
	commitErrs      []error
	bookmarkManager native.BookmarkManager
	openSessions    int
}

var _ native.Driver = (*Driver)(nil)

// NewDriver returns a fake driver with no expectations.
func NewDriver() *Driver {
	return &Driver{
		MaxRetries:      3,
		URI:             "bolt://localhost:7687",
		bookmarkManager: native.NewBookmarkManager(native.BookmarkManagerConfig{}),
	}
}

// ExpectQuery adds an expectation for query, compared with the text the code
// runs after trimming surrounding white space and collapsing inner runs of
// white space to one space (so indentation does not matter). By default it
// answers one call with an empty result; see the Expectation methods.
func (d *Driver) ExpectQuery(query string) *Expectation {
	e := &Expectation{query: normalize(query), times: 1}
	d.mu.Lock()
	d.expectations = append(d.expectations, e)
	d.mu.Unlock()
	return e
}

// ExpectQueryFunc adds an expectation whose matcher decides which queries it
// answers (for example by prefix or regular expression).
func (d *Driver) ExpectQueryFunc(match func(query string, params map[string]any) bool) *Expectation {
	e := &Expectation{match: match, times: 1}
	d.mu.Lock()
	d.expectations = append(d.expectations, e)
	d.mu.Unlock()
	return e
}

// FailCommit makes the next commit (explicit or managed) fail with err; call it
// several times to fail several commits.
func (d *Driver) FailCommit(err error) {
	d.mu.Lock()
	d.commitErrs = append(d.commitErrs, err)
	d.mu.Unlock()
}

// FailConnectivity makes VerifyConnectivity, VerifyAuthentication and
// GetServerInfo return err (nil restores success).
func (d *Driver) FailConnectivity(err error) {
	d.mu.Lock()
	d.connectivityErr = err
	d.mu.Unlock()
}

// Calls returns every query run so far, in order.
func (d *Driver) Calls() []Call {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Call(nil), d.calls...)
}

// Transactions returns every transaction begun so far, in order (a managed
// transaction that was retried appears once per attempt).
func (d *Driver) Transactions() []Tx {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Tx, len(d.txs))
	for i, t := range d.txs {
		out[i] = *t
		out[i].Queries = append([]Call(nil), t.Queries...)
	}
	return out
}

// Unexpected returns the queries that matched no expectation.
func (d *Driver) Unexpected() []Call {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Call(nil), d.unexpected...)
}

// OpenSessions returns the number of sessions created and not yet closed: a
// non-zero value at the end of a test is a session leak.
func (d *Driver) OpenSessions() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.openSessions
}

// ExpectationsWereMet returns an error listing every expectation that was
// called fewer times than required, every query that matched no expectation,
// and the number of sessions left open; nil if there is none.
func (d *Driver) ExpectationsWereMet() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var problems []string
	for _, e := range d.expectations {
		if e.anyTimes || e.calls >= e.times {
			continue
		}
		problems = append(problems, fmt.Sprintf("query %s was expected %d time(s), ran %d", e.describe(), e.times, e.calls))
	}
	for _, c := range d.unexpected {
		problems = append(problems, fmt.Sprintf("unexpected query %q with parameters %v", c.Query, c.Params))
	}
	if d.openSessions > 0 {
		problems = append(problems, fmt.Sprintf("%d session(s) not closed", d.openSessions))
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New("nativetest: " + strings.Join(problems, "; "))
}

// NewSession returns a fake session.
func (d *Driver) NewSession(_ context.Context, config native.SessionConfig) native.Session {
	d.mu.Lock()
	d.openSessions++
	d.mu.Unlock()
	s := &session{d: d, cfg: config}
	if config.Bookmarks != nil {
		s.bookmarks = append(native.Bookmarks(nil), config.Bookmarks...)
	}
	return s
}

func (d *Driver) check(op string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return &native.UsageError{Message: op, Err: native.ErrDriverClosed}
	}
	return d.connectivityErr
}

// VerifyConnectivity returns the FailConnectivity error, if any.
func (d *Driver) VerifyConnectivity(context.Context) error { return d.check("VerifyConnectivity") }

// VerifyAuthentication returns the FailConnectivity error, if any.
func (d *Driver) VerifyAuthentication(context.Context, *native.AuthToken) error {
	return d.check("VerifyAuthentication")
}

// GetServerInfo describes Driver.Server.
func (d *Driver) GetServerInfo(context.Context) (native.ServerInfo, error) {
	if err := d.check("GetServerInfo"); err != nil {
		return nil, err
	}
	return d.serverInfo(), nil
}

// IsEncrypted reports whether URI has a +s or +ssc scheme.
func (d *Driver) IsEncrypted() bool {
	u := d.Target()
	return strings.HasSuffix(u.Scheme, "+s") || strings.HasSuffix(u.Scheme, "+ssc")
}

// Target returns URI parsed (the zero URL if it does not parse).
func (d *Driver) Target() url.URL {
	u, err := url.Parse(d.URI)
	if err != nil {
		return url.URL{}
	}
	return *u
}

// ExecuteQueryBookmarkManager returns the fake's bookmark manager.
func (d *Driver) ExecuteQueryBookmarkManager() native.BookmarkManager { return d.bookmarkManager }

// Stats returns PoolStats.
func (d *Driver) Stats() []native.PoolStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]native.PoolStats(nil), d.PoolStats...)
}

// Close marks the driver closed; later calls fail with native.ErrDriverClosed.
func (d *Driver) Close(context.Context) error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	return nil
}

func (d *Driver) serverInfo() native.ServerInfo {
	s := d.Server
	if s.Address == "" {
		s.Address = "localhost:7687"
	}
	if s.Agent == "" {
		s.Agent = "Neo4j/5.26.0"
	}
	if s.Protocol == (native.ProtocolVersion{}) {
		s.Protocol = native.ProtocolVersion{Major: 5, Minor: 8}
	}
	return serverInfo{s}
}

type serverInfo struct{ s Server }

func (i serverInfo) Address() string                         { return i.s.Address }
func (i serverInfo) Agent() string                           { return i.s.Agent }
func (i serverInfo) ProtocolVersion() native.ProtocolVersion { return i.s.Protocol }
