package native

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// A two-member "cluster" of scripted servers: a is router and writer, b reader.
func TestRoutingSendsReadsToReadersAndWritesToWriters(t *testing.T) {
	a, b := newFakeServer(t), newFakeServer(t)
	var routes atomic.Int32
	var writer atomic.Value
	writer.Store(a.addr())
	a.onRoute = func(_ int, routingCtx, extra map[string]any) map[string]any {
		routes.Add(1)
		require.Equal(t, "eu", routingCtx["region"])
		require.Equal(t, a.addr(), routingCtx["address"])
		return map[string]any{"ttl": int64(300), "db": "neo4j", "servers": []any{
			map[string]any{"role": "ROUTE", "addresses": []any{a.addr()}},
			map[string]any{"role": "READ", "addresses": []any{b.addr()}},
			map[string]any{"role": "WRITE", "addresses": []any{writer.Load().(string)}},
		}}
	}
	reply := func(name string) func(int, string, map[string]any, bool) runReply {
		return func(int, string, map[string]any, bool) runReply {
			return runReply{fields: []string{"server"}, records: [][]any{{name}}}
		}
	}
	a.onRun, b.onRun = reply("a"), reply("b")

	d, err := NewDriver("neo4j://"+a.addr()+"?region=eu", BasicAuth("neo4j", "pass", ""))
	require.NoError(t, err)
	ctx := context.Background()
	defer d.Close(ctx)
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)
	who := func(tx ManagedTransaction) (string, error) {
		res, err := tx.Run(ctx, "RETURN server", nil)
		rec, err := Single(ctx, res, err)
		if err != nil {
			return "", err
		}
		return rec.Values[0].(string), nil
	}
	got, err := ExecuteRead(ctx, s, who)
	require.NoError(t, err)
	require.Equal(t, "b", got)
	got, err = ExecuteWrite(ctx, s, who)
	require.NoError(t, err)
	require.Equal(t, "a", got)
	require.Equal(t, int32(1), routes.Load(), "one table for both")
	b.mu.Lock()
	require.Equal(t, "neo4j", b.begins[0]["db"], "the resolved home database is pinned")
	b.mu.Unlock()

	// NotALeader: the writer is forgotten, the table refreshed, the work retried.
	var failedOnce atomic.Bool
	a.onRun = func(int, string, map[string]any, bool) runReply {
		if failedOnce.CompareAndSwap(false, true) {
			writer.Store(b.addr())
			return runReply{fail: &failMsg{"Neo.ClientError.Cluster.NotALeader", "not a leader"}}
		}
		return runReply{fields: []string{"server"}, records: [][]any{{"a"}}}
	}
	got, err = ExecuteWrite(ctx, s, who)
	require.NoError(t, err)
	require.Equal(t, "b", got)
	require.Equal(t, int32(2), routes.Load())
}
