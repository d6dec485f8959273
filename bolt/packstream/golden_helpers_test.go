package packstream

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// The capture format of testdata/golden (see the README of the captures): real
// server bytes recorded per request.
type capture struct {
	File        string
	BoltVersion string `json:"bolt_version"`
	Connections []struct {
		Label       string `json:"label"`
		BoltVersion string `json:"bolt_version"`
		Exchanges   []struct {
			Name  string `json:"name"`
			Steps []captureStep
		} `json:"exchanges"`
	} `json:"connections"`
}

type captureStep struct {
	Request struct {
		Message string `json:"message"`
		Hex     string `json:"hex"`
	} `json:"request"`
	Responses []struct {
		Message    string `json:"message"`
		Hex        string `json:"hex"`
		ChunkSizes []int  `json:"chunk_sizes"`
	} `json:"responses"`
	ResponseStreamHex string `json:"response_stream_hex"`
}

func loadCaptures(t *testing.T) []capture {
	t.Helper()
	files, err := filepath.Glob("testdata/golden/*.json")
	require.NoError(t, err)
	require.Len(t, files, 6)
	out := make([]capture, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var c capture
		require.NoError(t, json.Unmarshal(raw, &c), f)
		c.File = filepath.Base(f)
		out = append(out, c)
	}
	return out
}

func loadCapture(t *testing.T, name string) capture {
	for _, c := range loadCaptures(t) {
		if c.File == name {
			return c
		}
	}
	t.Fatalf("no capture %s", name)
	return capture{}
}

// featuresFor maps a negotiated version (and the utc patch) to Features, the way
// package bolt's version table does.
func featuresFor(version string, utcPatch bool) Features {
	switch version {
	case "4.4":
		return Features{UTCDateTime: utcPatch}
	case "6.0":
		return feat60
	case "6.1":
		return feat61
	}
	return feat5
}

// dechunked is one message read from a chunked stream.
type dechunked struct {
	body   []byte
	chunks []int
}

// dechunk splits a Bolt chunk stream into messages, skipping NOOP chunks
// between messages.
func dechunk(t *testing.T, stream []byte) []dechunked {
	t.Helper()
	var out []dechunked
	var cur dechunked
	for len(stream) > 0 {
		require.GreaterOrEqual(t, len(stream), 2, "chunk header cut")
		n := int(binary.BigEndian.Uint16(stream))
		stream = stream[2:]
		if n == 0 {
			if cur.chunks != nil {
				out = append(out, cur)
				cur = dechunked{}
			}
			continue
		}
		require.GreaterOrEqual(t, len(stream), n, "chunk body cut")
		cur.body = append(cur.body, stream[:n]...)
		cur.chunks = append(cur.chunks, n)
		stream = stream[n:]
	}
	require.Nil(t, cur.chunks, "message without end marker")
	return out
}

// decodeMessage decodes a message into its tag and hydrated fields.
func decodeMessage(t *testing.T, f Features, body []byte) (byte, []any) {
	t.Helper()
	d := Decoder{Features: f}
	d.Reset(body)
	tag, n, err := d.StructHeader()
	require.NoError(t, err)
	fields := make([]any, n)
	for i := range fields {
		fields[i], err = d.Value()
		require.NoError(t, err, "message 0x%02X field %d: %s", tag, i, hex.EncodeToString(body))
	}
	require.Zero(t, d.Len(), "bytes after the message")
	return tag, fields
}

// records returns the fields of every RECORD the named exchange received.
func records(t *testing.T, c capture, label, exchange string) [][]any {
	t.Helper()
	for _, conn := range c.Connections {
		if conn.Label != label {
			continue
		}
		f := featuresFor(conn.BoltVersion, label == "utc_patch")
		for _, ex := range conn.Exchanges {
			if ex.Name != exchange {
				continue
			}
			var out [][]any
			for _, st := range ex.Steps {
				for _, r := range st.Responses {
					if r.Message != "RECORD" {
						continue
					}
					tag, fields := decodeMessage(t, f, unhex(t, r.Hex))
					require.Equal(t, byte(0x71), tag)
					require.Len(t, fields, 1)
					out = append(out, fields[0].([]any))
				}
			}
			return out
		}
	}
	t.Fatalf("%s: no exchange %s/%s", c.File, label, exchange)
	return nil
}

// onlyRecord returns the single RECORD of an exchange.
func onlyRecord(t *testing.T, c capture, label, exchange string) []any {
	t.Helper()
	recs := records(t, c, label, exchange)
	require.Len(t, recs, 1, "%s %s", c.File, exchange)
	return recs[0]
}

// smallMaps reports whether every dictionary inside v has at most one entry, so
// that re-encoding it must reproduce the server's bytes exactly.
func smallMaps(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if len(x) > 1 {
			return false
		}
		for _, e := range x {
			if !smallMaps(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !smallMaps(e) {
				return false
			}
		}
	case dbtype.Node:
		return smallMaps(x.Props)
	case dbtype.Relationship:
		return smallMaps(x.Props)
	case dbtype.Path:
		for _, n := range x.Nodes {
			if !smallMaps(n.Props) {
				return false
			}
		}
		for _, r := range x.Relationships {
			if !smallMaps(r.Props) {
				return false
			}
		}
	}
	return true
}
