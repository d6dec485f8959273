package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/boltwire/neo4j/native"
)

// driverEntry is a driver created by NewDriver.
type driverEntry struct {
	driver native.Driver
}

// authTokenJSON is TestKit's AuthorizationToken.
type authTokenJSON struct {
	Name string `json:"name"`
	Data struct {
		Scheme      string          `json:"scheme"`
		Principal   string          `json:"principal"`
		Credentials string          `json:"credentials"`
		Realm       string          `json:"realm"`
		Parameters  json.RawMessage `json:"parameters"`
	} `json:"data"`
}

// toAuthToken converts a TestKit AuthorizationToken to a native.AuthToken.
func (a *authTokenJSON) toAuthToken() (native.AuthToken, error) {
	d := a.Data
	var params map[string]any
	if len(d.Parameters) > 0 && string(d.Parameters) != "null" {
		v, err := decodeJSON(d.Parameters)
		if err != nil {
			return native.AuthToken{}, backendErrorf("auth parameters: %w", err)
		}
		m, ok := plainFromJSON(v).(map[string]any)
		if !ok {
			return native.AuthToken{}, backendErrorf("auth parameters: want an object, got %T", v)
		}
		params = m
	}
	switch d.Scheme {
	case "basic":
		if params == nil {
			return native.BasicAuth(d.Principal, d.Credentials, d.Realm), nil
		}
	case "bearer":
		return native.BearerAuth(d.Credentials), nil
	case "kerberos":
		return native.KerberosAuth(d.Credentials), nil
	case "none":
		return native.NoAuth(), nil
	}
	return native.CustomAuth(d.Scheme, d.Principal, d.Credentials, d.Realm, params), nil
}

// authTokenToJSON is the inverse of toAuthToken, for callbacks that hand a
// token back to TestKit.
func authTokenToJSON(t native.AuthToken) map[string]any {
	data := map[string]any{}
	for k, v := range t.Map() {
		if k == "parameters" {
			data[k] = plainJSON(v)
			continue
		}
		data[k] = v
	}
	return map[string]any{"name": "AuthorizationToken", "data": data}
}

type newDriverReq struct {
	URI                             string          `json:"uri"`
	AuthorizationToken              *authTokenJSON  `json:"authorizationToken"`
	AuthTokenManagerID              json.RawMessage `json:"authTokenManagerId"`
	UserAgent                       *string         `json:"userAgent"`
	ResolverRegistered              bool            `json:"resolverRegistered"`
	DomainNameResolverRegistered    bool            `json:"domainNameResolverRegistered"`
	ConnectionTimeoutMs             *int64          `json:"connectionTimeoutMs"`
	FetchSize                       *int            `json:"fetchSize"`
	MaxTxRetryTimeMs                *int64          `json:"maxTxRetryTimeMs"`
	LivenessCheckTimeoutMs          *int64          `json:"livenessCheckTimeoutMs"`
	MaxConnectionPoolSize           *int            `json:"maxConnectionPoolSize"`
	ConnectionAcquisitionTimeoutMs  *int64          `json:"connectionAcquisitionTimeoutMs"`
	NotificationsMinSeverity        *string         `json:"notificationsMinSeverity"`
	NotificationsDisabledCategories *[]string       `json:"notificationsDisabledCategories"`
	TelemetryDisabled               *bool           `json:"telemetryDisabled"`
	Encrypted                       *bool           `json:"encrypted"`
	TrustedCertificates             json.RawMessage `json:"trustedCertificates"`
	ClientCertificate               json.RawMessage `json:"clientCertificate"`
	ClientCertificateProviderID     json.RawMessage `json:"clientCertificateProviderId"`
}

func isSet(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// rawID turns a JSON id (string or number) into the backend's string form.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func ms(v int64) time.Duration { return time.Duration(v) * time.Millisecond }

func minSeverity(s string) native.NotificationMinSeverityLevel {
	switch s {
	case "OFF":
		return native.NotificationDisabledLevel
	case "WARNING":
		return native.NotificationWarningLevel
	case "INFORMATION":
		return native.NotificationInformationLevel
	}
	return native.NotificationMinSeverityLevel(s)
}

func classifications(cs []string) []native.NotificationClassification {
	out := make([]native.NotificationClassification, len(cs))
	for i, c := range cs {
		out[i] = native.NotificationClassification(c)
	}
	return out
}

func handleNewDriver(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[newDriverReq](raw)
	if err != nil {
		return response{}, err
	}
	if req.Encrypted != nil || isSet(req.TrustedCertificates) {
		return response{}, backendErrorf("encryption settings outside the URI scheme are not supported by boltwire")
	}
	if isSet(req.ClientCertificate) || isSet(req.ClientCertificateProviderID) {
		return response{}, backendErrorf("client certificates are not supported by the backend yet")
	}
	var auth native.AuthTokenManager
	switch {
	case isSet(req.AuthTokenManagerID):
		if auth, err = lookup(b, b.authManagers, "auth token manager", rawID(req.AuthTokenManagerID)); err != nil {
			return response{}, err
		}
	case req.AuthorizationToken != nil:
		tok, err := req.AuthorizationToken.toAuthToken()
		if err != nil {
			return response{}, err
		}
		auth = tok
	}
	configure := func(c *native.Config) {
		// The compat proposal is the one that reaches every Bolt version TestKit
		// emulates (see the Bolt claims in features.go).
		c.CompatHandshake = true
		if req.UserAgent != nil {
			c.UserAgent = *req.UserAgent
		}
		if req.ConnectionTimeoutMs != nil {
			c.SocketConnectTimeout = ms(*req.ConnectionTimeoutMs)
		}
		if req.FetchSize != nil {
			c.FetchSize = *req.FetchSize
		}
		if req.MaxTxRetryTimeMs != nil {
			c.MaxTransactionRetryTime = ms(*req.MaxTxRetryTimeMs)
		}
		if req.LivenessCheckTimeoutMs != nil {
			c.ConnectionLivenessCheckTimeout = ms(*req.LivenessCheckTimeoutMs)
		}
		if req.MaxConnectionPoolSize != nil {
			c.MaxConnectionPoolSize = *req.MaxConnectionPoolSize
		}
		if req.ConnectionAcquisitionTimeoutMs != nil {
			c.ConnectionAcquisitionTimeout = ms(*req.ConnectionAcquisitionTimeoutMs)
		}
		if req.NotificationsMinSeverity != nil {
			c.NotificationsMinSeverity = minSeverity(*req.NotificationsMinSeverity)
		}
		if req.NotificationsDisabledCategories != nil {
			c.NotificationsDisabledClassifications = classifications(*req.NotificationsDisabledCategories)
		}
		if req.TelemetryDisabled != nil {
			c.TelemetryDisabled = *req.TelemetryDisabled
		}
		if req.ResolverRegistered {
			c.AddressResolver = func(address string) []string {
				return b.resolve(address)
			}
		}
		if req.DomainNameResolverRegistered {
			c.HostResolver = b.resolveHost
		}
	}
	d, err := b.newDriver(req.URI, auth, configure)
	if err != nil {
		return response{}, err
	}
	id := store(b, b.drivers, &driverEntry{driver: d})
	return response{"Driver", map[string]any{"id": id}}, nil
}

// resolve asks TestKit's resolver function for the addresses of address.
func (b *backend) resolve(address string) []string {
	addrs, err := b.askAddresses(b.ctx, "ResolverResolutionRequired", map[string]any{"address": address})
	if err != nil {
		b.log.Printf("resolver: %v", err)
		return nil
	}
	return addrs
}

// resolveHost asks TestKit's domain name resolver function for the addresses
// of host.
func (b *backend) resolveHost(ctx context.Context, host string) ([]string, error) {
	return b.askAddresses(ctx, "DomainNameResolutionRequired", map[string]any{"name": host})
}

// askAddresses sends the callback request and returns the addresses of
// TestKit's answer.
func (b *backend) askAddresses(ctx context.Context, request string, data map[string]any) ([]string, error) {
	r, err := b.callback(ctx, request, data)
	if err != nil {
		return nil, err
	}
	var d struct {
		Addresses []string `json:"addresses"`
	}
	if err := json.Unmarshal(r.data, &d); err != nil {
		return nil, fmt.Errorf("%s answer: %w", request, err)
	}
	return d.Addresses, nil
}

type driverIDReq struct {
	DriverID string `json:"driverId"`
}

func (b *backend) driverOf(raw json.RawMessage) (*driverEntry, error) {
	req, err := decodeData[driverIDReq](raw)
	if err != nil {
		return nil, err
	}
	return lookup(b, b.drivers, "driver", req.DriverID)
}

func handleDriverClose(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[driverIDReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	if err := d.driver.Close(b.ctx); err != nil {
		return response{}, err
	}
	return response{"Driver", map[string]any{"id": req.DriverID}}, nil
}

func handleVerifyConnectivity(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[driverIDReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	if err := d.driver.VerifyConnectivity(b.ctx); err != nil {
		return response{}, err
	}
	return response{"Driver", map[string]any{"id": req.DriverID}}, nil
}

func serverInfoJSON(info native.ServerInfo) map[string]any {
	if info == nil {
		return map[string]any{"address": nil, "agent": nil, "protocolVersion": nil}
	}
	v := info.ProtocolVersion()
	return map[string]any{
		"address":         info.Address(),
		"agent":           info.Agent(),
		"protocolVersion": fmt.Sprintf("%d.%d", v.Major, v.Minor),
	}
}

func handleGetServerInfo(b *backend, raw json.RawMessage) (response, error) {
	d, err := b.driverOf(raw)
	if err != nil {
		return response{}, err
	}
	info, err := d.driver.GetServerInfo(b.ctx)
	if err != nil {
		return response{}, err
	}
	return response{"ServerInfo", serverInfoJSON(info)}, nil
}

func handleCheckMultiDBSupport(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[driverIDReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	info, err := d.driver.GetServerInfo(b.ctx)
	if err != nil {
		return response{}, err
	}
	// Multiple databases exist from Bolt 4.0 on; boltwire speaks 4.4+.
	return response{"MultiDBSupport", map[string]any{"id": req.DriverID, "available": info.ProtocolVersion().Major >= 4}}, nil
}

func handleCheckSessionAuthSupport(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[driverIDReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	info, err := d.driver.GetServerInfo(b.ctx)
	if err != nil {
		return response{}, err
	}
	v := info.ProtocolVersion()
	ok := v.Major > 5 || (v.Major == 5 && v.Minor >= 1)
	return response{"SessionAuthSupport", map[string]any{"id": req.DriverID, "available": ok}}, nil
}

func handleCheckDriverIsEncrypted(b *backend, raw json.RawMessage) (response, error) {
	d, err := b.driverOf(raw)
	if err != nil {
		return response{}, err
	}
	return response{"DriverIsEncrypted", map[string]any{"encrypted": d.driver.IsEncrypted()}}, nil
}

type verifyAuthReq struct {
	DriverID           string         `json:"driverId"`
	AuthorizationToken *authTokenJSON `json:"authorizationToken"`
}

func handleVerifyAuthentication(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[verifyAuthReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	var tok *native.AuthToken
	if req.AuthorizationToken != nil {
		t, err := req.AuthorizationToken.toAuthToken()
		if err != nil {
			return response{}, err
		}
		tok = &t
	}
	err = d.driver.VerifyAuthentication(b.ctx, tok)
	if err != nil {
		if ne := asNeo4jError(err); ne != nil && isAuthCode(ne.Code) {
			return response{"DriverIsAuthenticated", map[string]any{"id": req.DriverID, "authenticated": false}}, nil
		}
		return response{}, err
	}
	return response{"DriverIsAuthenticated", map[string]any{"id": req.DriverID, "authenticated": true}}, nil
}

func isAuthCode(code string) bool {
	switch code {
	case "Neo.ClientError.Security.Unauthorized", "Neo.ClientError.Security.TokenExpired",
		"Neo.ClientError.Security.CredentialsExpired", "Neo.ClientError.Security.Forbidden":
		return true
	}
	return false
}
