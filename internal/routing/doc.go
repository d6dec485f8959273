// Package routing keeps the routing tables of a Neo4j cluster (neo4j:// URIs) and
// picks the server for each transaction. It does no I/O of its own: the caller
// supplies Config.Fetch, which asks one router for a table (ROUTE over a pooled
// bolt connection), and Config.InUse, which reports how busy each server is.
//
// One table is kept per database: routers, readers, writers and an expiry time.
// A table is fetched when it is missing, expired, or has no member for the
// requested access mode. Known routers are tried first, then the initial
// address (expanded by Config.Resolver). Concurrent callers that need the same
// table share one fetch; each of them stops waiting when its own context ends.
//
// Servers are chosen least-connected first (Config.InUse), round-robin among
// ties. Failures feed back through Forget (connection error: the server leaves
// every table and Config.OnRemove is told) and ForgetWriter (NotALeader,
// ForbiddenOnReadOnlyDatabase: the server stops being a writer for that
// database).
//
// An empty database name means the user's home database: the table is fetched
// with no database and the server's answer names the database it resolved to.
// When the answering server advertised server-side routing (Table.SSR, the
// ssr.enabled hint of Bolt 5.8), that resolution is cached per user for as long
// as the table is fresh, so later sessions skip the extra ROUTE. Sessions that
// authenticate as another user than the driver pass Query.AuthKey (and
// Query.Auth for Fetch) to Lookup so their resolutions are kept apart.
//
// The Router never holds its lock while calling Fetch, InUse or OnRemove.
package routing
