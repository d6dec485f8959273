package native

import (
	"testing"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

// D13: GQL fields the server did not send get the GQL defaults, for a
// pre-5.7 failure and for a 5.7 failure (and its cause) with a partial
// diagnostic record; values the server did send are kept, even odd ones.
func TestNeo4jErrorGqlDefaults(t *testing.T) {
	defaults := map[string]any{"CURRENT_SCHEMA": "/", "OPERATION": "", "OPERATION_CODE": "0"}

	legacy := neo4jErrorFrom(&bolt.ServerError{Code: "Neo.ClientError.User.Uncool", Message: "not cool"})
	require.Equal(t, "50N42", legacy.GqlStatus)
	require.Equal(t, "error: general processing exception - unexpected error. not cool", legacy.GqlStatusDescription)
	require.Equal(t, defaults, legacy.GqlDiagnosticRecord)
	require.Equal(t, "UNKNOWN", legacy.GqlClassification)
	require.Empty(t, legacy.GqlRawClassification)
	require.Nil(t, legacy.GqlCause)
	require.Equal(t, "Neo4jError: Neo.ClientError.User.Uncool (not cool)", legacy.Error(), "the generic status stays out of the message")

	se := &bolt.ServerError{Code: "Neo.ClientError.User.Uncool", Message: "m", GqlStatus: "01N00", StatusDescription: "d",
		DiagnosticRecord: map[string]any{"OPERATION": nil, "_classification": "CLIENT_ERROR"},
		Cause:            &bolt.ServerError{Message: "inner", GqlStatus: "01N01", StatusDescription: "d1"}}
	e := neo4jErrorFrom(se)
	require.Equal(t, "01N00", e.GqlStatus)
	require.Equal(t, "d", e.GqlStatusDescription)
	require.Equal(t, map[string]any{"CURRENT_SCHEMA": "/", "OPERATION": nil, "OPERATION_CODE": "0", "_classification": "CLIENT_ERROR"},
		e.GqlDiagnosticRecord, "a key the server sent (even null) is kept")
	require.Equal(t, "CLIENT_ERROR", e.GqlClassification)
	require.Equal(t, defaults, e.GqlCause.GqlDiagnosticRecord)
	require.Equal(t, "UNKNOWN", e.GqlCause.GqlClassification)
	require.Len(t, se.DiagnosticRecord, 2, "the bolt error's record is not modified")
}
