package bolt

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassicSlots(t *testing.T) {
	s, err := classicSlots([]Version{{4, 4}, {5, 0}, {5, 1}, {5, 2}, {5, 3}, {5, 4}, {5, 6}, {5, 7}, {5, 8}})
	require.NoError(t, err)
	require.Equal(t, []slot{{0, 2, 8, 5}, {0, 4, 4, 5}, {0, 0, 4, 4}}, s)
	s, err = classicSlots([]Version{{6, 0}, {6, 1}})
	require.NoError(t, err)
	require.Equal(t, []slot{{0, 1, 1, 6}}, s)
	_, err = classicSlots([]Version{{4, 4}, {5, 0}, {5, 2}, {5, 4}, {5, 6}})
	require.Error(t, err, "five ranges do not fit four slots")
}

func TestProposalBytes(t *testing.T) {
	for _, tc := range []struct {
		style  HandshakeStyle
		forced []Version
		want   string
	}{
		{HandshakeAuto, nil, "6060b017 000001ff 00080805 00040404 00000003"},
		{HandshakeClassic, nil, "6060b017 00010106 00080805 00040404 00000003"},
		{HandshakeClassic, []Version{{3, 0}}, "6060b017 00000003 00000000 00000000 00000000"},
		{HandshakeClassic, []Version{{4, 3}, {4, 2}, {4, 1}, {4, 0}}, "6060b017 00030304 00000000 00000000 00000000"},
		{HandshakeManifest, nil, "6060b017 000001ff 00000000 00000000 00000000"},
		{HandshakeClassic, []Version{{4, 4}}, "6060b017 00000404 00000000 00000000 00000000"},
		{HandshakeAuto, []Version{{5, 7}}, "6060b017 000001ff 00000705 00000000 00000000"},
	} {
		got, _, err := proposal(tc.style, tc.forced)
		require.NoError(t, err)
		require.Equal(t, unhex(t, tc.want), got[:], "%v %v", tc.style, tc.forced)
	}
	_, _, err := proposal(HandshakeClassic, []Version{{5, 5}})
	require.Error(t, err, "5.5 is not supported")
}

// handshakeAgainst runs doHandshake against canned server bytes.
func handshakeAgainst(t *testing.T, server []byte, style HandshakeStyle, forced []Version) (handshakeResult, []byte, []byte, error) {
	t.Helper()
	var sent bytes.Buffer
	r := newFrameReader(bytes.NewReader(server), 64)
	res, out, err := doHandshake(&sent, r, style, forced, nil)
	return res, sent.Bytes(), out, err
}

func TestManifestHandshakeFromCapture(t *testing.T) {
	// Neo4j 2026.08.1 answer to a manifest offer (golden capture).
	server := unhex(t, "000001ff040004040400040405000208050001010600")
	res, sent, out, err := handshakeAgainst(t, server, HandshakeAuto, nil)
	require.NoError(t, err)
	require.Equal(t, handshakeResult{version: Version{6, 1}, manifest: true}, res)
	require.Equal(t, unhex(t, "6060b017 000001ff 00080805 00040404 00000003"), sent)
	require.Equal(t, unhex(t, "0000010600"), out, "choice 6.1 + capabilities 0, queued with HELLO")

	res, _, out, err = handshakeAgainst(t, server, HandshakeManifest, []Version{{5, 8}, {4, 4}})
	require.NoError(t, err)
	require.Equal(t, Version{5, 8}, res.version)
	require.Equal(t, unhex(t, "0000080500"), out)

	// 5.26 offers no 6.x: highest common is 5.8.
	server = unhex(t, "000001ff 03 00040404 00040405 00020805 00")
	res, _, _, err = handshakeAgainst(t, server, HandshakeAuto, nil)
	require.NoError(t, err)
	require.Equal(t, Version{5, 8}, res.version)

	// Spec example: capabilities 09 offered, we choose none.
	server = unhex(t, "000001ff 02 00020805 00040404 09")
	res, _, out, err = handshakeAgainst(t, server, HandshakeAuto, []Version{{5, 7}, {4, 4}})
	require.NoError(t, err)
	require.Equal(t, Version{5, 7}, res.version)
	require.Equal(t, unhex(t, "0000070500"), out)
}

func TestHandshakeFailures(t *testing.T) {
	for name, server := range map[string][]byte{
		"no match":       {0, 0, 0, 0},
		"http":           []byte("HTTP/1.1 400"),
		"not offered":    {0, 0, 5, 5},
		"garbage":        {1, 2, 3, 4},
		"truncated":      {0, 0},
		"manifest none":  unhex(t, "000001ff 01 00000002 00"),
		"manifest short": unhex(t, "000001ff 05 00040404"),
		"manifest huge":  unhex(t, "000001ff ffffffff0f"),
	} {
		_, _, _, err := handshakeAgainst(t, server, HandshakeAuto, nil)
		require.Error(t, err, name)
	}
	_, _, _, err := handshakeAgainst(t, []byte("HTTP"), HandshakeAuto, nil)
	require.ErrorContains(t, err, "HTTP")
}

func TestManifestOverPeer(t *testing.T) {
	cli, p := startPeer(t, func(p *peer) {
		hs, _ := p.rd.readRaw(20)
		assert.Equal(t, manifestV1[:], hs[4:8])
		p.write(unhex(t, "000001ff040004040400040405000208050001010600"))
		choice, _ := p.rd.readRaw(5)
		assert.Equal(t, unhex(t, "0000010600"), choice)
		p.helloOK(Version{6, 1}, nil)
	})
	c, err := NewConn(context.Background(), cli, DialConfig{Address: "x:1", Auth: NoAuth()})
	require.NoError(t, err)
	require.Equal(t, Version{6, 1}, c.Version())
	require.Equal(t, int32(2), cli.writes.Load(), "choice and HELLO+LOGON share one write")
	p.wait()
}

// A server without manifest support answers from the classic slots of the default offer.
func TestAutoFallsBackToClassic(t *testing.T) {
	for _, tc := range []struct {
		answer []byte
		want   Version
	}{
		{[]byte{0, 0, 8, 5}, Version{5, 8}}, {[]byte{0, 0, 2, 5}, Version{5, 2}}, {[]byte{0, 0, 4, 4}, Version{4, 4}},
		{[]byte{0, 0, 3, 4}, Version{4, 3}}, {[]byte{0, 0, 2, 4}, Version{4, 2}}, {[]byte{0, 0, 1, 4}, Version{4, 1}},
		{[]byte{0, 0, 0, 4}, Version{4, 0}}, {[]byte{0, 0, 0, 3}, Version{3, 0}},
	} {
		res, _, out, err := handshakeAgainst(t, tc.answer, HandshakeAuto, nil)
		require.NoError(t, err)
		require.Equal(t, handshakeResult{version: tc.want}, res)
		require.Empty(t, out, "nothing follows a classic answer")
	}
}
