package native_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// slowProxy accepts connections at once but forwards them to target only after
// delay: the TCP connect is fast, the Bolt handshake reply slow.
func slowProxy(t *testing.T, target string, delay time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				time.Sleep(delay)
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	return ln.Addr().String()
}

// The connect timeout bounds reaching the server only; a slow Bolt handshake
// is bounded by the acquisition timeout (D25).
func TestConnectTimeoutDoesNotBoundHandshake(t *testing.T) {
	ctx := scenarioCtx(t)
	stub := boltstub.New(t, "server", boltstub.MustParse(t, "!: BOLT 5.0\nC: LOGIN\n"+return1Exchange+"?: GOODBYE"))
	addr := slowProxy(t, stub.Address(), 400*time.Millisecond)
	d, err := native.NewDriver("bolt://"+addr, native.NoAuth(), func(c *native.Config) {
		c.SocketConnectTimeout = 100 * time.Millisecond
		c.ConnectionAcquisitionTimeout = 10 * time.Second
	})
	require.NoError(t, err)
	defer d.Close(ctx)
	runReturn1(ctx, t, d)

	// The acquisition timeout does bound it.
	silent := boltstub.New(t, "silent", boltstub.MustParse(t, "!: HANG HANDSHAKE"))
	d2, err := native.NewDriver("bolt://"+silent.Address(), native.NoAuth(), func(c *native.Config) {
		c.SocketConnectTimeout = 100 * time.Millisecond
		c.ConnectionAcquisitionTimeout = 150 * time.Millisecond
	})
	require.NoError(t, err)
	defer d2.Close(ctx)
	err = d2.VerifyConnectivity(ctx)
	require.ErrorIs(t, err, native.ErrConnectTimeout)
	require.True(t, native.IsRetryable(err))
}
