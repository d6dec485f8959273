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
	Text() string
	Parameters() map[string]any
}

// DatabaseInfo names a database.
type DatabaseInfo interface {
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
	Major int
	Minor int
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
type Counters interface {
	ContainsUpdates() bool
	NodesCreated() int
	NodesDeleted() int
	RelationshipsCreated() int
	RelationshipsDeleted() int
	PropertiesSet() int
	LabelsAdded() int
	LabelsRemoved() int
	IndexesAdded() int
	IndexesRemoved() int
	ConstraintsAdded() int
	ConstraintsRemoved() int
	SystemUpdates() int
	ContainsSystemUpdates() bool
}

// Plan is one operator of a query plan.
type Plan interface {
	Operator() string
	Arguments() map[string]any
	Identifiers() []string
	Children() []Plan
}

// ProfiledPlan is one operator of a profiled query plan, with its measurements.
// A measurement the server did not report reads as 0; HasStat tells such an
// absent one from a real 0.
type ProfiledPlan interface {
	Operator() string
	Arguments() map[string]any
	Identifiers() []string
	DbHits() int64
	Records() int64
	PageCacheHits() int64
	PageCacheMisses() int64
	PageCacheHitRatio() float64
	Time() int64
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
	Offset int
	Line   int
	Column int
}

// Notification is a warning or hint about a query.
type Notification interface {
	Code() string
	Title() string
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
	GqlStatus() string
	StatusDescription() string
	Position() *InputPosition
	RawClassification() string
	RawSeverity() string
	DiagnosticRecord() map[string]any
	IsNotification() bool
}
