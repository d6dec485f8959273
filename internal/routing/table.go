package routing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AccessMode says whether a transaction reads or writes.
type AccessMode uint8

const (
	// Write transactions go to writers.
	Write AccessMode = iota
	// Read transactions go to readers.
	Read
)

// String returns "read" or "write".
func (m AccessMode) String() string {
	if m == Read {
		return "read"
	}
	return "write"
}

// Request is what a router is asked for: the input of ROUTE.
type Request struct {
	// Database is the database whose table is wanted; "" = the user's home database.
	Database string
	// ImpersonatedUser is the user to impersonate ("" = none); with Database "" the
	// server resolves that user's home database.
	ImpersonatedUser string
	// Bookmarks make the router wait until it has seen them (causal consistency).
	Bookmarks []string
	// RoutingContext is the URI's query parameters plus "address" (the initial
	// router as host:port).
	RoutingContext map[string]string
	// Auth is Query.Auth of the caller that started the fetch, passed through
	// untouched (nil = the driver's credentials) so Fetch can ask as that user.
	Auth any
}

// Table is one database's routing table.
type Table struct {
	// Database is the database the table is for. In a Fetch answer to a request
	// for the home database it names the resolved database ("" when the server
	// did not say).
	Database string
	// TTL is how long the table may be used after it was fetched.
	TTL time.Duration
	// Routers, Readers and Writers are host:port addresses.
	Routers, Readers, Writers []string
	// SSR is set by Fetch when the answering server sent the hint ssr.enabled
	// (Bolt 5.8+): home-database resolutions may then be cached across sessions.
	SSR bool
	// Expires is when the table stops being fresh (fetch time + TTL). The Router
	// sets it; Fetch need not.
	Expires time.Time
}

// clone returns a deep copy of t.
func (t Table) clone() Table {
	t.Routers = slices.Clone(t.Routers)
	t.Readers = slices.Clone(t.Readers)
	t.Writers = slices.Clone(t.Writers)
	return t
}

// members returns the addresses serving mode.
func (t *Table) members(mode AccessMode) []string {
	if mode == Read {
		return t.Readers
	}
	return t.Writers
}

// String renders the table for error messages and logs.
func (t Table) String() string {
	return fmt.Sprintf("db=%q ttl=%s routers=%v readers=%v writers=%v", t.Database, t.TTL, t.Routers, t.Readers, t.Writers)
}

var (
	// ErrNoRouters is wrapped by the error of a failed table fetch: no router
	// (known or initial) answered. errors.As with *DiscoveryError gives details.
	ErrNoRouters = errors.New("routing: no router could provide a routing table")
	// ErrNoServers is returned when a fresh table has no member for the access
	// mode, for example no writer during a leader election.
	ErrNoServers = errors.New("routing: no server available for the access mode")
	// ErrClosed is returned by a Router after Close.
	ErrClosed = errors.New("routing: router closed")
	// ErrInvalidConfig is wrapped by New's errors.
	ErrInvalidConfig = errors.New("routing: invalid configuration")
)

// Attempt is one router asked for a table, and why it could not provide one.
type Attempt struct {
	Address string // host:port of the router
	Err     error  // why it gave no table: dial, auth, FAILURE or invalid table
}

// DiscoveryError reports that no router could provide a routing table. It
// lists every router tried, in order, with its error.
type DiscoveryError struct {
	Database string    // "" = home database
	Attempts []Attempt // every router asked, in order (empty when there was none to ask)
}

// Error lists the attempts: `routing: no router could provide a routing table
// for database "neo4j"; tried a:7687 (dial: refused), b:7687 (...)`.
func (e *DiscoveryError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoRouters.Error())
	if e.Database == "" {
		b.WriteString(" for the home database")
	} else {
		fmt.Fprintf(&b, " for database %q", e.Database)
	}
	if len(e.Attempts) == 0 {
		b.WriteString("; no router address known")
		return b.String()
	}
	b.WriteString("; tried ")
	for i, a := range e.Attempts {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%v)", a.Address, a.Err)
	}
	return b.String()
}

// Unwrap returns ErrNoRouters and every attempt's error, so errors.Is and
// errors.As reach both.
func (e *DiscoveryError) Unwrap() []error {
	out := []error{ErrNoRouters}
	for _, a := range e.Attempts {
		out = append(out, a.Err)
	}
	return out
}
