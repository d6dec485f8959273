// Package bolt speaks the Neo4j Bolt wire protocol: message framing (chunking),
// version negotiation (classic and manifest v1 handshakes for Bolt 3.0, 4.0–4.4,
// 5.0–5.4, 5.6–5.8 and 6.0–6.1), every request and response message, TLS dialling
// and one connection's state machine. PackStream values are encoded and decoded by the
// subpackage packstream into the types of package dbtype. Package bolt knows nothing
// of sessions, pools or database/sql; package native builds the user-facing API on
// top of it.
//
// # Connections
//
// [Dial] opens a [Conn]: TCP (with keep-alive), optional TLS ([TLSConfig] builds a
// configuration for bolt+s or bolt+ssc), the handshake, then HELLO and — from Bolt
// 5.1 — LOGON, sent together in one write. A Conn is used by one goroutine at a time.
//
//	c, err := bolt.Dial(ctx, bolt.DialConfig{Address: "localhost:7687",
//		Auth: bolt.BasicAuth("neo4j", "secret", "")})
//	s, err := c.Run(ctx, "UNWIND range(1, 3) AS x RETURN x", nil, nil, 1000)
//	for {
//		rec, err := s.Next(ctx) // nil, nil after the last record
//		...
//	}
//	sum, err := s.Consume(ctx)
//
// # Pipelining
//
// Requests are queued and flushed together: Run sends RUN and the first PULL in one
// write; Begin is only queued, so BEGIN+RUN+PULL share one write and a transaction
// of one query costs two round trips including COMMIT. After a FAILURE the server
// ignores everything until RESET; the next Run or Begin queues that RESET itself.
// When a request must be sent while a result is still open, the open result's
// records are read into memory first (inside a transaction only the batch in flight:
// the rest is fetched later by its qid, which PULL and DISCARD leave out for the
// latest result; before Bolt 4.0, without qids, the whole result), so every result
// stays readable. A FAILURE ends the transaction's other open results too: their
// records already received stay readable, then they return a [*StreamFailedError].
//
// # Versions
//
// Which message, field and structure exists in which Bolt version is recorded in one
// table (see [Feature] and [Version.Has]); the rest of the package consults it and
// fills packstream.Features from it. The default proposal reaches 6.x (manifest),
// 5.0–5.8, 4.0–4.4 (servers reading version ranges) and 3.0 (also where 4.0–4.2
// servers too old for ranges settle; [HandshakeCompat] gets 4.1 there instead, at the
// cost of 6.x). Before Bolt 4.0 results are pulled whole
// (PULL_ALL) and there is one database; before 4.3 [Conn.Route] calls the server's
// routing procedure instead of sending ROUTE. Options a version cannot carry (a
// database on 3.0, an impersonated user before 4.4, notification filters before
// 5.2) fail before anything is sent with an error naming the option and the version.
//
// # Contexts and errors
//
// Every blocking method takes a context. Its deadline becomes the socket deadline,
// and its cancellation (also without a deadline) wakes a blocked read or write
// through context.AfterFunc — no goroutine or timer per read. An interrupted read or
// write leaves the connection defunct. A FAILURE is returned as a [*ServerError];
// transport and protocol failures as a [*ConnectivityError] (which matches
// [ErrDefunct] with errors.Is).
package bolt
