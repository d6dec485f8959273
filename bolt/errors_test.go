package bolt

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestServerErrorLegacy(t *testing.T) {
	e := newServerError(map[string]any{"code": "Neo.TransientError.General.DatabaseUnavailable", "message": "down"}, false)
	require.Equal(t, TransientError, e.Classification)
	require.Equal(t, "General", e.Category)
	require.Equal(t, "DatabaseUnavailable", e.Title)
	require.True(t, e.IsRetryable())
	require.True(t, e.IsDatabaseUnavailable())
	require.Equal(t, "neo4j: Neo.TransientError.General.DatabaseUnavailable: down", e.Error())
	require.Empty(t, e.GqlStatus)
}

func TestServerErrorRewritesNonRetryableTransients(t *testing.T) {
	for _, code := range []string{"Neo.TransientError.Transaction.Terminated", "Neo.TransientError.Transaction.LockClientStopped"} {
		e := newServerError(map[string]any{"code": code}, false)
		require.Equal(t, ClientError, e.Classification, code)
		require.False(t, e.IsRetryable(), code)
	}
}

func TestServerErrorRetryable(t *testing.T) {
	for code, want := range map[string]bool{
		"Neo.TransientError.Transaction.DeadlockDetected":     true,
		"Neo.ClientError.Security.AuthorizationExpired":       true,
		"Neo.ClientError.Cluster.NotALeader":                  true,
		"Neo.ClientError.General.ForbiddenOnReadOnlyDatabase": true,
		"Neo.ClientError.Statement.SyntaxError":               false,
		"Neo.DatabaseError.General.UnknownError":              false,
		"Neo.ClientError.Security.Unauthorized":               false,
	} {
		require.Equal(t, want, newServerError(map[string]any{"code": code}, false).IsRetryable(), code)
	}
	e := newServerError(map[string]any{"code": "Neo.ClientError.Security.Forbidden"}, false)
	require.True(t, e.IsFatalDuringDiscovery())
	e = newServerError(map[string]any{"code": "Neo.ClientError.Security.AuthorizationExpired"}, false)
	require.False(t, e.IsFatalDuringDiscovery())
	require.True(t, e.IsAuthorizationExpired())
	e = newServerError(map[string]any{"code": "Neo.ClientError.Cluster.NotALeader"}, false)
	require.True(t, e.IsRoutingError())
}

func TestServerErrorGQL(t *testing.T) {
	meta := map[string]any{
		"neo4j_code":        "Neo.ClientError.Statement.SyntaxError",
		"message":           "Invalid input",
		"gql_status":        "42001",
		"description":       "error: syntax error or access rule violation - invalid syntax",
		"diagnostic_record": map[string]any{"_classification": "CLIENT_ERROR", "OPERATION": ""},
		"cause": map[string]any{
			"message": "inner", "gql_status": "42I06", "description": "invalid input",
		},
	}
	e := newServerError(meta, true)
	require.Equal(t, "Neo.ClientError.Statement.SyntaxError", e.Code)
	require.Equal(t, "42001", e.GqlStatus)
	require.Equal(t, ClientError, e.Classification)
	require.NotNil(t, e.Cause)
	require.Equal(t, "42I06", e.Cause.GqlStatus)
	require.Equal(t, "Neo.DatabaseError.General.UnknownError", e.Cause.Code, "default code for a cause without one")
	require.Contains(t, e.Error(), "42001")

	wrapped := fmt.Errorf("outer: %w", e)
	var se *ServerError
	require.True(t, errors.As(wrapped, &se))
	require.Same(t, e, se)
}

func TestServerErrorDefaults(t *testing.T) {
	e := newServerError(map[string]any{}, true)
	require.Equal(t, "Neo.DatabaseError.General.UnknownError", e.Code)
	require.Equal(t, "An unknown error occurred", e.Message)
	require.Equal(t, "50N42", e.GqlStatus)
	require.Equal(t, DatabaseError, e.Classification)
	e = newServerError(map[string]any{"code": "weird"}, false)
	require.Equal(t, DatabaseError, e.Classification)
	require.Equal(t, "UnknownError", e.Title)
}

func TestConnectivityErrorIsDefunct(t *testing.T) {
	cause := errors.New("boom")
	e := &ConnectivityError{Address: "h:1", Op: "read", Err: cause}
	require.ErrorIs(t, e, ErrDefunct)
	require.ErrorIs(t, e, cause)
	require.Equal(t, "bolt: read h:1: boom", e.Error())
	var pe *ProtocolError
	require.False(t, errors.As(e, &pe))
}
