package native

import (
	"slices"
	"strings"

	"github.com/boltwire/neo4j/bolt"
)

// notification implements Notification.
type notification struct {
	code, title, description, severity, category string
	position                                     *InputPosition
}

func (n *notification) Code() string             { return n.code }
func (n *notification) Title() string            { return n.title }
func (n *notification) Description() string      { return n.description }
func (n *notification) Position() *InputPosition { return n.position }
func (n *notification) RawSeverityLevel() string { return n.severity }
func (n *notification) RawCategory() string      { return n.category }

func positionOf(v any) *InputPosition {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	off, _ := metaInt(m, "offset")
	line, _ := metaInt(m, "line")
	col, _ := metaInt(m, "column")
	return &InputPosition{Offset: int(off), Line: int(line), Column: int(col)}
}

// newNotification reads a legacy (Bolt < 5.6) notification entry.
func newNotification(m map[string]any) *notification {
	return &notification{
		code: metaStr(m, "code"), title: metaStr(m, "title"), description: metaStr(m, "description"),
		severity: metaStr(m, "severity"), category: metaStr(m, "category"), position: positionOf(m["position"]),
	}
}

// asGqlStatus derives a GQL status object from a legacy notification: 01N42
// for a warning, 03N42 otherwise, with a generic description when the
// notification has none and only the diagnostic entries the server gave.
func (n *notification) asGqlStatus() *gqlStatus {
	status, desc := "03N42", "info: unknown notification"
	if n.severity == "WARNING" {
		status, desc = "01N42", "warn: unknown warning"
	}
	if n.description != "" {
		desc = n.description
	}
	diag := defaultDiagnostic()
	if n.severity != "" {
		diag["_severity"] = n.severity
	}
	if n.category != "" {
		diag["_classification"] = n.category
	}
	if p := n.position; p != nil {
		diag["_position"] = map[string]any{"offset": int64(p.Offset), "line": int64(p.Line), "column": int64(p.Column)}
	}
	return &gqlStatus{
		status: status, description: desc, position: n.position, classification: n.category,
		severity: n.severity, isNotification: true, diagnostic: diag,
		neo4jCode: n.code, title: n.title, notifDescription: n.description,
	}
}

// defaultDiagnostic returns a new diagnostic record holding the GQL defaults.
func defaultDiagnostic() map[string]any {
	return map[string]any{"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"}
}

// gqlStatus implements GqlStatusObject.
type gqlStatus struct {
	status, description      string
	position                 *InputPosition
	classification, severity string
	diagnostic               map[string]any
	isNotification           bool
	neo4jCode, title         string
	notifDescription         string
}

func (g *gqlStatus) GqlStatus() string                { return g.status }
func (g *gqlStatus) StatusDescription() string        { return g.description }
func (g *gqlStatus) Position() *InputPosition         { return g.position }
func (g *gqlStatus) RawClassification() string        { return g.classification }
func (g *gqlStatus) RawSeverity() string              { return g.severity }
func (g *gqlStatus) DiagnosticRecord() map[string]any { return g.diagnostic }
func (g *gqlStatus) IsNotification() bool             { return g.isNotification }

// newGqlStatus reads a Bolt 5.6+ status entry.
func newGqlStatus(m map[string]any) *gqlStatus {
	g := &gqlStatus{
		status: metaStr(m, "gql_status"), description: metaStr(m, "status_description"),
		neo4jCode: metaStr(m, "neo4j_code"), title: metaStr(m, "title"), notifDescription: metaStr(m, "description"),
	}
	diag, _ := m["diagnostic_record"].(map[string]any)
	g.diagnostic = defaultDiagnostic()
	for k, v := range diag {
		g.diagnostic[k] = v
	}
	g.severity = metaStr(g.diagnostic, "_severity")
	g.classification = metaStr(g.diagnostic, "_classification")
	g.position = positionOf(g.diagnostic["_position"])
	g.isNotification = g.neo4jCode != ""
	return g
}

// asNotification returns the notification view of a status, nil if it is not one.
func (g *gqlStatus) asNotification() Notification {
	if !g.isNotification {
		return nil
	}
	return &notification{code: g.neo4jCode, title: g.title, description: g.notifDescription,
		severity: g.severity, category: g.classification, position: g.position}
}

// streamFacts is what the driver saw of a result's stream besides the metadata.
type streamFacts struct {
	pulled  bool  // a PULL was sent (the records were not only discarded)
	records int64 // records the server sent
}

// outcomeStatus is the GQL status of a query's outcome that servers before
// Bolt 5.6 do not send: omitted result (no columns), no data (no records),
// success, or "no data - unknown subcondition" when the records were
// discarded unseen.
func outcomeStatus(meta *bolt.Meta, facts streamFacts) *gqlStatus {
	g := &gqlStatus{diagnostic: defaultDiagnostic()}
	fields, hasFields := meta.Fields()
	n := len(fields)
	if !hasFields {
		var list []any
		list, hasFields = metaValue(meta, "fields").([]any)
		n = len(list)
	}
	switch {
	case hasFields && n == 0:
		g.status, g.description = "00001", "note: successful completion - omitted result"
	case !facts.pulled:
		g.status, g.description = "02N42", "note: no data - unknown subcondition"
	case facts.records == 0:
		g.status, g.description = "02000", "note: no data"
	default:
		g.status, g.description = "00000", "note: successful completion"
	}
	return g
}

// statusRank orders GQL statuses as the GQL standard does: no data first,
// then warnings, then success, then informational statuses.
func statusRank(status string) int {
	switch {
	case strings.HasPrefix(status, "02"):
		return 0
	case strings.HasPrefix(status, "01"):
		return 1
	case strings.HasPrefix(status, "00"):
		return 2
	}
	return 3
}

// deriveStatuses builds the GQL status objects of a pre-5.6 result: the
// outcome status and one per notification, in GQL order (stable otherwise).
func deriveStatuses(outcome *gqlStatus, notes []*notification) []GqlStatusObject {
	all := make([]*gqlStatus, 0, len(notes)+1)
	all = append(all, outcome)
	for _, n := range notes {
		all = append(all, n.asGqlStatus())
	}
	slices.SortStableFunc(all, func(a, b *gqlStatus) int { return statusRank(a.status) - statusRank(b.status) })
	out := make([]GqlStatusObject, len(all))
	for i, g := range all {
		out[i] = g
	}
	return out
}
