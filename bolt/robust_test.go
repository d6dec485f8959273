package bolt

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBadResponsesMakeConnDefunct(t *testing.T) {
	ok := appendChunked(nil, unhex(t, "b1 70 a0"))
	for name, wire := range map[string][]byte{
		"not a structure":       appendChunked(nil, unhex(t, "a0")),
		"unknown message":       appendChunked(nil, unhex(t, "b1 55 a0")),
		"SUCCESS without map":   appendChunked(nil, unhex(t, "b1 70 01")),
		"SUCCESS trailing":      appendChunked(nil, unhex(t, "b1 70 a0 01")),
		"SUCCESS two fields":    appendChunked(nil, unhex(t, "b2 70 a0 a0")),
		"FAILURE not map":       appendChunked(nil, unhex(t, "b1 7f 90")),
		"IGNORED with field":    appendChunked(nil, unhex(t, "b1 7e a0")),
		"RECORD for RUN":        appendChunked(nil, unhex(t, "b1 71 91 01")),
		"reserved marker":       appendChunked(nil, unhex(t, "b1 70 a1 81 61 c4")),
		"truncated map":         appendChunked(nil, unhex(t, "b1 70 a2 81 61 01")),
		"huge list claim":       append(ok, appendChunked(nil, unhex(t, "b1 71 d6 7f ff ff ff"))...),
		"RECORD trailing bytes": append(ok, appendChunked(nil, unhex(t, "b1 71 91 01 02"))...),
		"RECORD not a list":     append(ok, appendChunked(nil, unhex(t, "b1 71 01"))...),
		"eof mid message":       {0x00, 0x09, 0xB1, 0x70},
		"eof":                   nil,
	} {
		c := replayConn(Version{5, 8}, bytes.NewReader(wire))
		s, err := c.Run(context.Background(), "RETURN 1", nil, nil, -1)
		if err == nil {
			_, err = s.Next(context.Background())
		}
		require.Error(t, err, name)
		require.ErrorIs(t, err, ErrDefunct, name)
		require.True(t, c.IsDefunct(), name)
		var pe *ProtocolError
		if !strings.HasPrefix(name, "eof") {
			require.True(t, errors.As(err, &pe), "%s: %v", name, err)
		} else if name == "eof" {
			require.ErrorIs(t, err, io.EOF, name)
			require.ErrorContains(t, err, "server closed the connection")
		} else {
			require.ErrorIs(t, err, io.ErrUnexpectedEOF, name)
		}
	}
}

func TestIgnoredReset(t *testing.T) {
	c := replayConn(Version{5, 8}, bytes.NewReader(appendChunked(nil, unhex(t, "b0 7e"))))
	err := c.Reset(context.Background())
	require.ErrorIs(t, err, ErrDefunct)
}

func TestResetFailureIsDefunct(t *testing.T) {
	wire := appendChunked(nil, unhex(t, "b1 7f a0"))
	c := replayConn(Version{5, 8}, bytes.NewReader(wire))
	err := c.Reset(context.Background())
	var se *ServerError
	require.ErrorAs(t, err, &se)
	require.True(t, c.IsDefunct())
}

func TestTraceRedactsCredentials(t *testing.T) {
	var lines []string
	cli, p := startPeer(t, func(p *peer) {
		p.handshake(Version{5, 0})
		p.helloOK(Version{5, 0}, nil)
	})
	cfg := classicConfig(Version{5, 0}, BasicAuth("user", "s3cret-pw", ""))
	cfg.Trace = func(out bool, m string) { lines = append(lines, m) }
	_, err := NewConn(context.Background(), cli, cfg)
	require.NoError(t, err)
	p.wait()
	require.Len(t, lines, 2)
	require.True(t, strings.HasPrefix(lines[0], "HELLO "), lines[0])
	require.Contains(t, lines[0], "user")
	require.NotContains(t, strings.Join(lines, "\n"), "s3cret-pw")
	require.True(t, strings.HasPrefix(lines[1], "SUCCESS "), lines[1])
}

func TestTLSConfigHelpers(t *testing.T) {
	cfg := TLSConfig("db.example.com:7687", TLSVerify, nil)
	require.Equal(t, "db.example.com", cfg.ServerName)
	require.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
	require.False(t, cfg.InsecureSkipVerify)
	require.True(t, TLSConfig("h", TLSSkipVerify, nil).InsecureSkipVerify)

	user := &tls.Config{MinVersion: tls.VersionTLS10}
	got := tlsClientConfig(user, "10.0.0.1:7687")
	require.Equal(t, "10.0.0.1", got.ServerName)
	require.Equal(t, uint16(tls.VersionTLS12), got.MinVersion)
	require.Empty(t, user.ServerName, "caller's config is not modified")
	require.Equal(t, uint16(tls.VersionTLS10), user.MinVersion)

	_, ok := CertPoolFromPEM([]byte("not a certificate"))
	require.False(t, ok)
}

func TestStateTransitions(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.openTxResult("a", 0, int64(1))
		p.expect(sigPull) // Commit drains the open stream first
		p.record(int64(2))
		p.success(nil)
		p.expect(sigCommit)
		p.success(map[string]any{"bookmark": "b"})
	})
	ctx := context.Background()
	require.True(t, c.IsIdle())
	require.NoError(t, c.Begin(ctx, TxConfig{}))
	require.True(t, c.InTx())
	require.False(t, c.IsIdle())
	s, err := c.Run(ctx, "A", nil, nil, 1)
	require.NoError(t, err)
	require.False(t, c.IsIdle())
	_, err = c.Commit(ctx)
	require.NoError(t, err)
	require.True(t, c.IsIdle())
	require.False(t, c.InTx())
	// Records of a stream drained by COMMIT remain readable.
	require.Equal(t, [][]any{{int64(1)}, {int64(2)}}, collect(t, s))
	sum, ok := s.Summary()
	require.True(t, ok)
	require.Equal(t, int64(0), sum.Meta.Map()["qid"])
	p.wait()
	require.NoError(t, c.Close())
	require.True(t, c.IsDefunct())
	require.NoError(t, c.Close(), "Close twice is fine")
	_, err = c.Run(ctx, "A", nil, nil, 1)
	require.ErrorIs(t, err, ErrDefunct)
}

// Neo4j 5.26 answers a RUN with an unknown structure parameter with FAILURE, stays
// READY, fails the pipelined PULL too and closes the connection (golden capture notes).
func TestPullFailureAfterRunFailureThenClose(t *testing.T) {
	c, _, p := dialPeer(t, Version{5, 8}, func(p *peer) {
		p.expectAll(sigRun, sigPull)
		p.msg(sigFailure, map[string]any{"neo4j_code": "Neo.ClientError.Request.Invalid", "message": "bad param",
			"gql_status": "08N06"})
		p.msg(sigFailure, map[string]any{"neo4j_code": "Neo.ClientError.Request.Invalid", "message": "no stream",
			"gql_status": "08N06"})
	})
	ctx := context.Background()
	_, err := c.Run(ctx, "RETURN $x", nil, nil, -1)
	var se *ServerError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "08N06", se.GqlStatus)
	require.Equal(t, "bad param", se.Message, "the RUN's failure is reported")
	p.wait()
	_, err = c.Run(ctx, "RETURN 1", nil, nil, -1)
	require.ErrorIs(t, err, ErrDefunct)
	require.True(t, c.IsDefunct())
}
