package routing

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// flight is one table fetch shared by every caller that needs it.
type flight struct {
	key     string
	done    chan struct{} // closed when table/err are set
	table   Table
	err     error
	waiters int                // callers still waiting; r.mu guards it
	cancel  context.CancelFunc // stops the fetch when every waiter gave up
}

// flightKey names the fetch of db's table, or (db "") of the home database
// of q's user.
func flightKey(db string, q Query) string {
	if db == "" {
		return "home\x00" + homeKey(q.AuthKey, q.ImpersonatedUser)
	}
	return "db\x00" + db
}

// joinLocked returns the fetch under way for db (or q's home database when db
// is ""), starting one when there is none, and counts the caller as a waiter.
// r.mu is held.
//
// The fetch runs in its own goroutine under a context that keeps ctx's values
// but not its cancellation: it ends when every waiter has stopped waiting, not
// when the first caller's context does.
func (r *Router) joinLocked(ctx context.Context, db string, q Query) *flight {
	key := flightKey(db, q)
	if f, ok := r.flights[key]; ok {
		f.waiters++
		return f
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &flight{key: key, done: make(chan struct{}), waiters: 1, cancel: cancel}
	r.flights[key] = f
	req := Request{
		Database:         db,
		ImpersonatedUser: q.ImpersonatedUser,
		Bookmarks:        slices.Clone(q.Bookmarks),
		RoutingContext:   r.routing,
		Auth:             q.Auth,
	}
	go r.run(fctx, f, req, homeKey(q.AuthKey, q.ImpersonatedUser))
	return f
}

// await waits for f or for ctx, whichever ends first. A caller that gives up
// stops counting as a waiter; the last one to leave cancels the fetch and
// unregisters it, so later callers start a new one instead of inheriting the
// cancellation.
func (r *Router) await(ctx context.Context, f *flight) (Table, error) {
	select {
	case <-f.done:
		return f.table, f.err
	case <-ctx.Done():
	}
	r.mu.Lock()
	f.waiters--
	if f.waiters == 0 {
		select {
		case <-f.done:
		default:
			f.cancel()
			if r.flights[f.key] == f {
				delete(r.flights, f.key)
			}
		}
	}
	r.mu.Unlock()
	return Table{}, fmt.Errorf("routing: waiting for the routing table: %w", ctx.Err())
}

// run performs f's fetch, stores the table and wakes the waiters.
func (r *Router) run(ctx context.Context, f *flight, req Request, home string) {
	defer f.cancel()
	t, err := r.discover(ctx, req)

	r.mu.Lock()
	now := r.cfg.Now()
	var before map[string]bool
	if err == nil && r.cfg.OnRemove != nil {
		before = r.serversLocked()
	}
	if err == nil {
		if t.TTL < 0 {
			t.TTL = 0
		}
		t.Expires = now.Add(t.TTL)
		name := req.Database
		if name == "" {
			name = t.Database
		} else {
			t.Database = name
		}
		// name "" keeps the table of the default database of a server that does not
		// name it (Bolt before 4.4: routing procedure or 4.3 ROUTE).
		e := r.tables[name]
		if e == nil {
			e = &entry{}
			r.tables[name] = e
		}
		e.table = t.clone()
		if req.Database == "" && name != "" {
			r.lastHome[home] = name
		}
		if req.Database == "" && name != "" && t.SSR {
			r.home[home] = homeEntry{db: name, expires: t.Expires}
		}
	}
	f.table, f.err = t, err
	if r.flights[f.key] == f {
		delete(r.flights, f.key)
	}
	r.purgeLocked(now)
	var gone []string
	if before != nil {
		after := r.serversLocked()
		for a := range before {
			if !after[a] {
				gone = append(gone, a)
			}
		}
		slices.Sort(gone)
	}
	r.mu.Unlock()
	// Servers no table names any more (they left the cluster): the pool may
	// close its idle connections to them. Told before the waiters wake, so a
	// caller that gets the new table never finds a stale idle connection.
	for _, a := range gone {
		r.cfg.OnRemove(a)
	}
	close(f.done)
}

// serversLocked returns the set of addresses named by any held table. r.mu is
// held.
func (r *Router) serversLocked() map[string]bool {
	out := map[string]bool{}
	for _, e := range r.tables {
		for _, l := range [][]string{e.table.Routers, e.table.Readers, e.table.Writers} {
			for _, a := range l {
				out[a] = true
			}
		}
	}
	return out
}

// discover asks routers for req's table: first the routers of the table held
// for that database, then the routers of the other tables, then the initial
// address (through the resolver). A router that fails is dropped from the
// database's table and the next one is asked; a fatal error (IsFatal) or the
// end of ctx stops at once.
func (r *Router) discover(ctx context.Context, req Request) (Table, error) {
	var attempts []Attempt
	tried := map[string]bool{}
	for _, addr := range r.routerOrder(req.Database) {
		if tried[addr] {
			continue
		}
		tried[addr] = true
		t, err := r.cfg.Fetch(ctx, addr, req)
		if err == nil && len(t.Routers) == 0 {
			err = fmt.Errorf("router %s answered a table without routers (%v)", addr, t)
		} else if err == nil && len(t.Readers) == 0 {
			// Without readers the cluster is not ready (or this router is
			// cut off from it): ask the next router.
			err = fmt.Errorf("router %s answered a table without readers (%v)", addr, t)
		}
		if err == nil {
			return t, nil
		}
		if ctx.Err() != nil {
			return Table{}, fmt.Errorf("routing: fetching the table for %s from %s: %w", dbName(req.Database), addr, errors.Join(ctx.Err(), err))
		}
		if r.cfg.IsFatal(err) {
			return Table{}, fmt.Errorf("routing: router %s refused the table for %s: %w", addr, dbName(req.Database), err)
		}
		attempts = append(attempts, Attempt{Address: addr, Err: err})
		r.dropRouter(req.Database, addr)
	}
	return Table{}, &DiscoveryError{Database: req.Database, Attempts: attempts}
}

// routerOrder lists the routers to try for db, best first (may repeat).
func (r *Router) routerOrder(db string) []string {
	r.mu.Lock()
	var out []string
	if e := r.tables[db]; e != nil {
		out = append(out, e.table.Routers...)
	}
	names := make([]string, 0, len(r.tables))
	for name := range r.tables {
		if name != db {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		out = append(out, r.tables[name].table.Routers...)
	}
	r.mu.Unlock()
	// The resolver is user code: call it without the lock.
	if r.cfg.Resolver != nil {
		if seeds := r.cfg.Resolver(r.cfg.InitialAddress); len(seeds) > 0 {
			return append(out, seeds...)
		}
	}
	return append(out, r.cfg.InitialAddress)
}

// dropRouter removes a router that could not answer from db's table.
func (r *Router) dropRouter(db, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.tables[db]; e != nil {
		e.table.Routers = without(e.table.Routers, addr)
	}
}
