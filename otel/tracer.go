package neo4jotel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/boltwire/neo4j/native"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the spans and metrics.
const ScopeName = "github.com/boltwire/neo4j/otel"

// Option configures NewTracer.
type Option func(*config)

type config struct {
	tp         trace.TracerProvider
	mp         metric.MeterProvider
	queryText  bool
	opName     func(query string) string
	serverAddr string
	attrs      []attribute.KeyValue
}

// WithTracerProvider sets the TracerProvider (default: otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider sets the MeterProvider (default: otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// WithQueryText records the Cypher text of each query in db.query.text. It is
// off by default because query text may hold literal values; parameters are
// never recorded.
func WithQueryText() Option { return func(c *config) { c.queryText = true } }

// WithOperationName replaces the function that derives db.operation.name (and
// the span name) from the query text. The default, OperationName, returns the
// query's first clause keyword; return "" to leave the attribute out.
func WithOperationName(f func(query string) string) Option {
	return func(c *config) { c.opName = f }
}

// WithServerAddress sets the host:port reported in server.address and
// server.port when the driver does not say which server ran a query (a query
// that failed before a summary arrived). Pass the address of the URI given to
// NewDriver.
func WithServerAddress(hostPort string) Option { return func(c *config) { c.serverAddr = hostPort } }

// WithAttributes adds attributes to every span and measurement.
func WithAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, attrs...) }
}

// Tracer implements native.Tracer with OpenTelemetry spans and metrics.
// Create it with NewTracer; it is safe for concurrent use.
type Tracer struct {
	cfg    config
	tracer trace.Tracer
	meter  metric.Meter

	opDuration  metric.Float64Histogram
	retries     metric.Int64Counter
	txCount     metric.Int64Counter
	dialTime    metric.Float64Histogram
	acquireWait metric.Float64Histogram

	mu      sync.Mutex
	pending map[string][]pendingQuery // by query text, oldest first
	npend   int
}

// pendingQuery is what QueryStart saw, kept until the matching QueryEnd.
type pendingQuery struct {
	at         time.Time // when QueryStart was called
	parent     trace.SpanContext
	database   string
	accessMode native.AccessMode
	autoCommit bool
}

// maxPending bounds the queries started and not (yet) ended that the tracer
// remembers, for results that are never consumed nor closed (the driver does
// not call QueryEnd for a result discarded by a rollback); pendingMaxAge drops
// such entries when their query text runs again.
const (
	maxPending    = 10000
	pendingMaxAge = time.Hour
)

var _ native.Tracer = (*Tracer)(nil)

// NewTracer returns a Tracer. Instruments that the MeterProvider refuses are
// replaced by no-op ones (OpenTelemetry reports such errors to its global
// error handler).
func NewTracer(opts ...Option) *Tracer {
	c := config{opName: OperationName}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	t := &Tracer{
		cfg:     c,
		tracer:  c.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		meter:   c.mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL)),
		pending: map[string][]pendingQuery{},
	}
	var err error
	t.opDuration, err = t.meter.Float64Histogram("db.client.operation.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of database client operations."),
		metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10))
	handle(err)
	t.retries, err = t.meter.Int64Counter("neo4j.client.transaction.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Managed transactions retried after a retryable error."))
	handle(err)
	t.txCount, err = t.meter.Int64Counter("neo4j.client.transactions", metric.WithUnit("{transaction}"),
		metric.WithDescription("Transactions ended, by outcome (committed, rolled_back, failed)."))
	handle(err)
	t.dialTime, err = t.meter.Float64Histogram("db.client.connection.create_time", metric.WithUnit("s"),
		metric.WithDescription("The time it took to create a new connection."))
	handle(err)
	t.acquireWait, err = t.meter.Float64Histogram("db.client.connection.wait_time", metric.WithUnit("s"),
		metric.WithDescription("The time it took to obtain a connection from the pool."))
	handle(err)
	return t
}

func handle(err error) {
	if err != nil {
		otel.Handle(err)
	}
}

// QueryStart remembers the query's context and session settings.
func (t *Tracer) QueryStart(ctx context.Context, e native.QueryStartEvent) {
	now := time.Now()
	p := pendingQuery{at: now, parent: trace.SpanContextFromContext(ctx), database: e.Database,
		accessMode: e.AccessMode, autoCommit: e.AutoCommit}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.npend >= maxPending {
		t.pending = map[string][]pendingQuery{}
		t.npend = 0
	}
	list := t.pending[e.Query]
	for len(list) > 0 && now.Sub(list[0].at) > pendingMaxAge {
		list = list[1:]
		t.npend--
	}
	t.pending[e.Query] = append(list, p)
	t.npend++
}

// takePending removes and returns the QueryStart record that belongs to a
// QueryEnd: among those of the same query text, one from the same trace as
// ctx if there is any, and of those the one started closest to end-duration.
// Matching by trace keeps concurrent requests running the same query from
// borrowing each other's parent span.
func (t *Tracer) takePending(ctx context.Context, query string, started time.Time) (pendingQuery, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	list := t.pending[query]
	if len(list) == 0 {
		return pendingQuery{}, false
	}
	trace_ := trace.SpanContextFromContext(ctx).TraceID()
	best, sameTrace := -1, false
	var bestGap time.Duration
	for i, p := range list {
		same := trace_.IsValid() && p.parent.TraceID() == trace_
		if sameTrace && !same {
			continue
		}
		gap := p.at.Sub(started)
		if gap < 0 {
			gap = -gap
		}
		if best < 0 || same && !sameTrace || gap < bestGap {
			best, bestGap, sameTrace = i, gap, same
		}
	}
	p := list[best]
	if len(list) == 1 {
		delete(t.pending, query)
	} else {
		t.pending[query] = append(list[:best:best], list[best+1:]...)
	}
	t.npend--
	return p, true
}

// QueryEnd records the query's span, from when the driver started it to now,
// and its duration.
func (t *Tracer) QueryEnd(ctx context.Context, e native.QueryEndEvent) {
	end := time.Now()
	p, ok := t.takePending(ctx, e.Query, end.Add(-e.Duration))
	parent := ctx
	if ok && p.parent.IsValid() {
		parent = trace.ContextWithSpanContext(ctx, p.parent)
	}
	db := p.database
	addr := t.cfg.serverAddr
	if e.Summary != nil {
		if d := e.Summary.Database(); d != nil && d.Name() != "" {
			db = d.Name()
		}
		if s := e.Summary.Server(); s != nil && s.Address() != "" {
			addr = s.Address()
		}
	}
	var cerr *native.ConnectivityError
	if errors.As(e.Err, &cerr) && cerr.Address != "" {
		addr = cerr.Address
	}
	op := t.cfg.opName(e.Query)

	attrs := make([]attribute.KeyValue, 0, 12+len(t.cfg.attrs))
	attrs = append(attrs, semconv.DBSystemNameNeo4j)
	if db != "" {
		attrs = append(attrs, semconv.DBNamespace(db))
	}
	if op != "" {
		attrs = append(attrs, semconv.DBOperationName(op))
	}
	attrs = append(attrs, serverAttrs(addr)...)
	var errType string
	if e.Err != nil {
		var code string
		errType, code = classify(e.Err)
		attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
		if code != "" {
			attrs = append(attrs, semconv.DBResponseStatusCode(code))
		}
	}
	attrs = append(attrs, t.cfg.attrs...)
	t.opDuration.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(attrs...))

	spanAttrs := attrs
	if t.cfg.queryText {
		spanAttrs = append(spanAttrs, semconv.DBQueryText(e.Query))
	}
	if ok {
		spanAttrs = append(spanAttrs,
			attribute.String("neo4j.access_mode", p.accessMode.String()),
			attribute.Bool("neo4j.auto_commit", p.autoCommit))
	}
	if e.Summary != nil {
		spanAttrs = append(spanAttrs, attribute.String("neo4j.statement_type", e.Summary.StatementType().String()))
		if c := e.Summary.Counters(); c != nil && c.ContainsUpdates() {
			spanAttrs = append(spanAttrs,
				attribute.Int("neo4j.counters.nodes_created", c.NodesCreated()),
				attribute.Int("neo4j.counters.nodes_deleted", c.NodesDeleted()),
				attribute.Int("neo4j.counters.relationships_created", c.RelationshipsCreated()),
				attribute.Int("neo4j.counters.relationships_deleted", c.RelationshipsDeleted()),
				attribute.Int("neo4j.counters.properties_set", c.PropertiesSet()))
		}
	}
	_, span := t.tracer.Start(parent, spanName(op, db),
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(end.Add(-e.Duration)),
		trace.WithAttributes(spanAttrs...))
	if e.Err != nil {
		span.SetStatus(codes.Error, errType)
	}
	span.End(trace.WithTimestamp(end))
}

// spanName follows the convention "{operation} {namespace}", falling back to
// the parts known and finally to the system name.
func spanName(op, db string) string {
	switch {
	case op != "" && db != "":
		return op + " " + db
	case op != "":
		return op
	case db != "":
		return db
	}
	return "neo4j"
}

// serverAttrs splits host:port into server.address and server.port.
func serverAttrs(addr string) []attribute.KeyValue {
	if addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return []attribute.KeyValue{semconv.ServerAddress(addr)}
	}
	out := []attribute.KeyValue{semconv.ServerAddress(host)}
	if n, err := strconv.Atoi(port); err == nil {
		out = append(out, semconv.ServerPort(n))
	}
	return out
}

// classify returns the error.type of err and, for a server error, its Neo4j
// status code. Server errors are typed by their code, driver errors by their
// kind; messages are never used (they may hold data).
func classify(err error) (errType, code string) {
	var nerr *native.Neo4jError
	switch {
	case errors.As(err, &nerr) && nerr.Code != "":
		return nerr.Code, nerr.Code
	case errors.Is(err, context.Canceled):
		return "context.Canceled", ""
	case errors.Is(err, context.DeadlineExceeded):
		return "context.DeadlineExceeded", ""
	case native.IsCommitOutcomeUnknown(err):
		return "CommitOutcomeUnknownError", ""
	case native.IsTransactionExecutionLimit(err):
		return "TransactionExecutionLimit", ""
	case native.IsConnectivityError(err):
		return "ConnectivityError", ""
	case native.IsUsageError(err):
		return "UsageError", ""
	}
	return "_OTHER", ""
}

// OperationName is the default db.operation.name: the first clause keyword of
// the query, upper-cased ("MATCH", "CREATE", "CALL", "SHOW", ...), after
// leading comments, EXPLAIN/PROFILE and CYPHER options; "" if the query does
// not start with a keyword.
func OperationName(query string) string {
	q := query
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		switch {
		case strings.HasPrefix(q, "//"):
			if i := strings.IndexByte(q, '\n'); i >= 0 {
				q = q[i+1:]
				continue
			}
			return ""
		case strings.HasPrefix(q, "/*"):
			if i := strings.Index(q, "*/"); i >= 0 {
				q = q[i+2:]
				continue
			}
			return ""
		}
		word := q
		if i := strings.IndexFunc(q, func(r rune) bool { return !isLetter(r) }); i >= 0 {
			word = q[:i]
		}
		if word == "" {
			return ""
		}
		up := strings.ToUpper(word)
		switch up {
		case "EXPLAIN", "PROFILE":
			q = q[len(word):]
			continue
		case "CYPHER": // CYPHER [version] [option=value ...] <query>
			q = skipCypherOptions(q[len(word):])
			continue
		}
		return up
	}
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' }

// skipCypherOptions skips "25 runtime=slotted ..." after a CYPHER prefix.
func skipCypherOptions(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		i := strings.IndexAny(q, " \t\r\n")
		if i < 0 {
			return q
		}
		tok := q[:i]
		if strings.Contains(tok, "=") || strings.Trim(tok, "0123456789.") == "" {
			q = q[i:]
			continue
		}
		return q
	}
}

// TxBegin adds a "neo4j.transaction.begin" event to the span in ctx.
func (t *Tracer) TxBegin(ctx context.Context, e native.TxEvent) {
	t.txEvent(ctx, "neo4j.transaction.begin", e)
}

// TxCommit adds a "neo4j.transaction.commit" event to the span in ctx and
// counts the transaction.
func (t *Tracer) TxCommit(ctx context.Context, e native.TxEvent) {
	t.txEvent(ctx, "neo4j.transaction.commit", e)
	outcome := "committed"
	if e.Err != nil {
		outcome = "failed"
	}
	t.countTx(ctx, e, outcome)
}

// TxRollback adds a "neo4j.transaction.rollback" event to the span in ctx and
// counts the transaction.
func (t *Tracer) TxRollback(ctx context.Context, e native.TxEvent) {
	t.txEvent(ctx, "neo4j.transaction.rollback", e)
	t.countTx(ctx, e, "rolled_back")
}

func (t *Tracer) countTx(ctx context.Context, e native.TxEvent, outcome string) {
	attrs := []attribute.KeyValue{semconv.DBSystemNameNeo4j, attribute.String("neo4j.transaction.outcome", outcome),
		attribute.Bool("neo4j.transaction.managed", e.Managed)}
	if e.Database != "" {
		attrs = append(attrs, semconv.DBNamespace(e.Database))
	}
	t.txCount.Add(ctx, 1, metric.WithAttributes(append(attrs, t.cfg.attrs...)...))
}

func (t *Tracer) txEvent(ctx context.Context, name string, e native.TxEvent) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	attrs := []attribute.KeyValue{attribute.String("neo4j.access_mode", e.AccessMode.String()),
		attribute.Bool("neo4j.transaction.managed", e.Managed)}
	if e.Database != "" {
		attrs = append(attrs, semconv.DBNamespace(e.Database))
	}
	if e.Err != nil {
		typ, _ := classify(e.Err)
		attrs = append(attrs, semconv.ErrorTypeKey.String(typ))
	}
	span.AddEvent(name, trace.WithAttributes(attrs...))
}

// Retry adds a "neo4j.transaction.retry" event to the span in ctx (the
// context given to ExecuteRead, ExecuteWrite or ExecuteQuery) and counts it.
func (t *Tracer) Retry(ctx context.Context, e native.RetryEvent) {
	typ, _ := classify(e.Err)
	t.retries.Add(ctx, 1, metric.WithAttributes(append([]attribute.KeyValue{semconv.DBSystemNameNeo4j,
		semconv.ErrorTypeKey.String(typ)}, t.cfg.attrs...)...))
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.AddEvent("neo4j.transaction.retry", trace.WithAttributes(
		attribute.Int("neo4j.retry.attempt", e.Attempt),
		attribute.Float64("neo4j.retry.delay", e.Delay.Seconds()),
		semconv.ErrorTypeKey.String(typ)))
}

// PoolAcquire records the time spent waiting for a connection.
func (t *Tracer) PoolAcquire(ctx context.Context, e native.PoolEvent) {
	attrs := append([]attribute.KeyValue{semconv.DBSystemNameNeo4j, semconv.DBClientConnectionPoolName(e.Address)}, t.cfg.attrs...)
	if e.Err != nil {
		typ, _ := classify(e.Err)
		attrs = append(attrs, semconv.ErrorTypeKey.String(typ))
	}
	t.acquireWait.Record(ctx, e.Wait.Seconds(), metric.WithAttributes(attrs...))
}

// PoolRelease does nothing: pool occupancy is observed through ObservePool.
func (t *Tracer) PoolRelease(context.Context, native.PoolEvent) {}

// Connect records the time a new connection took (dial, TLS, handshake,
// authentication).
func (t *Tracer) Connect(ctx context.Context, e native.ConnectEvent) {
	attrs := append([]attribute.KeyValue{semconv.DBSystemNameNeo4j, semconv.DBClientConnectionPoolName(e.Address)}, t.cfg.attrs...)
	if e.Err != nil {
		typ, _ := classify(e.Err)
		attrs = append(attrs, semconv.ErrorTypeKey.String(typ))
	}
	t.dialTime.Record(ctx, e.Duration.Seconds(), metric.WithAttributes(attrs...))
}

// String describes the tracer's options.
func (t *Tracer) String() string {
	return fmt.Sprintf("neo4jotel.Tracer{queryText=%t, serverAddress=%q}", t.cfg.queryText, t.cfg.serverAddr)
}
