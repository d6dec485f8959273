package bolt

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// dialErr dials addr with a short connect timeout and returns the error.
func dialErr(t *testing.T, addr string) *ConnectivityError {
	t.Helper()
	_, err := Dial(context.Background(), DialConfig{Address: addr, Auth: NoAuth(), ConnectTimeout: 300 * time.Millisecond})
	require.Error(t, err)
	require.ErrorIs(t, err, ErrDefunct)
	var ce *ConnectivityError
	require.ErrorAs(t, err, &ce)
	return ce
}

// TestConnectivityMessages: the messages of the failures a new user meets name the
// address once, say what failed and hint at the fix.
func TestConnectivityMessages(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		l.Close()
		ce := dialErr(t, addr)
		require.Equal(t, "dial", ce.Op)
		require.ErrorIs(t, ce, syscall.ECONNREFUSED)
		require.Equal(t, "bolt: dial "+addr+": connection refused: is Neo4j running and is this its Bolt port?", ce.Error())
	})
	// A listener that accepts and then says nothing (as an HTTP server does with
	// the Bolt preamble), one that closes at once, and one that answers garbage.
	serve := func(t *testing.T, handle func(net.Conn)) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go handle(c)
			}
		}()
		return l.Addr().String()
	}
	t.Run("silent", func(t *testing.T) {
		done := make(chan struct{})
		t.Cleanup(func() { close(done) })
		addr := serve(t, func(c net.Conn) { <-done; c.Close() })
		ce := dialErr(t, addr)
		require.Equal(t, "handshake", ce.Op)
		require.ErrorIs(t, ce, context.DeadlineExceeded)
		require.Equal(t, "bolt: no Bolt handshake reply from "+addr+
			" (context deadline exceeded): is this the Bolt port (default 7687; 7474 is HTTP)?", ce.Error())
	})
	t.Run("closed", func(t *testing.T) {
		addr := serve(t, func(c net.Conn) {
			b := make([]byte, 20)
			c.Read(b)
			c.Close()
		})
		ce := dialErr(t, addr)
		require.Equal(t, "handshake", ce.Op)
		require.Regexp(t, `^bolt: `+addr+` closed the connection without a Bolt handshake reply \(.+\): `+
			`is this the Bolt port \(default 7687\), and does the server require TLS \(bolt\+s://, neo4j\+s://\)\?$`, ce.Error())
	})
	t.Run("garbage", func(t *testing.T) {
		addr := serve(t, func(c net.Conn) {
			b := make([]byte, 20)
			c.Read(b)
			c.Write([]byte("SSH-"))
			time.Sleep(time.Second)
			c.Close()
		})
		ce := dialErr(t, addr)
		var pe *ProtocolError
		require.True(t, errors.As(ce, &pe))
		require.Equal(t, "bolt: handshake "+addr+": bolt protocol violation: handshake answer 53 53 48 2d is not a version: "+
			"is this the Bolt port (default 7687; 7474 is HTTP)?", ce.Error())
	})
	t.Run("other", func(t *testing.T) {
		e := &ConnectivityError{Address: "h:1", Op: "handshake", Err: &ProtocolError{Msg: "server supports none of the offered versions [5.8]"}}
		require.Equal(t, "bolt: handshake h:1: bolt protocol violation: server supports none of the offered versions [5.8]", e.Error())
	})
}

func TestDialCauseMessages(t *testing.T) {
	timeout := &net.OpError{Op: "dial", Net: "tcp", Err: &timeoutErr{}}
	require.Equal(t, "bolt: dial 10.0.0.1:7687: no answer (i/o timeout): is the host reachable from here (firewall) and the port right?",
		(&ConnectivityError{Address: "10.0.0.1:7687", Op: "dial", Err: timeout}).Error())
	dns := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "neo4j.invalid", IsNotFound: true}}
	require.Equal(t, `bolt: dial neo4j.invalid:7687: unknown host "neo4j.invalid": is the host name right?`,
		(&ConnectivityError{Address: "neo4j.invalid:7687", Op: "dial", Err: dns}).Error())
	other := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("network is unreachable")}
	require.Equal(t, "bolt: dial h:1: network is unreachable", (&ConnectivityError{Address: "h:1", Op: "dial", Err: other}).Error())
	require.Equal(t, "bolt: read h:1: boom", (&ConnectivityError{Address: "h:1", Op: "read", Err: errors.New("boom")}).Error())
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }
