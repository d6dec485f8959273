package bolt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/boltwire/neo4j/bolt/packstream"
)

// ErrDefunct is wrapped by every error returned from a connection that can no longer be
// used: it was closed, lost, interrupted mid-message or received bad bytes.
var ErrDefunct = errors.New("bolt: connection is defunct")

// ErrBusy is returned when a request is made while the connection cannot accept it, for
// example Begin inside a transaction or Commit outside one.
var ErrBusy = errors.New("bolt: connection state does not allow this request")

// ErrUnsupported is returned when a request needs a protocol feature that the negotiated
// Bolt version lacks (for example ReAuth before Bolt 5.1).
var ErrUnsupported = errors.New("bolt: not supported by the negotiated Bolt version")

// ErrStreamClosed is returned by Stream.Next when the stream was cut short by a Reset,
// a Rollback or a failure of its transaction.
var ErrStreamClosed = errors.New("bolt: result stream was closed before it was fully read")

// StreamFailedError ends a result whose transaction failed in another request (a RUN
// or PULL of another result in it): the server dropped the result, so the records not
// yet received are lost. Failure is the server's error; errors.As finds it.
type StreamFailedError struct {
	Failure *ServerError // the server's error from the other request; never nil
}

// Error implements error.
func (e *StreamFailedError) Error() string {
	return "bolt: result failed: its transaction failed in another query: " + e.Failure.Error()
}

// Unwrap returns the server failure.
func (e *StreamFailedError) Unwrap() error { return e.Failure }

// ConnectivityError reports a failure of the transport (dial, TLS, read, write, timeout,
// cancellation) or a protocol violation by the peer. The connection that returned it is
// defunct. Err is the cause; errors.Is/As see through it.
type ConnectivityError struct {
	Address string // server address, host:port
	Op      string // what was being done: "dial", "handshake", "read", "write", ...
	Err     error  // the cause
}

// Error implements error. It names the address once, says what failed and, for the
// failures a new user meets most (nothing listening, a port that does not speak
// Bolt), how to fix it:
//
//	bolt: dial 127.0.0.1:7687: connection refused: is Neo4j running and is this its Bolt port?
//	bolt: no Bolt handshake reply from 127.0.0.1:7474 (context deadline exceeded): is this the Bolt port (default 7687; 7474 is HTTP)?
func (e *ConnectivityError) Error() string {
	switch e.Op {
	case "dial":
		return "bolt: dial " + e.Address + ": " + dialCause(e.Err)
	case "handshake":
		if msg := handshakeCause(e.Address, e.Err); msg != "" {
			return msg
		}
	}
	return fmt.Sprintf("bolt: %s %s: %v", e.Op, e.Address, e.Err)
}

// hintBoltPort ends the messages of failures that usually mean a wrong port.
const hintBoltPort = "is this the Bolt port (default 7687; 7474 is HTTP)?"

// dialCause describes a failed TCP dial without repeating the address (a
// *net.OpError names it again) and adds a hint for the common causes.
func dialCause(err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused: is Neo4j running and is this its Bolt port?"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "unknown host " + strconv.Quote(dnsErr.Name) + ": is the host name right?"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "no answer (" + innerNetErr(err) + "): is the host reachable from here (firewall) and the port right?"
	}
	return innerNetErr(err)
}

// innerNetErr returns the text of the cause inside a *net.OpError ("connect:
// connection refused" rather than "dial tcp 1.2.3.4:7687: connect: ...").
func innerNetErr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// handshakeCause describes a failed Bolt handshake whose likely cause is a port that
// does not speak Bolt; "" for other failures.
func handshakeCause(addr string, err error) string {
	var pe *ProtocolError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "bolt: no Bolt handshake reply from " + addr + " (" + innerNetErr(err) + "): " + hintBoltPort
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		return "bolt: " + addr + " closed the connection without a Bolt handshake reply (" + innerNetErr(err) + "): " +
			"is this the Bolt port (default 7687), and does the server require TLS (bolt+s://, neo4j+s://)?"
	case errors.As(err, &pe) && pe.wrongPort:
		return "bolt: handshake " + addr + ": " + pe.Error() + ": " + hintBoltPort
	}
	return ""
}

// Unwrap returns the cause.
func (e *ConnectivityError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrDefunct) true for every connectivity error.
func (e *ConnectivityError) Is(target error) bool { return target == ErrDefunct }

// ProtocolError reports bytes from the server that violate the Bolt protocol: a message
// that cannot be decoded, a message that is not allowed at this point, an unknown
// version. It is always wrapped in a *ConnectivityError.
type ProtocolError struct {
	Msg string // what was wrong

	wrongPort bool // the reply suggests a port that does not speak Bolt
}

// Error implements error.
func (e *ProtocolError) Error() string { return "bolt protocol violation: " + e.Msg }

func protocolErrorf(format string, args ...any) *ProtocolError {
	return &ProtocolError{Msg: fmt.Sprintf(format, args...)}
}

// Classification is the coarse class of a server error.
type Classification string

// The classifications a Neo4j status code can carry.
const (
	ClientError    Classification = "ClientError"    // the request was wrong; do not retry as is
	TransientError Classification = "TransientError" // may succeed if retried
	DatabaseError  Classification = "DatabaseError"  // the server failed; not retryable
)

// Default values used when a FAILURE lacks the corresponding keys.
const (
	defaultErrorCode    = "Neo.DatabaseError.General.UnknownError"
	defaultErrorMessage = "An unknown error occurred"
	defaultGQLStatus    = "50N42"
)

// ServerError is a FAILURE message from the server. Use errors.As to get it.
type ServerError struct {
	Code           string         // Neo4j status code, e.g. "Neo.ClientError.Statement.SyntaxError"
	Message        string         // human-readable, not stable (do not parse)
	Classification Classification // from the code (or, on 5.7+, the GQL diagnostic record)
	Category       string         // third dot-segment of the code, e.g. "Statement"
	Title          string         // fourth dot-segment of the code, e.g. "SyntaxError"

	// Bolt 5.7+ GQL fields; empty on older versions.
	GqlStatus         string         // GQLSTATUS code, e.g. "42001"; "50N42" when the server sent none
	StatusDescription string         // the status' description, e.g. "error: syntax error or access rule violation"
	DiagnosticRecord  map[string]any // the server's diagnostic record as sent; nil if none
	Cause             *ServerError   // the error that caused this one (the FAILURE's "cause"); nil if none
}

// Error implements error.
func (e *ServerError) Error() string {
	var b strings.Builder
	b.WriteString("neo4j: ")
	b.WriteString(e.Code)
	if e.GqlStatus != "" {
		b.WriteString(" (")
		b.WriteString(e.GqlStatus)
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns the GQL cause, if any, so errors.As can reach it.
func (e *ServerError) Unwrap() error {
	if e.Cause == nil {
		return nil
	}
	return e.Cause
}

// IsRetryable reports whether retrying the whole transaction may succeed: transient errors
// (except Transaction.Terminated and Transaction.LockClientStopped), AuthorizationExpired,
// NotALeader and ForbiddenOnReadOnlyDatabase.
func (e *ServerError) IsRetryable() bool {
	switch e.Code {
	case "Neo.TransientError.Transaction.Terminated",
		"Neo.TransientError.Transaction.LockClientStopped":
		return false
	case "Neo.ClientError.Security.AuthorizationExpired",
		"Neo.ClientError.Cluster.NotALeader",
		"Neo.ClientError.General.ForbiddenOnReadOnlyDatabase":
		return true
	}
	return e.Classification == TransientError
}

// IsAuthenticationError reports whether the server rejected the credentials or token
// (Neo.ClientError.Security.Unauthorized or TokenExpired).
func (e *ServerError) IsAuthenticationError() bool {
	return e.Code == "Neo.ClientError.Security.Unauthorized" || e.Code == "Neo.ClientError.Security.TokenExpired"
}

// IsAuthorizationExpired reports Neo.ClientError.Security.AuthorizationExpired: every
// connection to that server must re-authenticate.
func (e *ServerError) IsAuthorizationExpired() bool {
	return e.Code == "Neo.ClientError.Security.AuthorizationExpired"
}

// IsRoutingError reports NotALeader / ForbiddenOnReadOnlyDatabase: the server is not a
// writer for the database any more and the routing table should be refreshed.
func (e *ServerError) IsRoutingError() bool {
	return e.Code == "Neo.ClientError.Cluster.NotALeader" ||
		e.Code == "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase"
}

// IsDatabaseUnavailable reports Neo.TransientError.General.DatabaseUnavailable.
func (e *ServerError) IsDatabaseUnavailable() bool {
	return e.Code == "Neo.TransientError.General.DatabaseUnavailable"
}

// IsFatalDuringDiscovery reports errors that must stop routing-table discovery instead
// of trying the next router.
func (e *ServerError) IsFatalDuringDiscovery() bool {
	switch e.Code {
	case "Neo.ClientError.Database.DatabaseNotFound",
		"Neo.ClientError.Transaction.InvalidBookmark",
		"Neo.ClientError.Transaction.InvalidBookmarkMixture",
		"Neo.ClientError.Statement.TypeError",
		"Neo.ClientError.Statement.ArgumentError",
		"Neo.ClientError.Request.Invalid":
		return true
	case "Neo.ClientError.Security.AuthorizationExpired":
		return false
	}
	return strings.HasPrefix(e.Code, "Neo.ClientError.Security.")
}

// newServerError builds a ServerError from FAILURE metadata. gql selects the 5.7+ keys.
func newServerError(meta map[string]any, gql bool) *ServerError {
	e := &ServerError{}
	str := func(k string) string { s, _ := meta[k].(string); return s }
	if gql {
		e.Code = str("neo4j_code")
		e.GqlStatus = str("gql_status")
		e.StatusDescription = str("description")
		if d, ok := meta["diagnostic_record"].(map[string]any); ok {
			e.DiagnosticRecord = d
		}
		if c, ok := meta["cause"].(map[string]any); ok {
			e.Cause = newServerError(c, true)
		}
	} else {
		e.Code = str("code")
	}
	// Tolerate either key in case a server mixes them.
	if e.Code == "" {
		if s := str("code"); s != "" {
			e.Code = s
		} else if s := str("neo4j_code"); s != "" {
			e.Code = s
		}
	}
	e.Message = str("message")
	if e.Message == "" {
		e.Message = defaultErrorMessage
	}
	if e.Code == "" {
		e.Code = defaultErrorCode
	}
	if gql && e.GqlStatus == "" {
		e.GqlStatus = defaultGQLStatus
	}
	// Old servers report these as transient though they must not be retried.
	switch e.Code {
	case "Neo.TransientError.Transaction.Terminated":
		e.Code = "Neo.ClientError.Transaction.Terminated"
	case "Neo.TransientError.Transaction.LockClientStopped":
		e.Code = "Neo.ClientError.Transaction.LockClientStopped"
	}
	parts := strings.Split(e.Code, ".")
	if len(parts) == 4 {
		e.Classification = Classification(parts[1])
		e.Category, e.Title = parts[2], parts[3]
	} else {
		e.Classification, e.Category, e.Title = DatabaseError, "General", "UnknownError"
	}
	if e.DiagnosticRecord != nil {
		switch e.DiagnosticRecord["_classification"] {
		case "CLIENT_ERROR":
			e.Classification = ClientError
		case "TRANSIENT_ERROR":
			e.Classification = TransientError
		case "DATABASE_ERROR":
			e.Classification = DatabaseError
		}
	}
	return e
}

// ParameterError reports a query parameter of RUN that cannot be sent on this
// connection. It names the parameter (and where inside it the offending value sat)
// and, when the value's type needs a newer protocol (a dbtype.UUID before Bolt 6.1,
// a dbtype.Vector before Bolt 6.0), the negotiated version: such values are never
// converted silently. The connection stays usable.
//
// errors.As reaches the *packstream.EncodeError; errors.Is(err, ErrUnsupported)
// and errors.Is(err, packstream.ErrNeedsNewerProtocol) are true for values that
// need a newer protocol.
type ParameterError struct {
	Name    string  // the parameter, e.g. "u"
	Path    string  // where the offending value sat, e.g. "doc.embedding"; Name at top level
	Version Version // the negotiated Bolt version
	Err     error   // the encoder's error (a *packstream.EncodeError)
}

// Error implements error, e.g.
//
//	bolt: parameter "u" (dbtype.UUID): UUID values need Bolt 6.1+, but this connection negotiated Bolt 5.8
func (e *ParameterError) Error() string {
	var b strings.Builder
	b.WriteString("bolt: parameter ")
	b.WriteString(strconv.Quote(e.Name))
	if e.Path != "" && e.Path != e.Name {
		b.WriteString(" at ")
		b.WriteString(strconv.Quote(e.Path))
	}
	var ee *packstream.EncodeError
	if !errors.As(e.Err, &ee) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
		return b.String()
	}
	b.WriteString(" (")
	b.WriteString(ee.GoType)
	b.WriteString("): ")
	b.WriteString(ee.Reason)
	if errors.Is(ee, packstream.ErrNeedsNewerProtocol) {
		b.WriteString(", but this connection negotiated Bolt ")
		b.WriteString(e.Version.String())
	}
	return b.String()
}

// Unwrap returns the encoder's error and, for a value that needs a newer protocol,
// ErrUnsupported.
func (e *ParameterError) Unwrap() []error {
	if errors.Is(e.Err, packstream.ErrNeedsNewerProtocol) {
		return []error{e.Err, ErrUnsupported}
	}
	return []error{e.Err}
}

// parameterError turns an encoding failure of RUN's parameter map into a
// *ParameterError.
func (c *Conn) parameterError(params map[string]any, err error) error {
	pe := &ParameterError{Version: c.version, Err: err}
	var ee *packstream.EncodeError
	if errors.As(err, &ee) {
		pe.Path = ee.Path()
		for k := range params { // the key the path starts with (keys may contain dots)
			if strings.HasPrefix(pe.Path, k) && len(k) >= len(pe.Name) {
				if rest := pe.Path[len(k):]; rest == "" || rest[0] == '.' || rest[0] == '[' {
					pe.Name = k
				}
			}
		}
	}
	return pe
}
