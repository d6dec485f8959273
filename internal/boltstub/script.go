package boltstub

import "fmt"

// Handshake says how a stub negotiates the protocol version.
type Handshake struct {
	// Version is the version the stub plays (default 5.8). With the classic
	// handshake the client must offer it; with the manifest it is offered.
	Version Version
	// Manifest answers with the manifest v1 handshake; the client must offer it.
	Manifest bool
	// Offers are the versions a manifest answer lists (default: Version alone).
	// The client's choice must be one of them and becomes the negotiated version.
	Offers []Version
	// Refuse answers "no version" (00 00 00 00) and closes the connection.
	Refuse bool
	// Hang reads the proposal and never answers (connect-timeout tests).
	Hang bool
}

// DefaultVersion is the Bolt version a stub plays unless told otherwise.
var DefaultVersion = Version{5, 8}

// step is one line of a script: an expected message (nil = none) and the
// responses that follow it.
type step struct {
	expect   *Expectation
	optional bool
	login    bool // HELLO (+ LOGON from Bolt 5.1), expanded for the negotiated version
	meta     M    // login: HELLO SUCCESS metadata
	replies  []Response
}

// Script is what a stub plays on one connection: the handshake, then steps in
// order. Build it with NewScript and the chaining methods. A script is not
// changed by playing it, so one may serve several connections.
type Script struct {
	hs        Handshake
	steps     []step
	autoReset bool
	optional  bool
}

// NewScript returns an empty script for Bolt 5.8 with the classic handshake.
func NewScript() *Script { return &Script{hs: Handshake{Version: DefaultVersion}} }

// Bolt sets the version the script plays.
func (s *Script) Bolt(major, minor byte) *Script {
	s.hs.Version = Version{major, minor}
	return s
}

// Manifest makes the stub answer with the manifest v1 handshake offering
// offers (none = the script's version); the client's choice is then the
// negotiated version.
func (s *Script) Manifest(offers ...Version) *Script {
	s.hs.Manifest = true
	s.hs.Offers = offers
	return s
}

// Refuse makes the stub answer the handshake with "no version" and close.
func (s *Script) Refuse() *Script {
	s.hs.Refuse = true
	return s
}

// HangHandshake makes the stub read the client's proposal and never answer.
func (s *Script) HangHandshake() *Script {
	s.hs.Hang = true
	return s
}

// AutoReset answers every RESET that the script does not expect at that point
// with SUCCESS (a pool may reset connections at any time).
func (s *Script) AutoReset() *Script {
	s.autoReset = true
	return s
}

// Optional allows the script to go unplayed: no test failure when fewer
// connections arrive than there are scripts.
func (s *Script) Optional() *Script {
	s.optional = true
	return s
}

// Login expects HELLO (with auth before Bolt 5.1) and, from Bolt 5.1, LOGON,
// with any fields, and answers each with SUCCESS; HELLO's SUCCESS carries
// server, connection_id and the given extra metadata (e.g. M{"hints": ...}).
func (s *Script) Login(helloMeta ...M) *Script {
	meta := M{"server": "Neo4j/5.26.0", "connection_id": "bolt-stub"}
	for _, m := range helloMeta {
		for k, v := range m {
			meta[k] = v
		}
	}
	s.steps = append(s.steps, step{login: true, meta: meta})
	return s
}

// Expect adds a step that expects e; Reply says what answers it.
func (s *Script) Expect(e Expectation) *Step {
	s.steps = append(s.steps, step{expect: &e})
	return &Step{s: s, i: len(s.steps) - 1}
}

// Maybe adds a step that expects e if it comes: when the next message does not
// match, the step is skipped.
func (s *Script) Maybe(e Expectation) *Step {
	s.steps = append(s.steps, step{expect: &e, optional: true})
	return &Step{s: s, i: len(s.steps) - 1}
}

// Do adds responses sent without waiting for a message (e.g. Close, Sleep, or
// a message the client did not ask for).
func (s *Script) Do(rs ...Response) *Script {
	s.steps = append(s.steps, step{replies: rs})
	return s
}

// Step is a script line waiting for its responses.
type Step struct {
	s *Script
	i int
}

// Reply sets what the stub does after the expected message arrives (nothing
// when called without responses) and returns the script for chaining.
func (st *Step) Reply(rs ...Response) *Script {
	st.s.steps[st.i].replies = rs
	return st.s
}

// expand returns the steps for negotiated version v (Login expanded).
func (s *Script) expand(v Version) []step {
	out := make([]step, 0, len(s.steps)+1)
	for _, st := range s.steps {
		if !st.login {
			out = append(out, st)
			continue
		}
		hello := Hello(nil)
		if v.Major < 5 || (v.Major == 5 && v.Minor == 0) {
			out = append(out, step{expect: &hello, replies: []Response{Success(st.meta)}})
			continue
		}
		logon := Logon(nil)
		out = append(out,
			step{expect: &hello, replies: []Response{Success(st.meta)}},
			step{expect: &logon, replies: []Response{Success(nil)}})
	}
	return out
}

// describe renders step i for failure messages.
func (st step) describe() string {
	switch {
	case st.login:
		return "login (HELLO, LOGON)"
	case st.expect == nil:
		return fmt.Sprintf("actions [%s]", responses(st.replies))
	case st.optional:
		return "optional " + st.expect.String()
	}
	return st.expect.String()
}
