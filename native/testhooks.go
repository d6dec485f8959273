package native

import (
	"context"
	"fmt"

	"github.com/boltwire/neo4j/internal/routing"
	"github.com/boltwire/neo4j/internal/testhooks"
)

func init() {
	testhooks.GetRoutingTable = hookRoutingTable
	testhooks.ForceRoutingTableUpdate = hookForceRoutingTableUpdate
}

// clusterOf returns the routing-table holder of a driver created by NewDriver
// with a neo4j:// URI.
func clusterOf(drv any) (*routing.Router, error) {
	d, ok := drv.(*driver)
	if !ok {
		return nil, fmt.Errorf("routing table: %T is not a driver made by native.NewDriver", drv)
	}
	cr, ok := d.router.(*clusterRouter)
	if !ok {
		return nil, fmt.Errorf("routing table: driver for %s does not route (use a neo4j:// URI)", d.target.url.Redacted())
	}
	return cr.r, nil
}

func hookRoutingTable(drv any, database string) (testhooks.RoutingTable, bool, error) {
	r, err := clusterOf(drv)
	if err != nil {
		return testhooks.RoutingTable{}, false, err
	}
	if database == "" {
		// The resolved home database, or "" where a server that does not
		// name it left the table.
		database, _ = r.LastHome()
	}
	t, ok := r.Table(database)
	if !ok {
		return testhooks.RoutingTable{}, false, nil
	}
	return testhooks.RoutingTable{Database: database, TTL: t.TTL, Routers: t.Routers, Readers: t.Readers, Writers: t.Writers}, true, nil
}

func hookForceRoutingTableUpdate(ctx context.Context, drv any, database string, bookmarks []string) error {
	r, err := clusterOf(drv)
	if err != nil {
		return err
	}
	if _, err := r.Refresh(ctx, routing.Query{Database: database, Bookmarks: bookmarks}); err != nil {
		return convertErr(routingErr(err), "")
	}
	return nil
}
