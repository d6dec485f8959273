//go:build linux

package native_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// fullBacklog returns the address of a socket that listens with a backlog of
// zero and never accepts, with its queue filled: Linux drops further SYNs, so a
// TCP connect to it hangs until the dialler gives up.
func fullBacklog(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	require.NoError(t, err)
	t.Cleanup(func() { syscall.Close(fd) })
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	require.NoError(t, syscall.Listen(fd, 0))
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	// Fill the accept queue; stop at the first connect that no longer completes.
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return addr
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Fatalf("the accept queue of %s never filled up", addr)
	return ""
}

// A TCP connect that runs out of SocketConnectTimeout wraps ErrConnectTimeout,
// like a handshake that runs out of time (B6), and is retryable.
func TestTCPConnectTimeoutWrapsErrConnectTimeout(t *testing.T) {
	addr := fullBacklog(t)
	d, err := native.NewDriver("bolt://"+addr, native.NoAuth(), func(c *native.Config) {
		c.SocketConnectTimeout = 100 * time.Millisecond
		c.ConnectionAcquisitionTimeout = 10 * time.Second
	})
	require.NoError(t, err)
	defer d.Close(context.Background())
	start := time.Now()
	err = d.VerifyConnectivity(context.Background())
	require.Less(t, time.Since(start), 5*time.Second, "bounded by the connect timeout, not the acquisition timeout")
	require.ErrorIs(t, err, native.ErrConnectTimeout)
	require.NotErrorIs(t, err, context.DeadlineExceeded, "not the caller's context")
	require.True(t, native.IsRetryable(err))

	// Also for a dial outside the pool (a traced session's own connection).
	s := d.NewSession(context.Background(), native.SessionConfig{BoltTrace: io.Discard})
	defer s.Close(context.Background())
	_, err = s.Run(context.Background(), "RETURN 1", nil)
	require.ErrorIs(t, err, native.ErrConnectTimeout)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
}
