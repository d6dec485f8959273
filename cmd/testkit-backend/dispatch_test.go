package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/native"
)

// --- fakes of the native API ---

type fakeDriver struct {
	native.Driver // unimplemented methods panic
	sessions      []*fakeSession
	closed        bool
	verifyErr     error
}

func (d *fakeDriver) NewSession(_ context.Context, cfg native.SessionConfig) native.Session {
	s := &fakeSession{cfg: cfg}
	d.sessions = append(d.sessions, s)
	return s
}
func (d *fakeDriver) VerifyConnectivity(context.Context) error { return d.verifyErr }
func (d *fakeDriver) Close(context.Context) error              { d.closed = true; return nil }

type fakeSession struct {
	native.Session
	cfg      native.SessionConfig
	attempts int
}

func (s *fakeSession) Run(ctx context.Context, q string, p map[string]any, _ ...func(*native.TransactionConfig)) (native.Result, error) {
	if s.cfg.BookmarkManager != nil {
		if _, err := s.cfg.BookmarkManager.GetBookmarks(ctx); err != nil {
			return nil, err
		}
	}
	if q == "FAIL" {
		return nil, &native.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"}
	}
	return &fakeResult{keys: []string{"x"}, records: [][]any{{p["x"]}, {int64(2)}}}, nil
}

func (s *fakeSession) ExecuteWrite(ctx context.Context, work native.ManagedTransactionWork, _ ...func(*native.TransactionConfig)) (any, error) {
	for {
		s.attempts++
		v, err := work(fakeTx{s})
		if err == nil {
			return v, nil
		}
		if !native.IsRetryable(err) || s.attempts > 3 {
			return nil, err
		}
	}
}

func (s *fakeSession) Close(context.Context) error { return nil }

type fakeTx struct{ s *fakeSession }

func (t fakeTx) Run(ctx context.Context, q string, p map[string]any) (native.Result, error) {
	return t.s.Run(ctx, q, p)
}

type fakeResult struct {
	native.Result
	keys    []string
	records [][]any
	cur     *native.Record
}

func (r *fakeResult) Keys() ([]string, error) { return r.keys, nil }
func (r *fakeResult) NextRecord(_ context.Context, out **native.Record) bool {
	if len(r.records) == 0 {
		return false
	}
	r.cur = &native.Record{Keys: r.keys, Values: r.records[0]}
	r.records = r.records[1:]
	*out = r.cur
	return true
}
func (r *fakeResult) Err() error { return nil }

// --- harness ---

type harness struct {
	t      *testing.T
	conn   net.Conn
	r      *bufio.Reader
	driver *fakeDriver
	config native.Config // the configuration of the latest NewDriver
	done   chan error
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	client, server := net.Pipe()
	h := &harness{t: t, conn: client, r: bufio.NewReader(client), driver: &fakeDriver{}, done: make(chan error, 1)}
	factory := func(uri string, _ native.AuthTokenManager, cfgs ...func(*native.Config)) (native.Driver, error) {
		if !strings.HasPrefix(uri, "bolt://") {
			return nil, fmt.Errorf("bad uri %q", uri)
		}
		c := native.DefaultConfig()
		for _, f := range cfgs {
			f(&c)
		}
		h.config = c
		return h.driver, nil
	}
	b := newBackend(server, log.New(io.Discard, "", 0), factory)
	go func() { h.done <- b.serve(server); server.Close() }()
	t.Cleanup(func() {
		client.Close()
		select {
		case <-h.done:
		case <-time.After(5 * time.Second):
			t.Error("backend did not stop")
		}
	})
	return h
}

func (h *harness) send(name string, data any) {
	h.t.Helper()
	raw, err := json.Marshal(map[string]any{"name": name, "data": data})
	if err != nil {
		h.t.Fatal(err)
	}
	h.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(h.conn, "#request begin\n%s\n#request end\n", raw); err != nil {
		h.t.Fatalf("send %s: %v", name, err)
	}
}

type reply struct {
	Name string         `json:"name"`
	Data map[string]any `json:"data"`
}

func (h *harness) recv() reply {
	h.t.Helper()
	h.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var body string
	in := false
	for {
		line, err := h.r.ReadString('\n')
		if err != nil {
			h.t.Fatalf("recv: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == responseBegin:
			in = true
		case line == responseEnd:
			var r reply
			if err := json.Unmarshal([]byte(body), &r); err != nil {
				h.t.Fatalf("bad response %q: %v", body, err)
			}
			return r
		case in:
			body += line
		}
	}
}

func (h *harness) call(name string, data any, want string) reply {
	h.t.Helper()
	h.send(name, data)
	r := h.recv()
	if r.Name != want {
		h.t.Fatalf("%s: got %s %v, want %s", name, r.Name, r.Data, want)
	}
	return r
}

func basicAuth() map[string]any {
	return map[string]any{"name": "AuthorizationToken", "data": map[string]any{"scheme": "basic", "principal": "u", "credentials": "p"}}
}

func cypherInt(i int) map[string]any {
	return map[string]any{"name": "CypherInt", "data": map[string]any{"value": i}}
}

// --- tests ---

func TestDispatchTestControl(t *testing.T) {
	h := newHarness(t)
	r := h.call("GetFeatures", map[string]any{}, "FeatureList")
	if len(r.Data["features"].([]any)) != len(features) {
		t.Fatalf("features = %v", r.Data["features"])
	}
	h.call("StartTest", map[string]any{"testName": "stub.x.Test.test_y"}, "RunTest")
	h.call("StartSubTest", map[string]any{"testName": "stub.x.Test.test_y", "subtestArguments": map[string]any{}}, "RunTest")
	r = h.call("NoSuchRequest", map[string]any{}, "BackendError")
	if !strings.Contains(r.Data["msg"].(string), "NoSuchRequest") {
		t.Fatalf("msg = %v", r.Data["msg"])
	}
	h.call("DriverClose", map[string]any{"driverId": "404"}, "BackendError")
}

func TestSkipList(t *testing.T) {
	old := skips
	defer func() { skips = old }()
	skips = []skip{{"stub.a.*", "prefix"}, {"stub.b.T.test_?", "glob"}}
	h := newHarness(t)
	r := h.call("StartTest", map[string]any{"testName": "stub.a.x.T.test"}, "SkipTest")
	if r.Data["reason"] != "prefix" {
		t.Fatalf("reason = %v", r.Data["reason"])
	}
	h.call("StartTest", map[string]any{"testName": "stub.b.T.test_1"}, "SkipTest")
	h.call("StartTest", map[string]any{"testName": "stub.b.T.test_10"}, "RunTest")
}

func TestDispatchSessionRunAndResult(t *testing.T) {
	h := newHarness(t)
	d := h.call("NewDriver", map[string]any{"uri": "bolt://x:7687", "authorizationToken": basicAuth(), "fetchSize": 7}, "Driver")
	if h.config.FetchSize != 7 || !h.config.CompatHandshake {
		t.Fatalf("driver config = %v, want fetch size 7 and the compat handshake", h.config)
	}
	s := h.call("NewSession", map[string]any{"driverId": d.Data["id"], "accessMode": "r", "bookmarks": []string{"b1"}, "database": "db"}, "Session")
	cfg := h.driver.sessions[0].cfg
	if cfg.AccessMode != native.AccessModeRead || cfg.DatabaseName != "db" || len(cfg.Bookmarks) != 1 {
		t.Fatalf("session config = %v", cfg)
	}
	res := h.call("SessionRun", map[string]any{"sessionId": s.Data["id"], "cypher": "RETURN $x", "params": map[string]any{"x": cypherInt(41)}}, "Result")
	if fmt.Sprint(res.Data["keys"]) != "[x]" {
		t.Fatalf("keys = %v", res.Data["keys"])
	}
	rec := h.call("ResultNext", map[string]any{"resultId": res.Data["id"]}, "Record")
	v := rec.Data["values"].([]any)[0].(map[string]any)
	if v["name"] != "CypherInt" || v["data"].(map[string]any)["value"].(float64) != 41 {
		t.Fatalf("record = %v", rec.Data)
	}
	h.call("ResultNext", map[string]any{"resultId": res.Data["id"]}, "Record")
	h.call("ResultNext", map[string]any{"resultId": res.Data["id"]}, "NullRecord")

	e := h.call("SessionRun", map[string]any{"sessionId": s.Data["id"], "cypher": "FAIL", "params": nil}, "DriverError")
	if e.Data["code"] != "Neo.ClientError.Statement.SyntaxError" || e.Data["errorType"] != "Neo4jError" || e.Data["retryable"] != false || e.Data["id"] == "" {
		t.Fatalf("error = %v", e.Data)
	}
	h.call("SessionClose", map[string]any{"sessionId": s.Data["id"]}, "Session")
	h.call("DriverClose", map[string]any{"driverId": d.Data["id"]}, "Driver")
	if !h.driver.closed {
		t.Fatal("driver not closed")
	}
}

func TestDispatchRetryableTransaction(t *testing.T) {
	h := newHarness(t)
	d := h.call("NewDriver", map[string]any{"uri": "bolt://x", "authorizationToken": basicAuth()}, "Driver")
	s := h.call("NewSession", map[string]any{"driverId": d.Data["id"], "accessMode": "w"}, "Session")
	sid := s.Data["id"]

	// First attempt: TestKit reports a retryable driver error it got earlier.
	h.driver.verifyErr = &native.Neo4jError{Code: "Neo.TransientError.General.Whatever", Msg: "try again"}
	e := h.call("VerifyConnectivity", map[string]any{"driverId": d.Data["id"]}, "DriverError")
	if e.Data["retryable"] != true {
		t.Fatalf("transient error not retryable: %v", e.Data)
	}
	try1 := h.call("SessionWriteTransaction", map[string]any{"sessionId": sid}, "RetryableTry")
	res := h.call("TransactionRun", map[string]any{"txId": try1.Data["id"], "cypher": "RETURN 1", "params": map[string]any{}}, "Result")
	h.call("ResultNext", map[string]any{"resultId": res.Data["id"]}, "Record")
	h.send("RetryableNegative", map[string]any{"sessionId": sid, "errorId": e.Data["id"]})
	// The fake session retries: a second attempt with a new transaction id.
	try2 := h.recv()
	if try2.Name != "RetryableTry" || try2.Data["id"] == try1.Data["id"] {
		t.Fatalf("second attempt = %v", try2)
	}
	h.send("RetryablePositive", map[string]any{"sessionId": sid})
	if r := h.recv(); r.Name != "RetryableDone" {
		t.Fatalf("got %v", r)
	}
	// A client-side abort (no error id) ends with a FrontendError.
	h.call("SessionWriteTransaction", map[string]any{"sessionId": sid}, "RetryableTry")
	h.send("RetryableNegative", map[string]any{"sessionId": sid, "errorId": ""})
	if r := h.recv(); r.Name != "FrontendError" {
		t.Fatalf("got %v", r)
	}
	// The managed transaction cannot be committed by the caller.
	try3 := h.call("SessionWriteTransaction", map[string]any{"sessionId": sid}, "RetryableTry")
	h.call("TransactionCommit", map[string]any{"txId": try3.Data["id"]}, "FrontendError")
	h.send("RetryablePositive", map[string]any{"sessionId": sid})
	h.recv()
}

func TestDispatchBookmarkSupplierCallback(t *testing.T) {
	h := newHarness(t)
	d := h.call("NewDriver", map[string]any{"uri": "bolt://x", "authorizationToken": basicAuth()}, "Driver")
	bm := h.call("NewBookmarkManager", map[string]any{"initialBookmarks": []string{"a"}, "bookmarksSupplierRegistered": true, "bookmarksConsumerRegistered": false}, "BookmarkManager")
	s := h.call("NewSession", map[string]any{"driverId": d.Data["id"], "accessMode": "w", "bookmarkManagerId": bm.Data["id"]}, "Session")
	h.send("SessionRun", map[string]any{"sessionId": s.Data["id"], "cypher": "RETURN 1", "params": map[string]any{}})
	cb := h.recv()
	if cb.Name != "BookmarksSupplierRequest" || cb.Data["bookmarkManagerId"] != bm.Data["id"] {
		t.Fatalf("callback = %v", cb)
	}
	h.send("BookmarksSupplierCompleted", map[string]any{"requestId": cb.Data["id"], "bookmarks": []string{"b"}})
	if r := h.recv(); r.Name != "Result" {
		t.Fatalf("got %v", r)
	}
	h.call("BookmarkManagerClose", map[string]any{"id": bm.Data["id"]}, "BookmarkManager")
}

func TestDriverErrorJSON(t *testing.T) {
	cause := &native.Neo4jError{Code: "", Msg: "inner", GqlStatus: "22N00", GqlStatusDescription: "d2", GqlClassification: "CLIENT_ERROR"}
	err := fmt.Errorf("wrapped: %w", &native.Neo4jError{Code: "Neo.ClientError.Security.TokenExpired", Msg: "Token expired",
		GqlStatus: "42N00", GqlStatusDescription: "d", GqlClassification: "CLIENT_ERROR", GqlRawClassification: "CLIENT_ERROR",
		GqlDiagnosticRecord: map[string]any{"OPERATION": ""}, GqlCause: cause})
	d := driverErrorJSON("7", err)
	if d["errorType"] != "TokenExpiredError" || d["code"] != "Neo.ClientError.Security.TokenExpired" || d["msg"] != "Token expired" || d["gqlStatus"] != "42N00" {
		t.Fatalf("data = %v", d)
	}
	c := d["cause"].(map[string]any)
	if c["name"] != "GqlError" || c["data"].(map[string]any)["gqlStatus"] != "22N00" {
		t.Fatalf("cause = %v", c)
	}
	if _, err := json.Marshal(d); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{&native.ConnectivityError{Inner: io.EOF}, "ConnectivityError"},
		{&native.UsageError{Message: "x"}, "UsageError"},
		{&native.UsageError{Message: "session auth", Err: fmt.Errorf("old server: %w", bolt.ErrUnsupported)}, "feature not supported"},
		{&native.TransactionExecutionLimit{Cause: "x"}, "TransactionExecutionLimit"},
		{context.DeadlineExceeded, "ContextError"},
		{errors.New("x"), "Error"},
	} {
		if got := errorType(c.err); got != c.want {
			t.Errorf("errorType(%T) = %s, want %s", c.err, got, c.want)
		}
	}
}

func TestConfiguredSkipsMatch(t *testing.T) {
	id := "stub.iteration.test_result_single.TestResultSingle.test_result_single_with_0_records"
	if skipReason(id) == "" {
		t.Fatalf("%s is not skipped", id)
	}
	if r := skipReason("stub.routing.test_routing_v5x0.RoutingV5x0.test_should_read_successfully"); r != "" {
		t.Fatalf("unexpected skip: %s", r)
	}
	for _, s := range skips {
		if s.reason == "" {
			t.Errorf("skip %q has no reason", s.pattern)
		}
	}
}

func TestSkipPatterns(t *testing.T) {
	saved := skips
	t.Cleanup(func() { skips = saved })
	skips = []skip{
		{"stub.routing.*.test_x_on_*", "glob"},
		{"stub.retry.test_retry.TestRetry.*", "prefix"},
	}
	for id, want := range map[string]string{
		"stub.routing.test_routing_v5x0.RoutingV5x0.test_x_on_failure": "glob",
		"stub.routing.test_routing_v5x0.RoutingV5x0.test_y_on_failure": "",
		"stub.retry.test_retry.TestRetry.test_read":                    "prefix",
		"stub.retry.test_retry.TestRetryClustering.test_read":          "",
	} {
		if got := skipReason(id); got != want {
			t.Errorf("skipReason(%s) = %q, want %q", id, got, want)
		}
	}
}
