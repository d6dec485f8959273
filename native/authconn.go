package native

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/boltwire/neo4j/bolt"
)

// How pooled connections keep the right credentials:
//
//   - The AuthTokenManager is asked once per connection handed out: a new
//     connection authenticates with the token fetched to dial it; a reused one
//     is compared with the token fetched when it is borrowed.
//   - A reused connection whose token differs, or whose authentication expired
//     (see authEpoch), is re-authenticated with LOGOFF + LOGON pipelined with
//     its first request (Bolt 5.1+), or closed and replaced (older versions).
//   - Neo.ClientError.Security.AuthorizationExpired from a server expires the
//     authentication of every connection to that server made before the error,
//     idle or in use: each re-authenticates (or is closed) before its next use.

// dialTokenKey carries the token a new connection must authenticate with
// (a session's own token) through the pool's dial function.
type dialTokenKey struct{}

func withDialToken(ctx context.Context, tok AuthToken) context.Context {
	return context.WithValue(ctx, dialTokenKey{}, tok)
}

// dialToken returns the token to dial with: the one carried by ctx (managed
// is false), else the manager's current one.
func (d *driver) dialToken(ctx context.Context) (tok AuthToken, managed bool, err error) {
	if tok, ok := ctx.Value(dialTokenKey{}).(AuthToken); ok {
		return tok, false, nil
	}
	tok, err = d.auth.GetAuthToken(ctx)
	return tok, true, err
}

// authEpoch returns the counter of AuthorizationExpired failures reported by
// address (shared by all its connections).
func (d *driver) authEpoch(address string) *atomic.Uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.authEpochs[address]
	if !ok {
		e = new(atomic.Uint64)
		d.authEpochs[address] = e
	}
	return e
}

// authenticated records that bc now authenticates with tok.
func (bc *bconn) authenticated(tok AuthToken) {
	bc.token = tok
	if bc.epoch != nil {
		bc.authEpoch = bc.epoch.Load()
	}
}

// authExpired reports whether the server expired the authentication of bc
// (AuthorizationExpired on any connection to it since bc authenticated).
func (bc *bconn) authExpired() bool {
	return bc.epoch != nil && bc.epoch.Load() != bc.authEpoch
}

// expireAuth expires the authentication of every connection to bc's server
// made so far.
func (bc *bconn) expireAuth() {
	if bc.epoch != nil {
		bc.epoch.Add(1)
	}
}

// canReAuth reports whether bc's protocol can change credentials in place.
func (bc *bconn) canReAuth() bool { return bc.Version().Has(bolt.FeatureLogon) }

// errReAuthUnsupported means that a connection's credentials cannot be
// changed: the server speaks a Bolt version before 5.1.
var errReAuthUnsupported = fmt.Errorf("re-authentication (LOGOFF/LOGON) needs Bolt 5.1+: %w", bolt.ErrUnsupported)

// reAuth makes a borrowed connection carry tok: LOGOFF + LOGON queued to go out
// with its first request. A rejected token surfaces from that request. It
// returns an error wrapping errReAuthUnsupported before Bolt 5.1.
func (d *driver) reAuth(ctx context.Context, bc *bconn, tok AuthToken) error {
	if !bc.canReAuth() {
		return errReAuthUnsupported
	}
	// The replies are bounded like the handshake, so that a silent peer
	// cannot hang the request they travel with.
	if err := bc.QueueReAuth(ctx, bolt.Auth(tok.Map()), max(d.config.SocketConnectTimeout, 0)); err != nil {
		return err
	}
	bc.authenticated(tok)
	return nil
}
