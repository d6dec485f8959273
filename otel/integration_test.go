package neo4jotel_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/boltwire/neo4j/native"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	neo4jotel "github.com/boltwire/neo4j/otel"
)

// TestAgainstServer runs real queries through a driver with the tracer and
// checks the spans, the retry event and the pool metrics.
func TestAgainstServer(t *testing.T) {
	s := neo4j(t)
	u, _ := url.Parse(s.uri)
	h := newHarness(neo4jotel.WithServerAddress(u.Host))
	auth := native.NoAuth()
	if s.user != "" {
		auth = native.BasicAuth(s.user, s.password, "")
	}
	driver, err := native.NewDriver(s.uri, auth, func(c *native.Config) { c.Tracer = h.tracer })
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(context.Background())
	reg, err := h.tracer.ObservePool(driver)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Unregister()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx, root := h.tp.Tracer("test").Start(ctx, "request")

	// 1. ExecuteQuery: a managed transaction with one query.
	if _, err := native.ExecuteQuery(ctx, driver, "RETURN $secret AS x", map[string]any{"secret": "s3cr3t"},
		native.EagerResultTransformer, native.ExecuteQueryWithDatabase("neo4j")); err != nil {
		t.Fatal(err)
	}
	// 2. A syntax error in an auto-commit query.
	session := driver.NewSession(ctx, native.SessionConfig{DatabaseName: "neo4j"})
	if res, err := session.Run(ctx, "RETRUN 1", nil); err == nil {
		_, err = res.Consume(ctx)
		if err == nil {
			t.Fatal("RETRUN 1 succeeded")
		}
	}
	// 3. A managed transaction retried once.
	attempts := 0
	_, err = session.ExecuteWrite(ctx, func(tx native.ManagedTransaction) (any, error) {
		attempts++
		res, err := tx.Run(ctx, "CREATE (n:OtelTest) RETURN n", nil)
		if err != nil {
			return nil, err
		}
		if _, err := res.Consume(ctx); err != nil {
			return nil, err
		}
		if attempts == 1 {
			return nil, &native.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "simulated"}
		}
		return nil, nil
	})
	if err != nil || attempts != 2 {
		t.Fatalf("ExecuteWrite: %v after %d attempts", err, attempts)
	}
	if _, err := session.Run(ctx, "MATCH (n:OtelTest) DELETE n", nil); err != nil {
		t.Fatal(err)
	}
	session.Close(ctx)
	root.End()

	spans := h.spans.GetSpans()
	byName := map[string][]tracetest.SpanStub{}
	for _, sp := range spans {
		byName[sp.Name] = append(byName[sp.Name], sp)
		for _, kv := range sp.Attributes {
			if kv.Value.Emit() == "s3cr3t" {
				t.Errorf("parameter value in %s.%s", sp.Name, kv.Key)
			}
		}
	}
	ret := byName["RETURN neo4j"]
	if len(ret) != 1 {
		t.Fatalf("spans: %v", names(spans))
	}
	a := attrs(ret[0].Attributes)
	if a["db.system.name"].AsString() != "neo4j" || a["db.namespace"].AsString() != "neo4j" ||
		a["db.operation.name"].AsString() != "RETURN" || a["server.address"].AsString() != "127.0.0.1" ||
		a["server.port"].AsInt64() != int64(mustPort(t, u)) || ret[0].Parent.SpanID() != root.SpanContext().SpanID() {
		t.Errorf("RETURN span: %v parent %v", a, ret[0].Parent.SpanID())
	}
	if _, ok := a["db.query.text"]; ok {
		t.Error("query text recorded without WithQueryText")
	}
	bad := byName["RETRUN neo4j"]
	if len(bad) != 1 || bad[0].Status.Code != codes.Error ||
		attrs(bad[0].Attributes)["error.type"].AsString() != "Neo.ClientError.Statement.SyntaxError" {
		t.Errorf("syntax error span: %+v", bad)
	}
	if n := len(byName["CREATE neo4j"]); n != 2 {
		t.Errorf("%d CREATE spans, want 2 (one per attempt)", n)
	}
	var rootStub tracetest.SpanStub
	for _, sp := range spans {
		if sp.Name == "request" {
			rootStub = sp
		}
	}
	retries := 0
	for _, e := range rootStub.Events {
		if e.Name == "neo4j.transaction.retry" {
			retries++
		}
	}
	if retries != 1 {
		t.Errorf("%d retry events on the request span, want 1", retries)
	}

	m := h.metrics(t)
	count, ok := m["db.client.connection.count"].Data.(metricdata.Sum[int64])
	if !ok || len(count.DataPoints) == 0 {
		t.Fatalf("no pool metrics: %+v", m["db.client.connection.count"])
	}
	var idle int64
	for _, dp := range count.DataPoints {
		if st, _ := dp.Attributes.Value("db.client.connection.state"); st.AsString() == "idle" {
			idle += dp.Value
		}
	}
	if idle < 1 {
		t.Errorf("no idle connection reported after the work: %+v", count.DataPoints)
	}
	if created := m["neo4j.client.connection.created"].Data.(metricdata.Sum[int64]); created.DataPoints[0].Value < 1 {
		t.Errorf("created %+v", created)
	}
	if _, ok := m["db.client.connection.create_time"]; !ok {
		t.Error("no db.client.connection.create_time")
	}
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

func mustPort(t *testing.T, u *url.URL) int {
	var p int
	for _, c := range u.Port() {
		p = p*10 + int(c-'0')
	}
	if p == 0 {
		t.Fatal(errors.New("no port in " + u.String()))
	}
	return p
}
