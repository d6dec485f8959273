package boltstub

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"syscall"
)

var errConnReset = syscall.ECONNRESET

var (
	boltMagic  = []byte{0x60, 0x60, 0xB0, 0x17}
	manifestV1 = [4]byte{0x00, 0x00, 0x01, 0xFF}
)

// connState plays one connection.
type connState struct {
	stub    *Stub
	idx     int
	w       *wire
	stop    chan struct{}
	version Version
	failed  bool
}

// failf reports a test failure naming the stub and connection.
func (c *connState) failf(format string, args ...any) {
	c.failed = true
	c.stub.t.Errorf("boltstub[%s] conn #%d: %s", c.stub.opts.Name, c.idx, fmt.Sprintf(format, args...))
}

// serve runs the handshake, then the script (or the handler).
func (c *connState) serve(sc *Script) {
	hs := c.stub.opts.Handshake
	if sc != nil {
		hs = sc.hs
		if hs.Version == (Version{}) {
			hs.Version = DefaultVersion
		}
	}
	ok, err := c.handshake(hs)
	if err != nil {
		if !isClosedErr(err) || !(c.stub.stopping() || c.stub.isDown() || sc == nil) {
			c.failf("handshake: %v", err)
		}
		return
	}
	if !ok {
		return
	}
	c.w.setVersion(c.version)
	if sc == nil {
		c.runHandler()
		return
	}
	c.runScript(sc)
}

// handshake answers the client's proposal; ok = false when the stub refused.
func (c *connState) handshake(hs Handshake) (bool, error) {
	b, err := c.w.readRaw(20)
	if err != nil {
		return false, fmt.Errorf("reading the 20-byte proposal: %w", err)
	}
	if !bytes.Equal(b[:4], boltMagic) {
		return false, fmt.Errorf("bad magic % x (want % x)", b[:4], boltMagic)
	}
	info := HandshakeInfo{Conn: c.idx}
	for i := range info.Offered {
		copy(info.Offered[i][:], b[4+4*i:])
	}
	defer func() {
		c.stub.mu.Lock()
		c.stub.handshakes = append(c.stub.handshakes, info)
		c.stub.mu.Unlock()
	}()
	if hs.Hang {
		c.hang()
		return false, nil
	}
	if hs.Refuse {
		_, err := c.w.nc.Write([]byte{0, 0, 0, 0})
		return false, err
	}
	if !hs.Manifest {
		for _, sl := range info.Offered {
			if slotHas(sl, hs.Version) {
				info.Negotiated = hs.Version
				c.version = hs.Version
				_, err := c.w.nc.Write([]byte{0, 0, hs.Version.Minor, hs.Version.Major})
				return err == nil, err
			}
		}
		c.w.nc.Write([]byte{0, 0, 0, 0})
		return false, fmt.Errorf("client did not offer Bolt %s; it offered %s", hs.Version, slots(info.Offered))
	}
	if !slices.Contains(info.Offered[:], manifestV1) {
		c.w.nc.Write([]byte{0, 0, 0, 0})
		return false, fmt.Errorf("client did not offer the manifest v1 handshake; it offered %s", slots(info.Offered))
	}
	info.Manifest = true
	offers := hs.Offers
	if len(offers) == 0 {
		offers = []Version{hs.Version}
	}
	out := append([]byte{}, manifestV1[:]...)
	out = appendVarInt(out, uint64(len(offers)))
	for _, v := range offers {
		out = append(out, 0, 0, v.Minor, v.Major)
	}
	out = appendVarInt(out, 0)
	if _, err := c.w.nc.Write(out); err != nil {
		return false, err
	}
	choice, err := c.w.readRaw(4)
	if err != nil {
		return false, fmt.Errorf("reading the manifest choice: %w", err)
	}
	if _, err := c.w.readVarInt(); err != nil {
		return false, fmt.Errorf("reading the chosen capabilities: %w", err)
	}
	v := Version{choice[3], choice[2]}
	if choice[0] != 0 || choice[1] != 0 || !slices.Contains(offers, v) {
		return false, fmt.Errorf("client chose % x, not one of the offered versions %v", choice, offers)
	}
	info.Negotiated = v
	c.version = v
	return true, nil
}

// slotHas reports whether a 4-byte proposal slot covers v.
func slotHas(sl [4]byte, v Version) bool {
	if sl == manifestV1 || sl[3] != v.Major {
		return false
	}
	return v.Minor <= sl[2] && int(v.Minor) >= int(sl[2])-int(sl[1])
}

func slots(s [4][4]byte) string {
	var parts []string
	for _, sl := range s {
		parts = append(parts, fmt.Sprintf("[% x]", sl[:]))
	}
	return fmt.Sprint(parts)
}

// read returns the next message, recording it.
func (c *connState) read() (Message, error) {
	m, err := c.w.readMessage()
	if err != nil {
		return m, err
	}
	m.Conn = c.idx
	c.stub.record(m)
	return m, nil
}

// play performs responses; stop = the connection is finished.
func (c *connState) play(rs []Response) (bool, error) {
	for _, r := range rs {
		stop, err := r.play(c)
		if err != nil {
			return true, fmt.Errorf("%s: %w", r, err)
		}
		if stop {
			return true, nil
		}
	}
	return false, nil
}

// runScript plays the script's steps, then waits for GOODBYE or the end of
// the connection.
func (c *connState) runScript(sc *Script) {
	steps := sc.expand(c.version)
	i := 0
	for i < len(steps) {
		st := steps[i]
		if st.expect == nil {
			stop, err := c.play(st.replies)
			if err != nil {
				c.failf("step %d (%s): %v", i, st.describe(), err)
				return
			}
			if stop {
				return
			}
			i++
			continue
		}
		m, err := c.read()
		if err != nil {
			c.reportEnd(err, steps[i:], i)
			return
		}
		if sc.autoReset && m.Sig == SigReset && st.expect.Sig != SigReset {
			if err := c.w.writeMessage(SigSuccess, M{}); err != nil {
				c.failf("answering RESET: %v", err)
				return
			}
			continue
		}
		if m.Sig == SigGoodbye && st.expect.Sig != SigGoodbye && !(st.optional && anyGoodbye(steps[i:])) {
			c.reportEnd(errGoodbye, steps[i:], i)
			return
		}
		// Skip optional steps the message does not match.
		var skipped []string
		j := i
		for ; j < len(steps); j++ {
			if steps[j].expect == nil || !steps[j].optional {
				break
			}
			if steps[j].expect.Match(m) == nil {
				break
			}
			skipped = append(skipped, "optional "+steps[j].expect.String())
		}
		if j == len(steps) {
			c.failf("step %d: received %s, but expected %s", i, m, alternatives(skipped, "nothing more"))
			return
		}
		if steps[j].expect == nil {
			c.failf("step %d: received %s, but expected %s", i, m, alternatives(skipped, "the server's "+steps[j].describe()+" first"))
			return
		}
		if err := steps[j].expect.Match(m); err != nil {
			c.failf("step %d: expected %s\n\treceived %s\n\t%v", j, alternatives(skipped, steps[j].expect.String()), m, err)
			return
		}
		stop, err := c.play(steps[j].replies)
		if err != nil {
			c.failf("step %d (%s): %v", j, steps[j].describe(), err)
			return
		}
		if stop {
			return
		}
		i = j + 1
	}
	c.drain(sc.autoReset)
}

// errGoodbye marks a GOODBYE that arrived while steps were left.
var errGoodbye = errors.New("GOODBYE")

// anyGoodbye reports whether the optional steps at the head of steps (or the
// first required one) accept GOODBYE.
func anyGoodbye(steps []step) bool {
	for _, st := range steps {
		if st.expect == nil {
			return false
		}
		if st.expect.Sig == SigGoodbye {
			return true
		}
		if !st.optional {
			return false
		}
	}
	return false
}

// alternatives renders "A or B or last".
func alternatives(skipped []string, last string) string {
	out := ""
	for _, s := range skipped {
		out += s + " or "
	}
	return out + last
}

// reportEnd fails the test when the connection ended while steps were left.
func (c *connState) reportEnd(err error, left []step, at int) {
	for _, st := range left {
		if st.expect != nil && !st.optional {
			who := "the client closed the connection"
			if c.stub.stopping() {
				who = "the test ended"
			} else if c.stub.isDown() {
				return
			} else if err == errGoodbye {
				who = "the client sent GOODBYE"
			} else if !isClosedErr(err) {
				who = fmt.Sprintf("reading failed (%v)", err)
			}
			c.failf("%s at step %d, but the script still expects %s", who, at, st.describe())
			return
		}
	}
}

// drain handles the time after the last step: GOODBYE or end of connection
// is fine, anything else is unexpected.
func (c *connState) drain(autoReset bool) {
	for {
		m, err := c.read()
		if err != nil {
			if !isClosedErr(err) && !c.stub.stopping() {
				c.failf("after the script: %v", err)
			}
			return
		}
		switch {
		case m.Sig == SigGoodbye:
			return
		case autoReset && m.Sig == SigReset:
			if err := c.w.writeMessage(SigSuccess, M{}); err != nil {
				return
			}
		default:
			c.failf("script finished, but received %s", m)
			return
		}
	}
}

// hang reads and drops input until the connection or the stub ends.
func (c *connState) hang() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(io.Discard, c.w.rd)
	}()
	select {
	case <-done:
	case <-c.stop:
		c.w.nc.Close()
		<-done
	}
}

// runHandler feeds every message to the stub's Handler.
func (c *connState) runHandler() {
	session := c.stub.opts.Handler(c.idx, c.version)
	for {
		m, err := c.read()
		if err != nil {
			if !isClosedErr(err) && !c.stub.stopping() {
				c.failf("reading: %v", err)
			}
			return
		}
		rs, err := session(m)
		if err != nil {
			c.failf("received %s: %v", m, err)
			return
		}
		stop, err := c.play(rs)
		if err != nil {
			if !isClosedErr(err) {
				c.failf("answering %s: %v", m, err)
			}
			return
		}
		if stop {
			return
		}
	}
}
