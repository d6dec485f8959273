// Package sqldriver is a database/sql driver for Neo4j, registered as "neo4j"
// when the package is imported:
//
//	import _ "github.com/boltwire/neo4j/sqldriver"
//
//	db, err := sql.Open("neo4j", "neo4j://user:password@localhost:7687/neo4j")
//
// # Connections, transactions, statements
//
// One database/sql connection is one native session, not one socket: sessions
// borrow sockets from the native driver's pool per transaction, so a ReadOnly
// transaction can go to a reader and a write to the leader, and the pool
// survives leader changes. DB.SetMaxOpenConns bounds concurrent sessions; the
// DSN's max_connection_pool_size bounds sockets per server. Every *sql.DB owns
// one native driver (sql.Open builds it once through [Driver.OpenConnector]);
// DB.Close closes it. [OpenDBFromDriver] shares a native driver the caller owns.
//
// sql.Tx is a native explicit transaction. sql.TxOptions.ReadOnly selects read
// access mode: in a cluster it routes to readers. The server also refuses
// writes in it (Neo.ClientError.Statement.AccessMode) — verified on a single
// Neo4j 5.26 and 2026.08 server — so a ReadOnly transaction is read-only. Neo4j transactions are read-committed: isolation levels
// beyond sql.LevelReadCommitted are rejected. Statements outside a sql.Tx are
// auto-commit transactions (so CALL { … } IN TRANSACTIONS works); database/sql
// never re-runs one that reached the server.
//
// Parameters: sql.Named("name", v) binds $name; the n-th argument, when not
// named, binds $n (key "n"; n counts named arguments too, as database/sql's
// ordinals do); one [Params] argument binds a whole map. Values
// go through [conv.Param]: driver.Valuer is honoured, structs become maps by
// `db` tag, slices stay lists (WHERE n.id IN $1), sql.Out is rejected.
//
// ExecContext's RowsAffected is the sum of the write counters (nodes and
// relationships created and deleted, properties set, labels added and
// removed), so MATCH … SET reports its changes like an SQL UPDATE;
// LastInsertId is an error (element ids are strings: RETURN elementId(n)).
//
// # Values
//
// Rows.Next hands database/sql these values:
//
//	Cypher                              value in dest            scan into
//	NULL, BOOLEAN, INTEGER, FLOAT       nil, bool, int64, float64 *bool, *int64, *int, *float64, sql.Null*, *any
//	STRING, BYTES                       string, []byte            *string, *[]byte, sql.NullString
//	ZONED DATETIME                      time.Time (with its zone) *time.Time, sql.NullTime
//	DATE, LOCAL DATETIME                time.Time in UTC          *time.Time; conv.Date, conv.LocalDateTime keep the kind
//	ZONED TIME, LOCAL TIME              dbtype.Time, dbtype.LocalTime  conv.Time, conv.LocalTime, *time.Time, conv.Text
//	DURATION                            dbtype.Duration           *dbtype.Duration, conv.Duration, conv.Into(*time.Duration)
//	POINT                               dbtype.Point2D/Point3D    *dbtype.Point2D/3D, conv.Point, conv.Text
//	LIST                                []any                     *[]any, conv.List[T], conv.Into(&slice)
//	MAP                                 map[string]any            *map[string]any, conv.Map[T], conv.Props[T]
//	NODE, RELATIONSHIP, PATH            dbtype.Node, ...          *dbtype.Node, conv.Node, conv.Props[T] (struct by `db` tag)
//	VECTOR (Bolt 6.0+)                  dbtype.Vector             conv.Vector, conv.Float32s, conv.Float64s
//	UUID (Bolt 6.1+)                    dbtype.UUID               *[16]byte, conv.UUID, conv.Into(*string / *[]byte)
//
// With the DSN option values=standard, Rows hand over only standard values for
// generic SQL tools: LIST, MAP, NODE, RELATIONSHIP, PATH, POINT and VECTOR as
// JSON []byte (see conv.JSON), ZONED TIME, LOCAL TIME, DURATION and UUID as
// text, dates as time.Time.
//
// Values nested in lists and maps keep their native types (a DATE inside a
// LIST stays a dbtype.Date); conv.List[time.Time] and conv.Into convert them.
// A value the driver could not decode (a placeholder for a type the
// negotiated protocol cannot carry) is an error from Rows.Next naming the
// column, never a silent stand-in. Rows.ColumnTypes derives scan types and
// Neo4j type names from the first record; Neo4j is schema-less, so later
// records may differ.
//
// # Bookmarks, context helpers, the native API
//
// By default all connections of a *sql.DB share one bookmark manager: a write
// through db.ExecContext is visible to the next db.QueryContext on any pooled
// connection (DSN bookmarks=session|none opts out). Context helpers set
// per-call options: [WithTxMetadata], [WithTxTimeout], [WithAccessMode],
// [WithBookmarks]; [WithBookmarkSink] and [WithSummary] collect bookmarks and
// the full result summary. [ExecuteRead] and [ExecuteWrite] run a function in a
// sql.Tx and retry it on transient errors, as the native driver does.
// (*sql.Conn).Raw hands out the [*Conn], whose Session, Tx, Driver and
// LastBookmarks methods reach the native API.
//
// Errors from the server arrive as *native.Neo4jError (errors.As works through
// database/sql). A write refused inside a sql.Tx begun with ReadOnly
// (Neo.ClientError.Statement.AccessMode) gets the suffix ": the transaction was
// begun with sql.TxOptions{ReadOnly: true}". A UUID (Bolt 6.1+) or VECTOR (Bolt
// 6.0+) argument sent to an older server is refused before it is sent, naming
// the parameter and the negotiated version; it is never converted silently.
// driver.ErrBadConn is returned only when nothing reached the server (a closed
// connection), because database/sql re-runs statements that fail with it.
//
// # DSN
//
//	scheme://[user[:password]@]host[:port][/database][?option=value&...]
//
// scheme: neo4j, neo4j+s, neo4j+ssc (cluster routing), bolt, bolt+s, bolt+ssc
// (one server); +s is verified TLS, +ssc unverified TLS. Default port 7687.
// User info means basic authentication; without it, none. The path names the
// database (none: the user's home database). Options:
//
//	access_mode=read|write                     default mode outside ReadOnly transactions (write)
//	bookmarks=shared|session|none              causal chaining across the pool, per connection, or none (shared)
//	fetch_size=N|all                           records per PULL (1000)
//	values=native|standard                     dbtype values, or only standard ones (JSON, text) (native)
//	impersonated_user=NAME                     run transactions as NAME
//	max_connection_pool_size=N                 sockets per server (100; negative: unlimited)
//	connection_acquisition_timeout=DURATION    wait for a pooled socket (60s)
//	max_connection_lifetime=DURATION           retire older sockets (1h; 0: never)
//	connection_liveness_check_timeout=DURATION|disabled  ping idle sockets before reuse (disabled)
//	socket_connect_timeout=DURATION            dial + TLS; handshake: acquisition timeout (5s)
//	socket_keepalive=BOOL                      TCP keep-alive (true)
//	max_transaction_retry_time=DURATION        native retry budget (30s)
//	user_agent=TEXT                            sent in HELLO
//	notifications_min_severity=off|warning|information
//	notifications_disabled_classifications=A,B (hint, performance, deprecation, ...)
//	telemetry=BOOL                             Bolt 5.4+ telemetry (true)
//	compat_handshake=BOOL                      Bolt 4.1 on 4.1/4.2 servers, no Bolt 6 (false)
//	tls_ca_file=PATH                           CA to trust (+s/+ssc schemes)
//	tls_cert_file=PATH&tls_key_file=PATH       client certificate (mutual TLS)
//	routing.KEY=VALUE                          routing context (neo4j schemes only)
//
// Durations use Go syntax (30s, 1m30s, 500ms). An unknown, repeated or
// malformed option is an error naming it (and, for a likely typo, the closest
// known option: `did you mean "fetch_size"?`). What a string cannot carry (token
// managers, other auth schemes, *tls.Config, loggers, tracers) goes through
// [OpenDB] with a [Config], or [RegisterConfig] for code that must call
// sql.Open. DSN.md in this directory holds the same table in markdown.
package sqldriver
