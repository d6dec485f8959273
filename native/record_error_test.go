package native

import (
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/stretchr/testify/require"
)

// D9: a record holding a DateTime in a zone unknown to the time zone database
// fails alone: Next reports a *bolt.RecordError naming the zone, the next Next
// goes on with the following record, and the transaction and the connection
// stay usable. The same holds for a record read ahead into the buffer.
func TestUnknownZoneFailsOnlyItsRecord(t *testing.T) {
	unknown := time.Unix(3600, 0).In(time.FixedZone("Europe/Neo4j", 0)) // sent as zone id "Europe/Neo4j"
	known := time.Unix(0, 0).In(time.FixedZone("", 1800))
	srv := newFakeServer(t)
	srv.onRun = func(_ int, _ string, _ map[string]any, _ bool) runReply {
		return runReply{fields: []string{"dt"}, records: [][]any{{known}, {unknown}, {known}}}
	}
	ctx, s := fakeSession(t, srv, SessionConfig{})

	check := func(res Result) {
		t.Helper()
		require.True(t, res.Next(ctx))
		require.True(t, res.Record().Values[0].(time.Time).Equal(known))
		require.False(t, res.Next(ctx))
		var re *bolt.RecordError
		require.ErrorAs(t, res.Err(), &re)
		require.ErrorIs(t, res.Err(), packstream.ErrUnknownZone)
		require.Contains(t, res.Err().Error(), "Europe/Neo4j")
		require.False(t, IsRetryable(res.Err()))
		require.True(t, res.Next(ctx), "the stream goes on after the bad record")
		require.True(t, res.Record().Values[0].(time.Time).Equal(known))
		require.False(t, res.Next(ctx))
		require.NoError(t, res.Err())
	}

	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx.Run(ctx, "RETURN dt", nil)
	require.NoError(t, err)
	check(res)
	require.NoError(t, tx.Commit(ctx))

	// Auto-commit, read ahead into memory by the session's next Run.
	first, err := s.Run(ctx, "RETURN dt", nil)
	require.NoError(t, err)
	second, err := s.Run(ctx, "RETURN dt", nil)
	require.NoError(t, err)
	check(first)
	_, err = second.Collect(ctx)
	require.Error(t, err, "Collect stops at the bad record")
	sum, err := second.Consume(ctx)
	require.NoError(t, err)
	require.NotNil(t, sum)
}
