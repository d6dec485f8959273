package native

import "context"

// routeRequest asks which servers may serve a transaction.
type routeRequest struct {
	mode             AccessMode
	database         string // "" = home database
	impersonatedUser string
	bookmarks        Bookmarks
}

// router decides which server addresses serve an access mode for a database.
// The direct router (bolt:// URIs) always answers with the URI's address; a
// routing-table implementation for neo4j:// URIs slots in behind the same
// interface. Implementations are safe for concurrent use.
type router interface {
	// addresses returns candidate servers, best first; never empty without error.
	addresses(ctx context.Context, req routeRequest) ([]string, error)
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

func (r *directRouter) addresses(context.Context, routeRequest) ([]string, error) {
	if r.resolver != nil {
		if out := r.resolver(r.address); len(out) > 0 {
			return out, nil
		}
	}
	return r.only, nil
}

func (r *directRouter) forgetServer(string)         {}
func (r *directRouter) forgetWriter(string, string) {}
func (r *directRouter) close()                      {}
