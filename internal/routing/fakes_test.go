package routing

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	iclock "github.com/boltwire/neo4j/internal/clock"
	"github.com/stretchr/testify/require"
)

// clock is a fake clock that moves only when told.
type clock = iclock.Fake

func newClock() *clock { return iclock.NewFake(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)) }

// call is one recorded Fetch.
type call struct {
	addr string
	req  Request
}

// fakeNet answers Fetch from per-address handlers and records every call.
type fakeNet struct {
	mu       sync.Mutex
	handlers map[string]func(ctx context.Context, req Request) (Table, error)
	calls    []call
}

var errRefused = errors.New("connection refused")

func newFakeNet() *fakeNet {
	return &fakeNet{handlers: map[string]func(context.Context, Request) (Table, error){}}
}

// answer makes addr answer with t (for every database).
func (n *fakeNet) answer(addr string, t Table) {
	n.handle(addr, func(context.Context, Request) (Table, error) { return t, nil })
}

// fail makes addr fail with err.
func (n *fakeNet) fail(addr string, err error) {
	n.handle(addr, func(context.Context, Request) (Table, error) { return Table{}, err })
}

func (n *fakeNet) handle(addr string, h func(context.Context, Request) (Table, error)) {
	n.mu.Lock()
	n.handlers[addr] = h
	n.mu.Unlock()
}

func (n *fakeNet) Fetch(ctx context.Context, addr string, req Request) (Table, error) {
	n.mu.Lock()
	n.calls = append(n.calls, call{addr, req})
	h := n.handlers[addr]
	n.mu.Unlock()
	if h == nil {
		return Table{}, fmt.Errorf("dial %s: %w", addr, errRefused)
	}
	return h(ctx, req)
}

// addrs returns the addresses Fetch was called with, in order.
func (n *fakeNet) addrs() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := []string{}
	for _, c := range n.calls {
		out = append(out, c.addr)
	}
	return out
}

func (n *fakeNet) lastReq() Request {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls[len(n.calls)-1].req
}

func (n *fakeNet) count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.calls)
}

// newTestRouter builds a Router on n with a fake clock; mod adjusts the config.
func newTestRouter(t *testing.T, n *fakeNet, c *clock, mod func(*Config)) *Router {
	t.Helper()
	cfg := Config{InitialAddress: "seed:7687", Fetch: n.Fetch, Now: c.Now}
	if mod != nil {
		mod(&cfg)
	}
	r, err := New(cfg)
	require.NoError(t, err)
	return r
}

// table is shorthand for a table with a 5 minute TTL.
func table(db string, routers, readers, writers []string) Table {
	return Table{Database: db, TTL: 5 * time.Minute, Routers: routers, Readers: readers, Writers: writers}
}

func l(s ...string) []string { return s }
