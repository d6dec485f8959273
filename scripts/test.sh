#!/usr/bin/env bash
# Runs every boltwire test: formatting and vet checks, then `go test -race ./...` against
# real Neo4j servers of both lines (5.26 and 2026.08), which the tests start themselves
# through testserver/neo4j-server. Set NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD) to use an
# outside server instead, or BOLTWIRE_TEST_LINES=5 to run one line only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== go modules"
go mod download

if [[ -z "${NEO4J_URI:-}" ]]; then
  echo "== Neo4j jars (Maven, cached in testserver/.m2)"
  for line in ${BOLTWIRE_TEST_LINES:-5 2026}; do
    testserver/neo4j-server --prepare --line "${line//,/ }"
  done
fi

echo "== gofmt"
unformatted="$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"
if [[ -n "$unformatted" ]]; then
  echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -timeout 25m -p 2 "$@" ./...
