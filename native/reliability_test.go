package native

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A dial that hits the driver's own connect timeout is retryable (unlike the
// caller's context ending).
func TestConnectTimeoutIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // never answers the handshake
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	d, err := NewDriver("bolt://"+ln.Addr().String(), NoAuth(), func(c *Config) {
		c.SocketConnectTimeout = 100 * time.Millisecond
		c.ConnectionAcquisitionTimeout = 100 * time.Millisecond // bounds the handshake
		c.MaxTransactionRetryTime = 1500 * time.Millisecond
	})
	require.NoError(t, err)
	defer d.Close(context.Background())
	s := d.NewSession(context.Background(), SessionConfig{})
	defer s.Close(context.Background())
	_, err = s.ExecuteWrite(context.Background(), func(tx ManagedTransaction) (any, error) { return nil, nil })
	require.ErrorIs(t, err, ErrConnectTimeout)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
	var tle *TransactionExecutionLimit
	require.ErrorAs(t, err, &tle, "retried until the budget ran out")
	require.GreaterOrEqual(t, len(tle.Errors), 2)

	// The caller's own deadline is not retried.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = s.Run(ctx, "RETURN 1", nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, IsRetryable(err))
}

// After a server restart the first failure purges the other (dead) idle
// connections, also when the transaction is then rolled back.
func TestDeadConnectionPurgesIdleOnes(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fields: []string{"x"}, records: [][]any{{int64(1)}}}
	}
	d := newFakeDriver(t, srv)
	ctx := context.Background()
	var txs []ExplicitTransaction
	for i := 0; i < 3; i++ {
		s := d.NewSession(ctx, SessionConfig{})
		defer s.Close(ctx)
		tx, err := s.BeginTransaction(ctx)
		require.NoError(t, err)
		_, err = tx.Run(ctx, "RETURN 1", nil)
		require.NoError(t, err)
		txs = append(txs, tx)
	}
	for _, tx := range txs {
		require.NoError(t, tx.Commit(ctx))
	}
	require.Equal(t, 3, d.Stats()[0].Idle)
	srv.killAll()

	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	_, err = tx.Run(ctx, "RETURN 1", nil)
	require.True(t, IsConnectivityError(err), "%v", err)
	require.NoError(t, tx.Rollback(ctx))
	st := d.Stats()[0]
	require.Equal(t, 0, st.Idle, "dead idle connections were purged")
	require.Equal(t, 0, st.InUse)

	res, err := s.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(4), d.Stats()[0].Created)
}

func countMsgs(msgs []string, name string) int {
	n := 0
	for _, m := range msgs {
		if m == name {
			n++
		}
	}
	return n
}

func TestLivenessCheckAndMaxLifetime(t *testing.T) {
	srv := peopleServer(t)
	d := newFakeDriver(t, srv, func(c *Config) { c.ConnectionLivenessCheckTimeout = 0 })
	ctx := context.Background()
	run := func() {
		s := d.NewSession(ctx, SessionConfig{})
		defer s.Close(ctx)
		res, err := s.Run(ctx, "RETURN 1", nil)
		require.NoError(t, err)
		_, err = res.Consume(ctx)
		require.NoError(t, err)
	}
	run()
	require.Equal(t, 0, countMsgs(srv.messages(), "RESET"), "a clean connection is not reset on return")
	time.Sleep(2 * time.Millisecond)
	run()
	require.Equal(t, 1, countMsgs(srv.messages(), "RESET"), "pinged before reuse")
	require.Equal(t, int32(1), srv.accepted.Load())

	old := peopleServer(t)
	d2 := newFakeDriver(t, old, func(c *Config) { c.MaxConnectionLifetime = 20 * time.Millisecond })
	s := d2.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)
	for i := 0; i < 2; i++ {
		res, err := s.Run(ctx, "RETURN 1", nil)
		require.NoError(t, err)
		_, err = res.Consume(ctx)
		require.NoError(t, err)
		time.Sleep(30 * time.Millisecond)
	}
	require.Equal(t, int32(2), old.accepted.Load(), "the first connection was retired")
	st := d2.Stats()[0]
	require.Equal(t, uint64(2), st.Created)
	require.GreaterOrEqual(t, st.Closed, uint64(1))
}

func TestExecuteWriteSurvivesServerRestart(t *testing.T) {
	srv := newFakeServer(t)
	srv.onRun = func(int, string, map[string]any, bool) runReply {
		return runReply{fields: []string{"x"}, records: [][]any{{int64(1)}}}
	}
	ctx, s := fakeSession(t, srv, SessionConfig{})
	work := func(tx ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "CREATE ()", nil)
		if err != nil {
			return nil, err
		}
		return res.Consume(ctx)
	}
	_, err := s.ExecuteWrite(ctx, work)
	require.NoError(t, err)
	srv.killAll() // the pooled connection dies
	attempts := 0
	_, err = s.ExecuteWrite(ctx, func(tx ManagedTransaction) (any, error) { attempts++; return work(tx) })
	require.NoError(t, err)
	require.Equal(t, 2, attempts)
	require.Equal(t, int32(2), srv.accepted.Load())
}
