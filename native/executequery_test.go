package native

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestExecuteQueryChainsBookmarksAndRoutes(t *testing.T) {
	srv := peopleServer(t)
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	res, err := ExecuteQuery(ctx, d, "MATCH (p) RETURN p.name AS name, p.age AS age", nil, EagerResultTransformer,
		ExecuteQueryWithDatabase("people"), ExecuteQueryWithTransactionConfig(WithTxTimeout(time.Second)))
	require.NoError(t, err)
	require.Equal(t, []string{"name", "age"}, res.Keys)
	require.Len(t, res.Records, 3)
	require.Equal(t, "neo4j", res.Summary.Database().Name())
	first, err := d.ExecuteQueryBookmarkManager().GetBookmarks(ctx)
	require.NoError(t, err)
	require.Len(t, first, 1)

	_, err = ExecuteQuery(ctx, d, "RETURN 1", nil, EagerResultTransformer, ExecuteQueryWithReadersRouting())
	require.NoError(t, err)
	_, err = ExecuteQuery(ctx, d, "RETURN 1", nil, EagerResultTransformer, ExecuteQueryWithoutBookmarkManager())
	require.NoError(t, err)
	srv.mu.Lock()
	begins := append([]map[string]any(nil), srv.begins...)
	srv.mu.Unlock()
	require.Len(t, begins, 3)
	require.Equal(t, "people", begins[0]["db"])
	require.Equal(t, int64(1000), begins[0]["tx_timeout"])
	require.Nil(t, begins[0]["mode"], "writers by default")
	require.Equal(t, "r", begins[1]["mode"])
	require.Equal(t, []any{first[0]}, begins[1]["bookmarks"], "chained through the driver's manager")
	require.Nil(t, begins[2]["bookmarks"], "no manager: no bookmarks")

	_, err = ExecuteQuery[*EagerResult](ctx, nil, "RETURN 1", nil, EagerResultTransformer)
	require.True(t, IsUsageError(err))
	_, err = ExecuteQuery[*EagerResult](ctx, d, "RETURN 1", nil, nil)
	require.True(t, IsUsageError(err))
}

type recordingTracer struct {
	mu     sync.Mutex
	events []string
}

func (r *recordingTracer) add(e string) { r.mu.Lock(); r.events = append(r.events, e); r.mu.Unlock() }

func (r *recordingTracer) QueryStart(context.Context, QueryStartEvent) { r.add("query-start") }
func (r *recordingTracer) QueryEnd(_ context.Context, e QueryEndEvent) {
	if e.Summary != nil {
		r.add("query-end")
	} else {
		r.add("query-fail")
	}
}
func (r *recordingTracer) TxBegin(context.Context, TxEvent)          { r.add("tx-begin") }
func (r *recordingTracer) TxCommit(context.Context, TxEvent)         { r.add("tx-commit") }
func (r *recordingTracer) TxRollback(context.Context, TxEvent)       { r.add("tx-rollback") }
func (r *recordingTracer) Retry(context.Context, RetryEvent)         { r.add("retry") }
func (r *recordingTracer) PoolAcquire(context.Context, PoolEvent)    { r.add("acquire") }
func (r *recordingTracer) PoolRelease(context.Context, PoolEvent)    { r.add("release") }
func (r *recordingTracer) Connect(_ context.Context, e ConnectEvent) { r.add("connect") }

func TestTracerSeesTheLifecycle(t *testing.T) {
	srv := peopleServer(t)
	tr := &recordingTracer{}
	d := newFakeDriver(t, srv, func(c *Config) { c.Tracer = tr })
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	_, err := s.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "q", nil)
		if err != nil {
			return nil, err
		}
		return res.Consume(ctx)
	})
	require.NoError(t, err)
	require.NoError(t, s.Close(ctx))
	require.Equal(t, []string{"connect", "acquire", "tx-begin", "query-start", "query-end", "tx-commit", "release"}, tr.events)
}
