package main

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// roundTrip encodes v to TestKit JSON, decodes it as TestKit would send it
// back and converts it to a driver value again.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	c, err := toCypher(v)
	if err != nil {
		t.Fatalf("toCypher(%#v): %v", v, err)
	}
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	j, err := decodeJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	back, err := fromCypher(j)
	if err != nil {
		t.Fatalf("fromCypher(%s): %v", raw, err)
	}
	return back
}

func TestValueRoundTrip(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tz database")
	}
	values := []any{
		nil, true, false, int64(0), int64(math.MaxInt64), int64(math.MinInt64), 1.5, -0.25,
		"", "héllo ✓", []byte{}, []byte{0, 1, 0xff},
		[]any{int64(1), "a", nil, []any{}},
		map[string]any{"a": int64(1), "b": map[string]any{"c": []any{true}}},
		dbtype.Point2D{SpatialRefId: dbtype.SRIDCartesian2D, X: 1, Y: 2},
		dbtype.Point2D{SpatialRefId: dbtype.SRIDWGS84_2D, X: 1.5, Y: -2},
		dbtype.Point3D{SpatialRefId: dbtype.SRIDCartesian3D, X: 1, Y: 2, Z: 3},
		dbtype.Point3D{SpatialRefId: dbtype.SRIDWGS84_3D, X: 1, Y: 2, Z: 3},
		dbtype.NewDate(2024, 2, 29),
		dbtype.NewDate(-5, 1, 1),
		dbtype.NewTime(23, 59, 58, 999999999, -3600),
		dbtype.NewLocalTime(1, 2, 3, 4),
		dbtype.NewLocalDateTime(2022, 6, 7, 11, 52, 5, 123),
		time.Date(2022, 6, 7, 11, 52, 5, 7, time.FixedZone("", 7200)),
		time.Date(2022, 10, 30, 2, 30, 0, 0, berlin),
		dbtype.Duration{Months: 14, Days: -3, Seconds: 61, Nanos: 5},
	}
	for _, v := range values {
		got := roundTrip(t, v)
		if !equalValue(got, v) {
			t.Errorf("round trip of %#v gave %#v", v, got)
		}
	}
}

func equalValue(a, b any) bool {
	ta, ok1 := a.(time.Time)
	tb, ok2 := b.(time.Time)
	if ok1 && ok2 {
		_, oa := ta.Zone()
		_, ob := tb.Zone()
		return ta.Equal(tb) && oa == ob && ta.Location().String() == tb.Location().String()
	}
	if ba, ok := a.([]byte); ok {
		bb, ok := b.([]byte)
		return ok && string(ba) == string(bb)
	}
	return reflect.DeepEqual(a, b)
}

func TestSpecialFloats(t *testing.T) {
	for _, f := range []float64{math.Inf(1), math.Inf(-1)} {
		if got := roundTrip(t, f); got != f {
			t.Errorf("%v round trip gave %v", f, got)
		}
	}
	if got := roundTrip(t, math.NaN()).(float64); !math.IsNaN(got) {
		t.Errorf("NaN round trip gave %v", got)
	}
	c, _ := toCypher(math.Inf(1))
	if c.Data["value"] != "+Infinity" {
		t.Errorf("+Inf encodes as %v", c.Data["value"])
	}
}

func TestFromCypherExactWireForms(t *testing.T) {
	cases := []struct {
		json string
		want any
	}{
		{`{"name":"CypherInt","data":{"value":9007199254740993}}`, int64(9007199254740993)},
		{`{"name":"CypherBytes","data":{"value":"ff 01"}}`, []byte{0xff, 1}},
		{`{"name":"CypherFloat","data":{"value":"NaN"}}`, "NaN"},
		{`{"name":"CypherList","data":{"value":[{"name":"CypherNull","data":{}}]}}`, []any{nil}},
		{`{"name":"CypherTime","data":{"hour":1,"minute":2,"second":3,"nanosecond":4,"utc_offset_s":null}}`, dbtype.NewLocalTime(1, 2, 3, 4)},
		{`{"name":"CypherDateTime","data":{"year":2022,"month":6,"day":7,"hour":11,"minute":52,"second":5,"nanosecond":0,"utc_offset_s":7200,"timezone_id":null}}`,
			time.Date(2022, 6, 7, 11, 52, 5, 0, time.FixedZone("", 7200))},
	}
	for _, c := range cases {
		j, err := decodeJSON([]byte(c.json))
		if err != nil {
			t.Fatal(err)
		}
		got, err := fromCypher(j)
		if err != nil {
			t.Fatalf("%s: %v", c.json, err)
		}
		if c.want == "NaN" {
			if f, ok := got.(float64); !ok || !math.IsNaN(f) {
				t.Errorf("%s gave %#v", c.json, got)
			}
			continue
		}
		if !equalValue(got, c.want) {
			t.Errorf("%s gave %#v, want %#v", c.json, got, c.want)
		}
	}
}

func TestFromCypherRejectsBadValues(t *testing.T) {
	for _, s := range []string{
		`{"name":"CypherUnicorn","data":{}}`,
		`{"name":"CypherInt","data":{"value":1.5}}`,
		`{"name":"CypherInt","data":{"value":"1"}}`,
		`{"name":"CypherBytes","data":{"value":"zz"}}`,
		`{"name":"CypherPoint","data":{"system":"mars","x":1,"y":2,"z":null}}`,
		`{"name":"CypherDateTime","data":{"year":2022,"month":6,"day":7,"hour":11,"minute":52,"second":5,"nanosecond":0,"utc_offset_s":0,"timezone_id":"Not/AZone"}}`,
		`[1,2]`,
	} {
		j, err := decodeJSON([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fromCypher(j); err == nil {
			t.Errorf("%s: want error", s)
		}
	}
}

func TestGraphValuesToCypher(t *testing.T) {
	n := dbtype.Node{Id: 1, ElementId: "e1", Labels: []string{"L"}, Props: map[string]any{"p": int64(2)}}
	r := dbtype.Relationship{Id: 3, StartId: 1, EndId: 1, ElementId: "r3", StartElementId: "e1", EndElementId: "e1", Type: "T", Props: map[string]any{}}
	c, err := toCypher(dbtype.Path{Nodes: []dbtype.Node{n}, Relationships: []dbtype.Relationship{r}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(c)
	want := `{"name":"Path","data":{"nodes":{"name":"CypherList","data":{"value":[{"name":"Node","data":{"elementId":{"name":"CypherString","data":{"value":"e1"}},"id":{"name":"CypherInt","data":{"value":1}},"labels":{"name":"CypherList","data":{"value":[{"name":"CypherString","data":{"value":"L"}}]}},"props":{"name":"CypherMap","data":{"value":{"p":{"name":"CypherInt","data":{"value":2}}}}}}}]}},"relationships":{"name":"CypherList","data":{"value":[{"name":"Relationship","data":{"elementId":{"name":"CypherString","data":{"value":"r3"}},"endNodeElementId":{"name":"CypherString","data":{"value":"e1"}},"endNodeId":{"name":"CypherInt","data":{"value":1}},"id":{"name":"CypherInt","data":{"value":3}},"props":{"name":"CypherMap","data":{"value":{}}},"startNodeElementId":{"name":"CypherString","data":{"value":"e1"}},"startNodeId":{"name":"CypherInt","data":{"value":1}},"type":{"name":"CypherString","data":{"value":"T"}}}}]}}}}`
	if string(raw) != want {
		t.Fatalf("got  %s\nwant %s", raw, want)
	}
	if _, err := toCypher(struct{}{}); err == nil {
		t.Fatal("want error for unknown type")
	}
}

func TestPlainFromJSON(t *testing.T) {
	j, err := decodeJSON([]byte(`{"a":"no","b":0.1,"c":true,"d":3,"e":[1,{"f":null}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := plainFromJSON(j)
	want := map[string]any{"a": "no", "b": 0.1, "c": true, "d": int64(3), "e": []any{int64(1), map[string]any{"f": nil}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

func TestDateTimeWallClockWins(t *testing.T) {
	// Europe/Berlin, 2022-10-30 02:30 happens twice: +02:00 then +01:00.
	for _, off := range []int{7200, 3600} {
		s := fmt.Sprintf(`{"name":"CypherDateTime","data":{"year":2022,"month":10,"day":30,"hour":2,"minute":30,"second":0,"nanosecond":0,"utc_offset_s":%d,"timezone_id":"Europe/Berlin"}}`, off)
		j, _ := decodeJSON([]byte(s))
		v, err := fromCypher(j)
		if err != nil {
			t.Skipf("no tz database: %v", err)
		}
		tm := v.(time.Time)
		if _, o := tm.Zone(); o != off || tm.Hour() != 2 || tm.Minute() != 30 {
			t.Errorf("offset %d: got %v", off, tm)
		}
	}
	// An offset the zone database disagrees with keeps the wall clock.
	j, _ := decodeJSON([]byte(`{"name":"CypherDateTime","data":{"year":1850,"month":1,"day":2,"hour":0,"minute":0,"second":0,"nanosecond":0,"utc_offset_s":3180,"timezone_id":"Europe/Berlin"}}`))
	v, err := fromCypher(j)
	if err != nil {
		t.Fatal(err)
	}
	if tm := v.(time.Time); tm.Hour() != 0 || tm.Minute() != 0 || tm.Second() != 0 || tm.Day() != 2 {
		t.Errorf("got %v", tm)
	}
	c, _ := toCypher(time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", 0)))
	if c.Data["timezone_id"] != nil || c.Data["utc_offset_s"] != 0 {
		t.Errorf("offset 0 encodes as %v", c.Data)
	}
	c, _ = toCypher(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	if c.Data["timezone_id"] != "UTC" || c.Data["utc_offset_s"] != 0 {
		t.Errorf("zone id UTC encodes as %v", c.Data)
	}
}
