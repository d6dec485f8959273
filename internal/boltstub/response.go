package boltstub

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// Response is something the stub does: send a message or act on the
// connection (close, sleep, hang, ...).
type Response interface {
	// play performs the response; stop reports that the connection is finished.
	play(c *connState) (stop bool, err error)
	// String describes the response in script form for failure messages,
	// e.g. `SUCCESS {"fields":["x"]}`.
	String() string
}

type message struct {
	sig    byte
	fields []any
}

func (m message) play(c *connState) (bool, error) { return false, c.w.writeMessage(m.sig, m.fields...) }

// String implements Response.
func (m message) String() string {
	return Message{Sig: m.sig, Name: MessageName(m.sig), Fields: m.fields}.String()
}

// Success sends SUCCESS with metadata (nil = {}).
func Success(meta M) Response {
	if meta == nil {
		meta = M{}
	}
	return message{SigSuccess, []any{meta}}
}

// Record sends RECORD with the given values.
func Record(values ...any) Response {
	if values == nil {
		values = []any{}
	}
	return message{SigRecord, []any{values}}
}

// Ignored sends IGNORED.
func Ignored() Response { return message{sig: SigIgnored} }

// Failure sends FAILURE with the status code and message (both "code" and,
// for Bolt 5.7+ clients, "neo4j_code" are set).
func Failure(code, msg string) Response {
	return message{SigFailure, []any{M{"code": code, "neo4j_code": code, "message": msg}}}
}

// FailureMeta sends FAILURE with exactly the given metadata.
func FailureMeta(meta M) Response { return message{SigFailure, []any{meta}} }

// Send sends any structure as a message (for protocol-violation tests).
func Send(sig byte, fields ...any) Response { return message{sig, fields} }

// RouteTable is the SUCCESS answer to ROUTE: {rt: {ttl, db, servers}}. Roles
// with no addresses are left out; db "" leaves rt.db out.
func RouteTable(ttlSeconds int64, db string, routers, readers, writers []string) Response {
	return Success(M{"rt": RT(ttlSeconds, db, routers, readers, writers)})
}

// RT builds the rt dictionary of a ROUTE SUCCESS.
func RT(ttlSeconds int64, db string, routers, readers, writers []string) M {
	var servers []any
	for _, r := range []struct {
		role  string
		addrs []string
	}{{"ROUTE", routers}, {"READ", readers}, {"WRITE", writers}} {
		if len(r.addrs) > 0 {
			servers = append(servers, M{"addresses": r.addrs, "role": r.role})
		}
	}
	if servers == nil {
		servers = []any{}
	}
	rt := M{"ttl": ttlSeconds, "servers": servers}
	if db != "" {
		rt["db"] = db
	}
	return rt
}

type action struct {
	name string
	fn   func(c *connState) (bool, error)
}

func (a action) play(c *connState) (bool, error) { return a.fn(c) }

// String implements Response.
func (a action) String() string { return a.name }

// Close closes the connection (the script ends here).
func Close() Response {
	return action{"<close>", func(c *connState) (bool, error) { c.w.nc.Close(); return true, nil }}
}

// HalfClose closes the sending side (TCP FIN) and keeps reading: the client
// sees end of stream while the script still checks what it sends.
func HalfClose() Response {
	return action{"<half-close>", func(c *connState) (bool, error) {
		if tc, ok := c.w.nc.(*net.TCPConn); ok {
			return false, tc.CloseWrite()
		}
		return false, fmt.Errorf("half-close needs a TCP connection")
	}}
}

// Sleep waits d before the next response (cut short when the stub stops).
func Sleep(d time.Duration) Response {
	return action{fmt.Sprintf("<sleep %s>", d), func(c *connState) (bool, error) {
		select {
		case <-time.After(d):
		case <-c.stop:
		}
		return false, nil
	}}
}

// Hang stops answering: the connection stays open, whatever the client sends
// is read and dropped, until the client closes it or the stub stops.
func Hang() Response {
	return action{"<hang>", func(c *connState) (bool, error) {
		c.hang()
		return true, nil
	}}
}

// Noop sends an empty chunk (a Bolt 4.1+ keep-alive).
func Noop() Response {
	return action{"<noop>", func(c *connState) (bool, error) {
		_, err := c.w.nc.Write([]byte{0, 0})
		return false, err
	}}
}

// Raw writes bytes as they are (no chunking).
func Raw(b []byte) Response {
	return action{fmt.Sprintf("<raw % x>", b), func(c *connState) (bool, error) {
		_, err := c.w.nc.Write(b)
		return false, err
	}}
}

// responses renders a list of responses for messages.
func responses(rs []Response) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}
