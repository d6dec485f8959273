package reliability

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/native"
)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "boltwire reliability CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// leaf issues a server certificate for names/IPs, valid from notBefore to notAfter;
// a nil ca makes it self-signed.
func leaf(t *testing.T, ca *testCA, dns []string, ips []net.IP, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "boltwire test server"},
		NotBefore: notBefore, NotAfter: notAfter, DNSNames: dns, IPAddresses: ips,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	parent, signer := tmpl, any(key)
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// tlsFront is a small Go TLS listener that terminates TLS with cert and forwards the
// plaintext to target (the real server's plain Bolt). It returns its address.
func tlsFront(t *testing.T, cert tls.Certificate, target string) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	serveConns(t, ln, func(c net.Conn, track func(net.Conn)) {
		if err := c.(*tls.Conn).Handshake(); err != nil {
			return
		}
		s, err := net.Dial("tcp", target)
		if err != nil {
			return
		}
		defer s.Close()
		track(s)
		go func() { io.Copy(s, c); s.Close() }()
		io.Copy(c, s)
	})
	return ln.Addr().String()
}

// plainOnly is a Bolt-speaking-looking listener without TLS: like a server with TLS
// disabled, it closes connections whose first bytes are not the Bolt magic.
func plainOnly(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveConns(t, ln, func(c net.Conn, _ func(net.Conn)) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		b := make([]byte, 20)
		if _, err := io.ReadFull(c, b); err != nil || string(b[:4]) != "\x60\x60\xB0\x17" {
			return
		}
		c.Write([]byte{0, 0, 0, 0}) // no version in common
	})
	return ln.Addr().String()
}

// TestTLSMatrix checks every TLS set-up a user can get wrong: each either works or
// fails promptly with an error that says what is wrong.
func TestTLSMatrix(t *testing.T) {
	neo4jtest.ForEachLine(t, func(t *testing.T, s *neo4jtest.Server) {
		if s.CACert == "" {
			t.Skip("the server has no TLS")
		}
		caPEM, err := os.ReadFile(s.CACert)
		if err != nil {
			t.Fatal(err)
		}
		serverCA := x509.NewCertPool()
		if !serverCA.AppendCertsFromPEM(caPEM) {
			t.Fatal("cannot parse the server's CA")
		}
		ca := newCA(t)
		now := time.Now()
		loop := []net.IP{net.ParseIP("127.0.0.1")}
		good := tlsFront(t, leaf(t, ca, []string{"localhost"}, loop, now.Add(-time.Hour), now.Add(time.Hour)), s.Address())
		wrongHost := tlsFront(t, leaf(t, ca, []string{"db.example.com"}, nil, now.Add(-time.Hour), now.Add(time.Hour)), s.Address())
		expired := tlsFront(t, leaf(t, ca, []string{"localhost"}, loop, now.Add(-48*time.Hour), now.Add(-24*time.Hour)), s.Address())
		selfSigned := tlsFront(t, leaf(t, nil, []string{"localhost"}, loop, now.Add(-time.Hour), now.Add(time.Hour)), s.Address())
		plain := plainOnly(t)

		cases := []struct {
			name    string
			uri     string
			roots   *x509.CertPool
			wantErr string // "" = must work
		}{
			{"bolt+s, real server, its CA", "bolt+s://" + s.Address(), serverCA, ""},
			{"bolt+s, real server, localhost name", "bolt+s://localhost:" + portOf(s.Address()), serverCA, ""},
			{"bolt+s, real server, untrusted CA (system roots)", "bolt+s://" + s.Address(), nil, "certificate signed by unknown authority"},
			{"bolt+s, real server, another CA", "bolt+s://" + s.Address(), ca.pool, "certificate signed by unknown authority"},
			{"bolt+ssc, real server", "bolt+ssc://" + s.Address(), nil, ""},
			{"bolt+s, Go listener, our CA", "bolt+s://" + good, ca.pool, ""},
			{"bolt+s, wrong host name", "bolt+s://localhost:" + portOf(wrongHost), ca.pool, "certificate is valid for db.example.com, not localhost"},
			{"bolt+s, expired certificate", "bolt+s://" + expired, ca.pool, "certificate has expired"},
			{"bolt+s, self-signed certificate", "bolt+s://" + selfSigned, ca.pool, "certificate signed by unknown authority"},
			{"bolt+ssc, self-signed certificate", "bolt+ssc://" + selfSigned, nil, ""},
			{"bolt+ssc, expired certificate", "bolt+ssc://" + expired, nil, ""},
			{"bolt+s to a plain-only server", "bolt+s://" + plain, ca.pool, "tls handshake"},
			{"bolt to a TLS-only server", "bolt://" + good, nil, "handshake"},
		}
		// Warm the server up (its first TLS connection can take seconds on a busy machine).
		if wd, err := native.NewDriver("bolt+ssc://"+s.Address(), serverAuth(s)); err == nil {
			wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
			wd.VerifyConnectivity(wctx)
			wcancel()
			wd.Close(context.Background())
		}
		var rows []string
		failures := 0
		for _, c := range cases {
			failedBefore := t.Failed()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			d, err := native.NewDriver(c.uri, serverAuth(s), func(cfg *native.Config) {
				cfg.RootCAs = c.roots
				cfg.SocketConnectTimeout = 10 * time.Second
			})
			if err != nil {
				t.Fatalf("%s: NewDriver: %v", c.name, err)
			}
			start := time.Now()
			err = d.VerifyConnectivity(ctx)
			if err == nil && c.wantErr == "" {
				// Works end to end: a query too.
				_, err = native.ExecuteQuery(ctx, d, "RETURN 1 AS one", nil, native.EagerResultTransformer)
			}
			took := time.Since(start)
			cancel()
			d.Close(context.Background())
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("%s: want success, got %v", c.name, err)
			case c.wantErr != "" && err == nil:
				t.Errorf("%s: want an error containing %q, got success", c.name, c.wantErr)
			case c.wantErr != "" && !strings.Contains(err.Error(), c.wantErr):
				t.Errorf("%s: error %q does not say %q", c.name, err, c.wantErr)
			case c.wantErr != "" && !native.IsConnectivityError(err):
				t.Errorf("%s: error %v is not a ConnectivityError", c.name, err)
			}
			if c.wantErr != "" && took > 5*time.Second {
				t.Errorf("%s: took %v to fail (hang?)", c.name, took)
			}
			if t.Failed() && !failedBefore {
				failures++
			}
			res := "ok"
			if err != nil {
				res = err.Error()
			}
			rows = append(rows, c.name+" => "+res+" ("+took.Round(time.Millisecond).String()+")")
		}
		for _, r := range rows {
			t.Log(r)
		}
		report(t, "TLS matrix", "line", s.Line, "cases", len(cases), "failures", failures)
	})
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}
