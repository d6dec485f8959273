package boltstub

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

// fakeT captures the failures a stub reports, so tests can check that a
// broken conversation really fails the test.
type fakeT struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
	f.mu.Unlock()
}
func (f *fakeT) Fatalf(format string, args ...any) { f.Errorf(format, args...) }
func (f *fakeT) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }

// finish runs the cleanups (stopping the stubs) and returns the failures.
func (f *fakeT) finish() []string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.cleanups = nil
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errs
}

// requireFailure checks that exactly one failure was reported and that it
// holds every part.
func requireFailure(t *testing.T, errs []string, parts ...string) {
	t.Helper()
	require.Len(t, errs, 1, "failures: %q", errs)
	for _, p := range parts {
		require.Contains(t, errs[0], p)
	}
}

// dial connects a bolt.Conn to addr.
func dial(t testing.TB, addr string, mod ...func(*bolt.DialConfig)) (*bolt.Conn, error) {
	cfg := bolt.DialConfig{Address: addr, Auth: bolt.BasicAuth("neo4j", "secret", ""), ConnectTimeout: 5 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	return bolt.Dial(context.Background(), cfg)
}

func mustDial(t testing.TB, addr string, mod ...func(*bolt.DialConfig)) *bolt.Conn {
	t.Helper()
	c, err := dial(t, addr, mod...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// names lists the names of messages.
func names(ms []Message) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return strings.Join(out, " ")
}

// closeAndWait closes c and waits until stub has read its GOODBYE.
func closeAndWait(t testing.TB, c *bolt.Conn, stub *Stub) {
	t.Helper()
	n := stub.Count("GOODBYE")
	c.Close()
	require.Eventually(t, func() bool { return stub.Count("GOODBYE") > n }, 5*time.Second, time.Millisecond)
}

// rawClient connects to addr, proposes exactly v and returns a wire for
// hand-made messages.
func rawClient(t testing.TB, addr string, v Version) *wire {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	_, err = nc.Write([]byte{0x60, 0x60, 0xB0, 0x17, 0, 0, v.Minor, v.Major, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	require.NoError(t, err)
	w := newWire(nc)
	ans, err := w.readRaw(4)
	require.NoError(t, err)
	require.Equal(t, []byte{0, 0, v.Minor, v.Major}, ans)
	w.setVersion(v)
	return w
}
