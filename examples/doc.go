// Package examples holds runnable programs a user copies from, one per directory:
//
//   - quickstart: the seed's session API scenario through package native (the README demo)
//   - sqlopen: existing database/sql code against Neo4j (Exec, Query, Tx, ReadOnly)
//   - sqlx: sqlx Get/Select into structs
//   - causal: Conn.Raw to a native session, bookmarks across connections, retries
//   - repository: a repository layer over *sql.DB, unit-tested with go-sqlmock
//
// Each reads NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD; quickstart starts a local server
// of its own when NEO4J_URI is not set.
package examples
