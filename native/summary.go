package native

import (
	"time"
)

// ResultSummary describes a consumed result: the query, its type, update
// counters, plan or profile, notifications, the server and timings.
type ResultSummary interface {
	// Server returns the server that ran the query.
	Server() ServerInfo
	// Query returns the query text and parameters.
	Query() Query
	// StatementType returns whether the query read, wrote, did both or changed the schema.
	StatementType() StatementType
	// Counters returns the update counters.
	Counters() Counters
	// Plan returns the plan of an EXPLAIN (or PROFILE) query, nil otherwise.
	Plan() Plan
	// Profile returns the profiled plan of a PROFILE query, nil otherwise.
	Profile() ProfiledPlan
	// Notifications returns the server's notifications (warnings, hints).
	Notifications() []Notification
	// GqlStatusObjects returns the GQL status objects (Bolt 5.6+; on older
	// versions they are derived from the notifications).
	GqlStatusObjects() []GqlStatusObject
	// ResultAvailableAfter returns the time until the first record was
	// available on the server (negative when unknown).
	ResultAvailableAfter() time.Duration
	// ResultConsumedAfter returns the time the server took to stream all records
	// (negative when unknown).
	ResultConsumedAfter() time.Duration
	// Database returns the database the query ran in.
	Database() DatabaseInfo
	// Bookmark returns the bookmark of an auto-commit query (empty otherwise).
	Bookmark() string
}

// Query is a query text and its parameters.
type Query interface {
	// Text returns the query text as passed to Run.
	Text() string
	// Parameters returns the parameters as sent, after conversion to Bolt
	// values (structs to maps, other int kinds to int64…); nil or empty as
	// passed when the query had none.
	Parameters() map[string]any
}

// DatabaseInfo names a database.
type DatabaseInfo interface {
	// Name returns the database name the server reported ("db"); "" when it
	// reported none (servers before Bolt 4).
	Name() string
}

// ServerInfo describes a server the driver talked to.
type ServerInfo interface {
	// Address returns the server's host:port as dialled.
	Address() string
	// Agent returns the server's agent string, e.g. "Neo4j/5.26.0".
	Agent() string
	// ProtocolVersion returns the negotiated Bolt version.
	ProtocolVersion() ProtocolVersion
}

// ProtocolVersion is a Bolt version.
type ProtocolVersion struct {
	Major int // e.g. 5 of Bolt 5.4
	Minor int // e.g. 4 of Bolt 5.4
}

// StatementType is the kind of a query.
type StatementType int

// Statement types.
const (
	StatementTypeUnknown     StatementType = iota // not reported
	StatementTypeReadOnly                         // "r"
	StatementTypeReadWrite                        // "rw"
	StatementTypeWriteOnly                        // "w"
	StatementTypeSchemaWrite                      // "s"
)

// String returns the name of the statement type.
func (t StatementType) String() string {
	switch t {
	case StatementTypeReadOnly:
		return "READ_ONLY"
	case StatementTypeReadWrite:
		return "READ_WRITE"
	case StatementTypeWriteOnly:
		return "WRITE_ONLY"
	case StatementTypeSchemaWrite:
		return "SCHEMA_WRITE"
	}
	return "UNKNOWN"
}

// Counters are the update counters of a query.
// Each count is the server's figure, 0 when it sent none.
type Counters interface {
	// ContainsUpdates reports whether the query changed the graph: the
	// server's "contains-updates" flag, or else whether any count other than
	// SystemUpdates is positive.
	ContainsUpdates() bool
	NodesCreated() int         // nodes created
	NodesDeleted() int         // nodes deleted
	RelationshipsCreated() int // relationships created
	RelationshipsDeleted() int // relationships deleted
	PropertiesSet() int        // properties set (removing one counts too)
	LabelsAdded() int          // labels added to nodes
	LabelsRemoved() int        // labels removed from nodes
	IndexesAdded() int         // indexes created
	IndexesRemoved() int       // indexes dropped
	ConstraintsAdded() int     // constraints created
	ConstraintsRemoved() int   // constraints dropped
	// SystemUpdates counts the changes an administration query (on the
	// system database) made.
	SystemUpdates() int
	// ContainsSystemUpdates reports the server's "contains-system-updates"
	// flag, or else whether SystemUpdates is positive.
	ContainsSystemUpdates() bool
}

// Plan is one operator of a query plan.
type Plan interface {
	// Operator returns the operator's type, e.g. "NodeByLabelScan@neo4j".
	Operator() string
	// Arguments returns the operator's arguments as the server sent them
	// (nil when none), e.g. "EstimatedRows".
	Arguments() map[string]any
	// Identifiers returns the variables the operator produces.
	Identifiers() []string
	// Children returns the operators feeding this one (nil for a leaf).
	Children() []Plan
}

// ProfiledPlan is one operator of a profiled query plan, with its measurements.
// A measurement the server did not report reads as 0; HasStat tells such an
// absent one from a real 0.
type ProfiledPlan interface {
	// Operator returns the operator's type, e.g. "NodeByLabelScan@neo4j".
	Operator() string
	// Arguments returns the operator's arguments as the server sent them
	// (nil when none).
	Arguments() map[string]any
	// Identifiers returns the variables the operator produces.
	Identifiers() []string
	// DbHits returns the operator's storage accesses ("dbHits").
	DbHits() int64
	// Records returns the rows the operator produced ("rows").
	Records() int64
	// PageCacheHits returns the page cache hits ("pageCacheHits").
	PageCacheHits() int64
	// PageCacheMisses returns the page cache misses ("pageCacheMisses").
	PageCacheMisses() int64
	// PageCacheHitRatio returns hits / (hits + misses), from 0 to 1
	// ("pageCacheHitRatio").
	PageCacheHitRatio() float64
	// Time returns the time spent in the operator ("time"), in the
	// server's unit, unconverted.
	Time() int64
	// Children returns the operators feeding this one (nil for a leaf).
	Children() []ProfiledPlan
	// HasStat reports whether the server reported the measurement for this operator.
	HasStat(stat ProfileStat) bool
}

// ProfileStat names a measurement of a profiled plan operator (its key in the
// server's profile).
type ProfileStat string

// Measurements of a profiled plan operator.
const (
	ProfileDbHits            ProfileStat = "dbHits"            // DbHits
	ProfileRows              ProfileStat = "rows"              // Records
	ProfilePageCacheHits     ProfileStat = "pageCacheHits"     // PageCacheHits
	ProfilePageCacheMisses   ProfileStat = "pageCacheMisses"   // PageCacheMisses
	ProfilePageCacheHitRatio ProfileStat = "pageCacheHitRatio" // PageCacheHitRatio
	ProfileTime              ProfileStat = "time"              // Time
)

// InputPosition is a position in the query text (offset from 0, line and
// column from 1).
type InputPosition struct {
	Offset int // characters before the position, from 0
	Line   int // line, from 1
	Column int // column in the line, from 1
}

// Notification is a warning or hint about a query.
type Notification interface {
	// Code returns the Neo4j status code, e.g.
	// "Neo.ClientNotification.Statement.CartesianProduct".
	Code() string
	// Title returns the short summary of the notification.
	Title() string
	// Description returns the notification's explanation for this query.
	Description() string
	// Position returns where in the query the notification points, nil if nowhere.
	Position() *InputPosition
	// RawSeverityLevel returns the severity as sent, e.g. "WARNING".
	RawSeverityLevel() string
	// RawCategory returns the category (classification) as sent, e.g. "PERFORMANCE".
	RawCategory() string
}

// GqlStatusObject is a GQL status of a query (Bolt 5.6+).
type GqlStatusObject interface {
	// GqlStatus returns the five-character GQLSTATUS code, e.g. "00000"
	// (success), "02000" (no data) or "01N42" (a warning).
	GqlStatus() string
	// StatusDescription returns the status' description, e.g.
	// "note: successful completion".
	StatusDescription() string
	// Position returns where in the query the status points, nil if nowhere.
	Position() *InputPosition
	// RawClassification returns the classification as sent (the diagnostic
	// record's "_classification"), e.g. "PERFORMANCE"; "" if none.
	RawClassification() string
	// RawSeverity returns the severity as sent (the diagnostic record's
	// "_severity"), e.g. "WARNING"; "" if none.
	RawSeverity() string
	// DiagnosticRecord returns the diagnostic record: the server's entries
	// over the defaults OPERATION "", OPERATION_CODE "0" and CURRENT_SCHEMA
	// "/".
	DiagnosticRecord() map[string]any
	// IsNotification reports whether the status is also a notification (it
	// carries a Neo4j code), that is, listed by ResultSummary.Notifications.
	IsNotification() bool
}
