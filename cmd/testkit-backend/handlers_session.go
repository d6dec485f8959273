package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/boltwire/neo4j/native"
)

// sessionEntry is a session created by NewSession.
type sessionEntry struct {
	session native.Session

	mu      sync.Mutex
	verdict chan retryVerdict // non-nil while a transaction function waits for TestKit
}

// retryVerdict is TestKit's answer after running its transaction function:
// RetryablePositive (commit) or RetryableNegative (fail with errorID's error,
// or with a client error when errorID is empty).
type retryVerdict struct {
	positive bool
	errorID  string
}

// txEntry is an explicit or managed transaction.
type txEntry struct {
	explicit native.ExplicitTransaction // nil for a managed transaction
	managed  native.ManagedTransaction
}

func (t *txEntry) run(ctx context.Context, query string, params map[string]any) (native.Result, error) {
	if t.explicit != nil {
		return t.explicit.Run(ctx, query, params)
	}
	return t.managed.Run(ctx, query, params)
}

type newSessionReq struct {
	DriverID                        string         `json:"driverId"`
	AccessMode                      string         `json:"accessMode"`
	Bookmarks                       []string       `json:"bookmarks"`
	Database                        *string        `json:"database"`
	FetchSize                       *int           `json:"fetchSize"`
	ImpersonatedUser                *string        `json:"impersonatedUser"`
	BookmarkManagerID               *json.Number   `json:"bookmarkManagerId"`
	AuthorizationToken              *authTokenJSON `json:"authorizationToken"`
	NotificationsMinSeverity        *string        `json:"notificationsMinSeverity"`
	NotificationsDisabledCategories *[]string      `json:"notificationsDisabledCategories"`
}

func handleNewSession(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[newSessionReq](raw)
	if err != nil {
		return response{}, err
	}
	d, err := lookup(b, b.drivers, "driver", req.DriverID)
	if err != nil {
		return response{}, err
	}
	cfg := native.SessionConfig{Bookmarks: req.Bookmarks}
	switch req.AccessMode {
	case "r":
		cfg.AccessMode = native.AccessModeRead
	case "w", "":
		cfg.AccessMode = native.AccessModeWrite
	default:
		return response{}, backendErrorf("unknown access mode %q", req.AccessMode)
	}
	if req.Database != nil {
		cfg.DatabaseName = *req.Database
	}
	if req.FetchSize != nil {
		cfg.FetchSize = *req.FetchSize
	}
	if req.ImpersonatedUser != nil {
		cfg.ImpersonatedUser = *req.ImpersonatedUser
	}
	if req.BookmarkManagerID != nil {
		bm, err := lookup(b, b.bookmarkManagers, "bookmark manager", req.BookmarkManagerID.String())
		if err != nil {
			return response{}, err
		}
		cfg.BookmarkManager = bm
	}
	if req.AuthorizationToken != nil {
		tok, err := req.AuthorizationToken.toAuthToken()
		if err != nil {
			return response{}, err
		}
		cfg.Auth = &tok
	}
	if req.NotificationsMinSeverity != nil {
		cfg.NotificationsMinSeverity = minSeverity(*req.NotificationsMinSeverity)
	}
	if req.NotificationsDisabledCategories != nil {
		cfg.NotificationsDisabledClassifications = classifications(*req.NotificationsDisabledCategories)
	}
	s := d.driver.NewSession(b.ctx, cfg)
	id := store(b, b.sessions, &sessionEntry{session: s})
	return response{"Session", map[string]any{"id": id}}, nil
}

type sessionIDReq struct {
	SessionID string `json:"sessionId"`
}

func handleSessionClose(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[sessionIDReq](raw)
	if err != nil {
		return response{}, err
	}
	s, err := lookup(b, b.sessions, "session", req.SessionID)
	if err != nil {
		return response{}, err
	}
	if err := s.session.Close(b.ctx); err != nil {
		return response{}, err
	}
	return response{"Session", map[string]any{"id": req.SessionID}}, nil
}

func handleSessionLastBookmarks(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[sessionIDReq](raw)
	if err != nil {
		return response{}, err
	}
	s, err := lookup(b, b.sessions, "session", req.SessionID)
	if err != nil {
		return response{}, err
	}
	bms := s.session.LastBookmarks()
	if bms == nil {
		bms = []string{}
	}
	return response{"Bookmarks", map[string]any{"bookmarks": bms}}, nil
}

// txConfigReq holds the transaction options shared by SessionRun and the
// transaction requests.
type txConfigReq struct {
	SessionID string          `json:"sessionId"`
	Cypher    string          `json:"cypher"`
	Params    json.RawMessage `json:"params"`
	TxMeta    json.RawMessage `json:"txMeta"`
	Timeout   json.RawMessage `json:"timeout"`
}

func (r *txConfigReq) configurers() ([]func(*native.TransactionConfig), error) {
	var out []func(*native.TransactionConfig)
	if isSet(r.TxMeta) {
		v, err := decodeJSON(r.TxMeta)
		if err != nil {
			return nil, backendErrorf("txMeta: %w", err)
		}
		meta, err := fromCypherParams(v)
		if err != nil {
			return nil, backendErrorf("txMeta: %w", err)
		}
		out = append(out, native.WithTxMetadata(meta))
	}
	if isSet(r.Timeout) {
		v, err := decodeJSON(r.Timeout)
		if err != nil {
			return nil, backendErrorf("timeout: %w", err)
		}
		n, err := jsonInt(v)
		if err != nil {
			return nil, backendErrorf("timeout: %w", err)
		}
		out = append(out, native.WithTxTimeout(ms(n)))
	}
	return out, nil
}

func params(raw json.RawMessage) (map[string]any, error) {
	if !isSet(raw) {
		return nil, nil
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, backendErrorf("params: %w", err)
	}
	p, err := fromCypherParams(v)
	if err != nil {
		return nil, backendErrorf("params: %w", err)
	}
	return p, nil
}

func (b *backend) storeResult(res native.Result) (response, error) {
	keys, err := res.Keys()
	if err != nil {
		return response{}, err
	}
	if keys == nil {
		keys = []string{}
	}
	id := store(b, b.results, &resultEntry{result: res})
	return response{"Result", map[string]any{"id": id, "keys": keys}}, nil
}

func handleSessionRun(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[txConfigReq](raw)
	if err != nil {
		return response{}, err
	}
	s, err := lookup(b, b.sessions, "session", req.SessionID)
	if err != nil {
		return response{}, err
	}
	p, err := params(req.Params)
	if err != nil {
		return response{}, err
	}
	conf, err := req.configurers()
	if err != nil {
		return response{}, err
	}
	res, err := s.session.Run(b.ctx, req.Cypher, p, conf...)
	if err != nil {
		return response{}, err
	}
	return b.storeResult(res)
}

func handleSessionBeginTransaction(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[txConfigReq](raw)
	if err != nil {
		return response{}, err
	}
	s, err := lookup(b, b.sessions, "session", req.SessionID)
	if err != nil {
		return response{}, err
	}
	conf, err := req.configurers()
	if err != nil {
		return response{}, err
	}
	tx, err := s.session.BeginTransaction(b.ctx, conf...)
	if err != nil {
		return response{}, err
	}
	id := store(b, b.txs, &txEntry{explicit: tx})
	return response{"Transaction", map[string]any{"id": id}}, nil
}

func handleSessionReadTransaction(b *backend, raw json.RawMessage) (response, error) {
	return b.managedTransaction(raw, true)
}

func handleSessionWriteTransaction(b *backend, raw json.RawMessage) (response, error) {
	return b.managedTransaction(raw, false)
}

// errAborted is the client error a transaction function fails with when
// TestKit aborts it without a driver error.
var errAborted = &frontendError{msg: "transaction function aborted by the TestKit client"}

// managedTransaction runs ExecuteRead/ExecuteWrite in a goroutine. Each
// attempt registers the managed transaction, answers RetryableTry and waits
// for TestKit's verdict, while the dispatcher keeps serving the requests
// TestKit makes inside the transaction function. The final answer
// (RetryableDone or an error) is sent by the goroutine.
func (b *backend) managedTransaction(raw json.RawMessage, read bool) (response, error) {
	req, err := decodeData[txConfigReq](raw)
	if err != nil {
		return response{}, err
	}
	s, err := lookup(b, b.sessions, "session", req.SessionID)
	if err != nil {
		return response{}, err
	}
	conf, err := req.configurers()
	if err != nil {
		return response{}, err
	}
	verdicts := make(chan retryVerdict, 1)
	s.mu.Lock()
	if s.verdict != nil {
		s.mu.Unlock()
		return response{}, backendErrorf("session %s already runs a transaction function", req.SessionID)
	}
	s.verdict = verdicts
	s.mu.Unlock()
	work := func(tx native.ManagedTransaction) (any, error) {
		id := store(b, b.txs, &txEntry{managed: tx})
		defer func() {
			b.mu.Lock()
			delete(b.txs, id)
			b.mu.Unlock()
		}()
		if err := b.w.send("RetryableTry", map[string]any{"id": id}); err != nil {
			return nil, err
		}
		select {
		case v := <-verdicts:
			if v.positive {
				return nil, nil
			}
			if v.errorID != "" {
				b.mu.Lock()
				e, ok := b.errs[v.errorID]
				b.mu.Unlock()
				if ok {
					return nil, e
				}
			}
			return nil, errAborted
		case <-b.ctx.Done():
			return nil, fmt.Errorf("TestKit connection closed: %w", b.ctx.Err())
		}
	}
	go func() {
		var err error
		if read {
			_, err = s.session.ExecuteRead(b.ctx, work, conf...)
		} else {
			_, err = s.session.ExecuteWrite(b.ctx, work, conf...)
		}
		s.mu.Lock()
		s.verdict = nil
		s.mu.Unlock()
		if err != nil {
			var fe *frontendError
			if errors.As(err, &fe) {
				err = fe
			}
			b.sendError(err)
			return
		}
		if err := b.w.send("RetryableDone", nil); err != nil {
			b.log.Printf("sending RetryableDone: %v", err)
		}
	}()
	return response{}, nil
}

type retryableReq struct {
	SessionID string `json:"sessionId"`
	ErrorID   any    `json:"errorId"`
}

func (b *backend) deliverVerdict(raw json.RawMessage, positive bool) (response, error) {
	req, err := decodeData[retryableReq](raw)
	if err != nil {
		return response{}, err
	}
	s, err := lookup(b, b.sessions, "session", req.SessionID)
	if err != nil {
		return response{}, err
	}
	s.mu.Lock()
	ch := s.verdict
	s.mu.Unlock()
	if ch == nil {
		if positive {
			return response{}, backendErrorf("no transaction function is running on session %s", req.SessionID)
		}
		return response{}, errAborted
	}
	v := retryVerdict{positive: positive}
	if req.ErrorID != nil {
		v.errorID = fmt.Sprint(req.ErrorID)
	}
	select {
	case ch <- v:
	default:
		return response{}, backendErrorf("session %s: transaction function is not waiting for a verdict", req.SessionID)
	}
	return response{}, nil
}

func handleRetryablePositive(b *backend, raw json.RawMessage) (response, error) {
	return b.deliverVerdict(raw, true)
}

func handleRetryableNegative(b *backend, raw json.RawMessage) (response, error) {
	return b.deliverVerdict(raw, false)
}

type txIDReq struct {
	TxID   string          `json:"txId"`
	Cypher string          `json:"cypher"`
	Params json.RawMessage `json:"params"`
}

func handleTransactionRun(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[txIDReq](raw)
	if err != nil {
		return response{}, err
	}
	tx, err := lookup(b, b.txs, "transaction", req.TxID)
	if err != nil {
		return response{}, err
	}
	p, err := params(req.Params)
	if err != nil {
		return response{}, err
	}
	res, err := tx.run(b.ctx, req.Cypher, p)
	if err != nil {
		return response{}, err
	}
	return b.storeResult(res)
}

// explicitTx fetches an explicit transaction; managed transactions cannot be
// committed, rolled back or closed by the caller.
func (b *backend) explicitTx(id, op string) (native.ExplicitTransaction, error) {
	tx, err := lookup(b, b.txs, "transaction", id)
	if err != nil {
		return nil, err
	}
	if tx.explicit == nil {
		return nil, &frontendError{msg: fmt.Sprintf("%s is not allowed on a managed (retryable transaction) transaction", op)}
	}
	return tx.explicit, nil
}

// txEndHandler returns the handler of a request that ends an explicit
// transaction with end (op names it in errors): commit, rollback or close.
func txEndHandler(op string, end func(native.ExplicitTransaction, context.Context) error) handlerFunc {
	return func(b *backend, raw json.RawMessage) (response, error) {
		req, err := decodeData[txIDReq](raw)
		if err != nil {
			return response{}, err
		}
		tx, err := b.explicitTx(req.TxID, op)
		if err != nil {
			return response{}, err
		}
		if err := end(tx, b.ctx); err != nil {
			return response{}, err
		}
		return response{"Transaction", map[string]any{"id": req.TxID}}, nil
	}
}

var (
	handleTransactionCommit   = txEndHandler("commit", native.ExplicitTransaction.Commit)
	handleTransactionRollback = txEndHandler("rollback", native.ExplicitTransaction.Rollback)
	handleTransactionClose    = txEndHandler("close", native.ExplicitTransaction.Close)
)
