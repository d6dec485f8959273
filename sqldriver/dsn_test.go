package sqldriver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

func TestParseDSNDefaults(t *testing.T) {
	c, err := ParseDSN("neo4j://localhost")
	require.NoError(t, err)
	require.Equal(t, "neo4j://localhost:7687", c.URI)
	require.Nil(t, c.Auth)
	require.Empty(t, c.Database)
	require.Equal(t, native.DefaultConfig().String(), c.Driver.String())
	require.Equal(t, Options{}, c.Options)
}

func TestParseDSNEveryOption(t *testing.T) {
	dsn := "neo4j+s://app:s%40cret@db.example.com:7999/movies?" +
		"access_mode=read&bookmarks=session&fetch_size=all&impersonated_user=bob&" +
		"max_connection_pool_size=7&connection_acquisition_timeout=3s&max_connection_lifetime=2m&" +
		"connection_liveness_check_timeout=0s&socket_connect_timeout=250ms&socket_keepalive=false&" +
		"max_transaction_retry_time=9s&user_agent=me%2F1&telemetry=false&compat_handshake=true&" +
		"notifications_min_severity=warning&notifications_disabled_classifications=hint,deprecation&" +
		"values=standard&routing.region=eu&routing.zone=a%20b"
	c, err := ParseDSN(dsn)
	require.NoError(t, err)
	require.Equal(t, "neo4j+s://db.example.com:7999?region=eu&zone=a+b", c.URI)
	require.Equal(t, native.BasicAuth("app", "s@cret", ""), c.Auth)
	require.Equal(t, "movies", c.Database)
	require.Equal(t, native.AccessModeRead, c.AccessMode)
	require.Equal(t, BookmarksSession, c.Bookmarks)
	require.Equal(t, native.FetchAll, c.FetchSize)
	require.Equal(t, "bob", c.ImpersonatedUser)
	require.Equal(t, ValuesStandard, c.Values)
	d := c.Driver
	require.Equal(t, 7, d.MaxConnectionPoolSize)
	require.Equal(t, 3*time.Second, d.ConnectionAcquisitionTimeout)
	require.Equal(t, 2*time.Minute, d.MaxConnectionLifetime)
	require.Equal(t, time.Duration(0), d.ConnectionLivenessCheckTimeout)
	require.Equal(t, 250*time.Millisecond, d.SocketConnectTimeout)
	require.False(t, d.SocketKeepalive)
	require.Equal(t, 9*time.Second, d.MaxTransactionRetryTime)
	require.Equal(t, "me/1", d.UserAgent)
	require.True(t, d.TelemetryDisabled)
	require.True(t, d.CompatHandshake)
	require.Equal(t, native.NotificationWarningLevel, d.NotificationsMinSeverity)
	require.Equal(t, []native.NotificationClassification{native.NotificationHint, native.NotificationDeprecation},
		d.NotificationsDisabledClassifications)
	require.NotContains(t, c.String(), "s@cret")
}

func TestParseDSNVariants(t *testing.T) {
	c, err := ParseDSN("bolt://[::1]:7688/")
	require.NoError(t, err)
	require.Equal(t, "bolt://[::1]:7688", c.URI)
	require.Empty(t, c.Database)

	c, err = ParseDSN("BOLT://u@h?connection_liveness_check_timeout=disabled&fetch_size=10&bookmarks=none&access_mode=WRITE")
	require.NoError(t, err)
	require.Equal(t, "bolt://h:7687", c.URI)
	require.Equal(t, native.BasicAuth("u", "", ""), c.Auth)
	require.Equal(t, native.LivenessCheckDisabled, c.Driver.ConnectionLivenessCheckTimeout)
	require.Equal(t, 10, c.FetchSize)
	require.Equal(t, BookmarksNone, c.Bookmarks)
	require.Equal(t, native.AccessModeWrite, c.AccessMode)
}

func TestParseDSNErrorsNameTheCulprit(t *testing.T) {
	cases := map[string]string{
		"":                                          "no scheme",
		"localhost:7687":                            `scheme "localhost" is not supported`,
		"http://h":                                  `scheme "http" is not supported`,
		"neo4j://":                                  "no host",
		"neo4j://h:0":                               `port "0"`,
		"neo4j://h:99999":                           `port "99999"`,
		"neo4j://h/a/b":                             `path "/a/b"`,
		"neo4j://h#frag":                            `a fragment ("#...") is not supported`,
		"neo4j://h?colour=blue":                     `unknown option "colour"`,
		"neo4j://h?fetch_size=1&fetch_size=2":       `option "fetch_size" is given 2 times`,
		"neo4j://h?fetch_size=many":                 `option "fetch_size": invalid value "many": want an integer`,
		"neo4j://h?socket_connect_timeout=5":        `option "socket_connect_timeout": invalid value "5": want a Go duration`,
		"neo4j://h?socket_keepalive=maybe":          `option "socket_keepalive"`,
		"neo4j://h?access_mode=admin":               `option "access_mode": invalid value "admin": want read or write`,
		"neo4j://h?bookmarks=all":                   `option "bookmarks"`,
		"neo4j://h?notifications_min_severity=loud": `option "notifications_min_severity"`,
		"neo4j://h?notifications_disabled_classifications=hint,,x": `option "notifications_disabled_classifications"`,
		"neo4j://h?notifications_disabled_classifications=nope":    `unknown classification "NOPE"`,
		"neo4j://h?max_connection_pool_size=0":                     "MaxConnectionPoolSize must not be 0",
		"neo4j://h?max_transaction_retry_time=-1s":                 "MaxTransactionRetryTime must not be negative",
		"neo4j://h?fetch_size=-5":                                  "FetchSize must be positive",
		"bolt://h?routing.region=eu":                               `option "routing.region": routing context needs a neo4j`,
		"neo4j://h?routing.=x":                                     `option "routing.": invalid routing context key`,
		"neo4j://h?routing.address=x":                              `option "routing.address"`,
		"neo4j://h?routing.region=":                                `option "routing.region": empty value`,
		"neo4j://h?tls_ca_file=/x":                                 `option "tls_ca_file" needs an encrypted scheme`,
		"neo4j+s://h?tls_ca_file=/does/not/exist":                  `option "tls_ca_file"`,
		"neo4j+s://h?tls_cert_file=/c":                             `"tls_cert_file" needs "tls_key_file"`,
		"neo4j+s://h?tls_key_file=/k":                              `"tls_key_file" needs "tls_cert_file"`,
		"neo4j://h?a=%zz":                                          "malformed options",
	}
	for dsn, want := range cases {
		_, err := ParseDSN(dsn)
		require.ErrorIs(t, err, ErrDSN, dsn)
		require.ErrorContains(t, err, want, dsn)
	}
}

func TestParseDSNNeverLeaksPassword(t *testing.T) {
	for _, dsn := range []string{
		"neo4j://u:topsecret@h?bad=1",
		"neo4j://u:topsecret@h:x",
		"neo4j://u:topsecret@h/a/b",
		"neo4j://u:topsecret@h:%zz",
	} {
		_, err := ParseDSN(dsn)
		require.Error(t, err, dsn)
		require.NotContains(t, err.Error(), "topsecret", dsn)
	}
}

func TestParseDSNTLSFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not pem"), 0o600))
	_, err := ParseDSN("bolt+s://h?tls_ca_file=" + bad)
	require.ErrorContains(t, err, "no PEM certificate")

	ca := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(ca, selfSignedPEM(t), 0o600))
	c, err := ParseDSN("bolt+s://h?tls_ca_file=" + ca)
	require.NoError(t, err)
	require.NotNil(t, c.Driver.TlsConfig)
	require.NotNil(t, c.Driver.TlsConfig.RootCAs)
}

func TestDSNOptionsDocumented(t *testing.T) {
	doc, err := os.ReadFile("DSN.md")
	require.NoError(t, err)
	pkgDoc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	for _, k := range DSNOptions() {
		require.Contains(t, string(doc), "`"+k+"`", "DSN.md lacks %s", k)
		require.Contains(t, string(pkgDoc), k+"=", "doc.go lacks %s", k)
	}
}

// selfSignedPEM returns a freshly generated self-signed CA certificate in PEM.
func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sqldriver test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
