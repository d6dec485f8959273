package native

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type fakePoolConn struct {
	id       int
	created  time.Time
	lastUsed time.Time
	defunct  atomic.Bool
	idle     atomic.Bool
	resets   atomic.Int32
	closed   atomic.Bool
	resetErr error
}

func (c *fakePoolConn) IsDefunct() bool      { return c.defunct.Load() || c.closed.Load() }
func (c *fakePoolConn) IsIdle() bool         { return c.idle.Load() && !c.IsDefunct() }
func (c *fakePoolConn) CreatedAt() time.Time { return c.created }
func (c *fakePoolConn) LastUsed() time.Time  { return c.lastUsed }
func (c *fakePoolConn) Close() error         { c.closed.Store(true); return nil }
func (c *fakePoolConn) Reset(context.Context) error {
	c.resets.Add(1)
	if c.resetErr != nil {
		c.defunct.Store(true)
		return c.resetErr
	}
	c.idle.Store(true)
	return nil
}

func newTestPool(t *testing.T, cfg poolConfig) (*serverPool[*fakePoolConn], *atomic.Int32) {
	var n atomic.Int32
	if cfg.resetTimeout == 0 {
		cfg.resetTimeout = time.Second
	}
	if cfg.livenessTimeout == 0 {
		cfg.livenessTimeout = LivenessCheckDisabled
	}
	p := newServerPool("srv:7687", cfg, func(ctx context.Context) (*fakePoolConn, error) {
		c := &fakePoolConn{id: int(n.Add(1)), created: time.Now(), lastUsed: time.Now()}
		c.idle.Store(true)
		return c, nil
	})
	t.Cleanup(p.close)
	return p, &n
}

func TestPoolReusesIdleAndResetsOnlyWhenNeeded(t *testing.T) {
	p, dials := newTestPool(t, poolConfig{maxSize: 2, acquireTimeout: time.Second})
	ctx := context.Background()
	c1, _, err := p.borrow(ctx)
	require.NoError(t, err)
	p.release(c1, false)
	require.Equal(t, int32(0), c1.resets.Load(), "an idle connection is not reset")
	c2, _, err := p.borrow(ctx)
	require.NoError(t, err)
	require.Same(t, c1, c2)
	c2.idle.Store(false) // left mid-transaction
	p.release(c2, false)
	require.Equal(t, int32(1), c2.resets.Load())
	require.Equal(t, int32(1), dials.Load())
	st := p.stats()
	require.Equal(t, PoolStats{Address: "srv:7687", Idle: 1, Created: 1, MaxSize: 2}, st)

	// A failed RESET closes the connection.
	c3, _, _ := p.borrow(ctx)
	c3.idle.Store(false)
	c3.resetErr = errors.New("broken")
	p.release(c3, false)
	require.True(t, c3.closed.Load())
	st = p.stats()
	require.Equal(t, 0, st.Idle)
	require.Equal(t, 0, st.InUse)
	require.Equal(t, uint64(1), st.Closed)
}

func TestPoolAcquisitionTimeoutAndFIFOWaiters(t *testing.T) {
	p, _ := newTestPool(t, poolConfig{maxSize: 1, acquireTimeout: 100 * time.Millisecond})
	ctx := context.Background()
	held, _, err := p.borrow(ctx)
	require.NoError(t, err)

	start := time.Now()
	_, _, err = p.borrow(ctx)
	require.ErrorIs(t, err, ErrPoolAcquisitionTimeout)
	require.True(t, IsConnectivityError(err))
	require.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond)

	// Waiters are served in arrival order.
	p.cfg.acquireTimeout = 5 * time.Second
	var order []int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _, err := p.borrow(ctx)
			require.NoError(t, err)
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			p.release(c, false)
		}()
		waitFor(t, func() bool { return p.stats().Waiting == i+1 })
	}
	p.release(held, false)
	wg.Wait()
	require.Equal(t, []int{0, 1, 2}, order)
	st := p.stats()
	require.Equal(t, uint64(4), st.Waits)
	require.Greater(t, st.WaitTime, time.Duration(0))

	// Context end while waiting.
	held, _, _ = p.borrow(ctx)
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, _, err = p.borrow(cctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, ErrPoolAcquisitionTimeout)
	p.release(held, false)

	// Zero timeout: fail at once when full.
	p.cfg.acquireTimeout = 0
	held, _, _ = p.borrow(ctx)
	start = time.Now()
	_, _, err = p.borrow(ctx)
	require.ErrorIs(t, err, ErrPoolAcquisitionTimeout)
	require.Less(t, time.Since(start), 50*time.Millisecond)
	p.release(held, false)
}

func TestPoolLifetimeLivenessAndPurge(t *testing.T) {
	p, dials := newTestPool(t, poolConfig{maxSize: 5, acquireTimeout: time.Second, maxLifetime: time.Hour, livenessTimeout: time.Minute})
	ctx := context.Background()
	c1, _, _ := p.borrow(ctx)
	p.release(c1, false)
	c1.created = time.Now().Add(-2 * time.Hour) // too old now
	c2, _, _ := p.borrow(ctx)
	require.NotSame(t, c1, c2)
	require.True(t, c1.closed.Load())
	require.Equal(t, int32(2), dials.Load())

	p.release(c2, false)
	c2.lastUsed = time.Now().Add(-2 * time.Minute) // idle too long: pinged
	c3, _, _ := p.borrow(ctx)
	require.Same(t, c2, c3)
	require.Equal(t, int32(1), c2.resets.Load())
	p.release(c3, false)
	c3.lastUsed = time.Now().Add(-2 * time.Minute)
	c3.resetErr = errors.New("dead")
	c4, _, _ := p.borrow(ctx) // ping fails: a new connection
	require.NotSame(t, c3, c4)
	require.True(t, c3.closed.Load())

	// A defunct connection returned with purge closes the idle ones too.
	c5, _, _ := p.borrow(ctx)
	p.release(c5, false)
	c4.defunct.Store(true)
	p.release(c4, true)
	require.True(t, c5.closed.Load())
	st := p.stats()
	require.Equal(t, 0, st.Idle)
	require.Equal(t, 0, st.InUse)
}

func TestPoolCloseFailsWaitersAndBorrowers(t *testing.T) {
	p, _ := newTestPool(t, poolConfig{maxSize: 1, acquireTimeout: 5 * time.Second})
	ctx := context.Background()
	held, _, _ := p.borrow(ctx)
	errc := make(chan error, 1)
	go func() { _, _, err := p.borrow(ctx); errc <- err }()
	waitFor(t, func() bool { return p.stats().Waiting == 1 })
	p.close()
	p.close()
	require.ErrorIs(t, <-errc, ErrDriverClosed)
	_, _, err := p.borrow(ctx)
	require.ErrorIs(t, err, ErrDriverClosed)
	p.release(held, false)
	require.True(t, held.closed.Load(), "returned after close: closed")
}

func TestPoolDialFailureFreesTheSlot(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	p := newServerPool("srv:1", poolConfig{maxSize: 1, acquireTimeout: time.Second, livenessTimeout: LivenessCheckDisabled},
		func(context.Context) (*fakePoolConn, error) {
			if fail.Load() {
				return nil, errors.New("refused")
			}
			c := &fakePoolConn{created: time.Now()}
			c.idle.Store(true)
			return c, nil
		})
	defer p.close()
	_, _, err := p.borrow(context.Background())
	require.ErrorContains(t, err, "refused")
	fail.Store(false)
	c, _, err := p.borrow(context.Background())
	require.NoError(t, err)
	require.NotNil(t, c)
}

// A dial cut by the acquisition timeout can fail with the socket's own
// deadline error ("i/o timeout", os.ErrDeadlineExceeded) rather than the
// context's, when the socket deadline fires just before the context's timer:
// it is the driver's timeout all the same and wraps ErrConnectTimeout (B6).
func TestPoolDialSocketTimeoutWrapsErrConnectTimeout(t *testing.T) {
	p := newServerPool("srv:1", poolConfig{maxSize: 1, acquireTimeout: 50 * time.Millisecond, livenessTimeout: LivenessCheckDisabled},
		func(ctx context.Context) (*fakePoolConn, error) {
			<-ctx.Done()
			return nil, &ConnectivityError{Address: "srv:1", Inner: &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}}
		})
	defer p.close()
	_, _, err := p.borrow(context.Background())
	require.ErrorIs(t, err, ErrConnectTimeout)
	require.NotErrorIs(t, err, context.DeadlineExceeded, "not the caller's context")
	require.True(t, IsRetryable(err))
	require.ErrorContains(t, err, "i/o timeout")
}
