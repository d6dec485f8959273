package native

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseURI(t *testing.T) {
	ok := []struct {
		uri                         string
		address                     string
		routing, encrypted, skipVer bool
		ctx                         map[string]string
	}{
		{"bolt://localhost", "localhost:7687", false, false, false, nil},
		{"bolt://db.example.com:7688", "db.example.com:7688", false, false, false, nil},
		{"bolt+s://h:1", "h:1", false, true, false, nil},
		{"bolt+ssc://h", "h:7687", false, true, true, nil},
		{"BOLT://h/", "h:7687", false, false, false, nil},
		{"bolt://[::1]:9000", "[::1]:9000", false, false, false, nil},
		{"neo4j://h", "h:7687", true, false, false, map[string]string{"address": "h:7687"}},
		{"neo4j+s://h:7000?region=eu&policy=fast", "h:7000", true, true, false,
			map[string]string{"region": "eu", "policy": "fast", "address": "h:7000"}},
		{"neo4j+ssc://h", "h:7687", true, true, true, map[string]string{"address": "h:7687"}},
	}
	for _, c := range ok {
		tg, err := parseURI(c.uri)
		require.NoError(t, err, c.uri)
		require.Equal(t, c.address, tg.address, c.uri)
		require.Equal(t, c.routing, tg.routing, c.uri)
		require.Equal(t, c.encrypted, tg.encrypted, c.uri)
		require.Equal(t, c.skipVer, tg.skipVerify, c.uri)
		require.Equal(t, c.ctx, tg.routingContext, c.uri)
	}
	bad := []struct{ uri, wantInErr string }{
		{"", "empty"},
		{"localhost:7687", "scheme"},
		{"http://h", `scheme "http"`},
		{"bolt://", "no host"},
		{"bolt://h:0", `port "0"`},
		{"bolt://h:70000", `port "70000"`},
		{"bolt://h:abc", "abc"},
		{"bolt://h?region=eu", "query"},
		{"bolt://h/db", `path "/db"`},
		{"neo4j://h?address=x", `"address"`},
		{"neo4j://h?a=1&a=2", `"a" appears 2 times`},
		{"neo4j://h?a=", `"a" has an empty value`},
		{"bolt://user:secret@h", "user info"},
		{"bolt://h#frag", "fragment"},
	}
	for _, c := range bad {
		_, err := parseURI(c.uri)
		require.Error(t, err, c.uri)
		require.True(t, IsUsageError(err), c.uri)
		require.ErrorContains(t, err, c.wantInErr, c.uri)
		require.NotContains(t, err.Error(), "secret")
	}
}

func TestNewDriverValidatesWithoutIO(t *testing.T) {
	d, err := NewDriver("bolt://127.0.0.1:1", NoAuth())
	require.NoError(t, err, "no I/O until used")
	require.False(t, d.IsEncrypted())
	u := d.Target()
	require.Equal(t, "127.0.0.1:1", u.Host)
	require.NoError(t, d.Close(context.Background()))

	_, err = NewDriver("neo4j+s://h", nil, func(c *Config) { c.MaxConnectionPoolSize = 0 })
	require.ErrorContains(t, err, "MaxConnectionPoolSize")
	_, err = NewDriver("bolt://h", nil, func(c *Config) { c.ConnectionLivenessCheckTimeout = -1 })
	require.ErrorContains(t, err, "ConnectionLivenessCheckTimeout")
	_, err = NewDriver("bolt://h", nil, func(c *Config) { c.MaxTransactionRetryTime = -1 })
	require.ErrorContains(t, err, "MaxTransactionRetryTime")
	_, err = NewDriver("bolt://h", nil, func(c *Config) { c.FetchSize = -2 })
	require.ErrorContains(t, err, "FetchSize")
	_, err = NewDriver("bolt://h", nil, func(c *Config) { c.NotificationsMinSeverity = "LOUD" })
	require.ErrorContains(t, err, "NotificationsMinSeverity")
	_, err = NewDriver("bolt://h", nil, func(c *Config) {
		c.NotificationsDisabledClassifications = []NotificationClassification{"NOPE"}
	})
	require.ErrorContains(t, err, `"NOPE"`)
}

// IsEncrypted answers from the URI scheme, also after Close (TestKit's
// Detail:ClosedDriverIsEncrypted).
func TestIsEncryptedAfterClose(t *testing.T) {
	for uri, want := range map[string]bool{"neo4j+s://example.com:6666": true, "bolt+ssc://example.com": true,
		"bolt://example.com": false, "neo4j://example.com": false} {
		d, err := NewDriver(uri, NoAuth())
		require.NoError(t, err)
		require.Equal(t, want, d.IsEncrypted(), uri)
		require.NoError(t, d.Close(context.Background()))
		require.Equal(t, want, d.IsEncrypted(), uri)
	}
}
