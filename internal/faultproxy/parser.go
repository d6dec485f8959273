package faultproxy

import "encoding/binary"

// event is something the client parser found in a read.
type event struct {
	end   bool // message end (else: a message's signature)
	sig   byte // the signature (start events)
	off   int  // offset in the read of the signature byte, or just past the end marker; -1: earlier read
	start int  // offset in the read of the message's first chunk header; -1: earlier read
}

type parseState uint8

const (
	psProposal   parseState = iota // the 20-byte handshake proposal
	psWaitServer                   // waiting for the server's handshake answer
	psManifest                     // manifest v1: the client's 4-byte choice, then a VarInt
	psManifestVarInt
	psHeader // chunk header
	psBody   // chunk body
	psOff    // not Bolt (e.g. TLS) or unparseable: stop parsing
)

// clientParser follows the client's side of a Bolt connection across reads.
type clientParser struct {
	serverVersion <-chan [4]byte

	state  parseState
	need   int // bytes still needed in the current state
	hdr    [2]byte
	hdrN   int
	inMsg  bool
	msgPos int // bytes of the current message body seen
	seen   int

	// Trigger bookkeeping used by conn.messageTrigger.
	matched int
	armed   bool
	done    bool
}

var boltMagic = [4]byte{0x60, 0x60, 0xB0, 0x17}

// feed parses data, calling fn for each event; fn returns false to stop parsing
// this read (the rest of it is not forwarded anyway).
func (p *clientParser) feed(data []byte, fn func(event) bool) {
	msgStart := -1
	for i := 0; i < len(data); {
		switch p.state {
		case psOff:
			return
		case psProposal:
			if p.seen < 4 && data[i] != boltMagic[p.seen] {
				p.state = psOff
				return
			}
			p.seen++
			i++
			if p.seen == 20 {
				p.state = psWaitServer
			}
		case psWaitServer:
			v, ok := <-p.serverVersion
			if !ok {
				p.state = psOff
				return
			}
			if v == [4]byte{0, 0, 1, 0xFF} {
				p.state, p.need = psManifest, 4
			} else {
				p.state = psHeader
			}
		case psManifest:
			k := min(p.need, len(data)-i)
			p.need -= k
			i += k
			if p.need == 0 {
				p.state = psManifestVarInt
			}
		case psManifestVarInt:
			b := data[i]
			i++
			if b&0x80 == 0 {
				p.state = psHeader
			}
		case psHeader:
			if p.hdrN == 0 && !p.inMsg {
				msgStart = i
			}
			p.hdr[p.hdrN] = data[i]
			p.hdrN++
			i++
			if p.hdrN < 2 {
				continue
			}
			p.hdrN = 0
			n := int(binary.BigEndian.Uint16(p.hdr[:]))
			if n == 0 {
				if p.inMsg {
					p.inMsg = false
					if !fn(event{end: true, off: i, start: -1}) {
						return
					}
				}
				continue
			}
			if !p.inMsg {
				p.inMsg, p.msgPos = true, 0
			}
			p.state, p.need = psBody, n
		case psBody:
			if p.msgPos <= 1 {
				if p.msgPos == 1 {
					start := msgStart
					if !fn(event{sig: data[i], off: i, start: start}) {
						return
					}
				}
				p.msgPos++
				p.need--
				i++
			} else {
				k := min(p.need, len(data)-i)
				p.need -= k
				p.msgPos += k
				i += k
			}
			if p.need == 0 {
				p.state = psHeader
			}
		}
	}
}
