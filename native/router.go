package native

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// routeRequest asks which servers may serve a transaction.
type routeRequest struct {
	mode             AccessMode
	database         string // "" = home database
	impersonatedUser string
	// bookmarks returns the bookmarks a ROUTE for this request carries; it is
	// called only when the routing table has to be fetched (nil = none).
	bookmarks func(context.Context) (Bookmarks, error)
	auth      *AuthToken // session-level auth, nil = the driver's
}

// router decides which server addresses serve an access mode for a database.
// The direct router (bolt:// URIs) always answers with the URI's address; a
// routing-table implementation for neo4j:// URIs slots in behind the same
// interface. Implementations are safe for concurrent use.
type router interface {
	// addresses returns candidate servers, best first (never empty without
	// error), and the database name req.database resolved to ("" = let the
	// server resolve the home database).
	addresses(ctx context.Context, req routeRequest) ([]string, string, error)
	// forgetServer is called after a connectivity failure talking to address.
	forgetServer(address string)
	// forgetWriter is called when address said it is no longer a writer for
	// database (NotALeader, ForbiddenOnReadOnlyDatabase).
	forgetWriter(address, database string)
	// close releases the router's resources.
	close()
}

// directRouter serves every request from one address (after the optional
// resolver).
type directRouter struct {
	address  string
	only     []string // {address}, shared by every answer (callers do not modify it)
	resolver func(string) []string
}

func newDirectRouter(address string, resolver func(string) []string) *directRouter {
	return &directRouter{address: address, only: []string{address}, resolver: resolver}
}

func (r *directRouter) addresses(_ context.Context, req routeRequest) ([]string, string, error) {
	if r.resolver != nil {
		if out := r.resolver(r.address); len(out) > 0 {
			return out, req.database, nil
		}
	}
	return r.only, req.database, nil
}

func (r *directRouter) forgetServer(string)         {}
func (r *directRouter) forgetWriter(string, string) {}
func (r *directRouter) close()                      {}

// codeDatabaseUnavailable is the server error after which the server is
// forgotten by the routing tables.
const codeDatabaseUnavailable = "Neo.TransientError.General.DatabaseUnavailable"

// serverUnreachable reports whether a connectivity error met while borrowing a
// connection to a server means the server should leave the routing tables. A
// pool that stayed full (ErrPoolAcquisitionTimeout) says the server is busy,
// not gone.
func serverUnreachable(err error) bool {
	return IsConnectivityError(err) && !errors.Is(err, ErrPoolAcquisitionTimeout)
}

// noServerReached is the error of a transaction start after every candidate
// server failed (errs, one per server, in order): the only error when there
// was one candidate, else a *ConnectivityError naming every server tried and
// why, which still matches each cause with errors.Is / errors.As.
func noServerReached(mode AccessMode, database string, errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return &ConnectivityError{Inner: &serversUnreachable{mode: mode, database: database, errs: errs}}
}

// serversUnreachable lists the failures of every candidate server.
type serversUnreachable struct {
	mode     AccessMode
	database string
	errs     []error
}

func (e *serversUnreachable) Error() string {
	role := "writer"
	if e.mode == AccessModeRead {
		role = "reader"
	}
	db := "the home database"
	if e.database != "" {
		db = fmt.Sprintf("database %q", e.database)
	}
	parts := make([]string, len(e.errs))
	for i, err := range e.errs {
		parts[i] = err.Error()
	}
	return fmt.Sprintf("no %s of %s could be reached; tried %d: %s", role, db, len(e.errs), strings.Join(parts, "; "))
}

func (e *serversUnreachable) Unwrap() []error { return e.errs }
