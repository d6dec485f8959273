package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/boltwire/neo4j/internal/clock"
	"github.com/boltwire/neo4j/native"
)

type startTestReq struct {
	TestName string `json:"testName"`
}

func handleStartTest(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[startTestReq](raw)
	if err != nil {
		return response{}, err
	}
	b.mu.Lock()
	b.testName = req.TestName
	b.mu.Unlock()
	if reason := skipReason(req.TestName); reason != "" {
		return response{"SkipTest", map[string]any{"reason": reason}}, nil
	}
	return response{"RunTest", nil}, nil
}

func handleStartSubTest(b *backend, raw json.RawMessage) (response, error) {
	return response{"RunTest", nil}, nil
}

func handleGetFeatures(b *backend, raw json.RawMessage) (response, error) {
	return response{"FeatureList", map[string]any{"features": features}}, nil
}

// --- bookmark managers ---

type newBookmarkManagerReq struct {
	InitialBookmarks            []string `json:"initialBookmarks"`
	BookmarksSupplierRegistered bool     `json:"bookmarksSupplierRegistered"`
	BookmarksConsumerRegistered bool     `json:"bookmarksConsumerRegistered"`
}

func handleNewBookmarkManager(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[newBookmarkManagerReq](raw)
	if err != nil {
		return response{}, err
	}
	id := b.newID()
	cfg := native.BookmarkManagerConfig{InitialBookmarks: req.InitialBookmarks}
	if req.BookmarksSupplierRegistered {
		cfg.BookmarksSupplier = func(ctx context.Context) (native.Bookmarks, error) {
			r, err := b.callback(ctx, "BookmarksSupplierRequest", map[string]any{"bookmarkManagerId": id})
			if err != nil {
				return nil, err
			}
			var d struct {
				Bookmarks []string `json:"bookmarks"`
			}
			if err := json.Unmarshal(r.data, &d); err != nil {
				return nil, fmt.Errorf("bookmark supplier answer: %w", err)
			}
			return d.Bookmarks, nil
		}
	}
	if req.BookmarksConsumerRegistered {
		cfg.BookmarksConsumer = func(ctx context.Context, bms native.Bookmarks) error {
			if bms == nil {
				bms = native.Bookmarks{}
			}
			_, err := b.callback(ctx, "BookmarksConsumerRequest", map[string]any{"bookmarkManagerId": id, "bookmarks": bms})
			return err
		}
	}
	b.mu.Lock()
	b.bookmarkManagers[id] = native.NewBookmarkManager(cfg)
	b.mu.Unlock()
	return response{"BookmarkManager", map[string]any{"id": id}}, nil
}

type idReq struct {
	ID json.RawMessage `json:"id"`
}

func handleBookmarkManagerClose(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[idReq](raw)
	if err != nil {
		return response{}, err
	}
	id := rawID(req.ID)
	b.mu.Lock()
	delete(b.bookmarkManagers, id)
	b.mu.Unlock()
	return response{"BookmarkManager", map[string]any{"id": id}}, nil
}

// --- auth token managers ---

// callbackAuthManager is a native.AuthTokenManager whose decisions TestKit
// makes (NewAuthTokenManager).
type callbackAuthManager struct {
	b  *backend
	id string
}

func (m *callbackAuthManager) GetAuthToken(ctx context.Context) (native.AuthToken, error) {
	r, err := m.b.callback(ctx, "AuthTokenManagerGetAuthRequest", map[string]any{"authTokenManagerId": m.id})
	if err != nil {
		return native.AuthToken{}, err
	}
	var d struct {
		Auth authTokenJSON `json:"auth"`
	}
	if err := json.Unmarshal(r.data, &d); err != nil {
		return native.AuthToken{}, fmt.Errorf("auth manager answer: %w", err)
	}
	return d.Auth.toAuthToken()
}

func (m *callbackAuthManager) HandleSecurityException(ctx context.Context, tok native.AuthToken, e *native.Neo4jError) (bool, error) {
	code := ""
	if e != nil {
		code = e.Code
	}
	r, err := m.b.callback(ctx, "AuthTokenManagerHandleSecurityExceptionRequest",
		map[string]any{"authTokenManagerId": m.id, "auth": authTokenToJSON(tok), "errorCode": code})
	if err != nil {
		return false, err
	}
	var d struct {
		Handled bool `json:"handled"`
	}
	if err := json.Unmarshal(r.data, &d); err != nil {
		return false, fmt.Errorf("auth manager answer: %w", err)
	}
	return d.Handled, nil
}

func handleNewAuthTokenManager(b *backend, raw json.RawMessage) (response, error) {
	id := b.newID()
	b.mu.Lock()
	b.authManagers[id] = &callbackAuthManager{b: b, id: id}
	b.mu.Unlock()
	return response{"AuthTokenManager", map[string]any{"id": id}}, nil
}

func handleNewBasicAuthTokenManager(b *backend, raw json.RawMessage) (response, error) {
	id := b.newID()
	m := native.BasicTokenManager(func(ctx context.Context) (native.AuthToken, error) {
		r, err := b.callback(ctx, "BasicAuthTokenProviderRequest", map[string]any{"basicAuthTokenManagerId": id})
		if err != nil {
			return native.AuthToken{}, err
		}
		var d struct {
			Auth authTokenJSON `json:"auth"`
		}
		if err := json.Unmarshal(r.data, &d); err != nil {
			return native.AuthToken{}, fmt.Errorf("basic auth provider answer: %w", err)
		}
		return d.Auth.toAuthToken()
	})
	b.mu.Lock()
	b.authManagers[id] = m
	b.mu.Unlock()
	return response{"BasicAuthTokenManager", map[string]any{"id": id}}, nil
}

func handleNewBearerAuthTokenManager(b *backend, raw json.RawMessage) (response, error) {
	id := b.newID()
	m := native.BearerTokenManager(func(ctx context.Context) (native.AuthToken, *time.Time, error) {
		r, err := b.callback(ctx, "BearerAuthTokenProviderRequest", map[string]any{"bearerAuthTokenManagerId": id})
		if err != nil {
			return native.AuthToken{}, nil, err
		}
		var d struct {
			Auth struct {
				Data struct {
					Auth        authTokenJSON `json:"auth"`
					ExpiresInMs *int64        `json:"expiresInMs"`
				} `json:"data"`
			} `json:"auth"`
		}
		if err := json.Unmarshal(r.data, &d); err != nil {
			return native.AuthToken{}, nil, fmt.Errorf("bearer auth provider answer: %w", err)
		}
		tok, err := d.Auth.Data.Auth.toAuthToken()
		if err != nil {
			return native.AuthToken{}, nil, err
		}
		var exp *time.Time
		if d.Auth.Data.ExpiresInMs != nil {
			t := clock.Now().Add(ms(*d.Auth.Data.ExpiresInMs)) // follows FakeTime like the manager
			exp = &t
		}
		return tok, exp, nil
	})
	b.mu.Lock()
	b.authManagers[id] = m
	b.mu.Unlock()
	return response{"BearerAuthTokenManager", map[string]any{"id": id}}, nil
}

func handleAuthTokenManagerClose(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[idReq](raw)
	if err != nil {
		return response{}, err
	}
	id := rawID(req.ID)
	b.mu.Lock()
	delete(b.authManagers, id)
	b.mu.Unlock()
	return response{"AuthTokenManager", map[string]any{"id": id}}, nil
}

// --- ExecuteQuery ---

type executeQueryReq struct {
	DriverID string          `json:"driverId"`
	Cypher   string          `json:"cypher"`
	Params   json.RawMessage `json:"params"`
	Config   struct {
		Database           *string         `json:"database"`
		Routing            *string         `json:"routing"`
		ImpersonatedUser   *string         `json:"impersonatedUser"`
		BookmarkManagerID  json.RawMessage `json:"bookmarkManagerId"`
		TxMeta             json.RawMessage `json:"txMeta"`
		Timeout            json.RawMessage `json:"timeout"`
		AuthorizationToken *authTokenJSON  `json:"authorizationToken"`
	} `json:"config"`
}

func handleExecuteQuery(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[executeQueryReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	p, err := params(req.Params)
	if err != nil {
		return response{}, err
	}
	c := req.Config
	var opts []native.ExecuteQueryConfigurationOption
	if c.Database != nil {
		opts = append(opts, native.ExecuteQueryWithDatabase(*c.Database))
	}
	if c.Routing != nil {
		switch *c.Routing {
		case "r":
			opts = append(opts, native.ExecuteQueryWithReadersRouting())
		case "w":
			opts = append(opts, native.ExecuteQueryWithWritersRouting())
		default:
			return response{}, backendErrorf("unknown routing %q", *c.Routing)
		}
	}
	if c.ImpersonatedUser != nil {
		opts = append(opts, native.ExecuteQueryWithImpersonatedUser(*c.ImpersonatedUser))
	}
	if isSet(c.BookmarkManagerID) {
		id := rawID(c.BookmarkManagerID)
		if id == "-1" {
			opts = append(opts, native.ExecuteQueryWithoutBookmarkManager())
		} else {
			bm, err := lookup(b, b.bookmarkManagers, "bookmark manager", id)
			if err != nil {
				return response{}, err
			}
			opts = append(opts, native.ExecuteQueryWithBookmarkManager(bm))
		}
	}
	if c.AuthorizationToken != nil {
		tok, err := c.AuthorizationToken.toAuthToken()
		if err != nil {
			return response{}, err
		}
		opts = append(opts, native.ExecuteQueryWithAuthToken(tok))
	}
	tc := txConfigReq{TxMeta: c.TxMeta, Timeout: c.Timeout}
	conf, err := tc.configurers()
	if err != nil {
		return response{}, err
	}
	if len(conf) > 0 {
		opts = append(opts, native.ExecuteQueryWithTransactionConfig(conf...))
	}
	res, err := native.ExecuteQuery(b.ctx, d.driver, req.Cypher, p, native.EagerResultTransformer, opts...)
	if err != nil {
		return response{}, err
	}
	records := make([]map[string]any, len(res.Records))
	for i, rec := range res.Records {
		values, err := recordValues(rec.Values)
		if err != nil {
			return response{}, backendErrorf("converting record %d: %w", i, err)
		}
		records[i] = map[string]any{"values": values}
	}
	keys := res.Keys
	if keys == nil {
		keys = []string{}
	}
	return response{"EagerResult", map[string]any{"keys": keys, "records": records, "summary": summaryJSON(res.Summary)}}, nil
}

// --- pool metrics ---

type poolMetricsReq struct {
	DriverID string `json:"driverId"`
	Address  string `json:"address"`
}

func handleGetConnectionPoolMetrics(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[poolMetricsReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	for _, s := range d.driver.Stats() {
		if s.Address == req.Address {
			return response{"ConnectionPoolMetrics", map[string]any{"inUse": s.InUse, "idle": s.Idle}}, nil
		}
	}
	return response{"ConnectionPoolMetrics", map[string]any{"inUse": 0, "idle": 0}}, nil
}

// handlers maps request names to their handlers. Requests not listed are
// answered with a BackendError naming them.
var handlers map[string]handlerFunc

func init() {
	handlers = map[string]handlerFunc{
		"StartTest":                 handleStartTest,
		"StartSubTest":              handleStartSubTest,
		"GetFeatures":               handleGetFeatures,
		"NewDriver":                 handleNewDriver,
		"DriverClose":               handleDriverClose,
		"VerifyConnectivity":        handleVerifyConnectivity,
		"GetServerInfo":             handleGetServerInfo,
		"CheckMultiDBSupport":       handleCheckMultiDBSupport,
		"CheckSessionAuthSupport":   handleCheckSessionAuthSupport,
		"CheckDriverIsEncrypted":    handleCheckDriverIsEncrypted,
		"VerifyAuthentication":      handleVerifyAuthentication,
		"NewSession":                handleNewSession,
		"SessionClose":              handleSessionClose,
		"SessionRun":                handleSessionRun,
		"SessionBeginTransaction":   handleSessionBeginTransaction,
		"SessionReadTransaction":    handleSessionReadTransaction,
		"SessionWriteTransaction":   handleSessionWriteTransaction,
		"SessionLastBookmarks":      handleSessionLastBookmarks,
		"RetryablePositive":         handleRetryablePositive,
		"RetryableNegative":         handleRetryableNegative,
		"TransactionRun":            handleTransactionRun,
		"TransactionCommit":         handleTransactionCommit,
		"TransactionRollback":       handleTransactionRollback,
		"TransactionClose":          handleTransactionClose,
		"ResultNext":                handleResultNext,
		"ResultPeek":                handleResultPeek,
		"ResultSingle":              handleResultSingle,
		"ResultList":                handleResultList,
		"ResultConsume":             handleResultConsume,
		"CypherTypeField":           handleCypherTypeField,
		"NewBookmarkManager":        handleNewBookmarkManager,
		"BookmarkManagerClose":      handleBookmarkManagerClose,
		"NewAuthTokenManager":       handleNewAuthTokenManager,
		"NewBasicAuthTokenManager":  handleNewBasicAuthTokenManager,
		"NewBearerAuthTokenManager": handleNewBearerAuthTokenManager,
		"AuthTokenManagerClose":     handleAuthTokenManagerClose,
		"ExecuteQuery":              handleExecuteQuery,
		"GetConnectionPoolMetrics":  handleGetConnectionPoolMetrics,
		"GetRoutingTable":           handleGetRoutingTable,
		"ForcedRoutingTableUpdate":  handleForcedRoutingTableUpdate,
		"FakeTimeInstall":           handleFakeTimeInstall,
		"FakeTimeTick":              handleFakeTimeTick,
		"FakeTimeUninstall":         handleFakeTimeUninstall,
	}
}
