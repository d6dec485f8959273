// Package native is boltwire's session API for Neo4j: a Driver (URI, auth, config,
// connection pool, routing for neo4j:// URIs), sessions with auto-commit Run,
// ExecuteRead/ExecuteWrite managed transactions with retry, explicit transactions,
// streaming results, summaries and bookmarks for causal consistency.
package native
