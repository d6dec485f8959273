package boltstub

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

func TestUnexpectedMessageFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "reader-2", NewScript().Login().Expect(Run("RETURN 1", M{}, nil)).Reply(Success(nil)))
	c, err := dial(t, stub.Address())
	require.NoError(t, err)
	_, err = c.Run(bg, "RETURN 2", nil, nil, 0)
	require.ErrorIs(t, err, bolt.ErrDefunct, "the stub closes the connection after a mismatch")
	c.Close()
	requireFailure(t, ft.finish(), "boltstub[reader-2] conn #0", "step 2",
		`expected RUN "RETURN 1" {} *`, `received RUN "RETURN 2" {} {}`, `field 0: want "RETURN 1", got "RETURN 2"`)
}

func TestWrongMessageKindNamesBoth(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "w", NewScript().Login().Expect(Begin(nil)).Reply(Success(nil)))
	c, err := dial(t, stub.Address())
	require.NoError(t, err)
	_, _ = c.Route(bg, bolt.RouteRequest{})
	c.Close()
	requireFailure(t, ft.finish(), "expected BEGIN *", "received ROUTE", "want BEGIN, got ROUTE")
}

func TestUnfinishedScriptFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "router-1", NewScript().Login().Expect(Route(nil, nil, nil)).Reply(Success(nil)))
	c, err := dial(t, stub.Address())
	require.NoError(t, err)
	closeAndWait(t, c, stub)
	requireFailure(t, ft.finish(), "boltstub[router-1]", "the client sent GOODBYE at step 2", "still expects ROUTE")
}

func TestScriptLeftAtTestEndFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "r", NewScript().Login().Expect(Commit()).Reply(Success(nil)))
	c, err := dial(t, stub.Address())
	require.NoError(t, err)
	defer c.Close()
	requireFailure(t, ft.finish(), "the test ended", "still expects COMMIT")
	_ = stub
}

func TestUnplayedAndSurplusConnections(t *testing.T) {
	ft := &fakeT{}
	New(ft, "unused", NewScript().Login(), NewScript().Optional())
	requireFailure(t, ft.finish(), "boltstub[unused]: script #0 was never played")

	ft = &fakeT{}
	stub := New(ft, "one-shot", NewScript().Login())
	c := mustDial(t, stub.Address())
	c.Close()
	_, err := dial(t, stub.Address())
	require.Error(t, err)
	requireFailure(t, ft.finish(), "conn #1: connection arrived but no script is left")
}

func TestMessageAfterScriptEndFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "done", NewScript().Login())
	c, err := dial(t, stub.Address())
	require.NoError(t, err)
	_, err = c.Route(bg, bolt.RouteRequest{})
	require.Error(t, err)
	c.Close()
	requireFailure(t, ft.finish(), "script finished, but received ROUTE")
}

func TestVersionNotOfferedFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "future", NewScript().Bolt(9, 9))
	_, err := dial(t, stub.Address())
	require.Error(t, err)
	requireFailure(t, ft.finish(), "client did not offer Bolt 9.9")
}

// TestRawClient drives the stub with hand-made bytes: the classic handshake
// and one chunked HELLO split over two chunks, plus a NOOP.
func TestRawClient(t *testing.T) {
	sc := NewScript().Bolt(4, 4).
		Expect(Hello(M{"user_agent": "raw/1"})).Reply(Success(M{"server": "Neo4j/4.4.0"}))
	stub := New(t, "raw", sc)
	nc, err := net.Dial("tcp", stub.Address())
	require.NoError(t, err)
	defer nc.Close()
	_, err = nc.Write([]byte{0x60, 0x60, 0xB0, 0x17, 0, 0, 8, 5, 0, 2, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0})
	require.NoError(t, err)
	ans := make([]byte, 4)
	_, err = io.ReadFull(nc, ans)
	require.NoError(t, err)
	require.Equal(t, []byte{0, 0, 4, 4}, ans)

	// B1 01 A1 8A "user_agent" 85 "raw/1"
	body := append([]byte{0xB1, 0x01, 0xA1, 0x8A}, "user_agent"...)
	body = append(append(body, 0x85), "raw/1"...)
	var out []byte
	out = append(out, 0, 0) // NOOP before the message
	out = binary.BigEndian.AppendUint16(out, 5)
	out = append(out, body[:5]...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(body)-5))
	out = append(append(out, body[5:]...), 0, 0)
	_, err = nc.Write(out)
	require.NoError(t, err)

	hdr := make([]byte, 2)
	_, err = io.ReadFull(nc, hdr)
	require.NoError(t, err)
	msg := make([]byte, binary.BigEndian.Uint16(hdr)+2)
	_, err = io.ReadFull(nc, msg)
	require.NoError(t, err)
	// B1 70 A1 86 "server" 8B "Neo4j/4.4.0" 00 00
	want := append([]byte{0xB1, 0x70, 0xA1, 0x86}, "server"...)
	want = append(append(want, 0x8B), "Neo4j/4.4.0"...)
	require.Equal(t, append(want, 0, 0), msg)
}

func TestRawManifestHandshake(t *testing.T) {
	stub := New(t, "raw-manifest", NewScript().Manifest(Version{5, 8}, Version{4, 4}))
	nc, err := net.Dial("tcp", stub.Address())
	require.NoError(t, err)
	defer nc.Close()
	_, err = nc.Write([]byte{0x60, 0x60, 0xB0, 0x17, 0, 0, 1, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	require.NoError(t, err)
	ans := make([]byte, 4+1+8+1)
	_, err = io.ReadFull(nc, ans)
	require.NoError(t, err)
	require.Equal(t, []byte{0, 0, 1, 0xFF, 2, 0, 0, 8, 5, 0, 0, 4, 4, 0}, ans)
	_, err = nc.Write([]byte{0, 0, 4, 4, 0})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(stub.Handshakes()) == 1 }, 5*time.Second, time.Millisecond)
	require.Equal(t, Version{4, 4}, stub.Handshakes()[0].Negotiated)
}

func TestOptionalStepsInFailureMessage(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "opt", NewScript().Login().Maybe(Telemetry(nil)).Reply(Success(nil)).Expect(Begin(nil)).Reply(Success(nil)))
	c, err := dial(t, stub.Address())
	require.NoError(t, err)
	_, _ = c.Route(bg, bolt.RouteRequest{})
	c.Close()
	requireFailure(t, ft.finish(), "expected optional TELEMETRY * or BEGIN *", "received ROUTE")
}

func TestClientDisconnectWithoutGoodbye(t *testing.T) {
	ft := &fakeT{}
	stub := New(ft, "cut", NewScript().Bolt(4, 4).Expect(Hello(nil)).Reply(Success(nil)).Expect(Run(nil, nil, nil)).Reply())
	w := rawClient(t, stub.Address(), Version{4, 4})
	require.NoError(t, w.writeMessage(SigHello, M{}))
	_, err := w.readMessage()
	require.NoError(t, err)
	w.nc.Close()
	require.Eventually(t, func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		return len(ft.errs) == 1
	}, 5*time.Second, time.Millisecond)
	requireFailure(t, ft.finish(), "the client closed the connection at step 1, but the script still expects RUN * * *")
}
