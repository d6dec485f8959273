package packstream

import (
	"encoding/hex"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// TestGoldenEveryMessage decodes every message of every capture — server
// responses and client requests — and re-encodes it: the result decodes to the
// same values, and where no dictionary has two or more keys (whose order Go maps
// lose) it reproduces the server's bytes exactly.
func TestGoldenEveryMessage(t *testing.T) {
	total, exact := 0, 0
	for _, c := range loadCaptures(t) {
		for _, conn := range c.Connections {
			f := featuresFor(conn.BoltVersion, conn.Label == "utc_patch")
			// Requests may carry a newer type on purpose (probe_param_*).
			reqF := f
			reqF.Vector, reqF.UUID, reqF.UnsupportedType = true, true, true
			for _, ex := range conn.Exchanges {
				for _, st := range ex.Steps {
					msgs := dechunk(t, unhex(t, st.ResponseStreamHex))
					require.Len(t, msgs, len(st.Responses), "%s %s", c.File, ex.Name)
					type msg struct {
						f    Features
						body []byte
					}
					all := []msg{{reqF, unhex(t, st.Request.Hex)}}
					for i, r := range st.Responses {
						body := unhex(t, r.Hex)
						require.Equal(t, body, msgs[i].body, "%s %s: de-chunked body", c.File, ex.Name)
						require.Equal(t, r.ChunkSizes, msgs[i].chunks)
						all = append(all, msg{f, body})
					}
					for _, m := range all {
						tag, fields := decodeMessage(t, m.f, m.body)
						e := Encoder{Features: m.f}
						e.StructHeader(tag, len(fields))
						for _, v := range fields {
							require.NoError(t, e.Value(v), "%s %s", c.File, ex.Name)
						}
						tag2, fields2 := decodeMessage(t, m.f, e.Buf)
						require.Equal(t, tag, tag2)
						require.Equal(t, len(fields), len(fields2))
						for i := range fields {
							requireSameValue(t, fields[i], fields2[i], c.File+" "+ex.Name)
						}
						total++
						if smallMaps(fields) {
							exact++
							require.Equal(t, hex.EncodeToString(m.body), hex.EncodeToString(e.Buf),
								"%s %s: re-encoding", c.File, ex.Name)
						}
					}
				}
			}
		}
	}
	t.Logf("%d messages decoded and re-encoded, %d of them byte for byte", total, exact)
	require.Greater(t, total, 300)
	require.Greater(t, exact, 150)
}

var serverLines = []struct{ file, version string }{
	{"neo4j-5.26.30_bolt-4.4.json", "4.4"},
	{"neo4j-5.26.30_bolt-5.0.json", "5.0"},
	{"neo4j-5.26.30_bolt-5.8.json", "5.8"},
	{"neo4j-2026.08.1_bolt-5.8.json", "5.8"},
	{"neo4j-2026.08.1_bolt-6.0.json", "6.0"},
	{"neo4j-2026.08.1_bolt-6.1.json", "6.1"},
}

func TestGoldenScalars(t *testing.T) {
	for _, line := range serverLines {
		c := loadCapture(t, line.file)
		require.Equal(t, []any{int64(1)}, onlyRecord(t, c, "main", "return_1"), line.file)
		require.Equal(t, []any{int64(-1), int64(127), int64(128), int64(-129), int64(32767), int64(2147483648),
			int64(math.MinInt64)}, onlyRecord(t, c, "main", "integers"), line.file)
		require.Equal(t, []any{1.5, "text", "", true, nil, []any{int64(1), "a", nil},
			map[string]any{"a": int64(1), "b": []any{int64(2)}}}, onlyRecord(t, c, "main", "scalars"), line.file)
		require.Equal(t, []any{"grüße €𝄞"}, onlyRecord(t, c, "main", "utf8"))
		require.Equal(t, []any{strings.Repeat("0123456789", 30)}, onlyRecord(t, c, "main", "string_300"))
		require.Equal(t, []any{strings.Repeat("0123456789", 7000)}, onlyRecord(t, c, "main", "string_70000"))
		want := make([]any, 1000)
		for i := range want {
			want[i] = int64(i + 1)
		}
		require.Equal(t, []any{want}, onlyRecord(t, c, "main", "range_1000"))
		require.Equal(t, []any{map[string]any{"i": int64(1), "f": 1.5, "s": "s", "l": []any{int64(1), int64(2)},
			"m": map[string]any{"k": "v"}, "b": []byte{0x00, 0xff}}}, onlyRecord(t, c, "main", "param_roundtrip"))
		require.Equal(t, []any{"one", int64(2)}, onlyRecord(t, c, "main", "param_numeric_names"))
	}
}

func TestGoldenTemporal(t *testing.T) {
	berlinLoc := berlin(t)
	for _, line := range serverLines {
		rec := onlyRecord(t, loadCapture(t, line.file), "main", "temporal")
		require.Len(t, rec, 8, line.file)
		require.Equal(t, dbtype.NewDate(2024, time.February, 29), rec[0])
		require.Equal(t, "2024-02-29", rec[0].(dbtype.Date).String())
		require.Equal(t, "12:34:56.789+02:00", rec[1].(dbtype.Time).String())
		require.Equal(t, dbtype.NewLocalTime(1, 2, 3, 4), rec[2])
		dt := rec[3].(time.Time)
		require.Equal(t, "2024-02-29T12:34:56.123456789+01:00", dt.Format(time.RFC3339Nano), line.file)
		zoned := rec[4].(time.Time)
		require.Equal(t, berlinLoc.String(), zoned.Location().String())
		require.Equal(t, "2024-10-27T02:30:00+02:00", zoned.Format(time.RFC3339Nano), line.file)
		require.Equal(t, int64(1729989000), zoned.Unix(), line.file)
		require.Equal(t, dbtype.NewLocalDateTime(1969, 12, 31, 23, 59, 59, 999999999), rec[5])
		require.Equal(t, dbtype.Duration{Months: 14, Days: 3, Seconds: 14706, Nanos: 7}, rec[6])
		require.Equal(t, dbtype.Duration{Seconds: -1}, rec[7])
		require.Equal(t, "P1Y2M3DT4H5M6.000000007S", rec[6].(dbtype.Duration).String())
	}
	// Bolt 4.4 with the utc patch uses the 5.0 DateTime structures.
	rec := onlyRecord(t, loadCapture(t, "neo4j-5.26.30_bolt-4.4.json"), "utc_patch", "temporal")
	require.Len(t, rec, 3)
	require.Equal(t, "2024-02-29T12:34:56.123456789+01:00", rec[0].(time.Time).Format(time.RFC3339Nano))
	require.Equal(t, int64(1729989000), rec[1].(time.Time).Unix())
	require.Equal(t, "Europe/Berlin", rec[1].(time.Time).Location().String())
}

func TestGoldenSpatial(t *testing.T) {
	for _, line := range serverLines {
		require.Equal(t, []any{
			dbtype.Point2D{SpatialRefId: 7203, X: 1.5, Y: 2.5},
			dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3},
			dbtype.Point2D{SpatialRefId: 4326, X: 13.4, Y: 52.5},
			dbtype.Point3D{SpatialRefId: 4979, X: 13.4, Y: 52.5, Z: 10},
		}, onlyRecord(t, loadCapture(t, line.file), "main", "spatial"), line.file)
	}
}

func TestGoldenGraph(t *testing.T) {
	for _, line := range serverLines {
		c := loadCapture(t, line.file)
		rec := onlyRecord(t, c, "main", "create_graph")
		a, r, b := rec[0].(dbtype.Node), rec[1].(dbtype.Relationship), rec[2].(dbtype.Node)
		require.Equal(t, []string{"Tmp", "Person"}, a.Labels)
		require.Equal(t, map[string]any{"name": "Alice", "age": int64(33)}, a.Props)
		require.Equal(t, []string{"Tmp"}, b.Labels)
		require.Equal(t, map[string]any{"name": "Bob"}, b.Props)
		require.Equal(t, "KNOWS", r.Type)
		require.Equal(t, map[string]any{"since": int64(2020)}, r.Props)
		require.Equal(t, a.Id, r.StartId)
		require.Equal(t, b.Id, r.EndId)
		require.Equal(t, a.ElementId, r.StartElementId)
		require.Equal(t, b.ElementId, r.EndElementId)
		if line.version == "4.4" {
			require.Equal(t, "7", a.ElementId, "legacy id stands in for the element id")
		} else {
			require.True(t, strings.HasPrefix(a.ElementId, "4:"), a.ElementId)
			require.True(t, strings.HasPrefix(r.ElementId, "5:"), r.ElementId)
		}

		path := onlyRecord(t, c, "main", "match_path")[0].(dbtype.Path)
		require.Len(t, path.Nodes, 2)
		require.Len(t, path.Relationships, 1)
		require.Equal(t, a.ElementId, path.Nodes[0].ElementId)
		require.Equal(t, b.ElementId, path.Nodes[1].ElementId)
		require.Equal(t, a.Props, path.Nodes[0].Props)
		pr := path.Relationships[0]
		require.Equal(t, r.ElementId, pr.ElementId)
		require.Equal(t, "KNOWS", pr.Type)
		require.Equal(t, a.ElementId, pr.StartElementId)
		require.Equal(t, b.ElementId, pr.EndElementId)
		require.Equal(t, a.Id, pr.StartId)
		require.Equal(t, b.Id, pr.EndId)
	}
}

func TestGoldenUUIDByVersion(t *testing.T) {
	u1, u2 := dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"), dbtype.MustParseUUID("00000000-0000-002a-0000-00000000002a")
	require.Equal(t, []any{u1, u2}, onlyRecord(t, loadCapture(t, "neo4j-2026.08.1_bolt-6.1.json"), "main", "uuid"))
	ut := dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1}
	require.Equal(t, []any{ut, ut}, onlyRecord(t, loadCapture(t, "neo4j-2026.08.1_bolt-6.0.json"), "main", "uuid"))
	ph := map[string]any{"originalType": "UUID", "reason": "UNKNOWN_TYPE"}
	require.Equal(t, []any{ph, ph}, onlyRecord(t, loadCapture(t, "neo4j-2026.08.1_bolt-5.8.json"), "main", "uuid"))
}

func TestGoldenVectorByVersion(t *testing.T) {
	want := []any{
		dbtype.NewVectorFloat32([]float32{1, 2, 3}), dbtype.NewVectorFloat64([]float64{1, 2}),
		dbtype.NewVectorInt8([]int8{1, 2, 3}), dbtype.NewVectorInt16([]int16{1, 2}),
		dbtype.NewVectorInt32([]int32{1, 2}), dbtype.NewVectorInt64([]int64{1, 2}),
	}
	for _, f := range []string{"neo4j-2026.08.1_bolt-6.0.json", "neo4j-2026.08.1_bolt-6.1.json"} {
		require.Equal(t, want, onlyRecord(t, loadCapture(t, f), "main", "vector"), f)
	}
	rec := onlyRecord(t, loadCapture(t, "neo4j-2026.08.1_bolt-5.8.json"), "main", "vector")
	require.Len(t, rec, 6)
	require.Equal(t, map[string]any{"originalType": "VECTOR(3, FLOAT32)", "reason": "UNKNOWN_TYPE"}, rec[0])
	require.Equal(t, map[string]any{"originalType": "VECTOR(2, INTEGER64)", "reason": "UNKNOWN_TYPE"}, rec[5])
	// The echoed parameters come back intact.
	require.Equal(t, []any{dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"), want[0]},
		onlyRecord(t, loadCapture(t, "neo4j-2026.08.1_bolt-6.1.json"), "main", "param_uuid_vector"))
	require.Equal(t, []any{want[0]}, onlyRecord(t, loadCapture(t, "neo4j-2026.08.1_bolt-6.0.json"), "main", "param_vector"))
}

// requestHex returns the request bytes of the first step of an exchange.
func requestHex(t *testing.T, c capture, label, exchange string) string {
	for _, conn := range c.Connections {
		for _, ex := range conn.Exchanges {
			if conn.Label == label && ex.Name == exchange {
				return ex.Steps[0].Request.Hex
			}
		}
	}
	t.Fatalf("no %s/%s", label, exchange)
	return ""
}

// TestGoldenRequestEncoding encodes the RUN requests the capture client sent
// with single-entry parameter maps and compares the bytes; it also checks that
// the encoder refuses the parameter types a version cannot carry, which the
// servers rejected in the probe connections.
func TestGoldenRequestEncoding(t *testing.T) {
	vec := dbtype.NewVectorFloat32([]float32{1, 2, 3})
	uuid := dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000")
	run := func(f Features, query string, params map[string]any) (string, error) {
		e := Encoder{Features: f}
		e.StructHeader(0x10, 3)
		e.String(query)
		if err := e.Map(params); err != nil {
			return "", err
		}
		require.NoError(t, e.Map(nil))
		return hex.EncodeToString(e.Buf), nil
	}
	c60 := loadCapture(t, "neo4j-2026.08.1_bolt-6.0.json")
	got, err := run(feat60, "CYPHER 25 RETURN $v", map[string]any{"v": vec})
	require.NoError(t, err)
	require.Equal(t, requestHex(t, c60, "main", "param_vector"), got)

	got, err = run(feat61, "CYPHER 25 RETURN $u", map[string]any{"u": uuid})
	require.NoError(t, err)
	require.Equal(t, requestHex(t, c60, "probe_param_uuid", "param_uuid"), got, "same bytes as the probe")
	_, err = run(feat60, "CYPHER 25 RETURN $u", map[string]any{"u": uuid})
	require.ErrorIs(t, err, ErrNeedsNewerProtocol, "6.0 servers reject UUID parameters")

	c58 := loadCapture(t, "neo4j-2026.08.1_bolt-5.8.json")
	_, err = run(feat5, "CYPHER 25 RETURN $v", map[string]any{"v": vec})
	require.ErrorIs(t, err, ErrNeedsNewerProtocol, "5.8 servers reject Vector parameters")
	// Decoding the probe's request with 5.x features yields an UnknownStructure.
	_, fields := decodeMessage(t, feat5, unhex(t, requestHex(t, c58, "probe_param_vector", "param_vector")))
	us, ok := fields[1].(map[string]any)["v"].(dbtype.UnknownStructure)
	require.True(t, ok)
	require.Equal(t, byte('V'), us.Tag)

	c61 := loadCapture(t, "neo4j-2026.08.1_bolt-6.1.json")
	got, err = run(feat61, "RETURN 1", nil)
	require.NoError(t, err)
	require.Equal(t, requestHex(t, c61, "main", "return_1"), got)
}
