// Package neo4jotel connects the boltwire native driver (and the database/sql
// driver built on it) to OpenTelemetry. It lives in its own module,
// github.com/boltwire/neo4j/otel, so that the core module does not depend on
// OpenTelemetry.
//
// Tracing: a *Tracer implements native.Tracer; put it in Config.Tracer.
//
//	tracer := neo4jotel.NewTracer() // global TracerProvider and MeterProvider
//	driver, err := native.NewDriver(uri, auth, func(c *native.Config) { c.Tracer = tracer })
//
// Every query becomes a client span following the OpenTelemetry database
// semantic conventions: db.system.name = "neo4j", db.namespace (the database),
// db.operation.name (the query's first Cypher clause, see WithOperationName),
// server.address and server.port, and on failure error.type and
// db.response.status_code (the Neo4j status code). The query text is recorded
// (db.query.text) only with WithQueryText; parameters are never recorded.
// Transaction steps and managed-transaction retries are span events on the
// span found in the context given to the driver call (for a retry: the
// context of ExecuteRead/ExecuteWrite/ExecuteQuery), so wrap those calls in a
// span of your own to see them.
//
// Metrics: the tracer records db.client.operation.duration and counts
// retries and connection dials; ObservePool adds the connection pools of a
// driver (Driver.Stats) as observable instruments.
//
//	reg, err := tracer.ObservePool(driver)
//	defer reg.Unregister()
package neo4jotel
