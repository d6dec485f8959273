package bolt

import (
	"fmt"
	"io"
	"slices"
)

// HandshakeStyle selects how versions are proposed to the server.
type HandshakeStyle uint8

const (
	// HandshakeAuto offers manifest v1 in the first slot plus classic ranges in the
	// other three (default). With DialConfig.Versions set, the forced versions fill the
	// classic slots and manifest v1 takes the first slot if one is left.
	HandshakeAuto HandshakeStyle = iota
	// HandshakeClassic sends only the classic four-slot proposal.
	HandshakeClassic
	// HandshakeManifest offers only manifest v1 (servers without it will refuse).
	HandshakeManifest
	// HandshakeCompat sends a classic proposal that every server from Neo4j 3.5 on
	// reads the same way: 5.8–5.0, 4.4–4.2, 4.1 alone and 3.0 alone, no manifest.
	// Servers that predate version ranges (Neo4j 4.0–4.2) read each slot as its top
	// version only; with 4.1 in a slot of its own they settle on 4.1 (4.2 servers also
	// accept 4.1) and get databases instead of the 3.0 the default proposal leaves
	// them. The price is Bolt 6: without the manifest, servers from 2025.10 settle on
	// 5.8, so VECTOR and UUID values are unavailable. A 4.0 server gets 3.0, as by
	// default. A server choosing 5.5 from the 5.x range is refused, as always.
	// With DialConfig.Versions set it behaves like HandshakeClassic.
	HandshakeCompat
)

var boltMagic = [4]byte{0x60, 0x60, 0xB0, 0x17}

// manifestV1 is the slot value asking for the manifest v1 handshake.
var manifestV1 = [4]byte{0x00, 0x00, 0x01, 0xFF}

// slot is one 4-byte proposal: 00 <range> <minor> <major>.
type slot [4]byte

func (s slot) top() Version { return Version{s[3], s[2]} }
func (s slot) contains(v Version) bool {
	return v.Major == s[3] && v.Minor <= s[2] && int(v.Minor) >= int(s[2])-int(s[1])
}

// classicSlots packs versions (any order) into at most four range slots, newest first.
// Consecutive minors of one major share a slot.
func classicSlots(versions []Version) ([]slot, error) {
	vs := slices.Clone(versions)
	slices.SortFunc(vs, func(a, b Version) int {
		if a == b {
			return 0
		}
		if b.Less(a) {
			return -1
		}
		return 1
	})
	vs = slices.Compact(vs)
	var out []slot
	for i := 0; i < len(vs); {
		j := i + 1
		for j < len(vs) && vs[j].Major == vs[i].Major && vs[j].Minor+byte(j-i) == vs[i].Minor {
			j++
		}
		out = append(out, slot{0, byte(j - i - 1), vs[i].Minor, vs[i].Major})
		i = j
	}
	if len(out) > 4 {
		return nil, fmt.Errorf("bolt: versions %v need %d handshake slots, at most 4 fit", versions, len(out))
	}
	return out, nil
}

// defaultClassic is the classic part of the default proposal: 5.8–5.0 (a server choosing
// 5.5, which none does, is refused as not offered), 4.4–4.0 as one range (servers from
// 4.3 read ranges) and 3.0 on its own. A 4.0–4.2 server that predates version ranges
// reads the 4.x slot as 4.4 alone and settles on 3.0, which every 4.x server also
// speaks; HandshakeCompat (or forcing versions with DialConfig.Versions) gets 4.1/4.2
// and multi-database support there.
// The last slot goes to 3.0 rather than an exact 4.1 because with it every server from
// Neo4j 3.5 on connects; an exact 4.1 would shut out 3.5 and range-less 4.0 servers.
var defaultClassic = []slot{{0, 8, 8, 5}, {0, 4, 4, 4}, {0, 0, 0, 3}}

// compatSlots is the HandshakeCompat proposal: the 4.x range stops at 4.2 so that 4.1
// gets a slot of its own, the one a range-less 4.1 or 4.2 server can pick.
var compatSlots = []slot{{0, 8, 8, 5}, {0, 2, 4, 4}, {0, 0, 1, 4}, {0, 0, 0, 3}}

// offered lists the versions of vs that one of slots contains, in vs's order.
func offered(vs []Version, slots []slot) []Version {
	var out []Version
	for _, v := range vs {
		if slices.ContainsFunc(slots, func(s slot) bool { return s.contains(v) }) {
			out = append(out, v)
		}
	}
	return out
}

// proposal builds the 20 handshake bytes and the version set acceptable from a manifest.
func proposal(style HandshakeStyle, forced []Version) (hello [20]byte, accept []Version, err error) {
	copy(hello[:4], boltMagic[:])
	if style > HandshakeCompat {
		return hello, nil, fmt.Errorf("bolt: unknown handshake style %d", style)
	}
	accept = SupportedVersions
	if forced != nil {
		for _, v := range forced {
			if !IsSupported(v) {
				return hello, nil, fmt.Errorf("bolt: version %s is not supported by this driver", v)
			}
		}
		accept = forced
	}
	var slots []slot
	switch {
	case style == HandshakeManifest:
		slots = []slot{slot(manifestV1)}
	case forced != nil:
		if slots, err = classicSlots(forced); err != nil {
			return hello, nil, err
		}
		if style == HandshakeAuto && len(slots) < 4 {
			// Offering the manifest as well costs nothing and checks its parsing.
			slots = append([]slot{slot(manifestV1)}, slots...)
		}
	case style == HandshakeClassic:
		slots = append([]slot{{0, 1, 1, 6}}, defaultClassic...)
	case style == HandshakeCompat:
		// Only what the slots offer is accepted: 4.0 or 6.x would be an answer to
		// a question not asked.
		slots, accept = compatSlots, offered(SupportedVersions, compatSlots)
	default:
		slots = append([]slot{slot(manifestV1)}, defaultClassic...)
	}
	for i, s := range slots {
		copy(hello[4+4*i:], s[:])
	}
	return hello, accept, nil
}

// handshakeResult is what the handshake settled.
type handshakeResult struct {
	version  Version
	manifest bool
}

// doHandshake writes the proposal, reads the answer and, for manifest v1, sends the
// choice. The reply to the manifest choice is queued in out (to pipeline with HELLO).
func doHandshake(w io.Writer, r *frameReader, style HandshakeStyle, forced []Version, out []byte) (handshakeResult, []byte, error) {
	var res handshakeResult
	hello, accept, err := proposal(style, forced)
	if err != nil {
		return res, out, err
	}
	if _, err := w.Write(hello[:]); err != nil {
		return res, out, err
	}
	ans, err := r.readRaw(4)
	if err != nil {
		return res, out, err
	}
	switch {
	case [4]byte(ans) == manifestV1:
		if !proposesManifest(hello) {
			return res, out, &ProtocolError{Msg: "server answered with the manifest handshake, which was not offered"}
		}
		v, err := readManifest(r, accept)
		if err != nil {
			return res, out, err
		}
		res.version, res.manifest = v, true
		out = append(out, 0, 0, v.Minor, v.Major, 0) // chosen version, capabilities 0
		return res, out, nil
	case string(ans) == "HTTP":
		return res, out, &ProtocolError{Msg: "server answered the handshake with HTTP: this is an HTTP port, not Bolt"}
	case ans[0] == 0 && ans[1] == 0 && ans[2] == 0 && ans[3] == 0:
		return res, out, &ProtocolError{Msg: fmt.Sprintf("server supports none of the offered versions %v", accept)}
	case ans[0] != 0 || ans[1] != 0:
		return res, out, &ProtocolError{Msg: fmt.Sprintf("handshake answer % x is not a version", ans), wrongPort: true}
	}
	v := Version{ans[3], ans[2]}
	if !slices.Contains(accept, v) {
		return res, out, protocolErrorf("server chose version %s, which was not offered", v)
	}
	res.version = v
	return res, out, nil
}

// proposesManifest reports whether a proposal has the manifest v1 slot.
func proposesManifest(hello [20]byte) bool {
	for i := 4; i < len(hello); i += 4 {
		if [4]byte(hello[i:i+4]) == manifestV1 {
			return true
		}
	}
	return false
}

// readManifest parses the server's manifest v1 offer and picks the highest version in
// accept that the server offers.
func readManifest(r *frameReader, accept []Version) (Version, error) {
	n, err := r.readVarInt()
	if err != nil {
		return Version{}, err
	}
	if n > 256 {
		return Version{}, protocolErrorf("manifest offers %d version ranges", n)
	}
	offered := make([]slot, 0, n)
	for i := uint64(0); i < n; i++ {
		b, err := r.readRaw(4)
		if err != nil {
			return Version{}, err
		}
		offered = append(offered, slot(b))
	}
	if _, err := r.readVarInt(); err != nil { // capabilities: none understood, choose 0
		return Version{}, err
	}
	var best Version
	found := false
	for _, v := range accept {
		if found && v.Less(best) {
			continue
		}
		for _, s := range offered {
			if s.contains(v) {
				best, found = v, true
				break
			}
		}
	}
	if !found {
		return Version{}, &ProtocolError{Msg: fmt.Sprintf("server offers none of the versions %v", accept)}
	}
	return best, nil
}
