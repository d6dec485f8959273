package packstream

import (
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

const (
	eidAlice = "4:f622ebfd-0a04-43ea-99e7-6455661a0271:1"
	eidBob   = "4:f622ebfd-0a04-43ea-99e7-6455661a0271:2"
	eidKnows = "5:f622ebfd-0a04-43ea-99e7-6455661a0271:0"
	hexAlice = "d028343a66363232656266642d306130342d343365612d393965372d3634353536363161303237313a31"
	hexBob   = "d028343a66363232656266642d306130342d343365612d393965372d3634353536363161303237313a32"
	hexKnows = "d028353a66363232656266642d306130342d343365612d393965372d3634353536363161303237313a30"
)

func berlin(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	return loc
}

// structCase is a value, the feature set, and its exact encoding (taken from
// server captures where possible, else derived from the spec).
type structCase struct {
	name string
	f    Features
	v    any
	hex  string
}

func structCases(t testing.TB) []structCase {
	bob := dbtype.Node{Id: 2, ElementId: eidBob, Labels: []string{"Tmp"}, Props: map[string]any{"name": "Bob"}}
	bob44 := dbtype.Node{Id: 8, ElementId: "8", Labels: []string{"Tmp"}, Props: map[string]any{"name": "Bob"}}
	knows := dbtype.Relationship{Id: 0, StartId: 1, EndId: 2, ElementId: eidKnows, StartElementId: eidAlice,
		EndElementId: eidBob, Type: "KNOWS", Props: map[string]any{"since": int64(2020)}}
	knows44 := dbtype.Relationship{Id: 2, StartId: 7, EndId: 8, ElementId: "2", StartElementId: "7", EndElementId: "8",
		Type: "KNOWS", Props: map[string]any{"since": int64(2020)}}
	berlinTime := time.Unix(1729989000, 0).In(berlin(t))
	return []structCase{
		{"Date", feat5, dbtype.NewDate(2024, 2, 29), "b144c94d46"},
		{"Date before 1970", feat5, dbtype.NewDate(1969, 12, 31), "b144ff"},
		{"Date epoch", feat44, dbtype.NewDate(1970, 1, 1), "b14400"},
		{"Time", feat5, dbtype.NewTime(12, 34, 56, 789000000, 7200), "b254cb000029327b048f40c91c20"},
		{"Time negative offset", feat5, dbtype.NewTime(0, 0, 1, 0, -3600), "b254ca3b9aca00c9f1f0"},
		{"LocalTime", feat5, dbtype.NewLocalTime(1, 2, 3, 4), "b174cb00000362d417ae04"},
		{"LocalDateTime", feat5, dbtype.NewLocalDateTime(1969, 12, 31, 23, 59, 59, 999999999), "b264ffca3b9ac9ff"},
		{"DateTime offset UTC form", feat5, time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.FixedZone("", 3600)),
			"b349ca65e06be0ca075bcd15c90e10"},
		{"DateTime offset legacy form", feat44, time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.FixedZone("", 3600)),
			"b346ca65e079f0ca075bcd15c90e10"},
		{"DateTime offset utc patch", feat44U, time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.FixedZone("", 3600)),
			"b349ca65e06be0ca075bcd15c90e10"},
		{"DateTime spec example I", feat5, time.Date(1970, 1, 1, 2, 15, 0, 42, time.FixedZone("", 3600)), "b349c911942ac90e10"},
		{"DateTime spec example F", feat44, time.Date(1970, 1, 1, 2, 15, 0, 42, time.FixedZone("", 3600)), "b346c91fa42ac90e10"},
		{"DateTime offset 0", feat5, time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("", 0)), "b349ca386d43800000"},
		{"DateTimeZoneId UTC", feat5, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "b369ca386d43800083555443"},
		{"DateTimeZoneId UTC form", feat5, berlinTime, "b369ca671d8988008d4575726f70652f4265726c696e"},
		{"DateTimeZoneId legacy form", feat44, berlinTime, "b366ca671da5a8008d4575726f70652f4265726c696e"},
		{"Duration", feat5, dbtype.Duration{Months: 14, Days: 3, Seconds: 14706, Nanos: 7}, "b4450e03c9397207"},
		{"Duration negative", feat5, dbtype.Duration{Seconds: -1}, "b4450000ff00"},
		{"Point2D", feat5, dbtype.Point2D{SpatialRefId: 7203, X: 1.5, Y: 2.5},
			"b358c91c23c13ff8000000000000c14004000000000000"},
		{"Point3D", feat5, dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3},
			"b459c923c5c13ff0000000000000c14000000000000000c14008000000000000"},
		{"Node 5.x", feat5, bob, "b44e029183546d70a1846e616d6583426f62" + hexBob},
		{"Node 4.4", feat44, bob44, "b34e089183546d70a1846e616d6583426f62"},
		{"Relationship 5.x", feat5, knows, "b852000102854b4e4f5753a18573696e6365c907e4" + hexKnows + hexAlice + hexBob},
		{"Relationship 4.4", feat44, knows44, "b552020708854b4e4f5753a18573696e6365c907e4"},
		{"Vector FLOAT32", feat60, dbtype.NewVectorFloat32([]float32{1, 2, 3}), "b256cc01c6cc0c3f8000004000000040400000"},
		{"Vector FLOAT64", feat61, dbtype.NewVectorFloat64([]float64{1, 2}), "b256cc01c1cc103ff00000000000004000000000000000"},
		{"Vector INTEGER8", feat60, dbtype.NewVectorInt8([]int8{1, 2, 3}), "b256cc01c8cc03010203"},
		{"Vector INTEGER16", feat60, dbtype.NewVectorInt16([]int16{1, 2}), "b256cc01c9cc0400010002"},
		{"Vector INTEGER32", feat60, dbtype.NewVectorInt32([]int32{1, 2}), "b256cc01cacc080000000100000002"},
		{"Vector INTEGER64", feat60, dbtype.NewVectorInt64([]int64{1, 2}), "b256cc01cbcc1000000000000000010000000000000002"},
		{"Vector empty", feat60, dbtype.NewVectorFloat64(nil), "b256cc01c1cc00"},
		{"UnsupportedType", feat60, dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1},
			"b43f84555549440601a0"},
		{"UnsupportedType with message", feat60,
			dbtype.UnsupportedType{Name: "X", MinProtocolMajor: 7, MinProtocolMinor: 0, Message: "m"},
			"b43f81580700a1876d657373616765816d"},
		{"UUID", feat61, dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"), "e0550e8400e29b41d4a716446655440000"},
	}
}

func TestStructuresExactBytes(t *testing.T) {
	for _, c := range structCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want := unhex(t, c.hex)
			e := Encoder{Features: c.f}
			require.NoError(t, e.Value(c.v))
			require.Equal(t, want, e.Buf, "encoding")
			got := decodeAll(t, c.f, want)
			if tt, ok := c.v.(time.Time); ok {
				gt, ok := got.(time.Time)
				require.True(t, ok, "decoded %T", got)
				require.True(t, tt.Equal(gt), "instant %v vs %v", tt, gt)
				_, wantOff := tt.Zone()
				_, gotOff := gt.Zone()
				require.Equal(t, wantOff, gotOff, "offset")
				require.Equal(t, zoneName(tt), zoneName(gt), "zone id")
				return
			}
			require.Equal(t, c.v, got, "decoding")
		})
	}
}

func TestTimeDurationEncodesAsDuration(t *testing.T) {
	require.Equal(t, "b44500005a05", encodeHex(t, feat5, 90*time.Second+5))
	require.Equal(t, "b4450000ffca3b9ac9ff", encodeHex(t, feat5, time.Duration(-1)))
	// Nanoseconds outside 0..999,999,999 are normalised on the wire.
	require.Equal(t, "b4450000ffca3b9ac9ff", encodeHex(t, feat5, dbtype.Duration{Nanos: -1}))
	require.Equal(t, "b44500000201", encodeHex(t, feat5, dbtype.Duration{Seconds: 1, Nanos: 1e9 + 1}))
}

func TestDecodeCapturedNodeAndRelationships(t *testing.T) {
	// RECORD [a, r, b] of create_graph on Bolt 6.1 (Neo4j 2026.08.1).
	rec := unhex(t, "93b44e019283546d7086506572736f6ea2846e616d6585416c6963658361676521"+hexAlice+
		"b852000102854b4e4f5753a18573696e6365c907e4"+hexKnows+hexAlice+hexBob+
		"b44e029183546d70a1846e616d6583426f62"+hexBob)
	got := decodeAll(t, feat61, rec)
	alice := dbtype.Node{Id: 1, ElementId: eidAlice, Labels: []string{"Tmp", "Person"},
		Props: map[string]any{"name": "Alice", "age": int64(33)}}
	bob := dbtype.Node{Id: 2, ElementId: eidBob, Labels: []string{"Tmp"}, Props: map[string]any{"name": "Bob"}}
	knows := dbtype.Relationship{Id: 0, StartId: 1, EndId: 2, ElementId: eidKnows, StartElementId: eidAlice,
		EndElementId: eidBob, Type: "KNOWS", Props: map[string]any{"since": int64(2020)}}
	require.Equal(t, []any{alice, knows, bob}, got)
}

func TestLegacyZoneIdWallClock(t *testing.T) {
	// Legacy 'f' carries the wall clock; 2024-10-27 02:30 in Berlin.
	got := decodeAll(t, feat44, unhex(t, "b366ca671da5a8008d4575726f70652f4265726c696e")).(time.Time)
	require.Equal(t, "Europe/Berlin", got.Location().String())
	require.Equal(t, "2024-10-27 02:30:00", got.Format(time.DateTime))
}

// D9: a DateTime whose zone id the time zone database lacks is an
// ErrUnknownZone decode error naming the id (for both zone-id tags, and for
// "" and "Local"), and the structure is read whole.
func TestUnknownZoneIsError(t *testing.T) {
	for _, tag := range []byte{TagDateTimeZoneID, TagLegacyDateTimeZone} {
		for _, zone := range []string{"Mars/Olympus_Mons", "", "Local"} {
			e := Encoder{Features: feat5}
			e.StructHeader(tag, 3)
			e.Int(1000)
			e.Int(5)
			e.String(zone)
			d := Decoder{Features: feat5}
			if tag == TagLegacyDateTimeZone {
				d.Features = Features{}
			}
			d.Reset(e.Buf)
			_, err := d.Value()
			require.ErrorIs(t, err, ErrUnknownZone, "%q", zone)
			require.Contains(t, err.Error(), strconv.Quote(zone))
			require.Zero(t, d.Len(), "the structure is consumed")
		}
	}
	// A known zone still decodes (and is cached) after an unknown one.
	e := Encoder{Features: feat5}
	e.StructHeader(TagDateTimeZoneID, 3)
	e.Int(1000)
	e.Int(5)
	e.String("Europe/Paris")
	got := decodeAll(t, feat5, e.Buf).(time.Time)
	require.Equal(t, "Europe/Paris", got.Location().String())
}

// D28: a DATETIME with offset 0 and one with zone id "UTC" stay apart: the
// first decodes to an unnamed fixed zone and re-encodes as an offset, the
// second to time.UTC and re-encodes as the zone id. A TIME (offsets only) at
// offset 0 is time.UTC.
func TestOffsetZeroAndZoneUTCStayApart(t *testing.T) {
	for _, f := range []Features{feat44, feat44U, feat5} {
		offset := time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("", 0))
		gotOff := decodeAll(t, f, unhex(t, encodeHex(t, f, offset))).(time.Time)
		require.NotSame(t, time.UTC, gotOff.Location())
		require.Equal(t, "", gotOff.Location().String())
		require.True(t, gotOff.Equal(offset))
		require.Equal(t, encodeHex(t, f, offset), encodeHex(t, f, gotOff), "re-encodes as an offset")

		utc := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		gotUTC := decodeAll(t, f, unhex(t, encodeHex(t, f, utc))).(time.Time)
		require.Same(t, time.UTC, gotUTC.Location())
		require.True(t, gotUTC.Equal(utc))
		require.Equal(t, encodeHex(t, f, utc), encodeHex(t, f, gotUTC), "re-encodes as the zone id")
		require.NotEqual(t, encodeHex(t, f, offset), encodeHex(t, f, utc))
	}
	tm := decodeAll(t, feat5, unhex(t, "b2540000")).(dbtype.Time)
	require.Equal(t, dbtype.NewTime(0, 0, 0, 0, 0), tm)
	require.Same(t, time.UTC, tm.Time().Location())
}
