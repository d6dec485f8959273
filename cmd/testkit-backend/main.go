// Command testkit-backend is boltwire's backend for TestKit, Neo4j's
// cross-driver conformance suite (github.com/neo4j-drivers/testkit).
//
// It listens on a TCP address (default 127.0.0.1:9876) and serves TestKit's
// backend protocol: line-framed JSON requests ("#request begin" … "#request
// end") that create drivers, sessions, transactions and results of package
// native and report what they do. Each TestKit connection (one per test) gets
// its own objects. See docs/CONFORMANCE.md for how to run the suites.
package main

import (
	"errors"
	"flag"
	"log"
	"net"
	"os"

	"github.com/boltwire/neo4j/native"
)

func main() {
	addr := flag.String("addr", envOr("TEST_BACKEND_ADDR", "127.0.0.1:9876"), "address to listen on")
	flag.Parse()
	logger := log.New(os.Stderr, "testkit-backend: ", log.LstdFlags|log.Lmicroseconds)
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Fatalf("listen: %v", err)
	}
	logger.Printf("listening on %s", l.Addr())
	if err := serveListener(l, logger, native.NewDriver); err != nil {
		logger.Fatalf("serve: %v", err)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// serveListener accepts TestKit connections until l is closed, serving each
// with its own backend.
func serveListener(l net.Listener, logger *log.Logger, factory driverFactory) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go func() {
			defer c.Close()
			b := newBackend(c, logger, factory)
			if err := b.serve(c); err != nil {
				logger.Printf("connection %s: %v", c.RemoteAddr(), err)
			}
		}()
	}
}
