package routing

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestConcurrentCallersShareOneFetch(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	n, c := newFakeNet(), newClock()
	release := make(chan struct{})
	var started atomic.Int32
	n.handle("seed:7687", func(context.Context, Request) (Table, error) {
		started.Add(1)
		<-release
		return table("neo4j", l("seed:7687"), l("a:1", "b:1"), l("w:1")), nil
	})
	r := newTestRouter(t, n, c, nil)

	const callers = 64
	var wg sync.WaitGroup
	results := make(chan string, callers)
	errs := make(chan error, callers)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addr, _, err := r.Select(bg, "neo4j", "", Read, nil)
			if err != nil {
				errs <- err
				return
			}
			results <- addr
		}()
	}
	require.Eventually(t, func() bool { return started.Load() == 1 }, 5*time.Second, time.Millisecond)
	// Give the other callers time to arrive while the fetch is blocked.
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got := map[string]int{}
	for a := range results {
		got[a]++
	}
	require.Equal(t, 1, n.count(), "64 callers, one ROUTE")
	require.Equal(t, callers, got["a:1"]+got["b:1"])
	require.InDelta(t, callers/2, got["a:1"], 1, "round robin spreads the callers: %v", got)
}

func TestWaiterContextCancellation(t *testing.T) {
	n, c := newFakeNet(), newClock()
	release := make(chan struct{})
	fetchCtx := make(chan context.Context, 1)
	n.handle("seed:7687", func(ctx context.Context, _ Request) (Table, error) {
		fetchCtx <- ctx
		select {
		case <-release:
			return table("neo4j", l("seed:7687"), l("a:1"), l("w:1")), nil
		case <-ctx.Done():
			return Table{}, ctx.Err()
		}
	})
	r := newTestRouter(t, n, c, nil)

	// Caller A starts the fetch and gives up; caller B keeps waiting.
	ctxA, cancelA := context.WithCancel(bg)
	errA := make(chan error, 1)
	go func() { _, _, err := r.Select(ctxA, "neo4j", "", Read, nil); errA <- err }()
	fctx := <-fetchCtx
	bDone := make(chan error, 1)
	go func() { _, _, err := r.Select(bg, "neo4j", "", Read, nil); bDone <- err }()
	require.Eventually(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		f := r.flights[flightKey("neo4j", Query{})]
		return f != nil && f.waiters == 2
	}, 5*time.Second, time.Millisecond)

	cancelA()
	select {
	case err := <-errA:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled waiter must return at once")
	}
	require.NoError(t, fctx.Err(), "the fetch goes on while another caller waits")

	close(release)
	require.NoError(t, <-bDone)
	require.Equal(t, 1, n.count())
}

func TestLastWaiterLeavingCancelsFetch(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	n, c := newFakeNet(), newClock()
	fetchCtx := make(chan context.Context, 2)
	n.handle("seed:7687", func(ctx context.Context, _ Request) (Table, error) {
		fetchCtx <- ctx
		<-ctx.Done()
		return Table{}, ctx.Err()
	})
	r := newTestRouter(t, n, c, nil)

	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := r.Select(ctx, "neo4j", "", Write, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
	fctx := <-fetchCtx
	select {
	case <-fctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the fetch must be cancelled once nobody waits for it")
	}

	// A later caller starts a new fetch instead of inheriting the cancelled one.
	n.answer("seed:7687", table("neo4j", l("seed:7687"), l("a:1"), l("w:1")))
	addr, _, err := r.Select(bg, "neo4j", "", Write, nil)
	require.NoError(t, err)
	require.Equal(t, "w:1", addr)
}

func TestFetchIsCalledWithoutLock(t *testing.T) {
	n, c := newFakeNet(), newClock()
	var r *Router
	n.handle("seed:7687", func(context.Context, Request) (Table, error) {
		// Re-entering the Router from Fetch (as a pool callback would) must not deadlock.
		r.Forget("gone:1")
		_, _ = r.Table("neo4j")
		return table("neo4j", l("seed:7687"), l("a:1"), l("w:1")), nil
	})
	r = newTestRouter(t, n, c, func(cfg *Config) {
		cfg.InUse = func(string) int { _ = r.Servers(); return 0 }
		cfg.OnRemove = func(string) { _ = r.Databases() }
	})
	done := make(chan error, 1)
	go func() { _, _, err := r.Select(bg, "neo4j", "", Read, nil); done <- err }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("deadlock: a callback ran under the router's lock")
	}
}

func TestCloseCancelsFetchesAndRefusesCallers(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	n, c := newFakeNet(), newClock()
	n.handle("seed:7687", func(ctx context.Context, _ Request) (Table, error) {
		<-ctx.Done()
		return Table{}, ctx.Err()
	})
	r := newTestRouter(t, n, c, nil)
	done := make(chan error, 1)
	go func() { _, _, err := r.Select(bg, "neo4j", "", Read, nil); done <- err }()
	require.Eventually(t, func() bool { return n.count() == 1 }, 5*time.Second, time.Millisecond)
	r.Close()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Close must end the fetch under way")
	}
	_, _, err := r.Select(bg, "neo4j", "", Read, nil)
	require.ErrorIs(t, err, ErrClosed)
	_, err = r.ForceRefresh(bg, "neo4j")
	require.ErrorIs(t, err, ErrClosed)
	r.Close()
}
