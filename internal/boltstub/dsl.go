package boltstub

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Parse builds a Script from the text form, one line each:
//
//	# comment (blank lines are ignored too)
//	!: BOLT 5.8              version the stub plays (default 5.8)
//	!: MANIFEST 6.0 5.8      manifest handshake offering these versions
//	!: REFUSE                refuse the handshake
//	!: HANG HANDSHAKE        read the proposal, never answer
//	!: AUTO RESET            answer unexpected RESETs with SUCCESS
//	!: OPTIONAL              the script may go unplayed
//	C: LOGIN                 HELLO (+ LOGON from 5.1) with any fields, answered
//	C: RUN "RETURN 1" {} {"db": "neo4j", ...}
//	S: SUCCESS {"fields": ["x"]}
//	C: PULL {"n": 1000}
//	S: RECORD [1]
//	S: SUCCESS {"type": "r"}
//	?: RESET                 an optional message
//	S: SUCCESS
//	S: <SLEEP 100ms>         also <CLOSE>, <HALF-CLOSE>, <HANG>, <NOOP>
//
// C: and ?: lines expect a client message; the S: lines after one answer it,
// S: lines anywhere else are sent without waiting. Fields are JSON values plus
// `*` (any value), `...` as the last entry of a dictionary (other keys
// allowed) and <absent> as a dictionary value (key must be missing). A message
// written without fields matches any fields (C: HELLO); S: SUCCESS alone sends
// an empty dictionary.
func Parse(text string) (*Script, error) {
	s := NewScript()
	var last *Step
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := parseLine(s, &last, line); err != nil {
			return nil, fmt.Errorf("boltstub: script line %d %q: %w", i+1, line, err)
		}
	}
	return s, nil
}

// MustParse is Parse that fails the test on a bad script.
func MustParse(t testing.TB, text string) *Script {
	t.Helper()
	s, err := Parse(text)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return s
}

var fieldCounts = map[byte]int{SigHello: 1, SigLogon: 1, SigRun: 3, SigPull: 1, SigDiscard: 1, SigBegin: 1,
	SigRoute: 3, SigTelemetry: 1, SigSuccess: 1, SigRecord: 1, SigFailure: 1}

func parseLine(s *Script, last **Step, line string) error {
	kind, rest, ok := strings.Cut(line, ":")
	if !ok {
		return fmt.Errorf("want a line starting with C:, S:, ?: or !:")
	}
	rest = strings.TrimSpace(rest)
	switch kind {
	case "!":
		*last = nil
		return parseDirective(s, rest)
	case "C", "?":
		*last = nil
		if kind == "C" && strings.EqualFold(rest, "LOGIN") {
			s.Login()
			return nil
		}
		sig, fields, err := parseMessage(rest, true)
		if err != nil {
			return err
		}
		if kind == "C" {
			*last = s.Expect(Expect(sig, fields...))
		} else {
			*last = s.Maybe(Expect(sig, fields...))
		}
		return nil
	case "S":
		r, err := parseResponse(rest)
		if err != nil {
			return err
		}
		if *last != nil {
			st := &s.steps[(*last).i]
			st.replies = append(st.replies, r)
			return nil
		}
		s.Do(r)
		return nil
	}
	return fmt.Errorf("unknown line kind %q (want C, S, ? or !)", kind)
}

func parseDirective(s *Script, d string) error {
	f := strings.Fields(strings.ToUpper(d))
	if len(f) == 0 {
		return fmt.Errorf("empty directive")
	}
	versions := func(args []string) ([]Version, error) {
		var out []Version
		for _, a := range args {
			maj, min, ok := strings.Cut(a, ".")
			x, err1 := strconv.ParseUint(maj, 10, 8)
			y, err2 := strconv.ParseUint(min, 10, 8)
			if !ok || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("bad version %q (want major.minor)", a)
			}
			out = append(out, Version{byte(x), byte(y)})
		}
		return out, nil
	}
	switch {
	case f[0] == "BOLT" && len(f) == 2:
		vs, err := versions(f[1:])
		if err != nil {
			return err
		}
		s.Bolt(vs[0].Major, vs[0].Minor)
	case f[0] == "MANIFEST":
		vs, err := versions(f[1:])
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			s.hs.Version = vs[0]
		}
		s.Manifest(vs...)
	case f[0] == "REFUSE" && len(f) == 1:
		s.Refuse()
	case len(f) == 2 && f[0] == "HANG" && f[1] == "HANDSHAKE":
		s.HangHandshake()
	case len(f) == 2 && f[0] == "AUTO" && f[1] == "RESET":
		s.AutoReset()
	case f[0] == "OPTIONAL" && len(f) == 1:
		s.Optional()
	default:
		return fmt.Errorf("unknown directive %q", d)
	}
	return nil
}

// parseMessage reads `NAME field field ...`. With wildcard, a message written
// without fields matches any fields.
func parseMessage(text string, wildcard bool) (byte, []any, error) {
	name, rest, _ := strings.Cut(text, " ")
	sig, ok := byte(0), false
	for s, n := range messageNames {
		if n == strings.ToUpper(name) {
			sig, ok = s, true
		}
	}
	if !ok {
		return 0, nil, fmt.Errorf("unknown message %q", name)
	}
	p := &valueParser{s: rest, expect: wildcard}
	var fields []any
	for {
		p.space()
		if p.eof() {
			break
		}
		v, err := p.value()
		if err != nil {
			return 0, nil, err
		}
		fields = append(fields, v)
	}
	want := fieldCounts[sig]
	if len(fields) == 0 && want > 0 {
		if wildcard {
			for i := 0; i < want; i++ {
				fields = append(fields, Any)
			}
			return sig, fields, nil
		}
		if sig == SigSuccess {
			return sig, []any{M{}}, nil
		}
	}
	if len(fields) != want {
		return 0, nil, fmt.Errorf("%s takes %d field(s), got %d", MessageName(sig), want, len(fields))
	}
	return sig, fields, nil
}

func parseResponse(text string) (Response, error) {
	if strings.HasPrefix(text, "<") && strings.HasSuffix(text, ">") {
		a := strings.Fields(strings.ToUpper(text[1 : len(text)-1]))
		switch {
		case len(a) == 1 && a[0] == "CLOSE":
			return Close(), nil
		case len(a) == 1 && a[0] == "HALF-CLOSE":
			return HalfClose(), nil
		case len(a) == 1 && a[0] == "HANG":
			return Hang(), nil
		case len(a) == 1 && a[0] == "NOOP":
			return Noop(), nil
		case len(a) == 2 && a[0] == "SLEEP":
			d, err := time.ParseDuration(strings.ToLower(a[1]))
			if err != nil {
				return nil, fmt.Errorf("bad sleep duration: %w", err)
			}
			return Sleep(d), nil
		}
		return nil, fmt.Errorf("unknown action %s", text)
	}
	sig, fields, err := parseMessage(text, false)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		if containsMatcher(f) {
			return nil, fmt.Errorf("a server message cannot hold wildcards")
		}
	}
	return Send(sig, fields...), nil
}

func containsMatcher(v any) bool {
	switch x := v.(type) {
	case Matcher:
		return true
	case map[string]any:
		for _, e := range x {
			if containsMatcher(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsMatcher(e) {
				return true
			}
		}
	}
	return false
}
