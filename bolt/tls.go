package bolt

import (
	"crypto/tls"
	"crypto/x509"
	"net"
)

// TLSMode says how a server certificate is checked.
type TLSMode uint8

const (
	// TLSVerify checks the certificate chain against the root CAs (nil = system pool)
	// and the host name (bolt+s://, neo4j+s://).
	TLSVerify TLSMode = iota
	// TLSSkipVerify encrypts but accepts any certificate, for self-signed servers
	// (bolt+ssc://, neo4j+ssc://).
	TLSSkipVerify
)

// TLSConfig returns a TLS client configuration for host (a name or IP, without port):
// SNI and host-name verification for that host, TLS 1.2 or newer, and rootCAs (nil =
// the system pool) in TLSVerify mode.
func TLSConfig(host string, mode TLSMode, rootCAs *x509.CertPool) *tls.Config {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	cfg := &tls.Config{
		ServerName: host,
		MinVersion: tls.VersionTLS12,
		RootCAs:    rootCAs,
	}
	if mode == TLSSkipVerify {
		cfg.InsecureSkipVerify = true
	}
	return cfg
}

// CertPoolFromPEM returns a pool holding the certificates in pem, or nil, false if pem
// holds none.
func CertPoolFromPEM(pem []byte) (*x509.CertPool, bool) {
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(pem) {
		return nil, false
	}
	return p, true
}

// tlsClientConfig completes a caller-supplied config for address: it fills ServerName
// from the address when unset and raises MinVersion to TLS 1.2. The caller's value is
// not modified.
func tlsClientConfig(cfg *tls.Config, address string) *tls.Config {
	c := cfg.Clone()
	if c.ServerName == "" {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			host = address
		}
		c.ServerName = host
	}
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}
