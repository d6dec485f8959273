package main

import (
	"encoding/json"
	"time"

	"github.com/boltwire/neo4j/internal/clock"
	"github.com/boltwire/neo4j/internal/testhooks"
)

// Backend hooks: driver internals TestKit inspects or drives directly
// (Backend:RTFetch, Backend:RTForceUpdate, Backend:MockTime). They go through
// internal/testhooks and internal/clock, not package native's public API.

type routingTableReq struct {
	DriverID  string   `json:"driverId"`
	Database  string   `json:"database"`  // null = home database
	Bookmarks []string `json:"bookmarks"` // ForcedRoutingTableUpdate only
}

// routingTableDriver decodes a routing-table request and finds its driver.
func routingTableDriver(b *backend, raw json.RawMessage) (routingTableReq, *driverEntry, error) {
	req, err := decodeData[routingTableReq](raw)
	if err != nil {
		return req, nil, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	return req, d, err
}

func handleGetRoutingTable(b *backend, raw json.RawMessage) (response, error) {
	req, d, err := routingTableDriver(b, raw)
	if err != nil {
		return response{}, err
	}
	rt, found, err := testhooks.GetRoutingTable(d.driver, req.Database)
	if err != nil {
		return response{}, &backendError{err: err}
	}
	if !found { // no table held (yet): empty lists, as for a table just purged
		rt = testhooks.RoutingTable{Database: req.Database}
	}
	var db any = rt.Database
	if rt.Database == "" {
		db = nil
	}
	return response{"RoutingTable", map[string]any{
		"database": db,
		"ttl":      int64(rt.TTL / time.Second),
		"routers":  nonNil(rt.Routers),
		"readers":  nonNil(rt.Readers),
		"writers":  nonNil(rt.Writers),
	}}, nil
}

func handleForcedRoutingTableUpdate(b *backend, raw json.RawMessage) (response, error) {
	req, d, err := routingTableDriver(b, raw)
	if err != nil {
		return response{}, err
	}
	if _, _, err := testhooks.GetRoutingTable(d.driver, ""); err != nil {
		return response{}, &backendError{err: err} // not a routing driver
	}
	if err := testhooks.ForceRoutingTableUpdate(b.ctx, d.driver, req.Database, req.Bookmarks); err != nil {
		return response{}, err // the driver's error, reported as DriverError
	}
	return response{"Driver", map[string]any{"id": req.DriverID}}, nil
}

// nonNil makes an absent address list an empty JSON array.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func handleFakeTimeInstall(b *backend, raw json.RawMessage) (response, error) {
	clock.Install()
	return response{"FakeTimeAck", nil}, nil
}

type fakeTimeTickReq struct {
	IncrementMs int64 `json:"incrementMs"`
}

func handleFakeTimeTick(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[fakeTimeTickReq](raw)
	if err != nil {
		return response{}, err
	}
	f := clock.Installed()
	if f == nil {
		return response{}, backendErrorf("FakeTimeTick without FakeTimeInstall")
	}
	if req.IncrementMs < 0 {
		return response{}, backendErrorf("FakeTimeTick: incrementMs %d is negative", req.IncrementMs)
	}
	f.Advance(ms(req.IncrementMs))
	return response{"FakeTimeAck", nil}, nil
}

func handleFakeTimeUninstall(b *backend, raw json.RawMessage) (response, error) {
	clock.Uninstall()
	return response{"FakeTimeAck", nil}, nil
}
