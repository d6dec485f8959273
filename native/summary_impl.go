package native

import (
	"fmt"
	"time"

	"github.com/boltwire/neo4j/bolt"
)

// resultSummary implements ResultSummary from the merged RUN and final
// PULL/DISCARD SUCCESS metadata.
type resultSummary struct {
	server        serverInfo
	query         query
	stmtType      StatementType
	counters      counters
	plan          Plan
	profile       ProfiledPlan
	notifications []Notification
	statuses      []GqlStatusObject
	availAfter    time.Duration
	consumedAfter time.Duration
	database      string
	bookmark      string
}

type query struct {
	text   string
	params map[string]any
}

func (q *query) Text() string               { return q.text }
func (q *query) Parameters() map[string]any { return q.params }

type databaseInfo string

func (d databaseInfo) Name() string { return string(d) }

func (s *resultSummary) Server() ServerInfo                  { return &s.server }
func (s *resultSummary) Query() Query                        { return &s.query }
func (s *resultSummary) StatementType() StatementType        { return s.stmtType }
func (s *resultSummary) Counters() Counters                  { return &s.counters }
func (s *resultSummary) Plan() Plan                          { return s.plan }
func (s *resultSummary) Profile() ProfiledPlan               { return s.profile }
func (s *resultSummary) Notifications() []Notification       { return s.notifications }
func (s *resultSummary) GqlStatusObjects() []GqlStatusObject { return s.statuses }
func (s *resultSummary) ResultAvailableAfter() time.Duration { return s.availAfter }
func (s *resultSummary) ResultConsumedAfter() time.Duration  { return s.consumedAfter }
func (s *resultSummary) Database() DatabaseInfo              { return databaseInfo(s.database) }
func (s *resultSummary) Bookmark() string                    { return s.bookmark }

func metaInt(m map[string]any, k string) (int64, bool) {
	switch v := m[k].(type) {
	case int64:
		return v, true
	case float64:
		return int64(v), true
	}
	return 0, false
}

func metaStr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// metaMillis returns a duration in milliseconds of the metadata (an Integer,
// or a Float as some servers sent).
func metaMillis(m *bolt.Meta, typed func(*bolt.Meta) (int64, bool), k string) (time.Duration, bool) {
	ms, ok := typed(m)
	if !ok {
		f, isFloat := metaValue(m, k).(float64)
		if !isFloat {
			return 0, false
		}
		ms = int64(f)
	}
	return time.Duration(ms) * time.Millisecond, true
}

// metaValue returns the value of key k of m (nil if none).
func metaValue(m *bolt.Meta, k string) any {
	v, _ := m.Get(k)
	return v
}

// statementTypes maps the summary's "type" to a StatementType.
var statementTypes = map[string]StatementType{
	"r": StatementTypeReadOnly, "rw": StatementTypeReadWrite, "w": StatementTypeWriteOnly, "s": StatementTypeSchemaWrite,
}

// checkMeta rejects final metadata that violates the protocol: a query type
// other than r, rw, w and s.
func checkMeta(meta *bolt.Meta) error {
	if s, ok := meta.Type(); ok {
		if statementTypes[s] == StatementTypeUnknown {
			return &bolt.ProtocolError{Msg: fmt.Sprintf("the summary's query type %#v is none of \"r\", \"rw\", \"w\", \"s\"", s)}
		}
		return nil
	}
	t, ok := meta.Get("type")
	if !ok {
		return nil
	}
	if s, isStr := t.(string); !isStr || statementTypes[s] == StatementTypeUnknown {
		return &bolt.ProtocolError{Msg: fmt.Sprintf("the summary's query type %#v is none of \"r\", \"rw\", \"w\", \"s\"", t)}
	}
	return nil
}

func newSummary(meta *bolt.Meta, text string, params map[string]any, server *serverInfo, facts streamFacts) *resultSummary {
	s := new(resultSummary)
	s.fill(meta, text, params, server, facts)
	return s
}

// fill sets s from the final metadata of a result and what the driver knows
// about it (a result fills the summary it holds, so it allocates none).
func (s *resultSummary) fill(meta *bolt.Meta, text string, params map[string]any, server *serverInfo, facts streamFacts) {
	*s = resultSummary{
		server:        *server,
		query:         query{text: text, params: params},
		availAfter:    -1,
		consumedAfter: -1,
		database:      meta.Database(),
		bookmark:      meta.Bookmark(),
	}
	if d, ok := metaMillis(meta, (*bolt.Meta).TFirst, "t_first"); ok {
		s.availAfter = d
	}
	if d, ok := metaMillis(meta, (*bolt.Meta).TLast, "t_last"); ok {
		s.consumedAfter = d
	}
	typ, _ := meta.Type()
	s.stmtType = statementTypes[typ]
	s.counters = newCounters(meta.Stats())
	if p, ok := metaValue(meta, "plan").(map[string]any); ok {
		s.plan = newPlan(p)
	}
	if p, ok := metaValue(meta, "profile").(map[string]any); ok {
		pp := newProfiledPlan(p)
		s.profile = pp
		if s.plan == nil {
			s.plan = pp.asPlan()
		}
	}
	s.notifications, s.statuses = summaryStatuses(meta, server.protocol, facts)
}

// summaryStatuses returns the notifications and GQL status objects of a
// result. From Bolt 5.6 the server sends the statuses and the notifications
// are those among them (an empty list when there are none); before, the
// notifications are the server's list (nil when it sent none) and the
// statuses are derived from them plus the outcome status.
func summaryStatuses(meta *bolt.Meta, v ProtocolVersion, facts streamFacts) ([]Notification, []GqlStatusObject) {
	var notes []Notification
	var statuses []GqlStatusObject
	if list, ok := metaValue(meta, "statuses").([]any); ok || !v.before(5, 6) {
		notes = []Notification{}
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				st := newGqlStatus(m)
				statuses = append(statuses, st)
				if n := st.asNotification(); n != nil {
					notes = append(notes, n)
				}
			}
		}
		return notes, statuses
	}
	list, ok := metaValue(meta, "notifications").([]any)
	if ok {
		notes = make([]Notification, 0, len(list))
	}
	legacy := make([]*notification, 0, len(list))
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			n := newNotification(m)
			notes = append(notes, n)
			legacy = append(legacy, n)
		}
	}
	return notes, deriveStatuses(outcomeStatus(meta, facts), legacy)
}

// counters implements Counters over the SUCCESS metadata's stats as decoded
// (read, never modified; nil when there were none): no copy per summary.
type counters struct {
	stats *bolt.Stats
}

func newCounters(stats *bolt.Stats) counters { return counters{stats: stats} }

func (c *counters) get(k string) int {
	n, _ := c.stats.Int(k)
	return int(n)
}

func (c *counters) NodesCreated() int         { return c.get("nodes-created") }
func (c *counters) NodesDeleted() int         { return c.get("nodes-deleted") }
func (c *counters) RelationshipsCreated() int { return c.get("relationships-created") }
func (c *counters) RelationshipsDeleted() int { return c.get("relationships-deleted") }
func (c *counters) PropertiesSet() int        { return c.get("properties-set") }
func (c *counters) LabelsAdded() int          { return c.get("labels-added") }
func (c *counters) LabelsRemoved() int        { return c.get("labels-removed") }
func (c *counters) IndexesAdded() int         { return c.get("indexes-added") }
func (c *counters) IndexesRemoved() int       { return c.get("indexes-removed") }
func (c *counters) ConstraintsAdded() int     { return c.get("constraints-added") }
func (c *counters) ConstraintsRemoved() int   { return c.get("constraints-removed") }
func (c *counters) SystemUpdates() int        { return c.get("system-updates") }

func (c *counters) ContainsUpdates() bool {
	if b, ok := c.stats.Bool("contains-updates"); ok {
		return b
	}
	found := false
	c.stats.All(func(k string, v any) bool {
		n, ok := v.(int64)
		found = ok && k != "system-updates" && n > 0
		return !found
	})
	return found
}

func (c *counters) ContainsSystemUpdates() bool {
	if b, ok := c.stats.Bool("contains-system-updates"); ok {
		return b
	}
	return c.get("system-updates") > 0
}

// before reports whether v is older than major.minor.
func (v ProtocolVersion) before(major, minor int) bool {
	return v.Major < major || (v.Major == major && v.Minor < minor)
}
