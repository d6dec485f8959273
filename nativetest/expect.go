package nativetest

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"

	"github.com/boltwire/neo4j/native"
)

// Expectation is a scripted answer to a query. Its methods configure it and
// return it for chaining; configure it before the code under test runs.
//
// A query is answered by the first expectation, in the order they were added,
// that matches it and has calls left; expectations are not otherwise ordered.
type Expectation struct {
	query     string // normalised text; "" when match is set
	match     func(string, map[string]any) bool
	params    map[string]any
	hasParams bool

	keys      []string
	rows      [][]any
	summary   Summary
	runErr    error
	streamErr error
	failAfter int

	times    int
	anyTimes bool
	calls    int // guarded by Driver.mu
}

// WithParams makes the expectation match only calls whose parameters equal
// params (reflect.DeepEqual; nil and an empty map are equal).
func (e *Expectation) WithParams(params map[string]any) *Expectation {
	e.params = maps.Clone(params)
	e.hasParams = true
	return e
}

// ReturnRecords scripts the result: the column names and one row of values
// per record (each row must have len(keys) values). Use the Go types the
// driver returns: int64, float64, string, bool, []byte, []any,
// map[string]any, native.Node, native.Relationship, time.Time, ...
func (e *Expectation) ReturnRecords(keys []string, rows ...[]any) *Expectation {
	for i, r := range rows {
		if len(r) != len(keys) {
			panic(fmt.Sprintf("nativetest: ReturnRecords: row %d has %d values for %d keys", i, len(r), len(keys)))
		}
	}
	e.keys, e.rows = keys, rows
	return e
}

// ReturnSummary scripts the summary returned by Result.Consume.
func (e *Expectation) ReturnSummary(s Summary) *Expectation {
	e.summary = s
	return e
}

// ReturnError makes Run fail with err (e.g. a *native.Neo4jError or a
// *native.ConnectivityError).
func (e *Expectation) ReturnError(err error) *Expectation {
	e.runErr = err
	return e
}

// FailAfter makes the result stream fail with err after n records: Next
// returns false and Err returns err.
func (e *Expectation) FailAfter(n int, err error) *Expectation {
	e.failAfter, e.streamErr = n, err
	return e
}

// Times makes the expectation answer n calls (default 1).
func (e *Expectation) Times(n int) *Expectation {
	e.times = n
	return e
}

// AnyTimes makes the expectation answer any number of calls, including none.
func (e *Expectation) AnyTimes() *Expectation {
	e.anyTimes = true
	return e
}

func (e *Expectation) matches(query string, params map[string]any) bool {
	if !e.anyTimes && e.calls >= e.times {
		return false
	}
	if e.match != nil {
		return e.match(query, params)
	}
	if normalize(query) != e.query {
		return false
	}
	if e.hasParams {
		if len(e.params) == 0 && len(params) == 0 {
			return true
		}
		return reflect.DeepEqual(e.params, params)
	}
	return true
}

func (e *Expectation) describe() string {
	if e.match != nil {
		return "(matched by function)"
	}
	if e.hasParams {
		return fmt.Sprintf("%q with parameters %v", e.query, e.params)
	}
	return fmt.Sprintf("%q", e.query)
}

func normalize(q string) string { return strings.Join(strings.Fields(q), " ") }

// Summary is a scripted result summary. Zero fields give an empty summary:
// no updates, unknown statement type, the session's database.
type Summary struct {
	StatementType native.StatementType // reported as given
	Counters      Counters             // reported as given
	// Database is the database reported; "" reports the session's
	// SessionConfig.DatabaseName, or "neo4j" if that is empty too.
	Database      string
	Bookmark      string                // reported by ResultSummary.Bookmark as given
	Notifications []native.Notification // reported as given (see NewNotification)
	// ResultAvailableAfter is reported as given; zero is reported as -1
	// (unknown).
	ResultAvailableAfter time.Duration
	// ResultConsumedAfter is reported as given; zero is reported as -1
	// (unknown).
	ResultConsumedAfter time.Duration
}

// Counters are scripted update counters. The summary's ContainsUpdates
// reports whether their sum, SystemUpdates aside, is positive.
type Counters struct {
	NodesCreated, NodesDeleted                 int // nodes created and deleted
	RelationshipsCreated, RelationshipsDeleted int // relationships created and deleted
	PropertiesSet                              int // properties set
	LabelsAdded, LabelsRemoved                 int // labels added and removed
	IndexesAdded, IndexesRemoved               int // indexes created and dropped
	ConstraintsAdded, ConstraintsRemoved       int // constraints created and dropped
	SystemUpdates                              int // administration changes; ContainsSystemUpdates is SystemUpdates > 0
}

// NewNotification returns a native.Notification for Summary.Notifications.
func NewNotification(code, title, description, severity, category string) native.Notification {
	return &notification{code, title, description, severity, category}
}

type notification struct{ code, title, description, severity, category string }

func (n *notification) Code() string                    { return n.code }
func (n *notification) Title() string                   { return n.title }
func (n *notification) Description() string             { return n.description }
func (n *notification) Position() *native.InputPosition { return nil }
func (n *notification) RawSeverityLevel() string        { return n.severity }
func (n *notification) RawCategory() string             { return n.category }

type summary struct {
	s      Summary
	db     string
	query  string
	params map[string]any
	server native.ServerInfo
}

var _ native.ResultSummary = (*summary)(nil)

func (s *summary) Server() native.ServerInfo           { return s.server }
func (s *summary) Query() native.Query                 { return query{s.query, s.params} }
func (s *summary) StatementType() native.StatementType { return s.s.StatementType }
func (s *summary) Counters() native.Counters           { return counters{s.s.Counters} }
func (s *summary) Plan() native.Plan                   { return nil }
func (s *summary) Profile() native.ProfiledPlan        { return nil }
func (s *summary) Notifications() []native.Notification {
	return append([]native.Notification(nil), s.s.Notifications...)
}
func (s *summary) GqlStatusObjects() []native.GqlStatusObject { return nil }
func (s *summary) ResultAvailableAfter() time.Duration        { return orUnknown(s.s.ResultAvailableAfter) }
func (s *summary) ResultConsumedAfter() time.Duration         { return orUnknown(s.s.ResultConsumedAfter) }
func (s *summary) Database() native.DatabaseInfo              { return dbInfo(s.db) }
func (s *summary) Bookmark() string                           { return s.s.Bookmark }

func orUnknown(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

type query struct {
	text   string
	params map[string]any
}

func (q query) Text() string               { return q.text }
func (q query) Parameters() map[string]any { return q.params }

type dbInfo string

func (d dbInfo) Name() string { return string(d) }

type counters struct{ c Counters }

func (c counters) ContainsUpdates() bool {
	x := c.c
	return x.NodesCreated+x.NodesDeleted+x.RelationshipsCreated+x.RelationshipsDeleted+x.PropertiesSet+
		x.LabelsAdded+x.LabelsRemoved+x.IndexesAdded+x.IndexesRemoved+x.ConstraintsAdded+x.ConstraintsRemoved > 0
}
func (c counters) NodesCreated() int           { return c.c.NodesCreated }
func (c counters) NodesDeleted() int           { return c.c.NodesDeleted }
func (c counters) RelationshipsCreated() int   { return c.c.RelationshipsCreated }
func (c counters) RelationshipsDeleted() int   { return c.c.RelationshipsDeleted }
func (c counters) PropertiesSet() int          { return c.c.PropertiesSet }
func (c counters) LabelsAdded() int            { return c.c.LabelsAdded }
func (c counters) LabelsRemoved() int          { return c.c.LabelsRemoved }
func (c counters) IndexesAdded() int           { return c.c.IndexesAdded }
func (c counters) IndexesRemoved() int         { return c.c.IndexesRemoved }
func (c counters) ConstraintsAdded() int       { return c.c.ConstraintsAdded }
func (c counters) ConstraintsRemoved() int     { return c.c.ConstraintsRemoved }
func (c counters) SystemUpdates() int          { return c.c.SystemUpdates }
func (c counters) ContainsSystemUpdates() bool { return c.c.SystemUpdates > 0 }
