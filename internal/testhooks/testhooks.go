// Package testhooks reaches into a native driver for test tooling (TestKit's
// backend) without widening package native's public API. Package native fills
// the function variables in its init; importing native is enough to use them.
package testhooks

import (
	"context"
	"time"
)

// RoutingTable is a snapshot of one database's routing table.
type RoutingTable struct {
	Database                  string        // the table's database; "" for a home database the server did not name
	TTL                       time.Duration // as the router sent it
	Routers, Readers, Writers []string      // host:port addresses per role, in the table's order
}

var (
	// GetRoutingTable returns driver's (a native.Driver) routing table for
	// database ("" = the home database it last resolved for its own user).
	// found is false when no such table is held; the error is for drivers
	// that do not route (bolt:// URIs) or are not native drivers.
	GetRoutingTable func(driver any, database string) (t RoutingTable, found bool, err error)
	// ForceRoutingTableUpdate makes driver fetch the routing table of
	// database ("" = home database) now, sending bookmarks with the ROUTE.
	ForceRoutingTableUpdate func(ctx context.Context, driver any, database string, bookmarks []string) error
)
