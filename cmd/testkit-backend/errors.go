package main

import (
	"context"
	"errors"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/native"
)

// errorType names the kind of a driver error for TestKit. Tests run with
// TEST_DRIVER_NAME=go compare it in a few places, so the names follow the
// kinds those tests know: Neo4jError (TokenExpiredError for an expired
// token), ConnectivityError, UsageError, ProtocolError, ...
func errorType(err error) string {
	var (
		nerr *native.Neo4jError
		perr *bolt.ProtocolError
		tle  *native.TransactionExecutionLimit
		cou  *native.CommitOutcomeUnknownError
		cerr *native.ConnectivityError
		uerr *native.UsageError
	)
	switch {
	case errors.Is(err, native.ErrTransactionTerminated):
		// The Go expectations name this error by the start of its message:
		// "cannot use this transaction" (transaction use), "result failed"
		// (result use).
		return err.Error()
	case errors.As(err, &tle):
		return "TransactionExecutionLimit"
	case errors.As(err, &cou):
		return "CommitOutcomeUnknownError"
	case errors.As(err, &nerr):
		if nerr.Code == "Neo.ClientError.Security.TokenExpired" {
			return "TokenExpiredError"
		}
		return "Neo4jError"
	case errors.As(err, &perr):
		return "ProtocolError"
	case errors.As(err, &cerr):
		return "ConnectivityError"
	case errors.As(err, &uerr):
		if errors.Is(err, bolt.ErrUnsupported) {
			return "feature not supported" // TestKit's name for Go (e.g. session auth before Bolt 5.1)
		}
		return "UsageError"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "ContextError"
	}
	return "Error"
}

// driverErrorJSON builds the data of a DriverError response for err, stored
// under id.
func driverErrorJSON(id string, err error) map[string]any {
	d := map[string]any{
		"id":        id,
		"errorType": errorType(err),
		"msg":       err.Error(),
		"retryable": native.IsRetryable(err),
	}
	if errors.Is(err, native.ErrResultNotAvailable) {
		d["msg"] = native.ErrResultNotAvailable.Error() // the Go expectation compares the whole message
	}
	var tle *native.TransactionExecutionLimit
	var nerr *native.Neo4jError
	if !errors.As(err, &tle) && errors.As(err, &nerr) {
		d["code"] = nerr.Code
		d["msg"] = nerr.Msg
		addGql(d, nerr)
		if nerr.GqlCause != nil {
			d["cause"] = gqlErrorJSON(nerr.GqlCause)
		}
	}
	return d
}

func addGql(d map[string]any, e *native.Neo4jError) {
	if e.GqlStatus == "" {
		return
	}
	d["gqlStatus"] = e.GqlStatus
	d["statusDescription"] = e.GqlStatusDescription
	d["classification"] = e.GqlClassification
	if e.GqlRawClassification != "" {
		d["rawClassification"] = e.GqlRawClassification
	}
	if e.GqlDiagnosticRecord != nil {
		if rec, err := cypherMapValue(e.GqlDiagnosticRecord); err == nil {
			d["diagnosticRecord"] = rec
		}
	}
}

// gqlErrorJSON is the GqlError wire form of a GQL cause chain.
func gqlErrorJSON(e *native.Neo4jError) map[string]any {
	out := map[string]any{"msg": e.Msg}
	addGql(out, e)
	if e.GqlCause != nil {
		out["cause"] = gqlErrorJSON(e.GqlCause)
	}
	return map[string]any{"name": "GqlError", "data": out}
}

// asNeo4jError returns the server error err wraps, if any.
func asNeo4jError(err error) *native.Neo4jError {
	var nerr *native.Neo4jError
	if errors.As(err, &nerr) {
		return nerr
	}
	return nil
}
