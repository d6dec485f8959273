package native

import (
	"time"
)

// resultSummary implements ResultSummary from the merged RUN and final
// PULL/DISCARD SUCCESS metadata.
type resultSummary struct {
	server        *serverInfo
	query         *query
	stmtType      StatementType
	counters      *counters
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

func (s *resultSummary) Server() ServerInfo                  { return s.server }
func (s *resultSummary) Query() Query                        { return s.query }
func (s *resultSummary) StatementType() StatementType        { return s.stmtType }
func (s *resultSummary) Counters() Counters                  { return s.counters }
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

func newSummary(meta map[string]any, text string, params map[string]any, server *serverInfo) *resultSummary {
	s := &resultSummary{
		server:        server,
		query:         &query{text: text, params: params},
		availAfter:    -1,
		consumedAfter: -1,
		database:      metaStr(meta, "db"),
		bookmark:      metaStr(meta, "bookmark"),
	}
	if ms, ok := metaInt(meta, "t_first"); ok {
		s.availAfter = time.Duration(ms) * time.Millisecond
	}
	if ms, ok := metaInt(meta, "t_last"); ok {
		s.consumedAfter = time.Duration(ms) * time.Millisecond
	}
	switch metaStr(meta, "type") {
	case "r":
		s.stmtType = StatementTypeReadOnly
	case "rw":
		s.stmtType = StatementTypeReadWrite
	case "w":
		s.stmtType = StatementTypeWriteOnly
	case "s":
		s.stmtType = StatementTypeSchemaWrite
	}
	stats, _ := meta["stats"].(map[string]any)
	s.counters = newCounters(stats)
	if p, ok := meta["plan"].(map[string]any); ok {
		s.plan = newPlan(p)
	}
	if p, ok := meta["profile"].(map[string]any); ok {
		pp := newProfiledPlan(p)
		s.profile = pp
		if s.plan == nil {
			s.plan = pp.asPlan()
		}
	}
	if list, ok := meta["statuses"].([]any); ok {
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				st := newGqlStatus(m)
				s.statuses = append(s.statuses, st)
				if n := st.asNotification(); n != nil {
					s.notifications = append(s.notifications, n)
				}
			}
		}
	} else if list, ok := meta["notifications"].([]any); ok {
		for _, x := range list {
			if m, ok := x.(map[string]any); ok {
				n := newNotification(m)
				s.notifications = append(s.notifications, n)
				s.statuses = append(s.statuses, n.asGqlStatus())
			}
		}
	}
	return s
}

// counters implements Counters.
type counters struct {
	m                     map[string]int64
	containsUpdates       *bool
	containsSystemUpdates *bool
}

func newCounters(stats map[string]any) *counters {
	c := &counters{m: map[string]int64{}}
	for k, v := range stats {
		switch x := v.(type) {
		case int64:
			c.m[k] = x
		case bool:
			b := x
			switch k {
			case "contains-updates":
				c.containsUpdates = &b
			case "contains-system-updates":
				c.containsSystemUpdates = &b
			}
		}
	}
	return c
}

func (c *counters) get(k string) int { return int(c.m[k]) }

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
	if c.containsUpdates != nil {
		return *c.containsUpdates
	}
	for k, v := range c.m {
		if k != "system-updates" && v > 0 {
			return true
		}
	}
	return false
}

func (c *counters) ContainsSystemUpdates() bool {
	if c.containsSystemUpdates != nil {
		return *c.containsSystemUpdates
	}
	return c.m["system-updates"] > 0
}
