package native

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func peopleServer(t *testing.T) *fakeServer {
	srv := newFakeServer(t)
	srv.onRun = func(_ int, q string, params map[string]any, _ bool) runReply {
		return runReply{fields: []string{"name", "age"}, records: [][]any{{"Alice", int64(30)}, {"Bob", int64(40)}, {"Carol", nil}}}
	}
	return srv
}

func TestAutoCommitRunStreamsAndChainsBookmarks(t *testing.T) {
	srv := peopleServer(t)
	ctx, s := fakeSession(t, srv, SessionConfig{FetchSize: 2})

	res, err := s.Run(ctx, "MATCH (p) RETURN p.name AS name, p.age AS age", map[string]any{"x": 1})
	require.NoError(t, err)
	keys, err := res.Keys()
	require.NoError(t, err)
	require.Equal(t, []string{"name", "age"}, keys)
	var names []string
	for res.Next(ctx) {
		var name string
		var age *int64
		require.NoError(t, res.Scan(&name, &age))
		names = append(names, name)
	}
	require.NoError(t, res.Err())
	require.Equal(t, []string{"Alice", "Bob", "Carol"}, names)
	require.False(t, res.IsOpen())
	sum, err := res.Consume(ctx)
	require.NoError(t, err)
	require.Equal(t, "neo4j", sum.Database().Name())
	require.Equal(t, StatementTypeReadWrite, sum.StatementType())
	require.Equal(t, "MATCH (p) RETURN p.name AS name, p.age AS age", sum.Query().Text())
	require.Equal(t, map[string]any{"x": int64(1)}, sum.Query().Parameters())
	require.Equal(t, time.Millisecond, sum.ResultAvailableAfter())
	first := s.LastBookmarks()
	require.Len(t, first, 1)

	// The next auto-commit transaction waits for the previous bookmark.
	res, err = s.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	srv.mu.Lock()
	extra := srv.runExtra[1]
	srv.mu.Unlock()
	require.Equal(t, []any{first[0]}, extra["bookmarks"])
	require.NotEqual(t, first, s.LastBookmarks())
	// PULL n = fetch size 2 → two PULLs for three records.
	require.Equal(t, 3, countMsgs(srv.messages(), "PULL"))
	require.Equal(t, int32(1), srv.accepted.Load(), "one connection, reused")
}

func TestResultHelpers(t *testing.T) {
	srv := peopleServer(t)
	ctx, s := fakeSession(t, srv, SessionConfig{})

	res, err := s.Run(ctx, "q", nil)
	require.NoError(t, err)
	var peeked *Record
	require.True(t, res.PeekRecord(ctx, &peeked))
	require.Equal(t, "Alice", peeked.Values[0])
	recs, err := res.Collect(ctx)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	v, ok := recs[1].Get("age")
	require.True(t, ok)
	require.Equal(t, int64(40), v)
	require.Equal(t, map[string]any{"name": "Carol", "age": nil}, recs[2].AsMap())

	res, err = s.Run(ctx, "q", nil)
	_, err = Single(ctx, res, err)
	require.ErrorContains(t, err, "more than one record")
	require.True(t, IsUsageError(err))

	res, err = s.Run(ctx, "q", nil)
	require.NoError(t, err)
	var seen []string
	for rec, err := range res.Records(ctx) {
		require.NoError(t, err)
		name, isNil, err := GetRecordValue[string](rec, "name")
		require.NoError(t, err)
		require.False(t, isNil)
		seen = append(seen, name)
	}
	require.Equal(t, []string{"Alice", "Bob", "Carol"}, seen)

	type person struct {
		Name string `db:"name"`
		Age  int
	}
	res, err = s.Run(ctx, "q", nil)
	require.NoError(t, err)
	people, err := CollectAs[person](ctx, res)
	require.NoError(t, err)
	require.Equal(t, []person{{"Alice", 30}, {"Bob", 40}, {"Carol", 0}}, people)

	srv.onRun = func(int, string, map[string]any, bool) runReply { return runReply{fields: []string{"n"}} }
	res, err = s.Run(ctx, "q", nil)
	_, err = Single(ctx, res, err)
	require.ErrorContains(t, err, "no records")
}

func TestUnconsumedAutoCommitResultIsBufferedByNextRun(t *testing.T) {
	srv := peopleServer(t)
	d := newFakeDriver(t, srv, func(c *Config) { c.MaxConnectionPoolSize = 1 })
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{FetchSize: 1})
	defer s.Close(ctx)
	r1, err := s.Run(ctx, "first", nil)
	require.NoError(t, err)
	require.True(t, r1.Next(ctx))
	r2, err := s.Run(ctx, "second", nil) // pool size 1: r1 must have released its connection
	require.NoError(t, err)
	rest, err := r1.Collect(ctx)
	require.NoError(t, err)
	require.Len(t, rest, 2)
	all, err := r2.Collect(ctx)
	require.NoError(t, err)
	require.Len(t, all, 3)
}

func TestExplicitTransactionCommitRollbackAndMisuse(t *testing.T) {
	srv := peopleServer(t)
	ctx, s := fakeSession(t, srv, SessionConfig{})

	tx, err := s.BeginTransaction(ctx, WithTxTimeout(1500*time.Microsecond), WithTxMetadata(map[string]any{"app": "t"}))
	require.NoError(t, err)
	_, err = s.Run(ctx, "nested", nil)
	require.ErrorContains(t, err, "open transaction")
	_, err = s.BeginTransaction(ctx)
	require.True(t, IsUsageError(err))

	// Two results open at once.
	r1, err := tx.Run(ctx, "a", nil)
	require.NoError(t, err)
	r2, err := tx.Run(ctx, "b", nil)
	require.NoError(t, err)
	recs2, err := r2.Collect(ctx)
	require.NoError(t, err)
	recs1, err := r1.Collect(ctx)
	require.NoError(t, err)
	require.Len(t, recs1, 3)
	require.Len(t, recs2, 3)
	require.NoError(t, tx.Commit(ctx))
	err = tx.Commit(ctx)
	require.ErrorContains(t, err, "already committed")
	require.ErrorContains(t, tx.Rollback(ctx), "already committed")
	require.NoError(t, tx.Close(ctx))
	require.Equal(t, Bookmarks{"bm:1"}, s.LastBookmarks())

	srv.mu.Lock()
	begin := srv.begins[0]
	srv.mu.Unlock()
	require.Equal(t, int64(2), begin["tx_timeout"], "timeout rounds up to whole milliseconds")
	require.Equal(t, map[string]any{"app": "t"}, begin["tx_metadata"])

	tx, err = s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx.Run(ctx, "c", nil)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	require.False(t, res.Next(ctx))
	require.ErrorContains(t, res.Err(), "rolled back")
	require.ErrorContains(t, tx.Commit(ctx), "already rolled back")
	require.Equal(t, Bookmarks{"bm:1"}, s.LastBookmarks(), "rollback keeps the bookmark")

	_, err = s.BeginTransaction(ctx, WithTxTimeout(-time.Second))
	require.True(t, IsUsageError(err))
}

func TestExecuteWriteIsTwoRoundTripsAndAutoCommitOne(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fields: []string{"id"}, records: [][]any{{int64(7)}}}
	}
	ctx, s := fakeSession(t, srv, SessionConfig{})
	work := func(tx ManagedTransaction) (int64, error) {
		res, err := tx.Run(ctx, "CREATE (n) RETURN 7 AS id", nil)
		rec, err := Single(ctx, res, err)
		if err != nil {
			return 0, err
		}
		id, _, err := GetRecordValue[int64](rec, "id")
		return id, err
	}
	_, err := ExecuteWrite(ctx, s, work) // warm-up: connects
	require.NoError(t, err)
	srv.batches.Store(0)
	id, err := ExecuteWrite(ctx, s, work)
	require.NoError(t, err)
	require.Equal(t, int64(7), id)
	require.Equal(t, int32(2), srv.batches.Load(), "BEGIN+RUN+PULL, then COMMIT")

	srv.batches.Store(0)
	res, err := s.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	require.Equal(t, int32(1), srv.batches.Load(), "RUN+PULL")
}

func TestSessionCloseIsIdempotentAndUseAfterCloseFails(t *testing.T) {
	srv := peopleServer(t)
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	_, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close(ctx))
	require.NoError(t, s.Close(ctx))
	_, err = s.Run(ctx, "x", nil)
	require.ErrorIs(t, err, ErrSessionClosed)
	require.Contains(t, srv.messages(), "ROLLBACK")
	waitFor(t, func() bool { return d.Stats()[0].InUse == 0 })
}

func TestConcurrentSessionUseIsAUsageError(t *testing.T) {
	srv := peopleServer(t)
	block := make(chan struct{})
	ctx, s := fakeSession(t, srv, SessionConfig{})
	started := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := s.ExecuteRead(ctx, func(tx ManagedTransaction) (any, error) {
			close(started)
			<-block
			return nil, nil
		})
		done <- err
	}()
	<-started
	_, err := s.Run(ctx, "x", nil)
	require.True(t, IsUsageError(err))
	require.ErrorContains(t, err, "another goroutine")
	close(block)
	require.NoError(t, <-done)
}

func TestParameterErrorsNameTheParameter(t *testing.T) {
	srv := peopleServer(t)
	ctx, s := fakeSession(t, srv, SessionConfig{})
	_, err := s.Run(ctx, "x", map[string]any{"bad": make(chan int)})
	require.True(t, IsUsageError(err))
	require.ErrorContains(t, err, `"bad"`)
	require.ErrorContains(t, err, "chan int")
	require.Equal(t, 0, srv.runCount())
}

func TestClosedDriver(t *testing.T) {
	srv := peopleServer(t)
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	require.NoError(t, d.VerifyConnectivity(ctx))
	require.NoError(t, d.Close(ctx))
	require.NoError(t, d.Close(ctx))
	s := d.NewSession(ctx, SessionConfig{})
	_, err := s.Run(ctx, "x", nil)
	require.ErrorIs(t, err, ErrDriverClosed)
	require.True(t, errors.Is(d.VerifyConnectivity(ctx), ErrDriverClosed))
	require.NoError(t, s.Close(ctx))
}
