// Package sqldriver is a database/sql driver for Neo4j, registered as "neo4j".
// One database/sql connection is one native session; sql.Tx is an explicit Bolt
// transaction, sql.TxOptions.ReadOnly selects read access mode, and (*sql.Conn).Raw
// exposes the native session for bookmarks and transaction functions.
package sqldriver
