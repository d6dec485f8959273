package native

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Neo4jError is a failure reported by the server (a Bolt FAILURE message): a
// syntax error, a constraint violation, a transient deadlock, an authentication
// failure, ...
//
// Code is the Neo4j status code "Neo.<Classification>.<Category>.<Title>". The Gql*
// fields are set by servers speaking Bolt 5.7 or later. Test for it with
// errors.As:
//
//	var nerr *native.Neo4jError
//	if errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" { ... }
type Neo4jError struct {
	Code                 string         // Neo4j status code, e.g. "Neo.ClientError.Statement.SyntaxError"
	Msg                  string         // human-readable message from the server
	GqlStatus            string         // GQLSTATUS code (5 characters), e.g. "42001"; "50N42" when the server sent none (before Bolt 5.7)
	GqlStatusDescription string         // description of GqlStatus (the generic 50N42 one when the server sent none)
	GqlClassification    string         // CLIENT_ERROR, TRANSIENT_ERROR, DATABASE_ERROR or UNKNOWN
	GqlRawClassification string         // classification as sent by the server ("" if none)
	GqlDiagnosticRecord  map[string]any // the server's diagnostic record, missing CURRENT_SCHEMA/OPERATION/OPERATION_CODE filled with "/", "", "0"
	GqlCause             *Neo4jError    // inner GQL error, if the server sent one

	wrapped     error // the lower-level error this was built from, if any
	authHandled bool  // an AuthTokenManager will supply a new token: retrying may succeed

	// Set on an authentication failure while connecting: who failed, where.
	authAddr   string // server address; "" when unknown
	authUser   string // the token's principal
	authScheme string // the token's scheme ("basic", "bearer", ...)
}

// genericAuthFailure is the server's message for a wrong user or password.
const genericAuthFailure = "The client is unauthorized due to authentication failure."

// Error returns "Neo4jError: <code> (<message>) [GQL <status>]", the GQL part
// only for a status other than the generic 50N42. An authentication failure
// while connecting reads "authentication failed for user "<user>" at <address>
// (<code>): <what to check>".
func (e *Neo4jError) Error() string {
	var b strings.Builder
	if e.authAddr != "" && e.Code == codeUnauthorized {
		b.WriteString("authentication failed")
		if e.authUser != "" {
			fmt.Fprintf(&b, " for user %q", e.authUser)
		}
		b.WriteString(" at ")
		b.WriteString(e.authAddr)
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteString(")")
		if e.Msg != "" && e.Msg != genericAuthFailure {
			b.WriteString(": ")
			b.WriteString(e.Msg)
		}
		if e.authScheme == "basic" {
			b.WriteString(": check the password given to BasicAuth or in the DSN")
		} else {
			b.WriteString(": check the credentials of the auth token")
		}
		return b.String()
	}
	b.WriteString("Neo4jError: ")
	b.WriteString(e.Code)
	b.WriteString(" (")
	b.WriteString(e.Msg)
	b.WriteString(")")
	if e.GqlStatus != "" && e.GqlStatus != "50N42" {
		b.WriteString(" [GQL ")
		b.WriteString(e.GqlStatus)
		b.WriteString("]")
	}
	return b.String()
}

// Unwrap returns the GQL cause (if any) and the lower-level error this error was
// built from (if any), so errors.As reaches both.
func (e *Neo4jError) Unwrap() []error {
	var out []error
	if e.GqlCause != nil {
		out = append(out, e.GqlCause)
	}
	if e.wrapped != nil {
		out = append(out, e.wrapped)
	}
	return out
}

func (e *Neo4jError) codePart(i int) string {
	parts := strings.Split(e.Code, ".")
	if len(parts) != 4 {
		return []string{"Neo", "DatabaseError", "General", "UnknownError"}[i]
	}
	return parts[i]
}

// Classification returns the second part of Code: "ClientError", "TransientError"
// or "DatabaseError" (DatabaseError for a malformed code).
func (e *Neo4jError) Classification() string { return e.codePart(1) }

// Category returns the third part of Code, e.g. "Statement".
func (e *Neo4jError) Category() string { return e.codePart(2) }

// Title returns the last part of Code, e.g. "SyntaxError".
func (e *Neo4jError) Title() string { return e.codePart(3) }

// IsRetriable reports whether a managed transaction that failed with this error
// is retried: transient errors (except Transaction.Terminated and
// Transaction.LockClientStopped), NotALeader, ForbiddenOnReadOnlyDatabase,
// AuthorizationExpired, and security errors that the driver's AuthTokenManager
// handled (it will supply a new token).
func (e *Neo4jError) IsRetriable() bool {
	if e.authHandled {
		return true
	}
	switch e.Code {
	case "Neo.TransientError.Transaction.Terminated",
		"Neo.TransientError.Transaction.LockClientStopped":
		return false
	case "Neo.ClientError.Cluster.NotALeader",
		"Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
		"Neo.ClientError.Security.AuthorizationExpired":
		return true
	}
	return e.Classification() == "TransientError"
}

// UsageError reports a misuse of the API: a bad argument, a closed session, a
// second Commit, a feature the server does not support, ...
type UsageError struct {
	Message string // what went wrong, naming the culprit
	Err     error  // the underlying error, if any
}

// Error returns the message.
func (e *UsageError) Error() string {
	if e.Err == ErrSessionClosed {
		return e.Message + ": " + e.Err.Error() + "; create a new one with Driver.NewSession"
	}
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the underlying error.
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &UsageError{Message: err.Error(), Err: errors.Unwrap(err)}
}

// ConnectivityError reports that the driver could not reach a server or lost the
// connection (dial failure, TLS failure, EOF, pool acquisition timeout, ...).
type ConnectivityError struct {
	Address string // server address, when known
	Inner   error  // the cause
}

// Error describes the failure: "ConnectivityError: <address>: <cause>", the
// address left out when the cause already names it.
func (e *ConnectivityError) Error() string {
	inner := fmt.Sprint(e.Inner)
	if e.Address != "" && !strings.Contains(inner, e.Address) {
		return "ConnectivityError: " + e.Address + ": " + inner
	}
	return "ConnectivityError: " + inner
}

// Unwrap returns the cause.
func (e *ConnectivityError) Unwrap() error { return e.Inner }

// ErrPoolAcquisitionTimeout is wrapped by the ConnectivityError returned when no
// connection became free within Config.ConnectionAcquisitionTimeout.
var ErrPoolAcquisitionTimeout = errors.New("timed out waiting for a free connection in the pool")

// ErrConnectTimeout is wrapped by the ConnectivityError returned when dialling a
// server (TCP connect, TLS, Bolt handshake or authentication) ran out of
// Config.SocketConnectTimeout or the acquisition timeout. Unlike the caller's
// own context ending, it is retryable.
var ErrConnectTimeout = errors.New("timed out connecting to the server")

// ErrDriverClosed is wrapped by errors of operations on a closed Driver.
var ErrDriverClosed = errors.New("driver is closed")

// ErrSessionClosed is wrapped by errors of operations on a closed Session.
var ErrSessionClosed = errors.New("session is closed")

// ErrTransactionTerminated is wrapped by the error of every later use of a
// transaction (Run, Commit) and of its unfinished results once a query in it
// failed: the server has ended the transaction. Roll it back or close it
// (both are no-ops then) and begin a new one. The error also wraps the failure
// that terminated the transaction (errors.As finds its *Neo4jError).
var ErrTransactionTerminated = errors.New("the transaction was terminated by an earlier error")

// ErrResultNotAvailable is wrapped by the error of Result.Next and Peek (and
// their variants) once the result is out of scope: after Consume, or once its
// transaction has ended (commit, rollback, close, end of a transaction
// function). Records not read by then are discarded, not kept.
var ErrResultNotAvailable = errors.New("result cursor is not available anymore")

// terminatedError is ErrTransactionTerminated with the failure behind it.
type terminatedError struct{ cause error }

func (e *terminatedError) Error() string {
	return ErrTransactionTerminated.Error() + " (" + e.cause.Error() + "); roll it back or close it and begin a new one"
}

// Unwrap returns ErrTransactionTerminated and the failure, so errors.As still
// finds the *Neo4jError (or *ConnectivityError) that ended the transaction.
func (e *terminatedError) Unwrap() []error { return []error{ErrTransactionTerminated, e.cause} }

// TransactionExecutionLimit is returned by ExecuteRead/ExecuteWrite when the
// retry budget (Config.MaxTransactionRetryTime) is exhausted or the context ends
// while retrying. Errors holds every attempt's error, oldest first.
type TransactionExecutionLimit struct {
	Cause  string  // why retrying stopped
	Errors []error // every attempt's error, oldest first
}

// Error summarises the attempts.
func (e *TransactionExecutionLimit) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "TransactionExecutionLimit: %s after %d attempt(s)", e.Cause, len(e.Errors))
	if n := len(e.Errors); n > 0 {
		fmt.Fprintf(&b, "; last error: %v", e.Errors[n-1])
	}
	return b.String()
}

// Unwrap returns all attempts' errors, so errors.As finds, e.g., the Neo4jError of
// any attempt.
func (e *TransactionExecutionLimit) Unwrap() []error { return e.Errors }

// CommitOutcomeUnknownError is returned when the connection was lost after COMMIT
// was sent and before its reply arrived: the transaction may or may not have been
// committed. It is never retried automatically.
type CommitOutcomeUnknownError struct {
	Err error // the connection error
}

// Error describes the failure.
func (e *CommitOutcomeUnknownError) Error() string {
	return fmt.Sprintf("commit outcome unknown (connection lost after COMMIT was sent): %v", e.Err)
}

// Unwrap returns the connection error.
func (e *CommitOutcomeUnknownError) Unwrap() error { return e.Err }

// IsNeo4jError reports whether err (or an error it wraps) is a *Neo4jError.
func IsNeo4jError(err error) bool {
	var e *Neo4jError
	return errors.As(err, &e)
}

// IsUsageError reports whether err (or an error it wraps) is a *UsageError.
func IsUsageError(err error) bool {
	var e *UsageError
	return errors.As(err, &e)
}

// IsConnectivityError reports whether err (or an error it wraps) is a *ConnectivityError.
func IsConnectivityError(err error) bool {
	var e *ConnectivityError
	return errors.As(err, &e)
}

// IsTransactionExecutionLimit reports whether err (or an error it wraps) is a
// *TransactionExecutionLimit.
func IsTransactionExecutionLimit(err error) bool {
	var e *TransactionExecutionLimit
	return errors.As(err, &e)
}

// IsCommitOutcomeUnknown reports whether err (or an error it wraps) is a
// *CommitOutcomeUnknownError.
func IsCommitOutcomeUnknown(err error) bool {
	var e *CommitOutcomeUnknownError
	return errors.As(err, &e)
}

// IsRetryable reports whether a transaction that failed with err may succeed if
// run again: retriable server errors (see Neo4jError.IsRetriable) and connectivity
// errors. Context cancellation, usage errors and unknown commit outcomes are never
// retryable. Use it to write custom retry loops.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if IsCommitOutcomeUnknown(err) || IsUsageError(err) {
		return false
	}
	var tle *TransactionExecutionLimit
	if errors.As(err, &tle) {
		return false
	}
	var nerr *Neo4jError
	if errors.As(err, &nerr) {
		return nerr.IsRetriable()
	}
	return IsConnectivityError(err)
}
