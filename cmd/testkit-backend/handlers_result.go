package main

import (
	"encoding/json"
	"strings"

	"github.com/boltwire/neo4j/native"
)

// resultEntry is a result created by a run request.
type resultEntry struct {
	result native.Result
}

type resultIDReq struct {
	ResultID string `json:"resultId"`
}

func (b *backend) resultOf(raw json.RawMessage) (*resultEntry, error) {
	req, err := decodeData[resultIDReq](raw)
	if err != nil {
		return nil, err
	}
	return lookup(b, b.results, "result", req.ResultID)
}

func recordResponse(rec *native.Record) (response, error) {
	values, err := recordValues(rec.Values)
	if err != nil {
		return response{}, backendErrorf("converting record: %w", err)
	}
	return response{"Record", map[string]any{"values": values}}, nil
}

func handleResultNext(b *backend, raw json.RawMessage) (response, error) {
	r, err := b.resultOf(raw)
	if err != nil {
		return response{}, err
	}
	var rec *native.Record
	if r.result.NextRecord(b.ctx, &rec) {
		return recordResponse(rec)
	}
	if err := r.result.Err(); err != nil {
		return response{}, err
	}
	return response{"NullRecord", nil}, nil
}

func handleResultPeek(b *backend, raw json.RawMessage) (response, error) {
	r, err := b.resultOf(raw)
	if err != nil {
		return response{}, err
	}
	var rec *native.Record
	if r.result.PeekRecord(b.ctx, &rec) {
		return recordResponse(rec)
	}
	if err := r.result.Err(); err != nil {
		return response{}, err
	}
	return response{"NullRecord", nil}, nil
}

func handleResultSingle(b *backend, raw json.RawMessage) (response, error) {
	r, err := b.resultOf(raw)
	if err != nil {
		return response{}, err
	}
	rec, err := r.result.Single(b.ctx)
	if err != nil {
		return response{}, err
	}
	return recordResponse(rec)
}

func handleResultList(b *backend, raw json.RawMessage) (response, error) {
	r, err := b.resultOf(raw)
	if err != nil {
		return response{}, err
	}
	recs, err := r.result.Collect(b.ctx)
	if err != nil {
		return response{}, err
	}
	out := make([]map[string]any, len(recs))
	for i, rec := range recs {
		values, err := recordValues(rec.Values)
		if err != nil {
			return response{}, backendErrorf("converting record %d: %w", i, err)
		}
		out[i] = map[string]any{"values": values}
	}
	return response{"RecordList", map[string]any{"records": out}}, nil
}

func handleResultConsume(b *backend, raw json.RawMessage) (response, error) {
	r, err := b.resultOf(raw)
	if err != nil {
		return response{}, err
	}
	sum, err := r.result.Consume(b.ctx)
	if err != nil {
		return response{}, err
	}
	return response{"Summary", summaryJSON(sum)}, nil
}

// summaryJSON is the Summary wire form of a result summary.
func summaryJSON(s native.ResultSummary) map[string]any {
	out := map[string]any{
		"serverInfo":           serverInfoJSON(s.Server()),
		"counters":             countersJSON(s.Counters()),
		"database":             nil,
		"notifications":        notificationsJSON(s.Notifications()),
		"gqlStatusObjects":     gqlStatusObjectsJSON(s.GqlStatusObjects()),
		"plan":                 nil,
		"profile":              nil,
		"query":                map[string]any{"text": nil, "parameters": nil},
		"queryType":            queryType(s.StatementType()),
		"resultAvailableAfter": nil,
		"resultConsumedAfter":  nil,
	}
	if db := s.Database(); db != nil && db.Name() != "" {
		out["database"] = db.Name()
	}
	if q := s.Query(); q != nil {
		p := map[string]any{}
		if params, err := cypherMapValue(q.Parameters()); err == nil {
			for k, v := range params {
				p[k] = v
			}
		}
		out["query"] = map[string]any{"text": q.Text(), "parameters": p}
	}
	if d := s.ResultAvailableAfter(); d >= 0 {
		out["resultAvailableAfter"] = d.Milliseconds()
	}
	if d := s.ResultConsumedAfter(); d >= 0 {
		out["resultConsumedAfter"] = d.Milliseconds()
	}
	if p := s.Plan(); p != nil {
		out["plan"] = planJSON(p)
	}
	if p := s.Profile(); p != nil {
		out["profile"] = profileJSON(p)
	}
	return out
}

func queryType(t native.StatementType) any {
	switch t {
	case native.StatementTypeReadOnly:
		return "r"
	case native.StatementTypeReadWrite:
		return "rw"
	case native.StatementTypeWriteOnly:
		return "w"
	case native.StatementTypeSchemaWrite:
		return "s"
	}
	return nil
}

func countersJSON(c native.Counters) map[string]any {
	if c == nil {
		return map[string]any{}
	}
	return map[string]any{
		"constraintsAdded":      c.ConstraintsAdded(),
		"constraintsRemoved":    c.ConstraintsRemoved(),
		"containsSystemUpdates": c.ContainsSystemUpdates(),
		"containsUpdates":       c.ContainsUpdates(),
		"indexesAdded":          c.IndexesAdded(),
		"indexesRemoved":        c.IndexesRemoved(),
		"labelsAdded":           c.LabelsAdded(),
		"labelsRemoved":         c.LabelsRemoved(),
		"nodesCreated":          c.NodesCreated(),
		"nodesDeleted":          c.NodesDeleted(),
		"propertiesSet":         c.PropertiesSet(),
		"relationshipsCreated":  c.RelationshipsCreated(),
		"relationshipsDeleted":  c.RelationshipsDeleted(),
		"systemUpdates":         c.SystemUpdates(),
	}
}

var knownClassifications = map[string]bool{
	"HINT": true, "UNRECOGNIZED": true, "UNSUPPORTED": true, "PERFORMANCE": true, "DEPRECATION": true,
	"GENERIC": true, "SECURITY": true, "TOPOLOGY": true, "SCHEMA": true,
}

func severityLevel(raw string) string {
	switch raw {
	case "WARNING", "INFORMATION":
		return raw
	}
	return "UNKNOWN"
}

func classification(raw string) string {
	if knownClassifications[raw] {
		return raw
	}
	return "UNKNOWN"
}

func positionJSON(p *native.InputPosition) map[string]any {
	return map[string]any{"offset": p.Offset, "line": p.Line, "column": p.Column}
}

// notificationsJSON returns nil (JSON null) when the server sent no
// notifications list at all and a list otherwise.
func notificationsJSON(ns []native.Notification) any {
	if ns == nil {
		return nil
	}
	out := make([]map[string]any, len(ns))
	for i, n := range ns {
		m := map[string]any{
			"severity":         n.RawSeverityLevel(),
			"description":      n.Description(),
			"code":             n.Code(),
			"title":            n.Title(),
			"rawSeverityLevel": n.RawSeverityLevel(),
			"severityLevel":    severityLevel(n.RawSeverityLevel()),
			"rawCategory":      n.RawCategory(),
			"category":         classification(n.RawCategory()),
		}
		if p := n.Position(); p != nil {
			m["position"] = positionJSON(p)
		}
		out[i] = m
	}
	return out
}

func gqlStatusObjectsJSON(gs []native.GqlStatusObject) []map[string]any {
	out := make([]map[string]any, 0, len(gs))
	for _, g := range gs {
		var pos any
		if p := g.Position(); p != nil {
			pos = positionJSON(p)
		}
		diag := map[string]cypherJSON{}
		if d := g.DiagnosticRecord(); d != nil {
			if c, err := cypherMapValue(d); err == nil {
				diag = c
			}
		}
		var rawClass, rawSev any
		if s := g.RawClassification(); s != "" {
			rawClass = s
		}
		if s := g.RawSeverity(); s != "" {
			rawSev = s
		}
		out = append(out, map[string]any{
			"gqlStatus":         g.GqlStatus(),
			"statusDescription": g.StatusDescription(),
			"position":          pos,
			"classification":    classification(g.RawClassification()),
			"rawClassification": rawClass,
			"severity":          severityLevel(g.RawSeverity()),
			"rawSeverity":       rawSev,
			"diagnosticRecord":  diag,
			"isNotification":    g.IsNotification(),
		})
	}
	return out
}

func planJSON(p native.Plan) map[string]any {
	children := make([]map[string]any, 0, len(p.Children()))
	for _, c := range p.Children() {
		children = append(children, planJSON(c))
	}
	ids := p.Identifiers()
	if ids == nil {
		ids = []string{}
	}
	return map[string]any{
		"operatorType": p.Operator(),
		"args":         plainJSON(p.Arguments()),
		"identifiers":  ids,
		"children":     children,
	}
}

func profileJSON(p native.ProfiledPlan) map[string]any {
	children := make([]map[string]any, 0, len(p.Children()))
	for _, c := range p.Children() {
		children = append(children, profileJSON(c))
	}
	ids := p.Identifiers()
	if ids == nil {
		ids = []string{}
	}
	out := map[string]any{
		"operatorType": p.Operator(),
		"args":         plainJSON(p.Arguments()),
		"identifiers":  ids,
		"children":     children,
	}
	stats := map[native.ProfileStat]any{
		native.ProfileDbHits: p.DbHits(), native.ProfileRows: p.Records(),
		native.ProfilePageCacheHits: p.PageCacheHits(), native.ProfilePageCacheMisses: p.PageCacheMisses(),
		native.ProfilePageCacheHitRatio: p.PageCacheHitRatio(), native.ProfileTime: p.Time(),
	}
	for stat, v := range stats {
		if p.HasStat(stat) {
			out[string(stat)] = v
		}
	}
	return out
}

// cypherTypeFieldReq asks for one field of a graph value in the next record.
type cypherTypeFieldReq struct {
	ResultID  string `json:"resultId"`
	RecordKey string `json:"recordKey"`
	Type      string `json:"type"`
	Field     string `json:"field"`
}

func handleCypherTypeField(b *backend, raw json.RawMessage) (response, error) {
	req, err := decodeData[cypherTypeFieldReq](raw)
	if err != nil {
		return response{}, err
	}
	r, err := lookup(b, b.results, "result", req.ResultID)
	if err != nil {
		return response{}, err
	}
	var rec *native.Record
	if !r.result.NextRecord(b.ctx, &rec) {
		if err := r.result.Err(); err != nil {
			return response{}, err
		}
		return response{}, backendErrorf("no record left")
	}
	v, ok := rec.Get(req.RecordKey)
	if !ok {
		return response{}, backendErrorf("record has no key %q", req.RecordKey)
	}
	c, err := toCypher(v)
	if err != nil {
		return response{}, backendErrorf("converting field: %w", err)
	}
	if !strings.EqualFold(c.Name, req.Type) {
		return response{}, backendErrorf("value is a %s, not a %s", c.Name, req.Type)
	}
	f, ok := c.Data[req.Field]
	if !ok {
		return response{}, backendErrorf("%s has no field %q", c.Name, req.Field)
	}
	return response{"Field", map[string]any{"value": f}}, nil
}
