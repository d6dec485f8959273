package native

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

type fieldTracer struct {
	NopTracer
	mu       sync.Mutex
	starts   []QueryStartEvent
	ends     []QueryEndEvent
	txs      []TxEvent
	releases []context.Context
}

func (f *fieldTracer) QueryStart(_ context.Context, e QueryStartEvent) {
	f.mu.Lock()
	f.starts = append(f.starts, e)
	f.mu.Unlock()
}
func (f *fieldTracer) QueryEnd(_ context.Context, e QueryEndEvent) {
	f.mu.Lock()
	f.ends = append(f.ends, e)
	f.mu.Unlock()
}
func (f *fieldTracer) TxRollback(_ context.Context, e TxEvent) {
	f.mu.Lock()
	f.txs = append(f.txs, e)
	f.mu.Unlock()
}
func (f *fieldTracer) PoolRelease(ctx context.Context, _ PoolEvent) {
	f.mu.Lock()
	f.releases = append(f.releases, ctx)
	f.mu.Unlock()
}

type ctxKey struct{}

func TestTracerFieldsAndUnreadResultEnd(t *testing.T) {
	srv := peopleServer(t)
	tr := &fieldTracer{}
	d := newFakeDriver(t, srv, func(c *Config) { c.Tracer = tr })
	ctx := context.WithValue(context.Background(), ctxKey{}, "caller")
	s := d.NewSession(ctx, SessionConfig{DatabaseName: "neo4j", AccessMode: AccessModeRead})
	defer s.Close(ctx)
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	_, err = tx.Run(ctx, "MATCH (p) RETURN p", nil) // never read
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))

	tr.mu.Lock()
	defer tr.mu.Unlock()
	addr := srv.addr()
	require.Len(t, tr.starts, 1)
	require.Equal(t, addr, tr.starts[0].ServerAddress)
	require.Len(t, tr.ends, 1, "QueryEnd fires for a result closed unread by the rollback")
	e := tr.ends[0]
	require.Error(t, e.Err)
	require.Nil(t, e.Summary)
	require.Equal(t, "neo4j", e.Database)
	require.Equal(t, AccessModeRead, e.AccessMode)
	require.Equal(t, addr, e.ServerAddress)
	require.Len(t, tr.txs, 1)
	require.Positive(t, tr.txs[0].Duration)
	require.NotEmpty(t, tr.releases)
	require.Equal(t, "caller", tr.releases[len(tr.releases)-1].Value(ctxKey{}))

	for _, st := range d.Stats() {
		require.Equal(t, d.config.MaxConnectionPoolSize, st.MaxSize)
	}
}
