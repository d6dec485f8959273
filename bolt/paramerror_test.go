package bolt

import (
	"context"
	"errors"
	"testing"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// TestParameterErrorNamesParameterAndVersion: a UUID or Vector parameter on a
// connection whose version cannot carry it is refused before anything is sent,
// with a message naming the parameter and the negotiated version.
func TestParameterErrorNamesParameterAndVersion(t *testing.T) {
	id := dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000")
	vec := dbtype.NewVectorFloat32([]float32{1, 2})
	cases := []struct {
		v      Version
		params map[string]any
		want   string
	}{
		{Version{5, 8}, map[string]any{"u": id},
			`bolt: parameter "u" (dbtype.UUID): UUID values need Bolt 6.1+, but this connection negotiated Bolt 5.8`},
		{Version{6, 0}, map[string]any{"u": id, "ok": int64(1)},
			`bolt: parameter "u" (dbtype.UUID): UUID values need Bolt 6.1+, but this connection negotiated Bolt 6.0`},
		{Version{5, 8}, map[string]any{"embedding": vec},
			`bolt: parameter "embedding" (dbtype.Vector): Vector values need Bolt 6.0+, but this connection negotiated Bolt 5.8`},
		{Version{4, 4}, map[string]any{"doc": map[string]any{"ids": []any{"a", id}}},
			`bolt: parameter "doc" at "doc.ids[1]" (dbtype.UUID): UUID values need Bolt 6.1+, but this connection negotiated Bolt 4.4`},
		{Version{5, 8}, map[string]any{"a.b": map[string]any{"c": vec}},
			`bolt: parameter "a.b" at "a.b.c" (dbtype.Vector): Vector values need Bolt 6.0+, but this connection negotiated Bolt 5.8`},
	}
	for _, tc := range cases {
		c, cli, _ := dialPeer(t, tc.v, func(p *peer) {})
		writes := cli.writes.Load()
		_, err := c.Run(context.Background(), "RETURN $u", tc.params, nil, -1)
		require.EqualError(t, err, tc.want)
		var pe *ParameterError
		require.ErrorAs(t, err, &pe)
		require.Equal(t, tc.v, pe.Version)
		require.ErrorIs(t, err, ErrUnsupported)
		require.ErrorIs(t, err, packstream.ErrNeedsNewerProtocol)
		var ee *packstream.EncodeError
		require.ErrorAs(t, err, &ee)
		require.False(t, errors.Is(err, ErrDefunct))
		require.True(t, c.IsIdle(), "the connection stays usable")
		require.Equal(t, writes, cli.writes.Load(), "nothing was sent")
	}

	// Other encoding failures name the parameter too, without a version.
	c, _, _ := dialPeer(t, Version{6, 1}, func(p *peer) {})
	_, err := c.Run(context.Background(), "RETURN $ch", map[string]any{"ch": make(chan int)}, nil, -1)
	var pe *ParameterError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "ch", pe.Name)
	require.NotErrorIs(t, err, ErrUnsupported)
	require.Contains(t, err.Error(), `bolt: parameter "ch" (chan int): `)
}
