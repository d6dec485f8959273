package boltstub

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

var bg = context.Background()

func TestScriptedQueryOverBoltDial(t *testing.T) {
	sc := NewScript().Bolt(5, 8).
		Expect(Hello(Partial(M{"user_agent": Any, "bolt_agent": Partial(M{"product": Any})}))).
		Reply(Success(M{"server": "Neo4j/5.26.0", "connection_id": "bolt-7"})).
		Expect(Logon(M{"scheme": "basic", "principal": "neo4j", "credentials": "secret"})).Reply(Success(nil)).
		Expect(Run("RETURN $x AS x", M{"x": 1}, Partial(M{"db": "neo4j"}))).
		Reply(Success(M{"fields": []string{"x"}, "t_first": 1})).
		Expect(Pull(M{"n": 1000})).
		Reply(Record(1), Success(M{"type": "r", "bookmark": "bm:1", "db": "neo4j"}))
	stub := New(t, "single", sc)

	c := mustDial(t, stub.Address())
	require.Equal(t, "bolt-7", c.ConnectionID())
	require.Equal(t, bolt.Version{Major: 5, Minor: 8}, c.Version())
	st, err := c.Run(bg, "RETURN $x AS x", map[string]any{"x": 1}, &bolt.TxConfig{Database: "neo4j"}, 0)
	require.NoError(t, err)
	require.Equal(t, []string{"x"}, st.Keys())
	rec, err := st.Next(bg)
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, rec)
	rec, err = st.Next(bg)
	require.NoError(t, err)
	require.Nil(t, rec)
	sum, _ := st.Summary()
	require.Equal(t, "bm:1", sum.Bookmark())
	closeAndWait(t, c, stub)
	stub.Close()

	require.Equal(t, "HELLO LOGON RUN PULL GOODBYE", names(stub.Received()))
	hs := stub.Handshakes()
	require.Len(t, hs, 1)
	require.False(t, hs[0].Manifest)
	require.Equal(t, Version{5, 8}, hs[0].Negotiated)
	require.Equal(t, 1, stub.Count("RUN"))
	run := stub.Received()[2]
	require.Equal(t, "RETURN $x AS x", run.Field(0))
	require.Equal(t, "neo4j", run.Extra()["db"])
}

func TestManifestHandshake(t *testing.T) {
	sc := NewScript().Manifest(Version{6, 0}, Version{5, 8}, Version{4, 4}).Login()
	stub := New(t, "manifest", sc)
	c := mustDial(t, stub.Address())
	require.Equal(t, bolt.Version{Major: 6, Minor: 0}, c.Version(), "the client picks its best offered version")
	closeAndWait(t, c, stub)
	stub.Close()
	hs := stub.Handshakes()
	require.True(t, hs[0].Manifest)
	require.Equal(t, Version{6, 0}, hs[0].Negotiated)
}

func TestLoginBeforeBolt51SendsOnlyHello(t *testing.T) {
	stub := New(t, "old", NewScript().Bolt(4, 4).Login())
	c := mustDial(t, stub.Address())
	require.Equal(t, bolt.Version{Major: 4, Minor: 4}, c.Version())
	closeAndWait(t, c, stub)
	stub.Close()
	require.Equal(t, "HELLO GOODBYE", names(stub.Received()))
	require.Equal(t, "basic", stub.Received()[0].Extra()["scheme"], "auth rides in HELLO before 5.1")
}

func TestRefusedHandshake(t *testing.T) {
	stub := New(t, "refuser", NewScript().Refuse())
	_, err := dial(t, stub.Address())
	require.Error(t, err)
	require.ErrorIs(t, err, bolt.ErrDefunct)
}

func TestRouteAnswer(t *testing.T) {
	sc := NewScript().Login().
		Expect(Route(Partial(M{"address": "example.com:7687"}), []string{"bm1"}, M{"db": "neo4j", "imp_user": Absent})).
		Reply(RouteTable(300, "neo4j", []string{"r:1"}, []string{"a:1", "b:1"}, []string{"w:1"}))
	stub := New(t, "router", sc)
	c := mustDial(t, stub.Address(), func(cfg *bolt.DialConfig) {
		cfg.RoutingContext = map[string]string{"address": "example.com:7687"}
	})
	rt, err := c.Route(bg, bolt.RouteRequest{Database: "neo4j", Bookmarks: []string{"bm1"}})
	require.NoError(t, err)
	require.Equal(t, bolt.RoutingTable{TTL: 300 * time.Second, Database: "neo4j",
		Routers: []string{"r:1"}, Readers: []string{"a:1", "b:1"}, Writers: []string{"w:1"}}, rt)
}

func TestFailureReachesClientAsServerError(t *testing.T) {
	sc := NewScript().Login().
		Expect(Run("CREATE ()", nil, nil)).Reply(Failure("Neo.ClientError.Cluster.NotALeader", "no")).
		Expect(Pull(nil)).Reply(Ignored()).
		Expect(Reset()).Reply(Success(nil))
	stub := New(t, "follower", sc)
	c := mustDial(t, stub.Address())
	_, err := c.Run(bg, "CREATE ()", nil, nil, 0)
	var se *bolt.ServerError
	require.ErrorAs(t, err, &se)
	require.True(t, se.IsRoutingError())
	require.NoError(t, c.Reset(bg))
}

func TestMaybeAndAutoReset(t *testing.T) {
	sc := NewScript().AutoReset().Login().
		Maybe(Telemetry(nil)).Reply(Success(nil)).
		Expect(Route(nil, nil, nil)).Reply(RouteTable(10, "neo4j", []string{"r:1"}, nil, nil)).
		Expect(Route(nil, nil, nil)).Reply(RouteTable(10, "neo4j", []string{"r:2"}, nil, nil))
	stub := New(t, "lenient", sc)
	c := mustDial(t, stub.Address())
	_, err := c.Route(bg, bolt.RouteRequest{})
	require.NoError(t, err)
	require.NoError(t, c.Reset(bg)) // not in the script: answered by AutoReset
	rt, err := c.Route(bg, bolt.RouteRequest{})
	require.NoError(t, err)
	require.Equal(t, []string{"r:2"}, rt.Routers)
}

func TestCloseActionBreaksTheConnection(t *testing.T) {
	sc := NewScript().Login().Expect(Run(nil, nil, nil)).Reply(Close())
	stub := New(t, "dies", sc)
	c := mustDial(t, stub.Address())
	_, err := c.Run(bg, "RETURN 1", nil, nil, 0)
	var ce *bolt.ConnectivityError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, stub.Address(), ce.Address)
	require.True(t, c.IsDefunct())
}

func TestHalfCloseClientSeesEndOfStream(t *testing.T) {
	sc := NewScript().Login().Expect(Run(nil, nil, nil)).Reply(HalfClose()).Expect(Pull(nil)).Reply()
	stub := New(t, "half", sc)
	c := mustDial(t, stub.Address())
	_, err := c.Run(bg, "RETURN 1", nil, nil, 0)
	require.ErrorIs(t, err, bolt.ErrDefunct)
}

func TestHangHonoursClientContext(t *testing.T) {
	sc := NewScript().Login().Expect(Run(nil, nil, nil)).Reply(Hang())
	stub := New(t, "hangs", sc)
	c := mustDial(t, stub.Address())
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Run(ctx, "RETURN 1", nil, nil, 0)
	require.Error(t, err)
	require.True(t, errors.Is(err, context.DeadlineExceeded) || errors.Is(err, bolt.ErrDefunct), "%v", err)
	require.Less(t, time.Since(start), 3*time.Second)
}

func TestSleepDelaysTheAnswer(t *testing.T) {
	sc := NewScript().Login().
		Expect(Route(nil, nil, nil)).Reply(Sleep(150*time.Millisecond), RouteTable(1, "", []string{"r:1"}, nil, nil))
	stub := New(t, "slow", sc)
	c := mustDial(t, stub.Address())
	start := time.Now()
	_, err := c.Route(bg, bolt.RouteRequest{})
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
}

func TestRepeatLastAndAddScripts(t *testing.T) {
	s, err := Start(t, Options{Name: "repeat", Scripts: []*Script{NewScript().Login()}, RepeatLast: true})
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		c := mustDial(t, s.Address())
		c.Close()
	}
	require.Eventually(t, func() bool { return s.Count("GOODBYE") == 3 }, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, 3, s.Connections())
}

func TestSetDownDropsConnections(t *testing.T) {
	s, err := Start(t, Options{Name: "flaky", Scripts: []*Script{NewScript().Login()}, RepeatLast: true})
	require.NoError(t, err)
	s.SetDown(true)
	_, err = dial(t, s.Address())
	require.ErrorIs(t, err, bolt.ErrDefunct)
	s.SetDown(false)
	c := mustDial(t, s.Address())
	c.Close()
}

func TestStartRejectsHandlerWithScripts(t *testing.T) {
	_, err := Start(t, Options{Name: "x", Scripts: []*Script{NewScript()}, Handler: func(int, Version) Session { return nil }})
	require.ErrorContains(t, err, "exclusive")
	_, err = Start(t, Options{Address: "256.0.0.1:1"})
	require.ErrorContains(t, err, "listen on 256.0.0.1:1")
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ft := &fakeT{}
	stub := New(ft, "leaky?", NewScript().Login().Expect(Run(nil, nil, nil)).Reply(Hang()), NewScript().Login())
	c1, err := dial(t, stub.Address())
	require.NoError(t, err)
	st := make(chan error, 1)
	go func() { _, err := c1.Run(bg, "RETURN 1", nil, nil, 0); st <- err }()
	c2, err := dial(t, stub.Address())
	require.NoError(t, err)
	require.Eventually(t, func() bool { return stub.Count("RUN") == 1 }, 5*time.Second, time.Millisecond)
	require.Empty(t, ft.finish(), "a hanging script and an idle finished one end quietly")
	require.Error(t, <-st, "the hanging connection is closed by the stub")
	c1.Close()
	c2.Close()
}

func TestHangingHandshakeHitsConnectTimeout(t *testing.T) {
	stub := New(t, "silent", MustParse(t, "!: HANG HANDSHAKE"))
	start := time.Now()
	_, err := dial(t, stub.Address(), func(cfg *bolt.DialConfig) { cfg.ConnectTimeout = 100 * time.Millisecond })
	require.Error(t, err)
	require.Less(t, time.Since(start), 3*time.Second)
	require.Eventually(t, func() bool { return len(stub.Handshakes()) == 1 }, 5*time.Second, time.Millisecond)
	require.Equal(t, Version{}, stub.Handshakes()[0].Negotiated)
}
