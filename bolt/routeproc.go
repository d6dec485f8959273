package bolt

import (
	"context"
	"strconv"
)

// Routing procedures of the versions without ROUTE: 4.0–4.2 ask the system database
// for the table of a database (null = the default one); 3.0 knows one database only.
const (
	routeProc4 = "CALL dbms.routing.getRoutingTable($context, $database)"
	routeProc3 = "CALL dbms.cluster.routing.getRoutingTable($context)"
)

// routeByProcedure fetches the routing table with the routing procedure (Bolt 3.0–4.2):
// an auto-commit read RUN, all records pulled, one record with the fields ttl and
// servers (the same shapes as ROUTE's rt). The table's Database is the one asked for
// ("" for the default database: these versions do not name it).
func (c *Conn) routeByProcedure(ctx context.Context, rr RouteRequest) (RoutingTable, error) {
	routing := rr.Routing
	if routing == nil {
		routing = c.routing
	}
	if routing == nil {
		routing = map[string]string{}
	}
	ctxParam := make(map[string]any, len(routing))
	for k, v := range routing {
		ctxParam[k] = v
	}
	query, params := routeProc4, map[string]any{"context": ctxParam}
	tx := &TxConfig{Mode: Read, Bookmarks: rr.Bookmarks}
	if c.version.Has(FeatureDatabase) {
		tx.Database = "system"
		if rr.Database != "" {
			params["database"] = rr.Database
		} else {
			params["database"] = nil
		}
	} else {
		if rr.Database != "" {
			if err := c.need(FeatureDatabase, "database "+strconv.Quote(rr.Database)); err != nil {
				return RoutingTable{}, err
			}
		}
		query = routeProc3
		tx.Bookmarks = nil // 3.0 has one database: the table does not depend on them
	}
	s, err := c.Run(ctx, query, params, tx, -1)
	if err != nil {
		return RoutingTable{}, err
	}
	var rows [][]any
	for {
		rec, err := s.Next(ctx)
		if err != nil {
			return RoutingTable{}, err
		}
		if rec == nil {
			break
		}
		rows = append(rows, rec)
	}
	if len(rows) != 1 {
		return RoutingTable{}, protocolErrorf("routing procedure returned %d records, want 1 (ttl, servers)", len(rows))
	}
	rt := map[string]any{}
	for i, k := range s.Keys() {
		if i < len(rows[0]) {
			rt[k] = rows[0][i]
		}
	}
	table, err := parseRT(rt, "routing procedure record")
	if err != nil {
		return RoutingTable{}, err
	}
	table.Database = rr.Database
	return table, nil
}
