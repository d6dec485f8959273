// Package bolt speaks the Neo4j Bolt wire protocol: PackStream encoding, message
// framing (chunking), version negotiation (classic and manifest handshakes for Bolt
// 4.4, 5.0–5.8 and 6.0–6.1), every request and response message, TLS dialling and one
// connection's state machine. It knows nothing of sessions, pools or database/sql;
// package native builds the user-facing API on top of it.
package bolt
