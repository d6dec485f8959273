package sqldriver

import (
	"errors"
	"testing"

	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

func TestUnknownDSNOptionSuggestsClosest(t *testing.T) {
	for key, want := range map[string]string{
		"fetchsize":       `unknown option "fetchsize": did you mean "fetch_size"?`,
		"Fetch_Size":      `unknown option "Fetch_Size": did you mean "fetch_size"?`,
		"acess_mode":      `unknown option "acess_mode": did you mean "access_mode"?`,
		"max_pool_size":   `unknown option "max_pool_size" (known:`,
		"colour":          `unknown option "colour" (known:`,
		"telemetri":       `unknown option "telemetri": did you mean "telemetry"?`,
		"socket_keepaliv": `unknown option "socket_keepaliv": did you mean "socket_keepalive"?`,
	} {
		_, err := ParseDSN("bolt://h:7687?" + key + "=1")
		require.ErrorIs(t, err, ErrDSN)
		require.ErrorContains(t, err, want, key)
	}
	require.Equal(t, 0, editDistance("", ""))
	require.Equal(t, 3, editDistance("kitten", "sitting"))
}

func TestReadOnlyHint(t *testing.T) {
	server := &native.Neo4jError{Code: "Neo.ClientError.Statement.AccessMode", Msg: "Writing in read access mode not allowed."}
	err := readOnlyHint(server, true)
	require.Equal(t, server.Error()+": the transaction was begun with sql.TxOptions{ReadOnly: true}", err.Error())
	var nerr *native.Neo4jError
	require.True(t, errors.As(err, &nerr))
	require.Same(t, server, nerr)
	require.Same(t, error(server), readOnlyHint(server, false), "not read-only: unchanged")
	other := &native.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError"}
	require.Same(t, error(other), readOnlyHint(other, true))
	require.NoError(t, readOnlyHint(nil, true))
}
