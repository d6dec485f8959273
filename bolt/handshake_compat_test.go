package bolt

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCompatProposalBytes(t *testing.T) {
	got, accept, err := proposal(HandshakeCompat, nil)
	require.NoError(t, err)
	require.Equal(t, unhex(t, "6060b017 00080805 00020404 00000104 00000003"), got[:])
	require.Equal(t, []Version{{5, 8}, {5, 7}, {5, 6}, {5, 4}, {5, 3}, {5, 2}, {5, 1}, {5, 0},
		{4, 4}, {4, 3}, {4, 2}, {4, 1}, {3, 0}}, accept, "only what the slots offer: no 6.x, no 4.0, no 5.5")

	// Forced versions are proposed as they are, without the manifest.
	got, _, err = proposal(HandshakeCompat, []Version{{4, 2}})
	require.NoError(t, err)
	require.Equal(t, unhex(t, "6060b017 00000204 00000000 00000000 00000000"), got[:])

	_, _, err = proposal(HandshakeCompat+1, nil)
	require.ErrorContains(t, err, "unknown handshake style")
}

// serverPick emulates how a server chooses from a classic proposal: the first slot
// (in the client's order) that holds a version it speaks wins. readsMinor false is a
// 3.0 server (it looks at the major byte only); readsRange false is a 4.0–4.2 server,
// which takes each slot as its top version alone.
func serverPick(proposal []byte, speaks []Version, readsMinor, readsRange bool) []byte {
	for i := 4; i+4 <= len(proposal); i += 4 {
		s := slot(proposal[i : i+4])
		for _, v := range speaks { // newest first
			switch {
			case !readsMinor && v.Major == s[3],
				readsMinor && !readsRange && v == s.top(),
				readsMinor && readsRange && s.contains(v):
				return []byte{0, 0, v.Minor, v.Major}
			}
		}
	}
	return []byte{0, 0, 0, 0}
}

// The compat proposal against scripted servers of each generation, up to a working
// connection; the default proposal against the same servers for comparison.
func TestCompatNegotiation(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		speaks                 []Version
		readsMinor, readsRange bool
		compat, auto           Version
	}{
		// A range-less 4.2 server also speaks 4.1 (and 4.0, 3.0).
		{"4.2 without ranges", []Version{{4, 2}, {4, 1}, {4, 0}, {3, 0}}, true, false, Version{4, 1}, Version{3, 0}},
		{"4.1 without ranges", []Version{{4, 1}, {4, 0}, {3, 0}}, true, false, Version{4, 1}, Version{3, 0}},
		{"4.0 without ranges", []Version{{4, 0}, {3, 0}}, true, false, Version{3, 0}, Version{3, 0}},
		{"3.0 only", []Version{{3, 0}}, false, false, Version{3, 0}, Version{3, 0}},
		{"4.4 with ranges", []Version{{4, 4}, {4, 3}, {4, 2}, {4, 1}, {4, 0}, {3, 0}}, true, true, Version{4, 4}, Version{4, 4}},
		{"4.3 with ranges", []Version{{4, 3}, {4, 2}, {4, 1}, {4, 0}, {3, 0}}, true, true, Version{4, 3}, Version{4, 3}},
		{"5.26 classic", []Version{{5, 8}, {5, 7}, {5, 6}, {5, 4}, {4, 4}}, true, true, Version{5, 8}, Version{5, 8}},
	} {
		for _, style := range []HandshakeStyle{HandshakeCompat, HandshakeAuto} {
			want := tc.compat
			if style == HandshakeAuto {
				want = tc.auto
			}
			cli, p := startPeer(t, func(p *peer) {
				hs, err := p.rd.readRaw(20)
				if err != nil {
					p.t.Errorf("peer: reading handshake: %v", err)
					return
				}
				p.write(serverPick(hs, tc.speaks, tc.readsMinor, tc.readsRange))
				p.helloOK(want, nil)
			})
			c, err := NewConn(context.Background(), cli, DialConfig{Address: "x:1", Auth: NoAuth(), Handshake: style})
			require.NoError(t, err, "%s, style %d", tc.name, style)
			require.Equal(t, want, c.Version(), "%s, style %d", tc.name, style)
			p.wait()
			c.closeTransport()
		}
	}
}

// Answers outside the compat proposal are refused, naming the version.
func TestCompatRefusesVersionsNotOffered(t *testing.T) {
	for _, v := range []Version{{4, 0}, {5, 5}, {6, 0}, {6, 1}} {
		_, _, _, err := handshakeAgainst(t, []byte{0, 0, v.Minor, v.Major}, HandshakeCompat, nil)
		require.ErrorContains(t, err, "server chose version "+v.String()+", which was not offered")
	}
	// A manifest answer to a proposal without the manifest is refused, even when it
	// offers a version the proposal has.
	for _, style := range []HandshakeStyle{HandshakeCompat, HandshakeClassic} {
		_, _, out, err := handshakeAgainst(t, unhex(t, "000001ff 01 00080805 00"), style, nil)
		require.ErrorContains(t, err, "manifest handshake, which was not offered")
		require.Empty(t, out, "no choice sent")
	}
}
