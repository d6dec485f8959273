package bolt

import (
	"fmt"
	"strings"

	"github.com/boltwire/neo4j/bolt/packstream"
)

var messageNames = map[byte]string{
	sigHello: "HELLO", sigGoodbye: "GOODBYE", sigReset: "RESET", sigRun: "RUN", sigBegin: "BEGIN",
	sigCommit: "COMMIT", sigRollback: "ROLLBACK", sigDiscard: "DISCARD", sigPull: "PULL",
	sigTelemetry: "TELEMETRY", sigRoute: "ROUTE", sigLogon: "LOGON", sigLogoff: "LOGOFF",
	sigSuccess: "SUCCESS", sigRecord: "RECORD", sigIgnored: "IGNORED", sigFailure: "FAILURE",
}

// traceIn reports a received message to the trace hook.
func (c *Conn) traceIn(msg []byte) {
	if c.trace != nil {
		c.traceMsg(false, msg)
	}
}

// traceMsg renders a message body for the trace hook, with credentials redacted.
func (c *Conn) traceMsg(outgoing bool, body []byte) {
	c.trace(outgoing, renderMessage(body, c.dec.Features))
}

// renderMessage renders one message body as "NAME field field ...".
func renderMessage(body []byte, f packstream.Features) string {
	d := packstream.Decoder{Features: f}
	d.Reset(body)
	tag, n, err := d.StructHeader()
	if err != nil {
		return fmt.Sprintf("<undecodable % x>", body)
	}
	var b strings.Builder
	if name, ok := messageNames[tag]; ok {
		b.WriteString(name)
	} else {
		fmt.Fprintf(&b, "0x%02X", tag)
	}
	for i := 0; i < n; i++ {
		v, err := d.Value()
		if err != nil {
			fmt.Fprintf(&b, " <%v>", err)
			break
		}
		b.WriteByte(' ')
		b.WriteString(render(redact(v)))
	}
	return b.String()
}

// redact hides credentials in auth dictionaries.
func redact(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if _, has := m["credentials"]; !has {
		return v
	}
	c := make(map[string]any, len(m))
	for k, x := range m {
		c[k] = x
	}
	c["credentials"] = "*****"
	return c
}

func render(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 200 {
			return fmt.Sprintf("%q...(%d bytes)", x[:200], len(x))
		}
		return fmt.Sprintf("%q", x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return fmt.Sprintf("%v", x)
	}
	return fmt.Sprintf("%v", v)
}
