package boltstub

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Message signatures.
const (
	SigHello     byte = 0x01
	SigGoodbye   byte = 0x02
	SigReset     byte = 0x0F
	SigRun       byte = 0x10
	SigBegin     byte = 0x11
	SigCommit    byte = 0x12
	SigRollback  byte = 0x13
	SigDiscard   byte = 0x2F
	SigPull      byte = 0x3F
	SigTelemetry byte = 0x54
	SigRoute     byte = 0x66
	SigLogon     byte = 0x6A
	SigLogoff    byte = 0x6B
	SigSuccess   byte = 0x70
	SigRecord    byte = 0x71
	SigIgnored   byte = 0x7E
	SigFailure   byte = 0x7F
)

var messageNames = map[byte]string{
	SigHello: "HELLO", SigGoodbye: "GOODBYE", SigReset: "RESET", SigRun: "RUN",
	SigBegin: "BEGIN", SigCommit: "COMMIT", SigRollback: "ROLLBACK", SigDiscard: "DISCARD",
	SigPull: "PULL", SigTelemetry: "TELEMETRY", SigRoute: "ROUTE", SigLogon: "LOGON",
	SigLogoff: "LOGOFF", SigSuccess: "SUCCESS", SigRecord: "RECORD", SigIgnored: "IGNORED",
	SigFailure: "FAILURE",
}

// MessageName returns the name of a message signature, e.g. "RUN", or
// "MESSAGE(0xNN)" for an unknown one.
func MessageName(sig byte) string {
	if n, ok := messageNames[sig]; ok {
		return n
	}
	return fmt.Sprintf("MESSAGE(0x%02X)", sig)
}

// M is a dictionary, for message fields and metadata.
type M = map[string]any

// Version is a Bolt protocol version.
type Version struct {
	Major, Minor byte // e.g. 5 and 4 for Bolt 5.4
}

// String renders "major.minor".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Message is one message a stub received.
type Message struct {
	// Conn is the connection's number on its stub, from 0 in order of arrival.
	Conn int
	// Sig is the message signature, e.g. SigRun.
	Sig byte
	// Name is the signature's name, e.g. "RUN" (see MessageName).
	Name string
	// Fields are the decoded fields (int64, string, []any, map[string]any, ...).
	Fields []any
}

// Field returns field i, or nil when the message has fewer fields.
func (m Message) Field(i int) any {
	if i < 0 || i >= len(m.Fields) {
		return nil
	}
	return m.Fields[i]
}

// Extra returns the message's dictionary field named by the Bolt spec as
// extra (HELLO, BEGIN, PULL, DISCARD: field 0; RUN, ROUTE: field 2), or nil.
func (m Message) Extra() map[string]any {
	i := 0
	if m.Sig == SigRun || m.Sig == SigRoute {
		i = 2
	}
	d, _ := m.Field(i).(map[string]any)
	return d
}

// String renders the message compactly: `RUN "RETURN 1" {} {"db":"neo4j"}`.
func (m Message) String() string {
	var b strings.Builder
	b.WriteString(m.Name)
	for _, f := range m.Fields {
		b.WriteByte(' ')
		b.WriteString(render(f))
	}
	return b.String()
}

// render formats a value as compact JSON-like text (keys sorted, credentials
// hidden).
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case Matcher:
		return x.String()
	case string:
		return strconv.Quote(x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			val := render(x[k])
			if k == "credentials" {
				val = `"***"`
			}
			parts[i] = strconv.Quote(k) + ":" + val
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	n := normalize(v)
	if reflect.TypeOf(n) != reflect.TypeOf(v) {
		return render(n)
	}
	if b, err := json.Marshal(v); err == nil {
		return string(b)
	}
	return fmt.Sprintf("%v", v)
}
