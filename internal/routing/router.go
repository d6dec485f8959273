package routing

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/boltwire/neo4j/bolt"
)

// DefaultPurgeAfter is how long a table may stay expired before Purge drops it
// when Config.PurgeAfter is zero.
const DefaultPurgeAfter = 30 * time.Second

// Config configures a Router. Fetch is required; every other field has a
// useful zero value.
type Config struct {
	// InitialAddress is the host:port of the URI: the router of last resort.
	InitialAddress string
	// RoutingContext is the URI's query parameters; the Router adds "address"
	// (InitialAddress) when it is missing. It is sent with every ROUTE.
	RoutingContext map[string]string
	// Resolver, when set, expands InitialAddress into the addresses to try
	// (for example a DNS name into its members). An empty answer means
	// InitialAddress itself.
	Resolver func(address string) []string
	// Fetch asks the router at address for a table. It is called without any
	// lock held and must honour ctx. Its error for a router that cannot answer
	// should be the connection or server error; see IsFatal.
	Fetch func(ctx context.Context, address string, req Request) (Table, error)
	// InUse reports how many connections to address are in use (least-connected
	// selection). nil = every server counts as idle.
	InUse func(address string) int
	// OnRemove is called (without locks held) after Forget removed a server,
	// and after a refresh left a server out of every held table, so the pool
	// can close its idle connections to it.
	OnRemove func(address string)
	// IsFatal reports Fetch errors that must stop discovery instead of trying
	// the next router (wrong database name, bad credentials, invalid bookmark).
	// nil = bolt.ServerError.IsFatalDuringDiscovery.
	IsFatal func(err error) bool
	// Now is the clock; nil = time.Now (tests pass a fake one).
	Now func() time.Time
	// PurgeAfter is how long an expired table is kept before it is dropped;
	// 0 = DefaultPurgeAfter.
	PurgeAfter time.Duration
}

// entry is one database's table plus its round-robin counters.
type entry struct {
	table Table
	rr    [2]uint64 // next start offset, by AccessMode
}

// homeEntry is a cached home-database resolution.
type homeEntry struct {
	db      string
	expires time.Time
}

// Router keeps routing tables and selects servers. It is safe for concurrent
// use.
type Router struct {
	cfg     Config
	routing map[string]string

	mu      sync.Mutex
	tables  map[string]*entry    // by database name
	home    map[string]homeEntry // by homeKey(auth key, impersonated user)
	flights map[string]*flight   // fetches under way, by flightKey
	// lastHome is the latest home-database resolution per homeKey, kept
	// for introspection (LastHome) only: Lookup uses home, which honours SSR.
	lastHome map[string]string
	closed   bool
}

// New returns a Router for cfg.
func New(cfg Config) (*Router, error) {
	if cfg.Fetch == nil {
		return nil, fmt.Errorf("%w: Config.Fetch is nil", ErrInvalidConfig)
	}
	if cfg.InitialAddress == "" {
		return nil, fmt.Errorf("%w: Config.InitialAddress is empty", ErrInvalidConfig)
	}
	if cfg.PurgeAfter < 0 {
		return nil, fmt.Errorf("%w: Config.PurgeAfter %s is negative", ErrInvalidConfig, cfg.PurgeAfter)
	}
	if cfg.PurgeAfter == 0 {
		cfg.PurgeAfter = DefaultPurgeAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IsFatal == nil {
		cfg.IsFatal = fatalDuringDiscovery
	}
	rc := maps.Clone(cfg.RoutingContext)
	if rc == nil {
		rc = map[string]string{}
	}
	if _, ok := rc["address"]; !ok {
		rc["address"] = cfg.InitialAddress
	}
	return &Router{
		cfg:     cfg,
		routing: rc,
		tables:  map[string]*entry{},
		home:    map[string]homeEntry{},
		flights: map[string]*flight{},

		lastHome: map[string]string{},
	}, nil
}

// fatalDuringDiscovery is the default Config.IsFatal.
func fatalDuringDiscovery(err error) bool {
	var se *bolt.ServerError
	return errors.As(err, &se) && se.IsFatalDuringDiscovery()
}

// Query describes a transaction that needs a server.
type Query struct {
	// Database is the database; "" = the home database of ImpersonatedUser, or
	// of the authenticated user when ImpersonatedUser is "".
	Database string
	// ImpersonatedUser is sent with ROUTE ("" = none).
	ImpersonatedUser string
	// Mode picks readers or writers.
	Mode AccessMode
	// Bookmarks go with a ROUTE this query causes. Callers that share a fetch
	// under way share the bookmarks of the one that started it.
	Bookmarks []string
	// BookmarksFunc, if set, replaces Bookmarks: it is called (with no lock
	// held) only when this query has to start a fetch, so a bookmark source
	// with side effects (a BookmarkManager's supplier) is asked once per
	// ROUTE, not for every lookup a fresh table answers. Its error ends the
	// lookup unchanged.
	BookmarksFunc func(ctx context.Context) ([]string, error)
	// AuthKey identifies the credentials of a session that authenticates as
	// someone else than the driver ("" = the driver's): home databases are
	// resolved and cached per AuthKey and ImpersonatedUser.
	AuthKey string
	// Auth is handed to Fetch in Request.Auth (e.g. the session's token).
	Auth any
}

// Select returns the server for a transaction on database db ("" = the home
// database of impUser, or of the authenticated user when impUser is "") in
// access mode mode, and the database name it resolved to. It fetches the table
// first when needed (bookmarks go with that ROUTE). Pass the resolved name on
// later calls of the same session.
func (r *Router) Select(ctx context.Context, db, impUser string, mode AccessMode, bookmarks []string) (addr, resolvedDB string, err error) {
	list, resolved, err := r.Candidates(ctx, db, impUser, mode, bookmarks)
	if err != nil {
		return "", resolved, err
	}
	return list[0], resolved, nil
}

// Candidates is Select returning every server that may serve the transaction,
// best first (least in use, round-robin among ties), so a caller can move to
// the next when one cannot be reached. The list is never empty without error.
func (r *Router) Candidates(ctx context.Context, db, impUser string, mode AccessMode, bookmarks []string) ([]string, string, error) {
	return r.Lookup(ctx, Query{Database: db, ImpersonatedUser: impUser, Mode: mode, Bookmarks: bookmarks})
}

// Lookup is the general form of Candidates: it returns the servers for q,
// best first, and the database name q.Database resolved to.
func (r *Router) Lookup(ctx context.Context, q Query) ([]string, string, error) {
	db, mode := q.Database, q.Mode
	if err := ctx.Err(); err != nil {
		return nil, db, fmt.Errorf("routing: selecting a %s server: %w", mode, err)
	}
	resolved := db
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, db, ErrClosed
	}
	now := r.cfg.Now()
	if db == "" {
		if h, ok := r.home[homeKey(q.AuthKey, q.ImpersonatedUser)]; ok && now.Before(h.expires) {
			resolved = h.db
		}
	}
	// resolved "" finds the default database's table of a pre-4.4 server.
	if e := r.tables[resolved]; e != nil && e.fresh(now, mode) {
		list, start := r.take(e, mode)
		r.mu.Unlock()
		return r.order(list, start), resolved, nil
	}
	if q.BookmarksFunc != nil && r.flights[flightKey(resolved, q)] == nil {
		r.mu.Unlock()
		bms, err := q.BookmarksFunc(ctx)
		if err != nil {
			return nil, db, err
		}
		q.Bookmarks, q.BookmarksFunc = bms, nil
		return r.Lookup(ctx, q) // the table or a fetch may have appeared meanwhile
	}
	f := r.joinLocked(ctx, resolved, q)
	r.mu.Unlock()

	t, err := r.await(ctx, f)
	if err != nil {
		return nil, resolved, err
	}
	if resolved == "" {
		resolved = t.Database
	}
	r.mu.Lock()
	var list []string
	var start uint64
	if e := r.tables[resolved]; e != nil {
		list, start = r.take(e, mode)
	} else {
		list = slices.Clone(t.members(mode))
	}
	r.mu.Unlock()
	if len(list) == 0 {
		return nil, resolved, fmt.Errorf("routing: no %s server for %s in the fresh table (%v): %w", mode, dbName(resolved), t, ErrNoServers)
	}
	return r.order(list, start), resolved, nil
}

// homeKey is the home-database cache key of a user.
func homeKey(authKey, impUser string) string { return authKey + "\x00" + impUser }

// fresh reports whether e can serve mode without a refresh.
func (e *entry) fresh(now time.Time, mode AccessMode) bool {
	return now.Before(e.table.Expires) && len(e.table.Routers) > 0 && len(e.table.members(mode)) > 0
}

// take copies e's members for mode and advances its round-robin counter. r.mu is held.
func (r *Router) take(e *entry, mode AccessMode) ([]string, uint64) {
	start := e.rr[mode]
	e.rr[mode]++
	return slices.Clone(e.table.members(mode)), start
}

// order rotates list by start and sorts it by connections in use, keeping the
// rotation among ties. No lock is held: InUse may take the pool's.
func (r *Router) order(list []string, start uint64) []string {
	n := uint64(len(list))
	if n == 0 {
		return list
	}
	out := make([]string, n)
	for i := range out {
		out[i] = list[(start+uint64(i))%n]
	}
	if r.cfg.InUse != nil && n > 1 {
		load := make(map[string]int, n)
		for _, a := range out {
			load[a] = r.cfg.InUse(a)
		}
		sort.SliceStable(out, func(i, j int) bool { return load[out[i]] < load[out[j]] })
	}
	return out
}

// Forget removes address from every table (after a connection error) and
// tells Config.OnRemove.
func (r *Router) Forget(address string) {
	r.mu.Lock()
	for _, e := range r.tables {
		e.table.Routers = without(e.table.Routers, address)
		e.table.Readers = without(e.table.Readers, address)
		e.table.Writers = without(e.table.Writers, address)
	}
	r.mu.Unlock()
	if r.cfg.OnRemove != nil {
		r.cfg.OnRemove(address)
	}
}

// ForgetWriter removes address from the writers of database db (after
// NotALeader or ForbiddenOnReadOnlyDatabase); db "" means every database.
// The server stays a reader and router.
func (r *Router) ForgetWriter(db, address string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, e := range r.tables {
		if db == "" || name == db {
			e.table.Writers = without(e.table.Writers, address)
		}
	}
}

// Table returns a copy of the table of database db, if one is held.
func (r *Router) Table(db string) (Table, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.tables[db]
	if !ok {
		return Table{}, false
	}
	return e.table.clone(), true
}

// Databases returns the names of the databases whose tables are held, sorted.
func (r *Router) Databases() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.tables))
}

// Servers returns every address in any held table, sorted and without
// duplicates (the pool may close connections to servers not listed).
func (r *Router) Servers() []string {
	r.mu.Lock()
	var out []string
	for _, e := range r.tables {
		out = append(out, e.table.Routers...)
		out = append(out, e.table.Readers...)
		out = append(out, e.table.Writers...)
	}
	r.mu.Unlock()
	slices.Sort(out)
	return slices.Compact(out)
}

// HomeDatabase returns the cached home database of impUser, if the cache holds
// a fresh one.
func (r *Router) HomeDatabase(impUser string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.home[homeKey("", impUser)]
	if !ok || !r.cfg.Now().Before(h.expires) {
		return "", false
	}
	return h.db, true
}

// Purge drops tables that have been expired for longer than
// Config.PurgeAfter (databases no longer used) and stale home-database
// resolutions. Completed fetches purge too, so calling it is optional.
func (r *Router) Purge() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.purgeLocked(r.cfg.Now())
}

func (r *Router) purgeLocked(now time.Time) {
	for name, e := range r.tables {
		if now.Sub(e.table.Expires) > r.cfg.PurgeAfter {
			delete(r.tables, name)
		}
	}
	for u, h := range r.home {
		if !now.Before(h.expires) {
			delete(r.home, u)
		}
	}
}

// ForceRefresh fetches the table of db ("" = home database of the
// authenticated user) now, even if the held one is fresh, and returns it. It
// shares a fetch already under way.
func (r *Router) ForceRefresh(ctx context.Context, db string) (Table, error) {
	return r.Refresh(ctx, Query{Database: db})
}

// Refresh is ForceRefresh for q: q.Database ("" = the home database of q's
// user), with q.Bookmarks, q.ImpersonatedUser and q.Auth going with the ROUTE.
// q.Mode is not used.
func (r *Router) Refresh(ctx context.Context, q Query) (Table, error) {
	db := q.Database
	if err := ctx.Err(); err != nil {
		return Table{}, fmt.Errorf("routing: refreshing %s: %w", dbName(db), err)
	}
	if q.BookmarksFunc != nil {
		bms, err := q.BookmarksFunc(ctx)
		if err != nil {
			return Table{}, err
		}
		q.Bookmarks, q.BookmarksFunc = bms, nil
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return Table{}, ErrClosed
	}
	f := r.joinLocked(ctx, db, q)
	r.mu.Unlock()
	t, err := r.await(ctx, f)
	if err != nil {
		return Table{}, err
	}
	return t.clone(), nil
}

// LastHome returns the database the latest fetch for the home database of
// the driver's own user (no session auth, no impersonation) resolved to,
// whether or not the server allows caching it (see HomeDatabase).
func (r *Router) LastHome() (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	db, ok := r.lastHome[homeKey("", "")]
	return db, ok
}

// Close cancels the fetches under way (their waiters get an error) and makes
// later Select, Candidates and ForceRefresh calls fail with ErrClosed. The
// tables stay readable. Safe to call more than once.
func (r *Router) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for _, f := range r.flights {
		f.cancel()
	}
}

// without returns list minus address (a new slice when something is removed).
func without(list []string, address string) []string {
	if !slices.Contains(list, address) {
		return list
	}
	return slices.DeleteFunc(slices.Clone(list), func(a string) bool { return a == address })
}

// dbName renders a database name for messages.
func dbName(db string) string {
	if db == "" {
		return "the home database"
	}
	return fmt.Sprintf("database %q", db)
}
