package native

import (
	"context"
	"maps"
	"reflect"
	"strings"
)

// AuthToken is an authentication token: a scheme and its entries. Build one with
// NoAuth, BasicAuth, BearerAuth, KerberosAuth or CustomAuth. Its String and
// GoString methods (and so every fmt verb) redact the credentials.
//
// An AuthToken is also an AuthTokenManager that always returns itself, so it can
// be passed to NewDriver directly.
type AuthToken struct {
	scheme    string
	principal string
	realm     string
	custom    bool        // built by CustomAuth: principal always sent, empty entries left out
	secret    *authSecret // behind a pointer so that even raw printing of a containing struct shows an address
}

type authSecret struct {
	credentials string
	parameters  map[string]any
}

// NoAuth returns the token for servers with authentication disabled.
func NoAuth() AuthToken { return AuthToken{scheme: "none"} }

// BasicAuth returns a user name / password token. realm may be empty.
func BasicAuth(username, password, realm string) AuthToken {
	return AuthToken{scheme: "basic", principal: username, realm: realm, secret: &authSecret{credentials: password}}
}

// BearerAuth returns a token for single-sign-on providers (a base64 bearer token).
func BearerAuth(token string) AuthToken {
	return AuthToken{scheme: "bearer", secret: &authSecret{credentials: token}}
}

// KerberosAuth returns a token carrying a base64 Kerberos ticket.
func KerberosAuth(ticket string) AuthToken {
	return AuthToken{scheme: "kerberos", secret: &authSecret{credentials: ticket}}
}

// CustomAuth returns a token for a custom server-side authentication plugin.
// The principal is always sent (even if empty); credentials, realm and
// parameters only when not empty.
func CustomAuth(scheme, principal, credentials, realm string, parameters map[string]any) AuthToken {
	return AuthToken{scheme: scheme, principal: principal, realm: realm, custom: true,
		secret: &authSecret{credentials: credentials, parameters: maps.Clone(parameters)}}
}

// Scheme returns the token's scheme ("none", "basic", "bearer", "kerberos" or a
// custom one). The zero AuthToken has scheme "" and behaves like NoAuth.
func (t AuthToken) Scheme() string {
	if t.scheme == "" {
		return "none"
	}
	return t.scheme
}

// Principal returns the user name (or principal) of the token, if any.
func (t AuthToken) Principal() string { return t.principal }

// Realm returns the token's realm, if any.
func (t AuthToken) Realm() string { return t.realm }

// Credentials returns the secret part of the token (password, bearer token or
// ticket). Handle it with care.
func (t AuthToken) Credentials() string {
	if t.secret == nil {
		return ""
	}
	return t.secret.credentials
}

// Map returns the token as the dictionary sent to the server in HELLO or LOGON.
// It contains the credentials.
func (t AuthToken) Map() map[string]any {
	m := map[string]any{"scheme": t.Scheme()}
	if t.principal != "" || t.custom || t.scheme == "basic" || t.scheme == "kerberos" {
		m["principal"] = t.principal
	}
	if t.secret != nil {
		if t.secret.credentials != "" || !t.custom {
			m["credentials"] = t.secret.credentials
		}
		if len(t.secret.parameters) > 0 {
			m["parameters"] = maps.Clone(t.secret.parameters)
		}
	}
	if t.realm != "" {
		m["realm"] = t.realm
	}
	return m
}

// Equal reports whether two tokens carry the same scheme, principal, realm,
// credentials and parameters.
func (t AuthToken) Equal(o AuthToken) bool {
	if t.Scheme() != o.Scheme() || t.principal != o.principal || t.realm != o.realm || t.custom != o.custom {
		return false
	}
	if t.secret == o.secret {
		return true
	}
	if t.secret == nil || o.secret == nil {
		return false
	}
	if t.secret.credentials != o.secret.credentials {
		return false
	}
	if len(t.secret.parameters) == 0 && len(o.secret.parameters) == 0 {
		return true
	}
	return reflect.DeepEqual(t.secret.parameters, o.secret.parameters)
}

// String describes the token without its credentials, e.g.
// "AuthToken{scheme=basic, principal=neo4j, credentials=<redacted>}".
func (t AuthToken) String() string {
	var b strings.Builder
	b.WriteString("AuthToken{scheme=")
	b.WriteString(t.Scheme())
	if t.principal != "" {
		b.WriteString(", principal=")
		b.WriteString(t.principal)
	}
	if t.realm != "" {
		b.WriteString(", realm=")
		b.WriteString(t.realm)
	}
	if t.secret != nil {
		b.WriteString(", credentials=<redacted>")
		if len(t.secret.parameters) > 0 {
			b.WriteString(", parameters=<redacted>")
		}
	}
	b.WriteString("}")
	return b.String()
}

// GoString is like String, so that %#v redacts too.
func (t AuthToken) GoString() string { return t.String() }

// GetAuthToken returns t itself (AuthToken is a static AuthTokenManager).
func (t AuthToken) GetAuthToken(context.Context) (AuthToken, error) { return t, nil }

// HandleSecurityException returns false: a static token cannot be renewed.
func (t AuthToken) HandleSecurityException(context.Context, AuthToken, *Neo4jError) (bool, error) {
	return false, nil
}
