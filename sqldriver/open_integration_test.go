package sqldriver_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net/url"
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/sqldriver"
	"github.com/stretchr/testify/require"
)

func TestOpenVariants(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		ctx := context.Background()

		t.Run("OpenDBFromDriver shares a caller-owned driver", func(t *testing.T) {
			nd, err := native.NewDriver(s.URI, native.BasicAuth(s.User, s.Password, ""))
			require.NoError(t, err)
			defer nd.Close(ctx)
			db, err := sqldriver.OpenDBFromDriver(nd, sqldriver.Options{FetchSize: 5})
			require.NoError(t, err)
			var n int64
			require.NoError(t, db.QueryRowContext(ctx, "UNWIND range(1, 20) AS i RETURN sum(i)").Scan(&n))
			require.Equal(t, int64(210), n)
			require.NoError(t, db.Close())
			require.NoError(t, nd.VerifyConnectivity(ctx), "closing the *sql.DB left the native driver open")
		})

		t.Run("OpenDB with a Config", func(t *testing.T) {
			cfg := sqldriver.NewConfig(s.URI)
			if s.User != "" {
				cfg.Auth = native.BasicAuth(s.User, s.Password, "")
			}
			cfg.Driver.UserAgent = "sqldriver-test/1"
			db, err := sqldriver.OpenDB(cfg)
			require.NoError(t, err)
			defer db.Close()
			require.NoError(t, db.PingContext(ctx))

			cfg.Auth = native.BasicAuth("neo4j", "wrong password", "")
			bad, err := sqldriver.OpenDB(cfg)
			require.NoError(t, err)
			defer bad.Close()
			err = bad.PingContext(ctx)
			var ne *native.Neo4jError
			require.True(t, errors.As(err, &ne), "%v", err)
			require.Contains(t, ne.Code, "Security")
		})

		t.Run("Driver.Open without a connector", func(t *testing.T) {
			dc, err := (&sqldriver.Driver{}).Open(dsnFor(s, ""))
			require.NoError(t, err)
			q := dc.(driver.QueryerContext)
			rows, err := q.QueryContext(ctx, "RETURN $1 AS v", []driver.NamedValue{{Ordinal: 1, Value: int64(9)}})
			require.NoError(t, err)
			dest := make([]driver.Value, 1)
			require.NoError(t, rows.Next(dest))
			require.Equal(t, int64(9), dest[0])
			require.ErrorIs(t, rows.Next(dest), io.EOF)
			require.NoError(t, rows.Close())
			require.NoError(t, dc.Close())
		})

		t.Run("access mode from the DSN and the context", func(t *testing.T) {
			s.Clean(t)
			ro := openDB(t, s, "access_mode=read")
			_, err := ro.ExecContext(ctx, "CREATE (:ByReader)")
			require.Error(t, err, "a write in read access mode is refused")
			_, err = ro.ExecContext(sqldriver.WithAccessMode(ctx, native.AccessModeWrite), "CREATE (:ByReader)")
			require.NoError(t, err, "the context overrides the DSN")

			rw := openDB(t, s, "")
			_, err = rw.ExecContext(sqldriver.WithAccessMode(ctx, native.AccessModeRead), "CREATE (:ByReader)")
			require.Error(t, err)
			require.Equal(t, 1, countNodes(t, rw, "ByReader"))
		})
	})
}

func TestTLS(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		s = neo4jtest.GetTLS(t, s.Line)
		require.NotEmpty(t, s.CACert)
		ctx := context.Background()
		for _, opts := range []struct{ scheme, query string }{
			{"bolt+s", "tls_ca_file=" + url.QueryEscape(s.CACert)},
			{"bolt+ssc", ""},
			{"neo4j+s", "tls_ca_file=" + url.QueryEscape(s.CACert)},
		} {
			u, err := url.Parse(dsnFor(s, opts.query))
			require.NoError(t, err)
			u.Scheme = opts.scheme
			db, err := sql.Open("neo4j", u.String())
			require.NoError(t, err)
			var v int64
			require.NoError(t, db.QueryRowContext(ctx, "RETURN 1").Scan(&v), opts.scheme)
			require.NoError(t, db.Close())
		}
		// Verified TLS without the CA fails.
		u, _ := url.Parse(dsnFor(s, ""))
		u.Scheme = "bolt+s"
		db, err := sql.Open("neo4j", u.String())
		require.NoError(t, err)
		defer db.Close()
		require.Error(t, db.PingContext(ctx))
	})
}
