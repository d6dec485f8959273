package neo4jotel_test

import (
	"context"

	"testing"
	"time"

	"github.com/boltwire/neo4j/native"
	neo4jotel "github.com/boltwire/neo4j/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

type harness struct {
	spans  *tracetest.InMemoryExporter
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	tracer *neo4jotel.Tracer
}

func newHarness(opts ...neo4jotel.Option) *harness {
	h := &harness{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	h.tracer = neo4jotel.NewTracer(append([]neo4jotel.Option{neo4jotel.WithTracerProvider(h.tp),
		neo4jotel.WithMeterProvider(mp)}, opts...)...)
	return h
}

func attrs(kvs []attribute.KeyValue) map[string]attribute.Value {
	m := map[string]attribute.Value{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

func (h *harness) metrics(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

type fakeSummary struct{ native.ResultSummary }

func (fakeSummary) Database() native.DatabaseInfo       { return dbName("movies") }
func (fakeSummary) Server() native.ServerInfo           { return srvInfo{} }
func (fakeSummary) StatementType() native.StatementType { return native.StatementTypeReadOnly }
func (fakeSummary) Counters() native.Counters           { return nil }

type dbName string

func (d dbName) Name() string { return string(d) }

type srvInfo struct{ native.ServerInfo }

func (srvInfo) Address() string { return "db.example:7688" }

func TestQuerySpanFromEvents(t *testing.T) {
	h := newHarness()
	ctx, parent := h.tp.Tracer("test").Start(context.Background(), "parent")
	q := "CYPHER 25 EXPLAIN MATCH (m:Movie) RETURN m.title"
	h.tracer.QueryStart(ctx, native.QueryStartEvent{Query: q, Parameters: map[string]any{"secret": "s3cr3t"},
		AccessMode: native.AccessModeRead, AutoCommit: true})
	h.tracer.QueryEnd(context.Background(), native.QueryEndEvent{Query: q, Duration: 50 * time.Millisecond, Summary: fakeSummary{}})
	parent.End()

	spans := h.spans.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Name != "MATCH movies" || s.SpanKind != trace.SpanKindClient {
		t.Errorf("name %q kind %v", s.Name, s.SpanKind)
	}
	if s.Parent.SpanID() != parent.SpanContext().SpanID() {
		t.Error("the query span is not a child of the span in QueryStart's context")
	}
	if d := s.EndTime.Sub(s.StartTime); d != 50*time.Millisecond {
		t.Errorf("duration %v", d)
	}
	a := attrs(s.Attributes)
	want := map[string]any{"db.system.name": "neo4j", "db.namespace": "movies", "db.operation.name": "MATCH",
		"server.address": "db.example", "server.port": int64(7688), "neo4j.access_mode": "READ", "neo4j.auto_commit": true,
		"neo4j.statement_type": "READ_ONLY"}
	for k, v := range want {
		if a[k].AsInterface() != v {
			t.Errorf("%s = %v, want %v", k, a[k].AsInterface(), v)
		}
	}
	for _, k := range []string{"db.query.text", "db.query.parameter.secret", "error.type"} {
		if _, ok := a[k]; ok {
			t.Errorf("unexpected attribute %s", k)
		}
	}
	for _, kv := range s.Attributes {
		if kv.Value.Emit() == "s3cr3t" {
			t.Errorf("a parameter value leaked into %s", kv.Key)
		}
	}
	if m := h.metrics(t)["db.client.operation.duration"]; m.Name == "" {
		t.Error("no db.client.operation.duration")
	}
}

func TestFailedQueryAndOptInText(t *testing.T) {
	h := newHarness(neo4jotel.WithQueryText(), neo4jotel.WithServerAddress("localhost:7687"))
	q := "RETRUN 1"
	h.tracer.QueryStart(context.Background(), native.QueryStartEvent{Query: q, Database: "neo4j"})
	h.tracer.QueryEnd(context.Background(), native.QueryEndEvent{Query: q, Duration: time.Millisecond,
		Err: &native.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "Invalid input 'RETRUN'"}})
	s := h.spans.GetSpans()[0]
	a := attrs(s.Attributes)
	if s.Name != "RETRUN neo4j" || a["db.query.text"].AsString() != q || a["error.type"].AsString() != "Neo.ClientError.Statement.SyntaxError" ||
		a["db.response.status_code"].AsString() != "Neo.ClientError.Statement.SyntaxError" || a["server.address"].AsString() != "localhost" ||
		s.Status.Code != codes.Error {
		t.Errorf("span %s %v %v", s.Name, a, s.Status)
	}
}

func TestRetryEventAndCounters(t *testing.T) {
	h := newHarness()
	ctx, span := h.tp.Tracer("test").Start(context.Background(), "work")
	h.tracer.TxBegin(ctx, native.TxEvent{Managed: true, AccessMode: native.AccessModeWrite})
	h.tracer.TxRollback(ctx, native.TxEvent{Managed: true})
	h.tracer.Retry(ctx, native.RetryEvent{Attempt: 1, Delay: time.Second,
		Err: &native.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected"}})
	h.tracer.TxCommit(ctx, native.TxEvent{Managed: true})
	span.End()
	ev := h.spans.GetSpans()[0].Events
	names := []string{}
	for _, e := range ev {
		names = append(names, e.Name)
	}
	if len(ev) != 4 || ev[2].Name != "neo4j.transaction.retry" {
		t.Fatalf("events %v", names)
	}
	a := attrs(ev[2].Attributes)
	if a["neo4j.retry.attempt"].AsInt64() != 1 || a["neo4j.retry.delay"].AsFloat64() != 1 ||
		a["error.type"].AsString() != "Neo.TransientError.Transaction.DeadlockDetected" {
		t.Errorf("retry event %v", a)
	}
	m := h.metrics(t)
	if sum, ok := m["neo4j.client.transaction.retries"].Data.(metricdata.Sum[int64]); !ok || sum.DataPoints[0].Value != 1 {
		t.Errorf("retries metric %+v", m["neo4j.client.transaction.retries"])
	}
	if sum, ok := m["neo4j.client.transactions"].Data.(metricdata.Sum[int64]); !ok || len(sum.DataPoints) != 2 {
		t.Errorf("transactions metric %+v", m["neo4j.client.transactions"])
	}
}

type stats []native.PoolStats

func (s stats) Stats() []native.PoolStats { return s }

func TestObservePool(t *testing.T) {
	h := newHarness()
	reg, err := h.tracer.ObservePool(stats{{Address: "a:7687", Idle: 2, InUse: 3, Waiting: 1, Created: 7, Closed: 2, Waits: 4, WaitTime: 1500 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Unregister()
	m := h.metrics(t)
	count := m["db.client.connection.count"].Data.(metricdata.Sum[int64])
	got := map[string]int64{}
	for _, dp := range count.DataPoints {
		st, _ := dp.Attributes.Value("db.client.connection.state")
		pool, _ := dp.Attributes.Value("db.client.connection.pool.name")
		if pool.AsString() != "a:7687" {
			t.Errorf("pool name %v", pool.AsString())
		}
		got[st.AsString()] = dp.Value
	}
	if got["idle"] != 2 || got["used"] != 3 || count.IsMonotonic {
		t.Errorf("connection count %v", got)
	}
	for name, want := range map[string]int64{"db.client.connection.pending_requests": 1, "neo4j.client.connection.created": 7,
		"neo4j.client.connection.closed": 2, "neo4j.client.connection.waits": 4} {
		if v := m[name].Data.(metricdata.Sum[int64]).DataPoints[0].Value; v != want {
			t.Errorf("%s = %d, want %d", name, v, want)
		}
	}
	if v := m["neo4j.client.connection.wait_time.total"].Data.(metricdata.Sum[float64]).DataPoints[0].Value; v != 1.5 {
		t.Errorf("wait time %v", v)
	}
}

func TestOperationName(t *testing.T) {
	for q, want := range map[string]string{
		"MATCH (n) RETURN n":                       "MATCH",
		"  // comment\n create (n)":                "CREATE",
		"/* x */ PROFILE CALL db.labels()":         "CALL",
		"CYPHER 5 runtime=slotted UNWIND [1] AS x": "UNWIND",
		"SHOW DATABASES":                           "SHOW",
		"":                                         "",
		"(n)":                                      "",
	} {
		if got := neo4jotel.OperationName(q); got != want {
			t.Errorf("OperationName(%q) = %q, want %q", q, got, want)
		}
	}
}

// Two requests run the same query; the second ends first, and an abandoned
// start (a result discarded by a rollback gets no QueryEnd) is left over.
// Each span must keep its own request's parent.
func TestSameQueryTextDoesNotCrossTraces(t *testing.T) {
	h := newHarness()
	tr := h.tp.Tracer("test")
	q := "MATCH (n) RETURN n"
	ctxStale, stale := tr.Start(context.Background(), "stale")
	h.tracer.QueryStart(ctxStale, native.QueryStartEvent{Query: q})
	stale.End()
	ctxA, a := tr.Start(context.Background(), "A")
	h.tracer.QueryStart(ctxA, native.QueryStartEvent{Query: q, Database: "a"})
	ctxB, b := tr.Start(context.Background(), "B")
	h.tracer.QueryStart(ctxB, native.QueryStartEvent{Query: q, Database: "b"})
	h.tracer.QueryEnd(ctxB, native.QueryEndEvent{Query: q, Duration: time.Millisecond})
	h.tracer.QueryEnd(ctxA, native.QueryEndEvent{Query: q, Duration: 2 * time.Millisecond})
	a.End()
	b.End()
	for _, s := range h.spans.GetSpans() {
		switch s.Name {
		case "MATCH a":
			if s.Parent.SpanID() != a.SpanContext().SpanID() {
				t.Error("A's query span has another parent")
			}
		case "MATCH b":
			if s.Parent.SpanID() != b.SpanContext().SpanID() {
				t.Error("B's query span has another parent")
			}
		case "stale", "A", "B":
		default:
			t.Errorf("unexpected span %q", s.Name)
		}
	}
}
