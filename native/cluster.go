package native

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/internal/clock"
	"github.com/boltwire/neo4j/internal/routing"
)

// clusterRouter serves neo4j:// URIs: routing tables per database (package
// internal/routing), fetched with ROUTE over this driver's pooled connections.
type clusterRouter struct {
	r      *routing.Router
	closed atomic.Bool // close was called: fetches it cancelled end in ErrDriverClosed
}

func newClusterRouter(d *driver) (*clusterRouter, error) {
	r, err := routing.New(routing.Config{
		InitialAddress: d.target.address,
		RoutingContext: d.target.routingContext,
		Resolver:       d.config.AddressResolver,
		Fetch:          d.fetchRoutingTable,
		Now:            clock.Now,
		InUse: func(address string) int {
			d.mu.Lock()
			p := d.pools[address]
			d.mu.Unlock()
			if p == nil {
				return 0
			}
			return p.stats().InUse
		},
		OnRemove: func(address string) {
			d.mu.Lock()
			p := d.pools[address]
			d.mu.Unlock()
			if p != nil {
				p.purgeIdle()
			}
		},
	})
	if err != nil {
		return nil, err
	}
	return &clusterRouter{r: r}, nil
}

// fetchRoutingTable sends ROUTE to address on a pooled connection,
// authenticated as the session that caused the fetch (req.Auth, an
// *AuthToken) or as the driver. With Config.HostResolver, a host that
// resolves to several addresses is asked at each in turn until one answers
// (routeFromOtherAddresses).
func (d *driver) fetchRoutingTable(ctx context.Context, address string, req routing.Request) (routing.Table, error) {
	cfg := SessionConfig{}
	if tok, ok := req.Auth.(*AuthToken); ok && tok != nil {
		cfg.Auth = tok
	}
	s := newSession(d, cfg)
	if d.config.HostResolver == nil {
		t, _, err := s.routeFrom(ctx, address, req)
		return t, err
	}
	dialled := &resolvedDial{reached: -1}
	t, via, err := s.routeFrom(context.WithValue(ctx, resolvedDialKey{}, dialled), address, req)
	if err != nil {
		return s.routeFromOtherAddresses(ctx, address, req, dialled, via, err)
	}
	return t, nil
}

// routeFrom sends ROUTE to address on a pooled connection; via is the address
// the last connection used was dialled with ("" = none could be had).
func (s *session) routeFrom(ctx context.Context, address string, req routing.Request) (t routing.Table, via string, err error) {
	for attempt := 0; ; attempt++ {
		bc, err := s.acquireFrom(ctx, address)
		if err != nil {
			return routing.Table{}, via, err
		}
		reused := bc.reused
		via = bc.Conn.Address()
		t, err := s.routeOn(ctx, bc, address, req)
		if err == nil {
			return t, via, nil
		}
		// A pooled connection the server closed while it sat idle (the
		// router restarted) fails at its first use; that says nothing about
		// the router. Ask once more on a new connection (releaseConn
		// dropped the idle ones).
		if !reused || attempt > 0 || !IsConnectivityError(err) || callerDone(ctx) {
			return routing.Table{}, via, err
		}
	}
}

// routeOn sends ROUTE over bc, a connection to address, and releases it.
func (s *session) routeOn(ctx context.Context, bc *bconn, address string, req routing.Request) (routing.Table, error) {
	rt, err := bc.Route(ctx, routing.BoltRequest(req))
	err = convertErr(err, address)
	s.noteError(ctx, bc, err)
	ssr := bc.Hints().SSR
	s.releaseConn(bc, err)
	if err != nil {
		return routing.Table{}, err
	}
	return routing.FromBolt(rt, ssr), nil
}

func (c *clusterRouter) addresses(ctx context.Context, req routeRequest) ([]string, string, error) {
	mode := routing.Write
	if req.mode == AccessModeRead {
		mode = routing.Read
	}
	q := routing.Query{Database: req.database, ImpersonatedUser: req.impersonatedUser, Mode: mode}
	var bmErr error // the bookmark source's own error, returned as it is
	if req.bookmarks != nil {
		q.BookmarksFunc = func(ctx context.Context) ([]string, error) {
			b, err := req.bookmarks(ctx)
			bmErr = err
			return b, err
		}
	}
	if req.auth != nil {
		q.AuthKey = req.auth.Scheme() + "\x00" + req.auth.Principal() + "\x00" + req.auth.Realm()
		q.Auth = req.auth
	}
	list, db, err := c.r.Lookup(ctx, q)
	if bmErr != nil {
		return nil, db, bmErr
	}
	if err != nil {
		if c.closed.Load() && ctx.Err() == nil && errors.Is(err, context.Canceled) {
			err = routing.ErrClosed // the driver's Close cancelled the fetch, not the caller
		}
		return nil, db, routingErr(err)
	}
	return list, db, nil
}

// routingErr gives routing failures this package's error types: server errors
// stay *Neo4jError, the rest become *ConnectivityError (retryable, like any
// failure to reach a suitable server).
func routingErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, routing.ErrClosed) {
		return &UsageError{Message: "routing", Err: ErrDriverClosed}
	}
	var nerr *Neo4jError
	var se *bolt.ServerError
	if errors.As(err, &nerr) || errors.As(err, &se) {
		return convertErr(err, "")
	}
	if IsUsageError(err) {
		return err
	}
	return &ConnectivityError{Inner: err}
}

func (c *clusterRouter) forgetServer(address string)           { c.r.Forget(address) }
func (c *clusterRouter) forgetWriter(address, database string) { c.r.ForgetWriter(database, address) }
func (c *clusterRouter) close() {
	c.closed.Store(true)
	c.r.Close()
}
