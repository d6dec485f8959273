package native

import (
	"errors"
	"strings"

	"github.com/boltwire/neo4j/bolt"
)

// convertErr maps errors of package bolt to this package's error types:
// *bolt.ServerError → *Neo4jError, *bolt.ConnectivityError → *ConnectivityError,
// unsupported features and state misuse → *UsageError. Errors already converted,
// context errors and others pass through.
func convertErr(err error, address string) error {
	if err == nil {
		return nil
	}
	var (
		nerr *Neo4jError
		cerr *ConnectivityError
		uerr *UsageError
		tle  *TransactionExecutionLimit
		cou  *CommitOutcomeUnknownError
	)
	if errors.As(err, &nerr) || errors.As(err, &cerr) || errors.As(err, &uerr) || errors.As(err, &tle) || errors.As(err, &cou) {
		return err
	}
	var se *bolt.ServerError
	if errors.As(err, &se) {
		return neo4jErrorFrom(se)
	}
	var bce *bolt.ConnectivityError
	if errors.As(err, &bce) {
		addr := bce.Address
		if addr == "" {
			addr = address
		}
		return &ConnectivityError{Address: addr, Inner: err}
	}
	switch {
	case errors.Is(err, bolt.ErrUnsupported):
		return &UsageError{Message: "feature not supported by the server's protocol version", Err: err}
	case errors.Is(err, bolt.ErrBusy):
		return &UsageError{Message: "operation not allowed in the connection's current state", Err: err}
	case errors.Is(err, bolt.ErrStreamClosed):
		return &UsageError{Message: "result is closed", Err: err}
	case errors.Is(err, bolt.ErrDefunct):
		return &ConnectivityError{Address: address, Inner: err}
	}
	return err
}

func (d *driver) wrapErr(err error, address string) error { return convertErr(err, address) }

// neo4jErrorFrom converts a server failure (recursively for its GQL cause).
// GQL fields the server left out (all of them before Bolt 5.7) get the GQL
// defaults: status 50N42 with its description and a diagnostic record holding
// CURRENT_SCHEMA "/", OPERATION "" and OPERATION_CODE "0" unless it has them.
func neo4jErrorFrom(se *bolt.ServerError) *Neo4jError {
	e := &Neo4jError{
		Code:                 se.Code,
		Msg:                  se.Message,
		GqlStatus:            se.GqlStatus,
		GqlStatusDescription: se.StatusDescription,
		GqlDiagnosticRecord:  defaultDiagnostic(),
		wrapped:              se,
	}
	if e.GqlStatus == "" {
		e.GqlStatus = "50N42"
	}
	if e.GqlStatusDescription == "" {
		e.GqlStatusDescription = "error: general processing exception - unexpected error. " + se.Message
	}
	for k, v := range se.DiagnosticRecord {
		e.GqlDiagnosticRecord[k] = v
	}
	if raw, ok := se.DiagnosticRecord["_classification"].(string); ok {
		e.GqlRawClassification = raw
	}
	switch e.GqlRawClassification {
	case "CLIENT_ERROR", "TRANSIENT_ERROR", "DATABASE_ERROR":
		e.GqlClassification = e.GqlRawClassification
	default:
		e.GqlClassification = "UNKNOWN"
	}
	if se.Cause != nil {
		c := neo4jErrorFrom(se.Cause)
		c.wrapped = nil // the outer error already wraps the whole bolt chain
		e.GqlCause = c
	}
	return e
}

// asNeo4j returns the *Neo4jError in err's chain, or nil.
func asNeo4j(err error) *Neo4jError {
	var e *Neo4jError
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// isSecurityError reports errors an AuthTokenManager may handle.
func isSecurityError(e *Neo4jError) bool {
	return strings.HasPrefix(e.Code, "Neo.ClientError.Security.")
}

// serverInfo implements ServerInfo.
type serverInfo struct {
	address  string
	agent    string
	protocol ProtocolVersion
}

func (s *serverInfo) Address() string                  { return s.address }
func (s *serverInfo) Agent() string                    { return s.agent }
func (s *serverInfo) ProtocolVersion() ProtocolVersion { return s.protocol }

func serverInfoOf(c *bolt.Conn) *serverInfo {
	v := c.Version()
	return &serverInfo{address: c.Address(), agent: c.ServerAgent(), protocol: ProtocolVersion{Major: int(v.Major), Minor: int(v.Minor)}}
}
