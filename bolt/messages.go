package bolt

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Request message signatures.
const (
	sigHello     = 0x01
	sigGoodbye   = 0x02
	sigReset     = 0x0F
	sigRun       = 0x10
	sigBegin     = 0x11
	sigCommit    = 0x12
	sigRollback  = 0x13
	sigDiscard   = 0x2F
	sigPull      = 0x3F
	sigTelemetry = 0x54
	sigRoute     = 0x66
	sigLogon     = 0x6A
	sigLogoff    = 0x6B
)

// Response message signatures.
const (
	sigSuccess = 0x70
	sigRecord  = 0x71
	sigIgnored = 0x7E
	sigFailure = 0x7F
)

// kv is one dictionary entry; messages build ordered entry lists so the bytes are
// deterministic.
type kv struct {
	k string
	v any
}

// queueMsg encodes one message with body and appends it, chunked, to the output queue.
// It registers a request awaiting its summary unless kind is GOODBYE.
func (c *Conn) queueMsg(kind msgKind, s *Stream, body func() error) (*request, error) {
	start := len(c.out)
	c.enc.Reset()
	c.enc.Buf = append(c.out, 0, 0)
	err := body()
	if err == nil {
		err = c.enc.Err()
	}
	if err != nil {
		c.out = c.enc.Buf[:start]
		if pe, ok := err.(*ParameterError); ok {
			return nil, pe
		}
		return nil, fmt.Errorf("bolt: encoding %s: %w", kind, err)
	}
	b := c.enc.Buf
	n := len(b) - start - 2
	encoded := b[start+2:]
	if n <= maxChunk {
		b[start], b[start+1] = byte(n>>8), byte(n)
		c.out = append(b, 0, 0)
	} else {
		c.scratch = append(c.scratch[:0], b[start+2:]...)
		c.out = appendChunked(b[:start], c.scratch)
	}
	if c.trace != nil {
		c.traceMsg(true, encoded)
	}
	if kind == msgGoodbye {
		return nil, nil
	}
	req := c.slot(kind, s)
	if req == nil || req.queued {
		req = new(request)
	}
	*req = request{kind: kind, stream: s, queued: true}
	c.queue = append(c.queue, req)
	return req, nil
}

// slot returns the request embedded for kind, nil if there is none: RUN's and
// PULL's or DISCARD's in their stream, BEGIN's and COMMIT's or ROLLBACK's in the
// Conn. queueMsg uses it unless it is still queued (a BEGIN not yet answered
// when COMMIT follows it directly), so a query or transaction allocates no
// request. Nothing keeps a request once it has left the queue except the
// function that waits for it, which is done with it before the slot can be
// queued again.
func (c *Conn) slot(kind msgKind, s *Stream) *request {
	switch kind {
	case msgRun, msgPull, msgDiscard:
		if s == nil {
			return nil
		}
		if kind == msgRun {
			return &s.runReq
		}
		return &s.pullReq
	case msgBegin:
		return &c.beginReq
	case msgCommit, msgRollback:
		return &c.endReq
	}
	return nil
}

// writeKVs writes an ordered dictionary.
func (c *Conn) writeKVs(kvs []kv) error {
	c.enc.MapHeader(len(kvs))
	for _, e := range kvs {
		c.enc.String(e.k)
		if err := c.writeValue(e.v); err != nil {
			return fmt.Errorf("%s: %w", e.k, err)
		}
	}
	return nil
}

// writeValue writes the value types message extras use, falling back to Value.
func (c *Conn) writeValue(v any) error {
	switch x := v.(type) {
	case string:
		c.enc.String(x)
	case int64:
		c.enc.Int(x)
	case []string:
		c.writeStrings(x)
	case *[]string:
		c.writeStrings(*x)
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		c.enc.MapHeader(len(keys))
		for _, k := range keys {
			c.enc.String(k)
			c.enc.String(x[k])
		}
	case []kv:
		return c.writeKVs(x)
	default:
		return c.enc.Value(v)
	}
	return nil
}

// writeStrings writes a list of strings.
func (c *Conn) writeStrings(l []string) {
	c.enc.ListHeader(len(l))
	for _, s := range l {
		c.enc.String(s)
	}
}

// authKVs orders an auth token: scheme first, then the other keys sorted.
func authKVs(a Auth) []kv {
	keys := make([]string, 0, len(a))
	for k := range a {
		if k != "scheme" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := make([]kv, 0, len(a))
	if s, ok := a["scheme"]; ok {
		out = append(out, kv{"scheme", s})
	}
	for _, k := range keys {
		out = append(out, kv{k, a[k]})
	}
	return out
}

// notifKVs returns the notification filter entries for n, or an error if the
// negotiated version cannot carry them.
func (c *Conn) notifKVs(n NotificationConfig) ([]kv, error) {
	if n.isZero() {
		return nil, nil
	}
	if !c.version.Has(FeatureNotificationFilters) {
		return nil, fmt.Errorf("bolt: notification filters need Bolt 5.2+, connection speaks %s: %w", c.version, ErrUnsupported)
	}
	var out []kv
	if n.MinimumSeverity != "" {
		out = append(out, kv{"notifications_minimum_severity", n.MinimumSeverity})
	}
	if n.DisabledClassifications != nil {
		key := "notifications_disabled_classifications"
		if c.version.Has(FeatureDisabledCategories) {
			key = "notifications_disabled_categories"
		}
		out = append(out, kv{key, n.DisabledClassifications})
	}
	return out, nil
}

// need returns an error wrapping ErrUnsupported, naming what (the option asked for)
// and the negotiated version, when the connection's version lacks f.
func (c *Conn) need(f Feature, what string) error {
	if c.version.Has(f) {
		return nil
	}
	return fmt.Errorf("bolt: %s needs Bolt %s+, but this connection negotiated Bolt %s: %w", what, featureTable[f].from, c.version, ErrUnsupported)
}

// defaultBoltAgent identifies this driver in HELLO bolt_agent.
func defaultBoltAgent() map[string]string {
	return map[string]string{
		"product":  DefaultUserAgent,
		"platform": runtime.GOOS + "; " + runtime.GOARCH,
		"language": "Go/" + strings.TrimPrefix(runtime.Version(), "go"),
	}
}

// helloKVs builds HELLO's extra dictionary.
func (c *Conn) helloKVs(cfg DialConfig) ([]kv, error) {
	ua := cfg.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	extra := []kv{{"user_agent", ua}}
	if c.version.Has(FeatureBoltAgent) {
		ba := cfg.BoltAgent
		if ba == nil {
			ba = defaultBoltAgent()
		}
		extra = append(extra, kv{"bolt_agent", ba})
	}
	if cfg.RoutingContext != nil && c.version.Has(FeatureHelloRouting) {
		extra = append(extra, kv{"routing", cfg.RoutingContext})
	}
	if c.version.Has(FeatureUTCPatch) {
		extra = append(extra, kv{"patch_bolt", []string{"utc"}})
	}
	nk, err := c.notifKVs(cfg.Notifications)
	if err != nil {
		return nil, err
	}
	extra = append(extra, nk...)
	if !c.version.Has(FeatureLogon) {
		extra = append(extra, authKVs(cfg.Auth)...)
	}
	return extra, nil
}

// queueHello queues HELLO, and LOGON on Bolt 5.1+.
func (c *Conn) queueHello(cfg DialConfig) error {
	extra, err := c.helloKVs(cfg)
	if err != nil {
		return err
	}
	if _, err := c.queueMsg(msgHello, nil, func() error {
		c.enc.StructHeader(sigHello, 1)
		return c.writeKVs(extra)
	}); err != nil {
		return err
	}
	if c.version.Has(FeatureLogon) {
		_, err := c.queueLogon(cfg.Auth)
		return err
	}
	return nil
}

func (c *Conn) queueLogon(a Auth) (*request, error) {
	return c.queueMsg(msgLogon, nil, func() error {
		c.enc.StructHeader(sigLogon, 1)
		return c.writeKVs(authKVs(a))
	})
}

// queueSimple queues a message without fields (RESET, COMMIT, ROLLBACK, LOGOFF, GOODBYE).
func (c *Conn) queueSimple(kind msgKind) (*request, error) {
	var sig byte
	switch kind {
	case msgReset:
		sig = sigReset
	case msgCommit:
		sig = sigCommit
	case msgRollback:
		sig = sigRollback
	case msgLogoff:
		sig = sigLogoff
	case msgGoodbye:
		sig = sigGoodbye
	default:
		panic("bolt: queueSimple: " + kind.String())
	}
	return c.queueMsg(kind, nil, func() error {
		c.enc.StructHeader(sig, 0)
		return nil
	})
}

// txKVs builds the extra dictionary of BEGIN or an auto-commit RUN.
func (c *Conn) txKVs(tx *TxConfig) ([]kv, error) {
	if tx == nil {
		return nil, nil
	}
	// The list lives until queueRun/queueBegin has encoded it; the Conn's
	// array saves an allocation per auto-commit query and transaction (more
	// entries than it holds grow a new slice).
	clear(c.txExtra[:])
	out := c.txExtra[:0]
	if len(tx.Bookmarks) > 0 {
		c.txBms = tx.Bookmarks // boxed as a pointer: a []string in an interface allocates
		out = append(out, kv{"bookmarks", &c.txBms})
	}
	if tx.TimeoutSet {
		ms := int64(tx.Timeout / time.Millisecond)
		if tx.Timeout > 0 && tx.Timeout%time.Millisecond != 0 {
			ms++ // round up: a sub-millisecond timeout must not become "no timeout"
		}
		if ms < 0 {
			return nil, fmt.Errorf("bolt: negative transaction timeout %s", tx.Timeout)
		}
		out = append(out, kv{"tx_timeout", ms})
	}
	if len(tx.Metadata) > 0 {
		out = append(out, kv{"tx_metadata", tx.Metadata})
	}
	if tx.Mode == Read {
		out = append(out, kv{"mode", "r"})
	}
	if tx.Database != "" {
		if err := c.need(FeatureDatabase, "database "+strconv.Quote(tx.Database)); err != nil {
			return nil, err
		}
		out = append(out, kv{"db", tx.Database})
	}
	if tx.ImpersonatedUser != "" {
		if err := c.need(FeatureImpersonation, "impersonation of user "+strconv.Quote(tx.ImpersonatedUser)); err != nil {
			return nil, err
		}
		out = append(out, kv{"imp_user", tx.ImpersonatedUser})
	}
	if tx.Notifications != nil {
		nk, err := c.notifKVs(*tx.Notifications)
		if err != nil {
			return nil, err
		}
		out = append(out, nk...)
	}
	return out, nil
}

func (c *Conn) queueBegin(tx *TxConfig) (*request, error) {
	extra, err := c.txKVs(tx)
	if err != nil {
		return nil, err
	}
	return c.queueMsg(msgBegin, nil, func() error {
		c.enc.StructHeader(sigBegin, 1)
		return c.writeKVs(extra)
	})
}

func (c *Conn) queueRun(s *Stream, query string, params map[string]any, extra []kv) (*request, error) {
	return c.queueMsg(msgRun, s, func() error {
		c.enc.StructHeader(sigRun, 3)
		c.enc.String(query)
		if params == nil {
			c.enc.MapHeader(0)
		} else if err := c.enc.Map(params); err != nil {
			return c.parameterError(params, err)
		}
		return c.writeKVs(extra)
	})
}

// queuePullDiscard queues PULL or DISCARD {n, qid}; qid -1 (the last statement) is left out.
// Before Bolt 4.0 the same signatures are PULL_ALL and DISCARD_ALL, without fields.
func (c *Conn) queuePullDiscard(kind msgKind, s *Stream, n, qid int64) (*request, error) {
	sig := byte(sigPull)
	if kind == msgDiscard {
		sig = sigDiscard
	}
	if !c.version.Has(FeatureQueryID) {
		req, err := c.queueMsg(kind, s, func() error {
			c.enc.StructHeader(sig, 0)
			return nil
		})
		if req != nil {
			req.ends = true // PULL_ALL, DISCARD_ALL
		}
		return req, err
	}
	req, err := c.queueMsg(kind, s, func() error {
		c.enc.StructHeader(sig, 1)
		if qid == -1 {
			c.enc.MapHeader(1)
		} else {
			c.enc.MapHeader(2)
		}
		c.enc.String("n")
		c.enc.Int(n)
		if qid != -1 {
			c.enc.String("qid")
			c.enc.Int(qid)
		}
		return nil
	})
	if req != nil {
		req.ends = n < 0
	}
	return req, err
}

// queueRoute queues ROUTE {routing} [bookmarks] extra, where extra is {db, imp_user}
// on 4.4+ and the database name (or null for the default database) on 4.3.
func (c *Conn) queueRoute(routing map[string]string, bookmarks []string, db, impUser string) (*request, error) {
	var extra any
	if c.version.Has(FeatureRouteExtra) {
		var kvs []kv
		if db != "" {
			kvs = append(kvs, kv{"db", db})
		}
		if impUser != "" {
			kvs = append(kvs, kv{"imp_user", impUser})
		}
		extra = kvs
	} else if db != "" {
		extra = db
	}
	if routing == nil {
		routing = map[string]string{}
	}
	if bookmarks == nil {
		bookmarks = []string{}
	}
	return c.queueMsg(msgRoute, nil, func() error {
		c.enc.StructHeader(sigRoute, 3)
		if err := c.writeValue(routing); err != nil {
			return err
		}
		if err := c.writeValue(bookmarks); err != nil {
			return err
		}
		if kvs, ok := extra.([]kv); ok {
			return c.writeKVs(kvs)
		}
		return c.writeValue(extra)
	})
}

func (c *Conn) queueTelemetry(api int) (*request, error) {
	return c.queueMsg(msgTelemetry, nil, func() error {
		c.enc.StructHeader(sigTelemetry, 1)
		c.enc.Int(int64(api))
		return nil
	})
}
