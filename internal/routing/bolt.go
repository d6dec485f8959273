package routing

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/boltwire/neo4j/bolt"
)

// BoltRequest converts req into the input of bolt.Conn.Route.
func BoltRequest(req Request) bolt.RouteRequest {
	return bolt.RouteRequest{
		Routing:          maps.Clone(req.RoutingContext),
		Bookmarks:        slices.Clone(req.Bookmarks),
		Database:         req.Database,
		ImpersonatedUser: req.ImpersonatedUser,
	}
}

// FromBolt converts a ROUTE answer; ssr is the answering connection's
// ssr.enabled hint (bolt.Conn.Hints().SSR).
func FromBolt(rt bolt.RoutingTable, ssr bool) Table {
	return Table{
		Database: rt.Database,
		TTL:      rt.TTL,
		Routers:  slices.Clone(rt.Routers),
		Readers:  slices.Clone(rt.Readers),
		Writers:  slices.Clone(rt.Writers),
		SSR:      ssr,
	}
}

// BoltFetch returns a Config.Fetch that borrows a connection to the router
// with acquire (auth is Request.Auth: nil = the driver's credentials), sends
// ROUTE on it and hands it back with release (err is the Route error, nil on
// success, so the pool can drop a broken connection).
func BoltFetch(acquire func(ctx context.Context, address string, auth any) (*bolt.Conn, error), release func(c *bolt.Conn, err error)) func(context.Context, string, Request) (Table, error) {
	return func(ctx context.Context, address string, req Request) (Table, error) {
		c, err := acquire(ctx, address, req.Auth)
		if err != nil {
			return Table{}, err
		}
		rt, err := c.Route(ctx, BoltRequest(req))
		release(c, err)
		if err != nil {
			return Table{}, fmt.Errorf("ROUTE on %s: %w", address, err)
		}
		return FromBolt(rt, c.Hints().SSR), nil
	}
}
