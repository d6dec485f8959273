package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// errValue reports a TestKit value the backend cannot convert.
var errValue = errors.New("unsupported TestKit value")

// decodeJSON parses raw JSON keeping numbers exact (json.Number).
func decodeJSON(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("decoding JSON: %w", err)
	}
	return v, nil
}

// cypherJSON is the wire form of a value: {"name": "CypherInt", "data": {...}}.
type cypherJSON struct {
	Name string         `json:"name"`
	Data map[string]any `json:"data"`
}

func cy(name string, data map[string]any) cypherJSON { return cypherJSON{Name: name, Data: data} }

// fromCypherParams converts a TestKit parameter map (name → Cypher value, as
// decoded by decodeJSON) to driver values. A nil map stays nil.
func fromCypherParams(v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: params must be an object, got %T", errValue, v)
	}
	return fromCypherEntries(m, "param")
}

// fromCypherEntries converts the TestKit Cypher values of m; an error names the
// key as a what ("param", "map key").
func fromCypherEntries(m map[string]any, what string) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, x := range m {
		nv, err := fromCypher(x)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", what, k, err)
		}
		out[k] = nv
	}
	return out, nil
}

// fromCypher converts one TestKit Cypher value to the driver's value set.
func fromCypher(v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: want {name, data}, got %T", errValue, v)
	}
	name, _ := m["name"].(string)
	data, _ := m["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	val := data["value"]
	switch name {
	case "CypherNull":
		return nil, nil
	case "CypherBool":
		b, ok := val.(bool)
		if !ok {
			return nil, fmt.Errorf("%w: CypherBool value %T", errValue, val)
		}
		return b, nil
	case "CypherInt":
		return jsonInt(val)
	case "CypherFloat":
		return jsonFloat(val)
	case "CypherString":
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("%w: CypherString value %T", errValue, val)
		}
		return s, nil
	case "CypherBytes":
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("%w: CypherBytes value %T", errValue, val)
		}
		return parseHexBytes(s)
	case "CypherList":
		l, ok := val.([]any)
		if !ok && val != nil {
			return nil, fmt.Errorf("%w: CypherList value %T", errValue, val)
		}
		return convertEach(l, fromCypher, "list index")
	case "CypherMap":
		mm, ok := val.(map[string]any)
		if !ok && val != nil {
			return nil, fmt.Errorf("%w: CypherMap value %T", errValue, val)
		}
		return fromCypherEntries(mm, "map key")
	case "CypherPoint":
		return pointFrom(data)
	case "CypherDate":
		y, mo, d, err := ints3(data, "year", "month", "day")
		if err != nil {
			return nil, err
		}
		return dbtype.NewDate(int(y), time.Month(mo), int(d)), nil
	case "CypherTime":
		h, mi, s, err := ints3(data, "hour", "minute", "second")
		if err != nil {
			return nil, err
		}
		ns, err := jsonInt(data["nanosecond"])
		if err != nil {
			return nil, fmt.Errorf("nanosecond: %w", err)
		}
		if data["utc_offset_s"] == nil {
			return dbtype.NewLocalTime(int(h), int(mi), int(s), int(ns)), nil
		}
		off, err := jsonInt(data["utc_offset_s"])
		if err != nil {
			return nil, fmt.Errorf("utc_offset_s: %w", err)
		}
		return dbtype.NewTime(int(h), int(mi), int(s), int(ns), int(off)), nil
	case "CypherDateTime":
		return dateTimeFrom(data)
	case "CypherDuration":
		mo, d, s, err := ints3(data, "months", "days", "seconds")
		if err != nil {
			return nil, err
		}
		ns, err := jsonInt(data["nanoseconds"])
		if err != nil {
			return nil, fmt.Errorf("nanoseconds: %w", err)
		}
		return dbtype.Duration{Months: mo, Days: d, Seconds: s, Nanos: int(ns)}, nil
	}
	return nil, fmt.Errorf("%w: %q", errValue, name)
}

func jsonInt(v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return 0, fmt.Errorf("%w: integer %s: %w", errValue, x, err)
		}
		return i, nil
	case float64:
		if x != math.Trunc(x) {
			return 0, fmt.Errorf("%w: %v is not an integer", errValue, x)
		}
		return int64(x), nil
	}
	return 0, fmt.Errorf("%w: want integer, got %T", errValue, v)
}

func jsonFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("%w: float %s: %w", errValue, x, err)
		}
		return f, nil
	case float64:
		return x, nil
	case string:
		switch strings.ToLower(x) {
		case "+infinity", "infinity", "inf", "+inf":
			return math.Inf(1), nil
		case "-infinity", "-inf":
			return math.Inf(-1), nil
		case "nan":
			return math.NaN(), nil
		}
	}
	return 0, fmt.Errorf("%w: want float, got %v (%T)", errValue, v, v)
}

func ints3(data map[string]any, a, b, c string) (int64, int64, int64, error) {
	var out [3]int64
	for i, k := range []string{a, b, c} {
		v, err := jsonInt(data[k])
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s: %w", k, err)
		}
		out[i] = v
	}
	return out[0], out[1], out[2], nil
}

// parseHexBytes parses TestKit's byte notation "ff 01 a0" (spaces optional).
func parseHexBytes(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		return nil, fmt.Errorf("%w: bytes %q: %w", errValue, s, err)
	}
	return b, nil
}

func formatHexBytes(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(parts, " ")
}

func pointFrom(data map[string]any) (any, error) {
	system, _ := data["system"].(string)
	x, err := jsonFloat(data["x"])
	if err != nil {
		return nil, fmt.Errorf("x: %w", err)
	}
	y, err := jsonFloat(data["y"])
	if err != nil {
		return nil, fmt.Errorf("y: %w", err)
	}
	if data["z"] == nil {
		switch system {
		case "cartesian":
			return dbtype.Point2D{SpatialRefId: dbtype.SRIDCartesian2D, X: x, Y: y}, nil
		case "wgs84":
			return dbtype.Point2D{SpatialRefId: dbtype.SRIDWGS84_2D, X: x, Y: y}, nil
		}
		return nil, fmt.Errorf("%w: point system %q", errValue, system)
	}
	z, err := jsonFloat(data["z"])
	if err != nil {
		return nil, fmt.Errorf("z: %w", err)
	}
	switch system {
	case "cartesian":
		return dbtype.Point3D{SpatialRefId: dbtype.SRIDCartesian3D, X: x, Y: y, Z: z}, nil
	case "wgs84":
		return dbtype.Point3D{SpatialRefId: dbtype.SRIDWGS84_3D, X: x, Y: y, Z: z}, nil
	}
	return nil, fmt.Errorf("%w: point system %q", errValue, system)
}

func dateTimeFrom(data map[string]any) (any, error) {
	y, mo, d, err := ints3(data, "year", "month", "day")
	if err != nil {
		return nil, err
	}
	h, mi, s, err := ints3(data, "hour", "minute", "second")
	if err != nil {
		return nil, err
	}
	ns, err := jsonInt(data["nanosecond"])
	if err != nil {
		return nil, fmt.Errorf("nanosecond: %w", err)
	}
	if data["utc_offset_s"] == nil {
		return dbtype.NewLocalDateTime(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), int(ns)), nil
	}
	off, err := jsonInt(data["utc_offset_s"])
	if err != nil {
		return nil, fmt.Errorf("utc_offset_s: %w", err)
	}
	tz, _ := data["timezone_id"].(string)
	if tz == "" {
		return time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), int(ns), time.FixedZone("", int(off))), nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("%w: time zone %q: %w", errValue, tz, err)
	}
	// The wall clock in the zone is authoritative; the offset only picks
	// between the two instants of an ambiguous wall time (DST fold). Time
	// zone databases may disagree on old offsets (TestKit's pytz rounds
	// LMT to minutes), so the offset cannot be trusted on its own.
	t := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), int(ns), loc)
	wall := time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), int(ns), time.UTC)
	byOffset := wall.Add(-time.Duration(off) * time.Second).In(loc)
	if _, o := t.Zone(); o != int(off) && sameWall(byOffset, wall) {
		return byOffset, nil
	}
	return t, nil
}

// sameWall reports whether t shows the wall clock of wall (given in UTC).
func sameWall(t, wall time.Time) bool {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := wall.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() &&
		t.Second() == wall.Second() && t.Nanosecond() == wall.Nanosecond()
}

// toCypher converts a driver value to its TestKit wire form.
func toCypher(v any) (cypherJSON, error) {
	switch x := v.(type) {
	case nil:
		return cy("CypherNull", map[string]any{"value": nil}), nil
	case bool:
		return cy("CypherBool", map[string]any{"value": x}), nil
	case int64:
		return cy("CypherInt", map[string]any{"value": x}), nil
	case int:
		return cy("CypherInt", map[string]any{"value": int64(x)}), nil
	case float64:
		return cy("CypherFloat", map[string]any{"value": floatValue(x)}), nil
	case string:
		return cy("CypherString", map[string]any{"value": x}), nil
	case []byte:
		return cy("CypherBytes", map[string]any{"value": formatHexBytes(x)}), nil
	case []any:
		out, err := convertEach(x, toCypher, "list index")
		if err != nil {
			return cypherJSON{}, err
		}
		return cy("CypherList", map[string]any{"value": out}), nil
	case map[string]any:
		out, err := cypherMapValue(x)
		if err != nil {
			return cypherJSON{}, err
		}
		return cy("CypherMap", map[string]any{"value": out}), nil
	case dbtype.Node:
		return nodeJSON(x)
	case dbtype.Relationship:
		return relJSON(x)
	case dbtype.Path:
		nodes, err := convertEach(x.Nodes, nodeJSON, "path node")
		if err != nil {
			return cypherJSON{}, err
		}
		rels, err := convertEach(x.Relationships, relJSON, "path relationship")
		if err != nil {
			return cypherJSON{}, err
		}
		return cy("Path", map[string]any{
			"nodes":         cy("CypherList", map[string]any{"value": nodes}),
			"relationships": cy("CypherList", map[string]any{"value": rels}),
		}), nil
	case dbtype.Point2D:
		return cy("CypherPoint", map[string]any{"system": pointSystem(x.SpatialRefId), "x": floatValue(x.X), "y": floatValue(x.Y), "z": nil}), nil
	case dbtype.Point3D:
		return cy("CypherPoint", map[string]any{"system": pointSystem(x.SpatialRefId), "x": floatValue(x.X), "y": floatValue(x.Y), "z": floatValue(x.Z)}), nil
	case dbtype.Date:
		t := time.Time(x)
		return cy("CypherDate", map[string]any{"year": t.Year(), "month": int(t.Month()), "day": t.Day()}), nil
	case dbtype.Time:
		t := time.Time(x)
		return cy("CypherTime", map[string]any{"hour": t.Hour(), "minute": t.Minute(), "second": t.Second(),
			"nanosecond": t.Nanosecond(), "utc_offset_s": x.Offset()}), nil
	case dbtype.LocalTime:
		t := time.Time(x)
		return cy("CypherTime", map[string]any{"hour": t.Hour(), "minute": t.Minute(), "second": t.Second(),
			"nanosecond": t.Nanosecond(), "utc_offset_s": nil}), nil
	case dbtype.LocalDateTime:
		t := time.Time(x)
		return cy("CypherDateTime", dateTimeFields(t, nil, nil)), nil
	case time.Time:
		_, off := x.Zone()
		var tz any
		// Like the driver's encoder, an unnamed location means "offset
		// only"; time.UTC is the zone id "UTC".
		if name := x.Location().String(); name != "" && name != "Local" && name[0] != '+' && name[0] != '-' {
			tz = name
		}
		return cy("CypherDateTime", dateTimeFields(x, off, tz)), nil
	case dbtype.Duration:
		sec := x.Seconds + int64(x.Nanos/1e9)
		ns := int64(x.Nanos % 1e9)
		if ns < 0 {
			ns += 1e9
			sec--
		}
		return cy("CypherDuration", map[string]any{"months": x.Months, "days": x.Days, "seconds": sec, "nanoseconds": ns}), nil
	}
	return cypherJSON{}, fmt.Errorf("%w: driver value of type %T", errValue, v)
}

func cypherMapValue(m map[string]any) (map[string]cypherJSON, error) {
	out := make(map[string]cypherJSON, len(m))
	for k, e := range m {
		c, err := toCypher(e)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		out[k] = c
	}
	return out, nil
}

func dateTimeFields(t time.Time, off, tz any) map[string]any {
	return map[string]any{"year": t.Year(), "month": int(t.Month()), "day": t.Day(),
		"hour": t.Hour(), "minute": t.Minute(), "second": t.Second(), "nanosecond": t.Nanosecond(),
		"utc_offset_s": off, "timezone_id": tz}
}

func floatValue(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return f
}

func pointSystem(srid uint32) string {
	switch srid {
	case dbtype.SRIDWGS84_2D, dbtype.SRIDWGS84_3D:
		return "wgs84"
	}
	return "cartesian"
}

func stringList(ss []string) cypherJSON {
	out := make([]cypherJSON, len(ss))
	for i, s := range ss {
		out[i] = cy("CypherString", map[string]any{"value": s})
	}
	return cy("CypherList", map[string]any{"value": out})
}

func nodeJSON(n dbtype.Node) (cypherJSON, error) {
	props, err := cypherMapValue(n.Props)
	if err != nil {
		return cypherJSON{}, err
	}
	return cy("Node", map[string]any{
		"id":        cy("CypherInt", map[string]any{"value": n.Id}),
		"labels":    stringList(n.Labels),
		"props":     cy("CypherMap", map[string]any{"value": props}),
		"elementId": cy("CypherString", map[string]any{"value": n.ElementId}),
	}), nil
}

func relJSON(r dbtype.Relationship) (cypherJSON, error) {
	props, err := cypherMapValue(r.Props)
	if err != nil {
		return cypherJSON{}, err
	}
	return cy("Relationship", map[string]any{
		"id":                 cy("CypherInt", map[string]any{"value": r.Id}),
		"startNodeId":        cy("CypherInt", map[string]any{"value": r.StartId}),
		"endNodeId":          cy("CypherInt", map[string]any{"value": r.EndId}),
		"type":               cy("CypherString", map[string]any{"value": r.Type}),
		"props":              cy("CypherMap", map[string]any{"value": props}),
		"elementId":          cy("CypherString", map[string]any{"value": r.ElementId}),
		"startNodeElementId": cy("CypherString", map[string]any{"value": r.StartElementId}),
		"endNodeElementId":   cy("CypherString", map[string]any{"value": r.EndElementId}),
	}), nil
}

// recordValues converts a record's values.
func recordValues(values []any) ([]cypherJSON, error) {
	return convertEach(values, toCypher, "record value")
}

// convertEach converts every element of in with f; an error names the element
// by its index, as a what ("list index 2: …").
func convertEach[T, U any](in []T, f func(T) (U, error), what string) ([]U, error) {
	out := make([]U, len(in))
	for i, x := range in {
		v, err := f(x)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", what, i, err)
		}
		out[i] = v
	}
	return out, nil
}

// plainJSON converts a driver value to plain JSON (no Cypher wrappers), as
// used for summary metadata such as plan arguments and query parameters.
func plainJSON(v any) any {
	switch x := v.(type) {
	case float64:
		return floatValue(x)
	case []byte:
		return formatHexBytes(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainJSON(e)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make(map[string]any, len(x))
		for _, k := range keys {
			out[k] = plainJSON(x[k])
		}
		return out
	case nil, bool, int64, int, string:
		return x
	}
	if c, err := toCypher(v); err == nil {
		return c
	}
	return fmt.Sprint(v)
}

// plainFromJSON converts plain JSON (as decoded by decodeJSON) to driver
// values: numbers become int64 when integral, float64 otherwise. TestKit
// sends auth token parameters this way, without Cypher wrappers.
func plainFromJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainFromJSON(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainFromJSON(e)
		}
		return out
	}
	return v
}
