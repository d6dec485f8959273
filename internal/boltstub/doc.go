// Package boltstub is a scripted Bolt server for tests. It listens on
// 127.0.0.1, speaks the handshake (classic or manifest v1) and then plays, per
// connection, either a Script — the client messages it expects, in order, and
// what it answers to each — or a Handler (see Cluster). It records every
// message it receives so a test can assert what was (or was not) sent.
//
// A script is built in Go:
//
//	sc := boltstub.NewScript().Bolt(5, 8).
//		Login(). // HELLO and LOGON with any fields, answered with SUCCESS
//		Expect(boltstub.Run("RETURN 1 AS x", boltstub.M{}, nil)).
//		Reply(boltstub.Success(boltstub.M{"fields": []string{"x"}})).
//		Expect(boltstub.Pull(boltstub.M{"n": 1000})).
//		Reply(boltstub.Record(1), boltstub.Success(boltstub.M{"type": "r"}))
//	stub := boltstub.New(t, "reader-1", sc)
//	// dial stub.Address() ...
//
// or parsed from a compact text form (see Parse):
//
//	sc := boltstub.MustParse(t, `
//		!: BOLT 5.8
//		C: LOGIN
//		C: RUN "RETURN 1 AS x" {} {"db": "neo4j", ...}
//		S: SUCCESS {"fields": ["x"]}
//		C: PULL {"n": 1000}
//		S: RECORD [1]
//		S: SUCCESS {"type": "r"}
//	`)
//
// Expected fields are matched after normalisation (every Go integer kind equals
// the int64 the wire carries, []string equals a list of strings). A nil field
// matches anything; an M must have exactly the given keys, a Partial at least
// them; Any, Absent and Func give finer control.
//
// Any mismatch fails the test (t.Errorf) with the member's name, the
// connection, the step, what was expected and what arrived, and the connection
// is closed. So does a script left unfinished when the client goes away or the
// test ends, and a connection that arrives with no script left.
//
// Several members (routers, readers, writers) are several stubs; NewCluster
// starts a set of them that answer from shared state, including ROUTE from a
// topology the test may change at any time (SetRoles).
package boltstub
