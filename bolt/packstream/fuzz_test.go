package packstream

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// featuresFromBits picks one of the 32 Feature combinations.
func featuresFromBits(b byte) Features {
	return Features{
		UTCDateTime:     b&1 != 0,
		ElementIDs:      b&2 != 0,
		Vector:          b&4 != 0,
		UnsupportedType: b&8 != 0,
		UUID:            b&16 != 0,
	}
}

// sameValue compares decoded values: floats by bits (so NaN equals NaN),
// DATETIME by instant, offset and zone name, the rest structurally.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case time.Time:
		y, ok := b.(time.Time)
		if !ok || !x.Equal(y) || zoneName(x) != zoneName(y) {
			return false
		}
		_, ox := x.Zone()
		_, oy := y.Zone()
		return ox == oy
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	case dbtype.Node:
		y, ok := b.(dbtype.Node)
		return ok && x.Id == y.Id && x.ElementId == y.ElementId && reflect.DeepEqual(x.Labels, y.Labels) &&
			sameValue(x.Props, y.Props)
	case dbtype.Relationship:
		y, ok := b.(dbtype.Relationship)
		xp, yp := x.Props, y.Props
		x.Props, y.Props = nil, nil
		return ok && reflect.DeepEqual(x, y) && sameValue(xp, yp)
	case dbtype.Path:
		y, ok := b.(dbtype.Path)
		if !ok || len(x.Nodes) != len(y.Nodes) || len(x.Relationships) != len(y.Relationships) {
			return false
		}
		for i := range x.Nodes {
			if !sameValue(x.Nodes[i], y.Nodes[i]) {
				return false
			}
		}
		for i := range x.Relationships {
			if !sameValue(x.Relationships[i], y.Relationships[i]) {
				return false
			}
		}
		return true
	case dbtype.UnsupportedType:
		y, ok := b.(dbtype.UnsupportedType)
		return ok && x.Name == y.Name && x.MinProtocolMajor == y.MinProtocolMajor &&
			x.MinProtocolMinor == y.MinProtocolMinor && x.Message == y.Message &&
			(len(x.Extra) == 0 && len(y.Extra) == 0 || sameValue(x.Extra, y.Extra))
	case dbtype.Point2D:
		y, ok := b.(dbtype.Point2D)
		return ok && x.SpatialRefId == y.SpatialRefId && sameValue(x.X, y.X) && sameValue(x.Y, y.Y)
	case dbtype.Point3D:
		y, ok := b.(dbtype.Point3D)
		return ok && x.SpatialRefId == y.SpatialRefId && sameValue(x.X, y.X) && sameValue(x.Y, y.Y) &&
			sameValue(x.Z, y.Z)
	case dbtype.Vector:
		y, ok := b.(dbtype.Vector)
		if !ok {
			return false
		}
		var e1, e2 Encoder // compare by wire bytes: float32 NaN payloads included
		e1.Features.Vector, e2.Features.Vector = true, true
		return e1.Value(x) == nil && e2.Value(y) == nil && bytes.Equal(e1.Buf, e2.Buf)
	}
	return reflect.DeepEqual(a, b)
}

// encodable reports whether a decoded value can be encoded again unchanged. An
// UnknownStructure cannot (its fields were skipped); nor can a lone
// UnboundRelationship before Bolt 5.0, which has no start and end (it comes back
// as a Relationship whose start and end element ids are the legacy ids, 0).
func encodable(v any) bool {
	switch x := v.(type) {
	case dbtype.UnknownStructure:
		return false
	case dbtype.Relationship:
		if x.StartElementId == "" && x.ElementId == strconv.FormatInt(x.Id, 10) {
			return false
		}
		return encodable(x.Props)
	case []any:
		for _, e := range x {
			if !encodable(e) {
				return false
			}
		}
	case map[string]any:
		for _, e := range x {
			if !encodable(e) {
				return false
			}
		}
	case dbtype.Node:
		return encodable(x.Props)
	case dbtype.Path:
		for _, n := range x.Nodes {
			if !encodable(n.Props) {
				return false
			}
		}
		for _, r := range x.Relationships {
			if !encodable(r.Props) {
				return false
			}
		}
	case dbtype.UnsupportedType:
		return encodable(x.Extra)
	}
	return true
}

func fuzzSeeds(f *testing.F) {
	for _, c := range structCases(f) {
		e := Encoder{Features: c.f}
		if e.Value(c.v) == nil {
			f.Add(e.Buf, byte(0x1F))
		}
	}
	for _, h := range []string{"c0", "93010203", "a1836f6e65846569 6e73", "d67fffffff", "b35091b34e0090a091b3720080a0920101",
		"b17191b35092b34e079283546d7086506572736f6ea2846e616d6585416c6963658361676521b34e089183546d70a1846e616d6583426f6291b37202854b4e4f5753a18573696e6365c907e4920101",
		"b256cc01c6cc0c3f8000004000000040400000", "e0550e8400e29b41d4a716446655440000", "b43f84555549440601a0"} {
		f.Add(unhex(f, h), byte(0x1F))
		f.Add(unhex(f, h), byte(0x00))
	}
}

// FuzzDecode feeds arbitrary bytes to Value under every Feature combination.
// It must never panic; a value it accepts must be skippable to the same
// offset, and, if encodable, survive encode → decode unchanged.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, bits byte) {
		feat := featuresFromBits(bits)
		d := Decoder{Features: feat}
		d.Reset(data)
		v, err := d.Value()
		if err != nil {
			return
		}
		consumed := d.Offset()
		d.Reset(data)
		if err := d.Skip(); err != nil || d.Offset() != consumed {
			t.Fatalf("Value consumed %d bytes, Skip %d (%v)", consumed, d.Offset(), err)
		}
		if !encodable(v) {
			return
		}
		e := Encoder{Features: feat}
		if err := e.Value(v); err != nil {
			t.Fatalf("decoded value %#v does not encode: %v", v, err)
		}
		d.Reset(e.Buf)
		v2, err := d.Value()
		if err != nil {
			t.Fatalf("re-encoded value does not decode: %v (% x)", err, e.Buf)
		}
		if d.Len() != 0 {
			t.Fatalf("%d bytes left after re-decoding", d.Len())
		}
		if !sameValue(v, v2) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v", v, v2)
		}
	})
}

// valueGen builds a Go value from fuzz input.
type valueGen struct {
	b    []byte
	feat Features
}

func (g *valueGen) byte() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

func (g *valueGen) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], g.b)
	g.b = g.b[n:]
	return binary.BigEndian.Uint64(buf[:])
}

func (g *valueGen) str() string {
	n := int(g.byte()) % 40
	if n > len(g.b) {
		n = len(g.b)
	}
	s := string(g.b[:n])
	g.b = g.b[n:]
	return s
}

func (g *valueGen) value(depth int) any {
	k := g.byte() % 20
	if depth > 6 && k >= 6 {
		k %= 6
	}
	switch k {
	case 0:
		return nil
	case 1:
		return g.byte()&1 == 1
	case 2:
		return int64(g.u64())
	case 3:
		return int64(int8(g.byte())) // small values hit every size class edge often
	case 4:
		return math.Float64frombits(g.u64())
	case 5:
		return g.str()
	case 6:
		return []byte(g.str())
	case 7:
		n := int(g.byte()) % 8
		l := make([]any, n)
		for i := range l {
			l[i] = g.value(depth + 1)
		}
		return l
	case 8:
		n := int(g.byte()) % 8
		m := make(map[string]any, n)
		for i := 0; i < n; i++ {
			m[g.str()] = g.value(depth + 1)
		}
		return m
	case 9:
		return dbtype.Date(time.Unix(int64(int32(g.u64()))*86400, 0).UTC())
	case 10:
		return dbtype.NewTime(int(g.byte()%24), int(g.byte()%60), int(g.byte()%60), int(g.u64()%1e9), int(int16(g.u64()))*2)
	case 11:
		return dbtype.LocalDateTime(time.Unix(int64(int32(g.u64()))*1000, int64(g.u64()%1e9)).UTC())
	case 12:
		return dbtype.Duration{Months: int64(g.u64()), Days: int64(g.u64()), Seconds: int64(int32(g.u64())), Nanos: int(g.u64() % 1e9)}
	case 13:
		return dbtype.Point3D{SpatialRefId: uint32(g.u64()), X: float64(int32(g.u64())), Y: 0.5, Z: -1}
	case 14:
		return time.Unix(int64(int32(g.u64()))*100, int64(g.u64()%1e9)).In(fixedZone(int(int16(g.u64()))))
	case 15:
		if g.feat.Vector {
			v := make([]float32, g.byte()%5)
			for i := range v {
				v[i] = float32(int16(g.u64()))
			}
			return dbtype.NewVectorFloat32(v)
		}
		return int64(15)
	case 16:
		if g.feat.UUID {
			var u dbtype.UUID
			binary.BigEndian.PutUint64(u[:], g.u64())
			return u
		}
		return "no uuid"
	case 17:
		return dbtype.Node{Id: int64(g.byte()), ElementId: g.str() + "n", Labels: []string{g.str()},
			Props: map[string]any{"p": g.value(depth + 1)}}
	case 18:
		return dbtype.LocalTime(clock(int64(g.u64()%nanosPerDay), time.UTC))
	default:
		return []any{g.value(depth + 1), g.value(depth + 1)}
	}
}

// FuzzRoundTrip builds Go values from the input, encodes, decodes and compares.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{7, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 5, 3, 'a', 'b', 'c'}, byte(0x1F))
	f.Add([]byte{8, 2, 1, 'k', 4, 0xff, 0xf8, 0, 0, 0, 0, 0, 1, 1, 'j', 12, 1, 2, 3}, byte(0))
	f.Add([]byte{14, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x0e, 0x10}, byte(3))
	f.Add([]byte{17, 1, 2, 'e', 'f', 1, 'L', 9, 0xff, 0xff}, byte(2))
	f.Fuzz(func(t *testing.T, data []byte, bits byte) {
		feat := featuresFromBits(bits)
		g := valueGen{b: data, feat: feat}
		v := g.value(0)
		e := Encoder{Features: feat}
		if err := e.Value(v); err != nil {
			t.Fatalf("encode %#v: %v", v, err)
		}
		d := Decoder{Features: feat}
		d.Reset(e.Buf)
		got, err := d.Value()
		if err != nil {
			t.Fatalf("decode % x: %v", e.Buf, err)
		}
		if d.Len() != 0 {
			t.Fatalf("%d bytes left", d.Len())
		}
		if !sameValue(normalize(v, feat), got) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v", v, got)
		}
	})
}

// normalize turns a generated value into what decoding yields: before Bolt
// 5.0 a node's element id is its legacy id.
func normalize(v any, feat Features) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalize(x[i], feat)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e, feat)
		}
		return out
	case dbtype.Node:
		if !feat.ElementIDs {
			x.ElementId = strconv.FormatInt(x.Id, 10)
		}
		x.Props = normalize(x.Props, feat).(map[string]any)
		return x
	}
	return v
}
