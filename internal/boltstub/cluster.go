package boltstub

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"
)

// Roles is the topology of one database: member names (or literal host:port
// addresses for servers that are not members, e.g. a dead one).
type Roles struct {
	// Routers, Readers and Writers are the ROUTE table's three server lists,
	// in the order given; a member not among the Writers answers a write
	// with NotALeader.
	Routers, Readers, Writers []string
}

// Query is a RUN a cluster member received, with the context it ran in.
type Query struct {
	Member   string         // name of the member that received the RUN
	Text     string         // the query text
	Params   map[string]any // the RUN's parameters as decoded (nil if none)
	Database string         // resolved: the db of the RUN or BEGIN, else the user's home database
	Mode     string         // "r" or "w"
	InTx     bool           // the RUN was in an explicit transaction (after BEGIN)
}

// Result is how a member answers a query: Failure (a status code) fails the
// RUN; otherwise RUN gets the fields and PULL the records.
type Result struct {
	Fields  []string // the RUN SUCCESS's "fields" (nil is sent as an empty list)
	Records [][]any  // one RECORD per entry, sent on PULL (none on DISCARD)
	// Failure, when set, is the status code of a FAILURE answering the RUN.
	Failure string
	// Message is the FAILURE message.
	Message string
}

// Cluster plays several members of a Neo4j cluster at once, each a Stub on
// its own port answering from shared state: HELLO/LOGON, ROUTE from the
// topology set with SetRoles (changeable at any time), RUN/PULL/DISCARD,
// BEGIN/COMMIT/ROLLBACK, RESET, TELEMETRY and GOODBYE. A write (RUN or BEGIN
// without mode "r") sent to a member that is not a writer of that database is
// answered with Neo.ClientError.Cluster.NotALeader, as a real follower does.
// Any other message fails the test.
type Cluster struct {
	t  testing.TB
	hs Handshake

	mu      sync.Mutex
	members []*Member
	roles   map[string]Roles  // by database
	home    map[string]string // by impersonated user ("" = the authenticated user)
	ttl     int64
	hints   M
	seq     int
}

// Member is one server of a Cluster.
type Member struct {
	c    *Cluster
	name string
	stub *Stub

	mu          sync.Mutex
	onQuery     func(Query) Result
	routeFail   string
	routeFailMs string
	latency     time.Duration
}

// NewCluster starts one member per name, speaking the given handshake (zero =
// Bolt 5.8 classic). Every member is a router, reader and writer of nothing
// until SetRoles; the home database of every user is "neo4j" and the table
// TTL 300 s.
func NewCluster(t testing.TB, hs Handshake, names ...string) *Cluster {
	t.Helper()
	c := &Cluster{t: t, hs: hs, roles: map[string]Roles{}, home: map[string]string{"": "neo4j"}, ttl: 300}
	for _, name := range names {
		c.AddMember(name, "")
	}
	return c
}

// AddMember starts one more member named name listening on address ("" = a
// free port on 127.0.0.1), e.g. "127.0.0.2:" plus another member's port to
// play a second address of the same host name. It fails the test if it
// cannot listen there.
func (c *Cluster) AddMember(name, address string) *Member {
	c.t.Helper()
	m := &Member{c: c, name: name}
	s, err := Start(c.t, Options{Name: name, Address: address, Handler: m.session, Handshake: c.hs})
	if err != nil {
		c.t.Fatalf("boltstub: cluster member %s: %v", name, err)
	}
	m.stub = s
	c.mu.Lock()
	c.members = append(c.members, m)
	c.mu.Unlock()
	return m
}

// Member returns the member named name; it fails the test if there is none.
func (c *Cluster) Member(name string) *Member {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.members {
		if m.name == name {
			return m
		}
	}
	c.t.Fatalf("boltstub: cluster has no member %q", name)
	return nil
}

// Members returns the members in creation order.
func (c *Cluster) Members() []*Member {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.members)
}

// SetRoles sets (or replaces) the topology of database db. Names that are not
// members are used as addresses as they are.
func (c *Cluster) SetRoles(db string, r Roles) {
	c.mu.Lock()
	c.roles[db] = Roles{Routers: slices.Clone(r.Routers), Readers: slices.Clone(r.Readers), Writers: slices.Clone(r.Writers)}
	c.mu.Unlock()
}

// RemoveDatabase drops db: ROUTE for it fails with DatabaseNotFound.
func (c *Cluster) RemoveDatabase(db string) {
	c.mu.Lock()
	delete(c.roles, db)
	c.mu.Unlock()
}

// SetHome sets the home database of user ("" = the authenticated user, the
// default for everyone).
func (c *Cluster) SetHome(user, db string) {
	c.mu.Lock()
	c.home[user] = db
	c.mu.Unlock()
}

// SetTTL sets the ttl (seconds) of ROUTE answers.
func (c *Cluster) SetTTL(seconds int64) {
	c.mu.Lock()
	c.ttl = seconds
	c.mu.Unlock()
}

// SetHints sets the hints of HELLO's SUCCESS, e.g. M{"ssr.enabled": true}.
func (c *Cluster) SetHints(h M) {
	c.mu.Lock()
	c.hints = maps.Clone(h)
	c.mu.Unlock()
}

// Addresses maps member names to addresses (other strings pass unchanged).
func (c *Cluster) Addresses(names ...string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addressesLocked(names)
}

func (c *Cluster) addressesLocked(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n
		for _, m := range c.members {
			if m.name == n {
				out[i] = m.stub.Address()
			}
		}
	}
	return out
}

// homeOf returns the home database of user.
func (c *Cluster) homeOf(user string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if db, ok := c.home[user]; ok {
		return db
	}
	return c.home[""]
}

// isWriter reports whether member name may write to db (true when db has no
// topology, so single-member tests need no SetRoles).
func (c *Cluster) isWriter(name, db string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.roles[db]
	return !ok || slices.Contains(r.Writers, name)
}

// routeAnswer builds the answer to ROUTE for db; ok = false for a FAILURE.
func (c *Cluster) routeAnswer(db string) (r Response, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	roles, ok := c.roles[db]
	if !ok {
		return Failure("Neo.ClientError.Database.DatabaseNotFound", fmt.Sprintf("Database does not exist. Database name: '%s'.", db)), false
	}
	return RouteTable(c.ttl, db, c.addressesLocked(roles.Routers), c.addressesLocked(roles.Readers), c.addressesLocked(roles.Writers)), true
}

func (c *Cluster) nextBookmark(member string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	return fmt.Sprintf("bm:%s:%d", member, c.seq)
}

// Name returns the member's name.
func (m *Member) Name() string { return m.name }

// Address returns the member's host:port.
func (m *Member) Address() string { return m.stub.Address() }

// Stub returns the member's stub (Received, Count, Handshakes, ...).
func (m *Member) Stub() *Stub { return m.stub }

// SetDown takes the member down (connections dropped, new ones closed at
// once) or brings it back.
func (m *Member) SetDown(down bool) { m.stub.SetDown(down) }

// OnQuery sets how the member answers RUN (nil = fields ["x"], one record [1]).
func (m *Member) OnQuery(fn func(Query) Result) {
	m.mu.Lock()
	m.onQuery = fn
	m.mu.Unlock()
}

// FailRoute makes the member answer ROUTE with FAILURE code (code "" = answer
// normally again).
func (m *Member) FailRoute(code, msg string) {
	m.mu.Lock()
	m.routeFail, m.routeFailMs = code, msg
	m.mu.Unlock()
}

// SetLatency makes the member wait d before answering each message (0 = at
// once), e.g. a slow router for concurrency tests.
func (m *Member) SetLatency(d time.Duration) {
	m.mu.Lock()
	m.latency = d
	m.mu.Unlock()
}

// Count returns how many messages named name the member received.
func (m *Member) Count(name string) int { return m.stub.Count(name) }
