package bolt

import (
	"context"
	"net"
	"os"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// stallOnceConn makes its next Write, once armed, fail with a timeout before
// sending anything: what a goroutine descheduled past its write deadline sees.
type stallOnceConn struct {
	net.Conn
	armed atomic.Bool
}

func (c *stallOnceConn) Write(b []byte) (int, error) {
	if c.armed.CompareAndSwap(true, false) {
		return 0, &net.OpError{Op: "write", Net: "tcp", Err: os.ErrDeadlineExceeded}
	}
	return c.Conn.Write(b)
}

// Close still says GOODBYE when its first write attempt times out unsent.
func TestCloseRetriesGoodbyeAfterUnsentTimeout(t *testing.T) {
	v := Version{5, 4}
	got := make(chan bool, 1)
	cli, p := startPeer(t, func(p *peer) {
		p.handshake(v)
		p.helloOK(v, nil)
		got <- p.expect(sigGoodbye) != nil
	})
	sc := &stallOnceConn{Conn: cli}
	c, err := NewConn(context.Background(), sc, classicConfig(v, BasicAuth("u", "p", "")))
	require.NoError(t, err)
	sc.armed.Store(true)
	require.NoError(t, c.Close())
	p.wait()
	require.True(t, <-got, "the peer did not receive GOODBYE")
	require.False(t, sc.armed.Load(), "the stalled write was not attempted")
}
