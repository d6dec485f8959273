package bolt

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// Golden replay: a scripted peer plays back the server bytes recorded from real Neo4j
// servers (testdata/golden, see its README) while the client runs the same requests
// through the public API. Everything the server sent passes the real read path.

type capture struct {
	BoltVersion string        `json:"bolt_version"`
	Connections []captureConn `json:"connections"`
}

type captureConn struct {
	Label     string `json:"label"`
	Handshake struct {
		Style      string `json:"style"`
		ServerHex  string `json:"server_hex"`
		ChoiceHex  string `json:"client_choice_hex"`
		Negotiated string `json:"negotiated"`
	} `json:"handshake"`
	Exchanges []captureExchange `json:"exchanges"`
}

type captureExchange struct {
	Name    string `json:"name"`
	Query   string `json:"query"`
	Outcome string `json:"outcome"`
	Steps   []struct {
		Request struct {
			Message string `json:"message"`
			Hex     string `json:"hex"`
		} `json:"request"`
		Responses []struct {
			Message string `json:"message"`
			Hex     string `json:"hex"`
		} `json:"responses"`
		StreamHex string `json:"response_stream_hex"`
	} `json:"steps"`
}

func loadCaptures(t *testing.T) map[string]capture {
	t.Helper()
	files, err := filepath.Glob("testdata/golden/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]capture{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var c capture
		require.NoError(t, json.Unmarshal(b, &c), f)
		out[filepath.Base(f)] = c
	}
	return out
}

var requestSigs = map[string]byte{"HELLO": sigHello, "LOGON": sigLogon, "RUN": sigRun, "PULL": sigPull,
	"RESET": sigReset, "BEGIN": sigBegin, "COMMIT": sigCommit, "ROUTE": sigRoute, "GOODBYE": sigGoodbye}

// replayPeer answers the client with the recorded bytes, step by step.
func replayPeer(t *testing.T, cc captureConn) func(p *peer) {
	return func(p *peer) {
		if _, err := p.rd.readRaw(20); err != nil {
			t.Errorf("handshake: %v", err)
			return
		}
		p.write(unhex(t, cc.Handshake.ServerHex))
		if cc.Handshake.Style == "manifest-v1" {
			choice, err := p.rd.readRaw(len(cc.Handshake.ChoiceHex) / 2)
			if err != nil || hex.EncodeToString(choice) != cc.Handshake.ChoiceHex {
				t.Errorf("manifest choice % x, want %s (%v)", choice, cc.Handshake.ChoiceHex, err)
				return
			}
		}
		for _, ex := range cc.Exchanges {
			for _, st := range ex.Steps {
				got := p.recv()
				if got == nil {
					return
				}
				if want := requestSigs[st.Request.Message]; len(got) < 2 || got[1] != want {
					t.Errorf("%s/%s: client sent % x, capture has %s", cc.Label, ex.Name, got[:min(len(got), 8)], st.Request.Message)
					return
				}
				// Requests whose bytes do not depend on client choices must match exactly.
				switch st.Request.Message {
				case "PULL", "RESET", "COMMIT":
					if hex.EncodeToString(got) != st.Request.Hex {
						t.Errorf("%s/%s: %s bytes %x, capture %s", cc.Label, ex.Name, st.Request.Message, got, st.Request.Hex)
					}
				}
				if st.StreamHex != "" {
					p.write(unhex(t, st.StreamHex))
				}
			}
		}
	}
}

// decodeFields decodes a recorded message body into its fields.
func decodeFields(t *testing.T, hexBody string, f packstream.Features) []any {
	t.Helper()
	d := packstream.Decoder{Features: f}
	d.Reset(unhex(t, hexBody))
	_, n, err := d.StructHeader()
	require.NoError(t, err)
	out := make([]any, n)
	for i := range out {
		out[i], err = d.Value()
		require.NoError(t, err)
	}
	return out
}

func TestGoldenReplay(t *testing.T) {
	ctx := context.Background()
	for file, capt := range loadCaptures(t) {
		for _, cc := range capt.Connections {
			t.Run(strings.TrimSuffix(file, ".json")+"/"+cc.Label, func(t *testing.T) {
				v, err := ParseVersion(cc.Handshake.Negotiated)
				require.NoError(t, err)
				cli, p := startPeer(t, replayPeer(t, cc))
				style := HandshakeClassic
				if cc.Handshake.Style == "manifest-v1" {
					style = HandshakeManifest
				}
				cfg := DialConfig{Address: "127.0.0.1:7687", Auth: BasicAuth("neo4j", "pass", ""),
					Versions: []Version{v}, Handshake: style}
				if cc.Label == "routing" {
					cfg.RoutingContext = map[string]string{"address": "127.0.0.1:7687"}
				}
				c, err := NewConn(ctx, cli, cfg)
				require.NoError(t, err)
				require.Equal(t, v, c.Version())
				require.True(t, strings.HasPrefix(c.ServerAgent(), "Neo4j/"))
				for _, ex := range cc.Exchanges {
					replayExchange(t, c, cc.Label, ex)
				}
				p.wait()
			})
		}
	}
}

// replayExchange performs one recorded exchange through the public API and checks the
// outcome against the capture.
func replayExchange(t *testing.T, c *Conn, label string, ex captureExchange) {
	ctx := context.Background()
	var msgs []string
	for _, st := range ex.Steps {
		msgs = append(msgs, st.Request.Message)
	}
	feat := c.dec.Features
	switch strings.Join(msgs, " ") {
	case "HELLO", "HELLO LOGON":
		// done by NewConn
	case "GOODBYE":
		require.NoError(t, c.Close())
	case "ROUTE":
		f := decodeFields(t, ex.Steps[0].Request.Hex, feat)
		rr := RouteRequest{Routing: map[string]string{}}
		for k, v := range f[0].(map[string]any) {
			rr.Routing[k] = v.(string)
		}
		if db, ok := f[2].(map[string]any)["db"].(string); ok {
			rr.Database = db
		}
		rt, err := c.Route(ctx, rr)
		require.NoError(t, err, ex.Name)
		require.NotEmpty(t, rt.Routers, ex.Name)
		require.NotEmpty(t, rt.Readers, ex.Name)
		require.Positive(t, rt.TTL, ex.Name)
	case "RUN PULL", "RUN PULL RESET", "BEGIN RUN PULL COMMIT":
		runStep := 0
		if msgs[0] == "BEGIN" {
			runStep = 1
			require.NoError(t, c.Begin(ctx, TxConfig{}))
		}
		var params map[string]any
		if !strings.HasPrefix(label, "probe_param") {
			params, _ = decodeFields(t, ex.Steps[runStep].Request.Hex, feat)[1].(map[string]any)
		}
		s, err := c.Run(ctx, ex.Query, params, nil, -1)
		pull := ex.Steps[runStep+1]
		if msgs[len(msgs)-1] == "RESET" {
			var se *ServerError
			require.ErrorAs(t, err, &se, ex.Name)
			f := decodeFields(t, ex.Steps[runStep].Responses[0].Hex, feat)
			if f == nil || ex.Steps[runStep].Responses[0].Message != "FAILURE" {
				f = decodeFields(t, pull.Responses[0].Hex, feat)
			}
			meta := f[0].(map[string]any)
			code, _ := meta["neo4j_code"].(string)
			if code == "" {
				code, _ = meta["code"].(string)
			}
			require.Equal(t, code, se.Code, ex.Name)
			if g, ok := meta["gql_status"]; ok {
				require.Equal(t, g, se.GqlStatus, ex.Name)
			}
			require.NoError(t, c.Reset(ctx), ex.Name)
			require.True(t, c.IsIdle())
			return
		}
		require.NoError(t, err, ex.Name)
		var want [][]any
		for _, r := range pull.Responses {
			if r.Message == "RECORD" {
				want = append(want, decodeFields(t, r.Hex, feat)[0].([]any))
			}
		}
		got := collect(t, s)
		require.Equal(t, len(want), len(got), ex.Name)
		for i := range want {
			require.Equal(t, want[i], got[i], "%s record %d", ex.Name, i)
		}
		sum, err := s.Consume(ctx)
		require.NoError(t, err)
		last := pull.Responses[len(pull.Responses)-1]
		require.Equal(t, "SUCCESS", last.Message)
		final := decodeFields(t, last.Hex, feat)[0].(map[string]any)
		for k, v := range final {
			require.Equal(t, v, sum.Meta.Map()[k], "%s summary %s", ex.Name, k)
		}
		if label == "main" {
			checkKnownValues(t, c.Version(), ex.Name, got)
		}
		if msgs[0] == "BEGIN" {
			_, err := c.Commit(ctx)
			require.NoError(t, err)
		}
		require.True(t, c.IsIdle(), ex.Name)
	default:
		t.Fatalf("exchange %s: unhandled request sequence %v", ex.Name, msgs)
	}
}

// checkKnownValues spot-checks values whose Go form is known independently.
func checkKnownValues(t *testing.T, v Version, name string, got [][]any) {
	switch name {
	case "integers":
		require.Equal(t, []any{int64(-1), int64(127), int64(128), int64(-129), int64(32767), int64(2147483648),
			int64(-9223372036854775808)}, got[0])
	case "utf8":
		require.Equal(t, []any{"grüße €𝄞"}, got[0])
	case "string_70000":
		require.Len(t, got[0][0], 70000)
		require.True(t, bytes.HasPrefix([]byte(got[0][0].(string)), []byte("0123456789")))
	case "range_1000":
		require.Len(t, got[0][0], 1000)
	case "return_1":
		require.Equal(t, [][]any{{int64(1)}}, got)
	case "temporal":
		require.Equal(t, dbtype.NewDate(2024, time.February, 29), got[0][0])
	case "spatial":
		require.Equal(t, dbtype.Point2D{SpatialRefId: 7203, X: 1.5, Y: 2.5}, got[0][0])
		require.Equal(t, dbtype.Point3D{SpatialRefId: 4979, X: 13.4, Y: 52.5, Z: 10}, got[0][3])
	case "match_path":
		p, ok := got[0][0].(dbtype.Path)
		require.True(t, ok, "%T", got[0][0])
		require.Len(t, p.Nodes, 2)
		require.Len(t, p.Relationships, 1)
		require.Equal(t, "KNOWS", p.Relationships[0].Type)
		require.Equal(t, "Alice", p.Nodes[0].Props["name"])
	case "uuid":
		switch {
		case v.Has(FeatureUUID):
			require.Equal(t, dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000"), got[0][0])
		case v.Has(FeatureVector):
			require.Equal(t, "UUID", got[0][0].(dbtype.UnsupportedType).Name)
		default:
			require.Equal(t, map[string]any{"originalType": "UUID", "reason": "UNKNOWN_TYPE"}, got[0][0])
		}
	}
}
