package sqldriver_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

// cutProxy forwards TCP connections to a server and can cut all of them at once.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { _ = ln.Close(); p.cut() })
	return p
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
		go func() { _, _ = io.Copy(c, s); _ = c.Close() }()
	}
}

// cut closes every proxied connection (new ones are still accepted).
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// TestNoRerunAfterConnectionLoss: when the connection dies while an auto-commit
// write runs, the error reaches the caller; database/sql does not re-run the
// statement on another connection (which driver.ErrBadConn would make it do).
// The write is held mid-statement deterministically: another transaction (on a
// direct connection, not through the proxy) holds the lock it needs.
func TestNoRerunAfterConnectionLoss(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		s.Clean(t)
		ctx := context.Background()
		direct := openDBFromDSN(t, dsnFor(s, ""))
		_, err := direct.ExecContext(ctx, "CREATE (:CutLock {v: 0})")
		require.NoError(t, err)
		holder, err := direct.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = holder.ExecContext(ctx, "MATCH (l:CutLock) SET l.v = 1")
		require.NoError(t, err)

		proxy := newCutProxy(t, s.Address())
		u, err := url.Parse(dsnFor(s, ""))
		require.NoError(t, err)
		u.Host = proxy.ln.Addr().String()
		db := openDBFromDSN(t, u.String())
		require.NoError(t, db.PingContext(ctx))

		go func() {
			time.Sleep(500 * time.Millisecond) // the write is now waiting for the lock
			proxy.cut()
		}()
		_, err = db.ExecContext(ctx, "CREATE (:Cut) WITH 1 AS one MATCH (l:CutLock) SET l.v = 2")
		require.Error(t, err, "the connection was cut mid-statement")
		require.False(t, errors.Is(err, driver.ErrBadConn), "%v", err)
		require.True(t, native.IsConnectivityError(err), "%v", err)
		require.NoError(t, holder.Rollback())

		// Give a (wrong) re-run time to finish, then count the runs that committed.
		time.Sleep(time.Second)
		var runs int
		require.Eventually(t, func() bool {
			return db.QueryRowContext(ctx, "MATCH (c:Cut) RETURN count(c)").Scan(&runs) == nil
		}, 10*time.Second, 50*time.Millisecond)
		require.LessOrEqual(t, runs, 1, "the statement was run more than once")
		t.Logf("line %s: %d committed run(s) after cutting a blocked statement: %v", s.Line, runs, err)
	})
}
