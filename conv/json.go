package conv

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// JSON returns the JSON form of a Neo4j value, for tools that only know text:
//
//   - NULL, BOOLEAN, INTEGER, STRING: JSON null, true/false, number, string;
//     FLOAT: number (NaN and ±Inf as the strings "NaN", "Infinity", "-Infinity");
//     BYTES: base64 string;
//   - temporal values and UUIDs: their ISO / canonical text ("2024-02-29",
//     "P1DT2H", ...); a ZONED DATETIME in RFC 3339 with nanoseconds;
//   - POINT: {"srid": 4326, "x": 12.5, "y": 55.7} (and "z" in 3D);
//   - LIST and VECTOR: arrays; MAP: objects;
//   - NODE: {"elementId", "labels", "properties"}; RELATIONSHIP: {"elementId",
//     "type", "startElementId", "endElementId", "properties"}; PATH: {"nodes",
//     "relationships"}.
//
// A value the driver could not decode is an error.
func JSON(v any) ([]byte, error) {
	tree, err := jsonTree(v, 0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(tree)
}

func jsonTree(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("conv: JSON: value nested deeper than %d levels", maxDepth)
	}
	switch x := v.(type) {
	case nil, bool, int64, string, []byte:
		return v, nil
	case float64:
		switch {
		case math.IsNaN(x):
			return "NaN", nil
		case math.IsInf(x, 1):
			return "Infinity", nil
		case math.IsInf(x, -1):
			return "-Infinity", nil
		}
		return x, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	case dbtype.Date, dbtype.Time, dbtype.LocalTime, dbtype.LocalDateTime, dbtype.Duration, dbtype.UUID:
		return x.(fmt.Stringer).String(), nil
	case dbtype.Point2D:
		return map[string]any{"srid": x.SpatialRefId, "x": x.X, "y": x.Y}, nil
	case dbtype.Point3D:
		return map[string]any{"srid": x.SpatialRefId, "x": x.X, "y": x.Y, "z": x.Z}, nil
	case dbtype.Vector:
		return jsonTree(x.AsFloat64s(), depth+1)
	case dbtype.Node:
		props, err := jsonTree(x.Props, depth+1)
		if err != nil {
			return nil, err
		}
		labels := x.Labels
		if labels == nil {
			labels = []string{}
		}
		return map[string]any{"elementId": x.ElementId, "labels": labels, "properties": props}, nil
	case dbtype.Relationship:
		props, err := jsonTree(x.Props, depth+1)
		if err != nil {
			return nil, err
		}
		return map[string]any{"elementId": x.ElementId, "type": x.Type, "startElementId": x.StartElementId,
			"endElementId": x.EndElementId, "properties": props}, nil
	case dbtype.Path:
		nodes := make([]any, len(x.Nodes))
		for i, n := range x.Nodes {
			nodes[i] = n
		}
		rels := make([]any, len(x.Relationships))
		for i, r := range x.Relationships {
			rels[i] = r
		}
		ns, err := jsonTree(nodes, depth+1)
		if err != nil {
			return nil, err
		}
		rs, err := jsonTree(rels, depth+1)
		if err != nil {
			return nil, err
		}
		return map[string]any{"nodes": ns, "relationships": rs}, nil
	case dbtype.UnknownStructure, dbtype.UnsupportedType:
		return nil, &ConversionError{Neo4jType: TypeName(v), GoType: "JSON", Err: undecodable(v)}
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			e, err := jsonTree(rv.Index(i).Interface(), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() == reflect.String {
			out := make(map[string]any, rv.Len())
			iter := rv.MapRange()
			for iter.Next() {
				e, err := jsonTree(iter.Value().Interface(), depth+1)
				if err != nil {
					return nil, err
				}
				out[iter.Key().String()] = e
			}
			return out, nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Float32:
		return v, nil
	}
	return nil, &ConversionError{Neo4jType: TypeName(v), GoType: "JSON"}
}
