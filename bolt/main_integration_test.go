package bolt

import (
	"context"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

// dialServer connects to s with cfg's zero fields filled in.
func dialServer(t testing.TB, s *neo4jtest.Server, cfg DialConfig) *Conn {
	t.Helper()
	if cfg.Address == "" {
		cfg.Address = s.Address()
	}
	if cfg.Auth == nil {
		if s.User == "" {
			cfg.Auth = NoAuth()
		} else {
			cfg.Auth = BasicAuth(s.User, s.Password, "")
		}
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 30 * time.Second
	}
	c, err := Dial(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// collect reads every record of s.
func collect(t testing.TB, s *Stream) [][]any {
	t.Helper()
	var out [][]any
	for {
		r, err := s.Next(context.Background())
		require.NoError(t, err)
		if r == nil {
			return out
		}
		out = append(out, r)
	}
}
