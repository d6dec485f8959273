package boltstub

import (
	"testing"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

func TestClusterRoutesAndChangesTopology(t *testing.T) {
	c := NewCluster(t, Handshake{}, "core1", "core2", "core3")
	c.SetRoles("neo4j", Roles{Routers: []string{"core1", "core2"}, Readers: []string{"core2", "core3"}, Writers: []string{"core1"}})
	c.SetTTL(60)
	conn := mustDial(t, c.Member("core2").Address())
	rt, err := conn.Route(bg, bolt.RouteRequest{Database: "neo4j"})
	require.NoError(t, err)
	require.Equal(t, c.Addresses("core1", "core2"), rt.Routers)
	require.Equal(t, c.Addresses("core2", "core3"), rt.Readers)
	require.Equal(t, c.Addresses("core1"), rt.Writers)
	require.Equal(t, int64(60), int64(rt.TTL.Seconds()))

	// Leader moves to core3; a dead address can be listed too.
	c.SetRoles("neo4j", Roles{Routers: []string{"core2", "127.0.0.1:1"}, Readers: []string{"core2"}, Writers: []string{"core3"}})
	rt, err = conn.Route(bg, bolt.RouteRequest{Database: "neo4j"})
	require.NoError(t, err)
	require.Equal(t, []string{c.Member("core2").Address(), "127.0.0.1:1"}, rt.Routers)
	require.Equal(t, c.Addresses("core3"), rt.Writers)
	require.Equal(t, 2, c.Member("core2").Count("ROUTE"))
	require.Zero(t, c.Member("core1").Count("ROUTE"))
}

func TestClusterHomeDatabase(t *testing.T) {
	c := NewCluster(t, Handshake{}, "a")
	c.SetRoles("neo4j", Roles{Routers: []string{"a"}, Readers: []string{"a"}, Writers: []string{"a"}})
	c.SetRoles("alicedb", Roles{Routers: []string{"a"}, Readers: []string{"a"}, Writers: []string{"a"}})
	c.SetHome("alice", "alicedb")
	conn := mustDial(t, c.Member("a").Address())
	rt, err := conn.Route(bg, bolt.RouteRequest{})
	require.NoError(t, err)
	require.Equal(t, "neo4j", rt.Database)
	rt, err = conn.Route(bg, bolt.RouteRequest{ImpersonatedUser: "alice"})
	require.NoError(t, err)
	require.Equal(t, "alicedb", rt.Database)

	_, err = conn.Route(bg, bolt.RouteRequest{Database: "missing"})
	var se *bolt.ServerError
	require.ErrorAs(t, err, &se)
	require.True(t, se.IsFatalDuringDiscovery())
	require.NoError(t, conn.Reset(bg))
}

func TestClusterWritesNeedTheLeader(t *testing.T) {
	c := NewCluster(t, Handshake{}, "leader", "follower")
	c.SetRoles("neo4j", Roles{Routers: []string{"leader", "follower"}, Readers: []string{"follower"}, Writers: []string{"leader"}})
	c.Member("leader").OnQuery(func(q Query) Result {
		return Result{Fields: []string{"db", "mode"}, Records: [][]any{{q.Database, q.Mode}}}
	})

	f := mustDial(t, c.Member("follower").Address())
	_, err := f.Run(bg, "CREATE ()", nil, &bolt.TxConfig{Database: "neo4j"}, 0)
	var se *bolt.ServerError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "Neo.ClientError.Cluster.NotALeader", se.Code)
	require.NoError(t, f.Reset(bg))
	st, err := f.Run(bg, "MATCH (n) RETURN n", nil, &bolt.TxConfig{Database: "neo4j", Mode: bolt.Read}, 0)
	require.NoError(t, err)
	_, err = st.Consume(bg)
	require.NoError(t, err)

	l := mustDial(t, c.Member("leader").Address())
	require.NoError(t, l.Begin(bg, bolt.TxConfig{}))
	st, err = l.Run(bg, "CREATE ()", nil, nil, 0)
	require.NoError(t, err)
	rec, err := st.Next(bg)
	require.NoError(t, err)
	require.Equal(t, []any{"neo4j", "w"}, rec)
	res, err := l.Commit(bg)
	require.NoError(t, err)
	require.Regexp(t, `^bm:leader:\d+$`, res.Bookmark)
}

func TestClusterMemberDownAndRouteFailure(t *testing.T) {
	c := NewCluster(t, Handshake{Version: Version{5, 4}}, "a", "b")
	c.SetRoles("neo4j", Roles{Routers: []string{"a", "b"}, Readers: []string{"a"}, Writers: []string{"a"}})
	c.Member("a").SetDown(true)
	_, err := dial(t, c.Member("a").Address())
	require.ErrorIs(t, err, bolt.ErrDefunct)

	c.Member("b").FailRoute("Neo.TransientError.General.DatabaseUnavailable", "down")
	conn := mustDial(t, c.Member("b").Address())
	require.Equal(t, bolt.Version{Major: 5, Minor: 4}, conn.Version())
	_, err = conn.Route(bg, bolt.RouteRequest{Database: "neo4j"})
	var se *bolt.ServerError
	require.ErrorAs(t, err, &se)
	require.True(t, se.IsDatabaseUnavailable())
	require.NoError(t, conn.Reset(bg))
	c.Member("b").FailRoute("", "")
	_, err = conn.Route(bg, bolt.RouteRequest{Database: "neo4j"})
	require.NoError(t, err)
}

func TestClusterUnhandledMessageFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	c := NewCluster(ft, Handshake{}, "m")
	w := rawClient(t, c.Member("m").Address(), Version{5, 8})
	require.NoError(t, w.writeMessage(SigHello, M{}))
	reply, err := w.readMessage()
	require.NoError(t, err)
	require.Equal(t, "SUCCESS", reply.Name)
	require.NoError(t, w.writeMessage(SigDiscard, M{"n": -1}))
	_, err = w.readMessage()
	require.Error(t, err, "the member closes the connection")
	requireFailure(t, ft.finish(), "boltstub[m] conn #0", "received DISCARD {\"n\":-1}", "DISCARD without an open result")
}
