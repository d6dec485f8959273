package native

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

// asGqlStatus derives a GQL status object from a legacy notification.
func (n *notification) asGqlStatus() GqlStatusObject {
	status := "03N42" // informational
	if n.severity == "WARNING" {
		status = "01N42"
	}
	desc := n.description
	return &gqlStatus{
		status: status, description: desc, position: n.position, classification: n.category,
		severity: n.severity, isNotification: true,
		diagnostic: map[string]any{"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/",
			"_severity": n.severity, "_classification": n.category},
		neo4jCode: n.code, title: n.title, notifDescription: n.description,
	}
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
	g.diagnostic = map[string]any{"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"}
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
