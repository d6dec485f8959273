package native

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAuthTokensAndRedaction(t *testing.T) {
	basic := BasicAuth("alice", "s3cret-pw", "realm1")
	require.Equal(t, map[string]any{"scheme": "basic", "principal": "alice", "credentials": "s3cret-pw", "realm": "realm1"}, basic.Map())
	require.Equal(t, map[string]any{"scheme": "none"}, NoAuth().Map())
	require.Equal(t, map[string]any{"scheme": "none"}, AuthToken{}.Map())
	require.Equal(t, map[string]any{"scheme": "bearer", "credentials": "tok-XYZ"}, BearerAuth("tok-XYZ").Map())
	require.Equal(t, map[string]any{"scheme": "kerberos", "principal": "", "credentials": "tkt-123"}, KerberosAuth("tkt-123").Map())
	custom := CustomAuth("plugin", "bob", "cred-999", "", map[string]any{"otp": "otp-777"})
	require.Equal(t, map[string]any{"scheme": "plugin", "principal": "bob", "credentials": "cred-999",
		"parameters": map[string]any{"otp": "otp-777"}}, custom.Map())

	// D17: a custom scheme always sends its principal, even empty, and leaves
	// out the other empty entries.
	require.Equal(t, map[string]any{"scheme": "minimal-scheme", "principal": ""},
		CustomAuth("minimal-scheme", "", "", "", map[string]any{}).Map())
	require.False(t, CustomAuth("basic", "u", "", "", nil).Equal(BasicAuth("u", "", "")),
		"a custom token is never equal to a built-in one: they go out differently")

	type holder struct {
		tok  AuthToken
		Tok  AuthToken
		Ptr  *AuthToken
		Sess SessionConfig
	}
	h := holder{tok: basic, Tok: custom, Ptr: &basic, Sess: SessionConfig{Auth: &custom}}
	cfg := DefaultConfig()
	for _, s := range []string{
		fmt.Sprint(basic), fmt.Sprintf("%v %+v %#v %s %q", custom, custom, custom, custom, custom),
		fmt.Sprintf("%v %+v %#v", h, h, h), fmt.Sprintf("%v %+v %#v", &h, &h, &h),
		fmt.Sprintf("%v %+v %#v", SessionConfig{Auth: &basic}, SessionConfig{Auth: &basic}, SessionConfig{Auth: &basic}),
		fmt.Sprintf("%v %#v", cfg, cfg),
		fmt.Sprint(BearerTokenManager(func(context.Context) (AuthToken, *time.Time, error) { return BearerAuth("tok-XYZ"), nil, nil })),
	} {
		for _, secret := range []string{"s3cret-pw", "cred-999", "otp-777", "tok-XYZ"} {
			require.NotContains(t, s, secret)
		}
	}
	require.Contains(t, basic.String(), "alice")
	require.Contains(t, basic.String(), "<redacted>")
	require.True(t, basic.Equal(BasicAuth("alice", "s3cret-pw", "realm1")))
	require.False(t, basic.Equal(BasicAuth("alice", "other", "realm1")))
}

func TestBasicTokenManagerRotatesOnUnauthorized(t *testing.T) {
	calls := 0
	m := BasicTokenManager(func(context.Context) (AuthToken, error) {
		calls++
		return BasicAuth("u", fmt.Sprintf("pw%d", calls), ""), nil
	})
	ctx := context.Background()
	t1, err := m.GetAuthToken(ctx)
	require.NoError(t, err)
	t2, _ := m.GetAuthToken(ctx)
	require.Equal(t, 1, calls, "cached")
	require.True(t, t1.Equal(t2))
	handled, err := m.HandleSecurityException(ctx, t1, &Neo4jError{Code: "Neo.ClientError.Security.TokenExpired"})
	require.NoError(t, err)
	require.False(t, handled, "basic manager handles only Unauthorized")
	handled, _ = m.HandleSecurityException(ctx, t1, &Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"})
	require.True(t, handled)
	t3, _ := m.GetAuthToken(ctx)
	require.Equal(t, 2, calls)
	require.Equal(t, "pw2", t3.Credentials())
	// An error about an older token does not discard the current one.
	m.HandleSecurityException(ctx, t1, &Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"})
	m.GetAuthToken(ctx)
	require.Equal(t, 2, calls)
}

func TestBearerTokenManagerRefreshesOnExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	calls := 0
	m := BearerTokenManager(func(context.Context) (AuthToken, *time.Time, error) {
		calls++
		exp := now.Add(time.Minute)
		return BearerAuth(fmt.Sprintf("t%d", calls)), &exp, nil
	}).(*rotatingTokenManager)
	m.now = func() time.Time { return now }
	ctx := context.Background()
	tok, _ := m.GetAuthToken(ctx)
	require.Equal(t, "t1", tok.Credentials())
	now = now.Add(30 * time.Second)
	tok, _ = m.GetAuthToken(ctx)
	require.Equal(t, "t1", tok.Credentials())
	now = now.Add(31 * time.Second)
	tok, _ = m.GetAuthToken(ctx)
	require.Equal(t, "t2", tok.Credentials())
	handled, _ := m.HandleSecurityException(ctx, tok, &Neo4jError{Code: "Neo.ClientError.Security.TokenExpired"})
	require.True(t, handled)
	tok, _ = m.GetAuthToken(ctx)
	require.Equal(t, "t3", tok.Credentials())
}

func TestStaticTokenNeverHandles(t *testing.T) {
	m := StaticAuthTokenManager(BasicAuth("u", "p", ""))
	handled, err := m.HandleSecurityException(context.Background(), BasicAuth("u", "p", ""),
		&Neo4jError{Code: "Neo.ClientError.Security.Unauthorized"})
	require.NoError(t, err)
	require.False(t, handled)
}

type flippingManager struct {
	cur     atomic.Value // AuthToken
	good    AuthToken
	handled atomic.Int32
}

func (m *flippingManager) GetAuthToken(context.Context) (AuthToken, error) {
	return m.cur.Load().(AuthToken), nil
}

func (m *flippingManager) HandleSecurityException(_ context.Context, _ AuthToken, err *Neo4jError) (bool, error) {
	if err.Code != "Neo.ClientError.Security.Unauthorized" {
		return false, nil
	}
	m.handled.Add(1)
	m.cur.Store(m.good)
	return true, nil
}

func TestRotatedTokenRejectedOnReAuthIsHandledAndRetried(t *testing.T) {
	srv := peopleServer(t)
	srv.onLogon = func(_ int, auth map[string]any) *failMsg {
		if auth["credentials"] != "good" {
			return &failMsg{"Neo.ClientError.Security.Unauthorized", "bad credentials"}
		}
		return nil
	}
	good := BasicAuth("u", "good", "")
	m := &flippingManager{good: good}
	m.cur.Store(good)
	d, err := NewDriver(srv.uri(), m)
	require.NoError(t, err)
	ctx := context.Background()
	defer d.Close(ctx)
	_, err = ExecuteQuery(ctx, d, "RETURN 1", nil, EagerResultTransformer)
	require.NoError(t, err)

	m.cur.Store(BasicAuth("u", "rotated-bad", ""))
	_, err = ExecuteQuery(ctx, d, "RETURN 1", nil, EagerResultTransformer)
	require.NoError(t, err, "re-auth failed, the manager supplied a new token, the work was retried")
	require.Equal(t, int32(1), m.handled.Load())
	require.Contains(t, srv.messages(), "LOGOFF")
}
