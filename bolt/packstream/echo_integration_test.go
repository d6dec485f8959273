package packstream

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }

// echoConn is a bare Bolt connection built from this package alone (plus a
// chunk reader), so that parameters encoded here and records decoded here meet
// a real server without package bolt in between.
type echoConn struct {
	t    *testing.T
	c    net.Conn
	feat Features
}

// echoVersion is a protocol version to echo values through.
type echoVersion struct {
	name     string
	slot     uint32 // 00 00 MINOR MAJOR
	feat     Features
	utcPatch bool
	logon    bool // 5.1+: auth goes in LOGON
}

var (
	echo44    = echoVersion{"4.4", 0x0404, feat44, false, false}
	echo44utc = echoVersion{"4.4+utc", 0x0404, feat44U, true, false}
	echo50    = echoVersion{"5.0", 0x0005, feat5, false, false}
	echo58    = echoVersion{"5.8", 0x0805, feat5, false, true}
	echo60    = echoVersion{"6.0", 0x0006, feat60, false, true}
	echo61    = echoVersion{"6.1", 0x0106, feat61, false, true}
)

func dialEcho(t *testing.T, s *neo4jtest.Server, v echoVersion) *echoConn {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, got, err := neo4jtest.Handshake(ctx, s.Address(), [4]uint32{v.slot, 0, 0, 0})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.Equal(t, v.slot, got, "negotiated version")
	_ = c.SetDeadline(time.Now().Add(2 * time.Minute))
	ec := &echoConn{t: t, c: c, feat: v.feat}
	auth := map[string]any{"scheme": "basic", "principal": s.User, "credentials": s.Password}
	hello := map[string]any{"user_agent": "boltwire-packstream-test/1",
		"bolt_agent": map[string]any{"product": "boltwire-packstream-test/1"}}
	if !v.logon {
		for k, x := range auth {
			hello[k] = x
		}
	}
	if v.utcPatch {
		hello["patch_bolt"] = []string{"utc"}
	}
	meta := ec.request(0x01, hello)
	if v.utcPatch {
		require.Equal(t, []any{"utc"}, meta["patch_bolt"], "server granted the utc patch")
	}
	if v.logon {
		ec.request(0x6A, auth)
	}
	return ec
}

// send chunks one message (tag + fields) onto the connection.
func (ec *echoConn) send(tag byte, fields ...any) error {
	e := Encoder{Features: ec.feat}
	e.StructHeader(tag, len(fields))
	for _, f := range fields {
		if err := e.Value(f); err != nil {
			return err
		}
	}
	var wire []byte
	for b := e.Buf; len(b) > 0; {
		n := min(len(b), math.MaxUint16)
		wire = binary.BigEndian.AppendUint16(wire, uint16(n))
		wire = append(wire, b[:n]...)
		b = b[n:]
	}
	wire = append(wire, 0, 0)
	_, err := ec.c.Write(wire)
	return err
}

// read reads one message, skipping NOOP chunks, and decodes it.
func (ec *echoConn) read() (byte, []any) {
	var body []byte
	var hdr [2]byte
	for {
		_, err := io.ReadFull(ec.c, hdr[:])
		require.NoError(ec.t, err)
		n := int(binary.BigEndian.Uint16(hdr[:]))
		if n == 0 {
			if body != nil {
				return decodeMessage(ec.t, ec.feat, body)
			}
			continue
		}
		chunk := make([]byte, n)
		_, err = io.ReadFull(ec.c, chunk)
		require.NoError(ec.t, err)
		body = append(body, chunk...)
	}
}

// request sends a message and requires a SUCCESS summary, returning its metadata.
func (ec *echoConn) request(tag byte, fields ...any) map[string]any {
	ec.t.Helper()
	require.NoError(ec.t, ec.send(tag, fields...))
	rt, rf := ec.read()
	require.Equal(ec.t, byte(0x70), rt, "summary %#v", rf)
	return rf[0].(map[string]any)
}

// echo runs RETURN $x and returns the record's single value, or the FAILURE metadata.
func (ec *echoConn) echo(v any) (any, map[string]any) {
	ec.t.Helper()
	require.NoError(ec.t, ec.send(0x10, "RETURN $x AS x", map[string]any{"x": v}, map[string]any{}))
	require.NoError(ec.t, ec.send(0x3F, map[string]any{"n": int64(-1)}))
	tag, fields := ec.read()
	if tag == 0x7F {
		ec.read() // IGNORED for the PULL (or FAILURE on 5.26, which then closes)
		return nil, fields[0].(map[string]any)
	}
	require.Equal(ec.t, byte(0x70), tag)
	tag, fields = ec.read()
	require.Equal(ec.t, byte(0x71), tag, "RECORD expected, got %#v", fields)
	rec := fields[0].([]any)
	tag, _ = ec.read()
	require.Equal(ec.t, byte(0x70), tag)
	require.Len(ec.t, rec, 1)
	return rec[0], nil
}

// echoValues are parameter values every server should send back unchanged.
func echoValues(t *testing.T, f Features) []any {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	vals := []any{
		nil, true, false, int64(math.MinInt64), int64(math.MinInt32 - 1), int64(-129), int64(-17), int64(-16),
		int64(127), int64(128), int64(math.MaxInt16 + 1), int64(math.MaxInt32 + 1), int64(math.MaxInt64),
		math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64, 1.23, math.NaN(),
		"", "grüße €𝄞", strings.Repeat("x", 15), strings.Repeat("x", 16), strings.Repeat("y", 255),
		strings.Repeat("y", 256), strings.Repeat("z", 65535), strings.Repeat("z", 65536), strings.Repeat("w", 70000),
		[]byte{}, []byte{0, 255}, repeat(3, 70000),
		[]any{}, []any{int64(1), "a", nil, []any{1.5}}, make([]any, 70000),
		map[string]any{}, map[string]any{"a": int64(1), "b": []any{map[string]any{"c": "d"}}, "": nil},
		dbtype.NewDate(2024, 2, 29), dbtype.NewDate(1969, 12, 31), dbtype.NewDate(-1000, 3, 1),
		dbtype.NewDate(10000, 1, 1), dbtype.NewDate(999999999, 12, 31), dbtype.NewDate(-999999999, 1, 1),
		dbtype.NewTime(12, 34, 56, 789000000, 7200), dbtype.NewTime(23, 59, 59, 999999999, -18*3600),
		dbtype.NewTime(0, 0, 0, 0, 0),
		dbtype.NewLocalTime(1, 2, 3, 4), dbtype.NewLocalTime(23, 59, 59, 999999999),
		dbtype.NewLocalDateTime(1969, 12, 31, 23, 59, 59, 999999999), dbtype.NewLocalDateTime(12345, 6, 7, 8, 9, 10, 11),
		time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.FixedZone("", 3600)),
		time.Date(1900, 1, 1, 0, 0, 0, 1, time.FixedZone("", -5*3600-1800)),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Unix(1729989000, 0).In(berlin(t)), // 02:30 CEST, the first of two 02:30s that night
		time.Date(2024, 7, 1, 12, 0, 0, 999, berlin(t)),
		time.Date(1950, 6, 1, 12, 0, 0, 0, ny),
		dbtype.Duration{}, dbtype.Duration{Months: 14, Days: 3, Seconds: 14706, Nanos: 7},
		dbtype.Duration{Seconds: -1}, dbtype.Duration{Seconds: -1, Nanos: 500000000},
		90*time.Second + 5,
		dbtype.Point2D{SpatialRefId: 7203, X: 1.5, Y: 2.5}, dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3},
		dbtype.Point2D{SpatialRefId: 4326, X: 13.4, Y: 52.5}, dbtype.Point3D{SpatialRefId: 4979, X: 13.4, Y: 52.5, Z: 10},
	}
	if f.Vector {
		vals = append(vals,
			dbtype.NewVectorInt8([]int8{math.MinInt8, 0, math.MaxInt8}),
			dbtype.NewVectorInt16([]int16{math.MinInt16, math.MaxInt16}),
			dbtype.NewVectorInt32([]int32{math.MinInt32, math.MaxInt32}),
			dbtype.NewVectorInt64([]int64{math.MinInt64, math.MaxInt64}),
			dbtype.NewVectorFloat32([]float32{-0.25, math.MaxFloat32, 1}),
			dbtype.NewVectorFloat64([]float64{1e300, -1}),
		)
	}
	if f.UUID {
		vals = append(vals, dbtype.UUID{}, dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"))
	}
	return vals
}

// wantEcho is what the server sends back for v.
func wantEcho(v any) any {
	switch x := v.(type) {
	case time.Duration:
		return dbtype.DurationOf(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = wantEcho(x[i])
		}
		return out
	}
	return v
}

// TestEchoThroughRealServer sends every value type as a parameter to real Neo4j
// servers on each protocol version and requires the server to return it
// unchanged: proof that our encoding is what the server expects and our
// decoding is what it means.
func TestEchoThroughRealServer(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		versions := []echoVersion{echo44, echo44utc, echo50, echo58}
		if s.Line == "2026" || (s.Line == "external" && offers61(t, s)) {
			versions = []echoVersion{echo58, echo60, echo61}
		}
		for _, v := range versions {
			t.Run(v.name, func(t *testing.T) {
				ec := dialEcho(t, s, v)
				for i, val := range echoValues(t, v.feat) {
					got, failure := ec.echo(val)
					require.Nil(t, failure, "value %d (%T) failed", i, val)
					requireSameValue(t, wantEcho(val), got, fmt.Sprintf("%s value %d (%T)", v.name, i, val))
				}
			})
		}
	})
}

// offers61 reports whether an outside server negotiates Bolt 6.1.
func offers61(t *testing.T, s *neo4jtest.Server) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, got, err := neo4jtest.Handshake(ctx, s.Address(), [4]uint32{echo61.slot, 0, 0, 0})
	if err != nil {
		return false
	}
	c.Close()
	return got == echo61.slot
}
