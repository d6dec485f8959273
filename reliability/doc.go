// Package reliability holds boltwire's reliability scenarios: tests that put the
// driver (package native and the database/sql driver) through what production does
// to it — faults injected by a proxy (internal/faultproxy) between the driver and a
// real Neo4j server, server restarts, cancellation storms, pool pressure, wrong TLS
// set-ups, hostile server responses, arbitrary URIs and DSNs — and check that no
// acknowledged write is lost or duplicated, nothing leaks and no secret is printed.
//
// The package has no non-test code. The short forms run in CI with
// `go test -race ./...`; BOLTWIRE_LONG=1 selects the long forms whose figures are
// published in docs/RELIABILITY.md:
//
//	BOLTWIRE_LONG=1 go test -race -run TestLedger -v -timeout 60m ./reliability
//
// Each scenario logs one line starting with "RELIABILITY |" holding its figures.
package reliability
