package native

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// D2: re-authentication (LOGOFF/LOGON) on a pooled Bolt 5.1+ connection whose
// peer never answers LOGON must fail promptly, not hang.
func TestReAuthStalledLogonFailsPromptly(t *testing.T) {
	srv := newFakeServer(t)
	release := make(chan struct{})
	defer close(release)
	srv.onLogon = func(_ int, auth map[string]any) *failMsg {
		if auth["principal"] == "other" {
			select {
			case <-release:
			case <-time.After(20 * time.Second):
			}
		}
		return nil
	}
	d := newFakeDriver(t, srv, func(c *Config) { c.SocketConnectTimeout = 300 * time.Millisecond })
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{})
	res, err := s.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close(ctx))

	tok := BasicAuth("other", "pw", "")
	s2 := d.NewSession(ctx, SessionConfig{Auth: &tok})
	defer s2.Close(ctx)
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := s2.Run(ctx, "RETURN 1", nil)
		done <- err
	}()
	select {
	case err := <-done:
		require.Error(t, err)
		t.Log(err)
		require.Less(t, time.Since(start), 5*time.Second)
	case <-time.After(8 * time.Second):
		t.Fatal("re-auth hangs")
	}
}
