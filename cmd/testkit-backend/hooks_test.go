package main

import (
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/clock"
)

func TestDispatchFakeTime(t *testing.T) {
	defer clock.Uninstall()
	h := newHarness(t)
	h.call("FakeTimeTick", map[string]any{"incrementMs": 5}, "BackendError")
	h.call("FakeTimeInstall", map[string]any{}, "FakeTimeAck")
	t0 := clock.Now()
	h.call("FakeTimeTick", map[string]any{"incrementMs": 3_600_000}, "FakeTimeAck")
	if got := clock.Since(t0); got != time.Hour {
		t.Fatalf("clock advanced by %v, want 1h", got)
	}
	h.call("FakeTimeTick", map[string]any{"incrementMs": -1}, "BackendError")
	h.call("FakeTimeUninstall", map[string]any{}, "FakeTimeAck")
	if clock.Installed() != nil {
		t.Fatal("fake clock still installed")
	}
}

func TestDispatchRoutingTableHooksNeedNativeDriver(t *testing.T) {
	h := newHarness(t)
	d := h.call("NewDriver", map[string]any{"uri": "bolt://x:7687", "authorizationToken": basicAuth()}, "Driver")
	r := h.call("GetRoutingTable", map[string]any{"driverId": d.Data["id"], "database": nil}, "BackendError")
	if !strings.Contains(r.Data["msg"].(string), "not a driver made by native.NewDriver") {
		t.Fatalf("msg = %v", r.Data["msg"])
	}
	h.call("ForcedRoutingTableUpdate", map[string]any{"driverId": d.Data["id"], "database": "adb"}, "BackendError")
	h.call("GetRoutingTable", map[string]any{"driverId": "404"}, "BackendError")
}
