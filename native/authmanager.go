package native

import (
	"context"
	"sync"
	"time"

	"github.com/boltwire/neo4j/internal/clock"
)

// AuthTokenManager supplies the auth token used for new connections and for
// re-authenticating pooled ones, and decides what happens after the server
// rejects a token. Implementations must be safe for concurrent use.
//
// An AuthToken is itself a (static) AuthTokenManager.
type AuthTokenManager interface {
	// GetAuthToken returns the token to use now. The driver calls it once for
	// every connection it hands out (to dial a new one, or to check a pooled
	// one); cache the token inside the manager.
	GetAuthToken(ctx context.Context) (AuthToken, error)
	// HandleSecurityException is called when the server failed a request made
	// with token with a security error. It returns true if the error is handled
	// (the manager will hand out a new token) so the failed work may be retried.
	HandleSecurityException(ctx context.Context, token AuthToken, err *Neo4jError) (bool, error)
}

// StaticAuthTokenManager returns a manager that always hands out token.
func StaticAuthTokenManager(token AuthToken) AuthTokenManager { return token }

const (
	codeUnauthorized         = "Neo.ClientError.Security.Unauthorized"
	codeTokenExpired         = "Neo.ClientError.Security.TokenExpired"
	codeAuthorizationExpired = "Neo.ClientError.Security.AuthorizationExpired"
)

// BasicTokenManager returns a manager for password rotation: it calls provider
// once, caches the token, and calls provider again (on the next GetAuthToken)
// after the server rejects the cached token with
// Neo.ClientError.Security.Unauthorized. provider must not be nil.
func BasicTokenManager(provider func(ctx context.Context) (AuthToken, error)) AuthTokenManager {
	return &rotatingTokenManager{
		provide: func(ctx context.Context) (AuthToken, *time.Time, error) {
			t, err := provider(ctx)
			return t, nil, err
		},
		handled: []string{codeUnauthorized},
	}
}

// BearerTokenManager returns a manager for expiring tokens: provider returns a
// token and, optionally, its expiry time. The token is cached until it expires
// or the server rejects it with Neo.ClientError.Security.TokenExpired or
// Neo.ClientError.Security.Unauthorized; then provider is called again.
// provider must not be nil.
func BearerTokenManager(provider func(ctx context.Context) (AuthToken, *time.Time, error)) AuthTokenManager {
	return &rotatingTokenManager{provide: provider, handled: []string{codeTokenExpired, codeUnauthorized}}
}

type rotatingTokenManager struct {
	provide func(ctx context.Context) (AuthToken, *time.Time, error)
	handled []string
	now     func() time.Time // for tests; nil = time.Now

	mu      sync.Mutex
	token   *AuthToken
	expires *time.Time
}

func (m *rotatingTokenManager) clock() time.Time {
	if m.now != nil {
		return m.now()
	}
	return clock.Now()
}

func (m *rotatingTokenManager) GetAuthToken(ctx context.Context) (AuthToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.token != nil && (m.expires == nil || m.clock().Before(*m.expires)) {
		return *m.token, nil
	}
	if m.provide == nil {
		return AuthToken{}, usageErrorf("token manager has no provider function")
	}
	t, exp, err := m.provide(ctx)
	if err != nil {
		return AuthToken{}, err
	}
	m.token, m.expires = &t, exp
	return t, nil
}

func (m *rotatingTokenManager) HandleSecurityException(_ context.Context, token AuthToken, err *Neo4jError) (bool, error) {
	if err == nil {
		return false, nil
	}
	for _, c := range m.handled {
		if err.Code == c {
			m.mu.Lock()
			if m.token != nil && m.token.Equal(token) {
				m.token, m.expires = nil, nil
			}
			m.mu.Unlock()
			return true, nil
		}
	}
	return false, nil
}

// String never shows the cached token's credentials.
func (m *rotatingTokenManager) String() string { return "AuthTokenManager{rotating}" }
