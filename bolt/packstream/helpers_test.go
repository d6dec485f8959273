package packstream

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Feature sets of the protocol versions the driver speaks.
var (
	feat44   = Features{}
	feat44U  = Features{UTCDateTime: true}
	feat5    = Features{UTCDateTime: true, ElementIDs: true}
	feat60   = Features{UTCDateTime: true, ElementIDs: true, Vector: true, UnsupportedType: true}
	feat61   = Features{UTCDateTime: true, ElementIDs: true, Vector: true, UnsupportedType: true, UUID: true}
	allFeats = []Features{feat44, feat44U, feat5, feat60, feat61}
)

// unhex decodes hex with optional spaces.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// encodeHex encodes v with f and returns lower-case hex.
func encodeHex(t testing.TB, f Features, v any) string {
	t.Helper()
	e := Encoder{Features: f}
	require.NoError(t, e.Value(v))
	return hex.EncodeToString(e.Buf)
}

// decodeAll decodes exactly one value from b and requires that nothing is left.
func decodeAll(t testing.TB, f Features, b []byte) any {
	t.Helper()
	d := Decoder{Features: f}
	d.Reset(b)
	v, err := d.Value()
	require.NoError(t, err)
	require.Zero(t, d.Len(), "bytes left after the value")
	return v
}

// repeat returns n copies of b.
func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}
