package bolt

import (
	"context"
	"crypto/x509"
	"os"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/stretchr/testify/require"
)

func TestIntegrationTLS(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		s = neo4jtest.GetTLS(t, s.Line)
		if s.CACert == "" {
			t.Skip("server has no TLS")
		}
		pem, err := os.ReadFile(s.CACert)
		require.NoError(t, err)
		pool, ok := CertPoolFromPEM(pem)
		require.True(t, ok)
		ctx := context.Background()
		run := func(c *Conn) {
			st, err := c.Run(ctx, "RETURN 'tls' AS x", nil, nil, -1)
			require.NoError(t, err)
			require.Equal(t, [][]any{{"tls"}}, collect(t, st))
		}

		// bolt+s: verified against the test CA, for the IP and for the host name.
		run(dialServer(t, s, DialConfig{TLS: TLSConfig(s.Host, TLSVerify, pool)}))
		run(dialServer(t, s, DialConfig{TLS: TLSConfig("localhost", TLSVerify, pool)}))
		// bolt+ssc: any certificate.
		run(dialServer(t, s, DialConfig{TLS: TLSConfig(s.Host, TLSSkipVerify, nil)}))

		// The system roots do not know the test CA.
		_, err = Dial(ctx, DialConfig{Address: s.Address(), Auth: BasicAuth(s.User, s.Password, ""),
			TLS: TLSConfig(s.Host, TLSVerify, x509.NewCertPool()), ConnectTimeout: 10 * time.Second})
		var ce *ConnectivityError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, "tls handshake", ce.Op)
		// A name the certificate does not cover fails verification.
		_, err = Dial(ctx, DialConfig{Address: s.Address(), Auth: BasicAuth(s.User, s.Password, ""),
			TLS: TLSConfig("example.com", TLSVerify, pool), ConnectTimeout: 10 * time.Second})
		require.ErrorAs(t, err, &ce)
	})
}

func TestIntegrationDialErrors(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()
		if s.User != "" {
			_, err := Dial(ctx, DialConfig{Address: s.Address(), Auth: BasicAuth(s.User, "wrong", ""), ConnectTimeout: 10 * time.Second})
			var se *ServerError
			require.ErrorAs(t, err, &se)
			require.True(t, se.IsAuthenticationError(), se.Code)
		}
		_, err := Dial(ctx, DialConfig{Address: "127.0.0.1:1", Auth: NoAuth(), ConnectTimeout: 2 * time.Second})
		var ce *ConnectivityError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, "dial", ce.Op)
	})
}
