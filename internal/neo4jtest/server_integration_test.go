package neo4jtest

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

// TestClassicHandshake proves the server is a real Bolt peer before any driver code:
// a hand-made classic proposal of 5.8 (range 8) and 4.4 negotiates 5.8 on both lines.
func TestClassicHandshake(t *testing.T) {
	ForEachLine(t, func(t *testing.T, s *Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, v, err := Handshake(ctx, s.Address(), [4]uint32{0x00080805, 0x00000404, 0, 0})
		require.NoError(t, err)
		defer c.Close()
		require.Equal(t, uint32(0x00000805), v, "negotiated version (0x00 RANGE MINOR MAJOR)")
	})
}

// TestManifestHandshake offers manifest v1 and checks the ranges each line answers:
// 5.x on line 5 and also 6.0–6.1 on line 2026.
func TestManifestHandshake(t *testing.T) {
	ForEachLine(t, func(t *testing.T, s *Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, v, err := Handshake(ctx, s.Address(), [4]uint32{0x000001FF, 0x00080805, 0, 0})
		require.NoError(t, err)
		defer c.Close()
		require.Equal(t, uint32(0x000001FF), v, "server chose manifest v1")
		ranges, _, err := ReadManifest(c)
		require.NoError(t, err)
		has := func(major, minor byte) bool {
			for _, r := range ranges {
				maj, min, rng := byte(r), byte(r>>8), byte(r>>16)
				if maj == major && minor <= min && minor >= min-rng {
					return true
				}
			}
			return false
		}
		require.True(t, has(5, 8), "5.8 offered in %08x", ranges)
		require.True(t, has(4, 4), "4.4 offered in %08x", ranges)
		require.False(t, has(5, 5), "5.5 is never offered")
		if s.Line == "2026" {
			require.True(t, has(6, 0), "6.0 offered in %08x", ranges)
			require.True(t, has(6, 1), "6.1 offered in %08x", ranges)
		}
		if s.Line == "5" {
			require.False(t, has(6, 0), "5.26 offers no 6.x")
		}
		// Choose 5.8 with no capabilities and make sure the server then speaks Bolt.
		buf := binary.BigEndian.AppendUint32(nil, 0x00000805)
		buf = append(buf, 0x00)
		_, err = c.Write(buf)
		require.NoError(t, err)
	})
}

// TestRawQuery runs Cypher over the tiny client and checks the answer and Clean.
func TestRawQuery(t *testing.T) {
	ForEachLine(t, func(t *testing.T, s *Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := DialRaw(ctx, s.Address(), s.User, s.Password)
		require.NoError(t, err)
		defer c.Close()
		recs, err := c.Query("RETURN 1 + $x AS n, 'ok' AS s", map[string]any{"x": 41})
		require.NoError(t, err)
		require.Equal(t, [][]any{{int64(42), "ok"}}, recs)
		require.NoError(t, c.Run("CREATE (:NeoTestProbe {v: 1})", nil))
		s.Clean(t)
		recs, err = c.Query("MATCH (n) RETURN count(n)", nil)
		require.NoError(t, err)
		require.Equal(t, [][]any{{int64(0)}}, recs)
		_, err = c.Query("RETURN $$$ syntax error", nil)
		require.ErrorContains(t, err, "FAILURE")
	})
}

// TestWrongPassword checks the server enforces auth (the READY credentials are real).
func TestWrongPassword(t *testing.T) {
	ForEachLine(t, func(t *testing.T, s *Server) {
		if s.User == "" {
			t.Skip("server runs without auth")
		}
		_, err := DialRaw(context.Background(), s.Address(), s.User, s.Password+"x")
		require.ErrorContains(t, err, "Unauthorized")
	})
}
