package native

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/internal/routing"
)

// resolvedDialKey is the context key under which a routing fetch leaves a
// *resolvedDial for dialResolved to fill in.
type resolvedDialKey struct{}

// pinnedHostKey is the context key of a host (one of Config.HostResolver's
// answers) a dial must use instead of resolving the address's host again.
type pinnedHostKey struct{}

// resolvedDial is what dialResolved did during one routing fetch: the hosts
// Config.HostResolver answered and which of them was reached (connected, or
// answered with a server error); reached is -1 when none was.
type resolvedDial struct {
	hosts   []string
	reached int
}

// dialResolved dials cfg.Address through Config.HostResolver: its host is
// resolved anew and each answer, with the address's port, is dialled in
// order until one connects. The TLS server name stays the original host.
// Addresses without a port are dialled as they are (bolt.Dial reports them).
// A host pinned in ctx (pinnedHostKey) is dialled without resolving.
func (d *driver) dialResolved(ctx context.Context, cfg bolt.DialConfig) (*bolt.Conn, error) {
	address := cfg.Address
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return dialOne(ctx, cfg)
	}
	if pinned, ok := ctx.Value(pinnedHostKey{}).(string); ok {
		cfg.Address = net.JoinHostPort(pinned, port)
		return dialOne(ctx, cfg)
	}
	hosts, err := d.config.HostResolver(ctx, host)
	if err != nil {
		return nil, &ConnectivityError{Address: address, Inner: fmt.Errorf("resolving host %q with Config.HostResolver: %w", host, err)}
	}
	if len(hosts) == 0 {
		return nil, &ConnectivityError{Address: address, Inner: fmt.Errorf("Config.HostResolver resolved host %q to no address", host)}
	}
	rec, _ := ctx.Value(resolvedDialKey{}).(*resolvedDial)
	if rec != nil {
		rec.hosts, rec.reached = hosts, -1
	}
	var errs []error
	for i, h := range hosts {
		cfg.Address = net.JoinHostPort(h, port)
		c, err := dialOne(ctx, cfg)
		var se *bolt.ServerError
		if rec != nil && (err == nil || errors.As(err, &se)) {
			rec.reached = i
		}
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if callerDone(ctx) || se != nil {
			return nil, err // the caller gave up, or the server answered: no other address will do better
		}
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	return nil, &ConnectivityError{Address: address, Inner: fmt.Errorf("host %q resolved to %d addresses, none could be reached: %w", host, len(hosts), errors.Join(errs...))}
}

// routeFromOtherAddresses follows a ROUTE to address that failed with first
// (after reaching via, the address dialled; "" = none was) when
// Config.HostResolver resolves address's host to several addresses: each one
// not asked yet is asked in turn, on a connection of its own, until one
// answers. dialled is what this fetch's own dial resolved (nil hosts: the
// ROUTE went over a pooled connection, so the host is resolved now and only
// via is left out).
func (s *session) routeFromOtherAddresses(ctx context.Context, address string, req routing.Request, dialled *resolvedDial, via string, first error) (routing.Table, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil || !otherAddressMayAnswer(ctx, first) {
		return routing.Table{}, first
	}
	var rest []string
	switch {
	case dialled.hosts != nil:
		if dialled.reached >= 0 { // those before it could not be reached
			rest = dialled.hosts[dialled.reached+1:]
		}
	case via != "":
		hosts, err := s.d.config.HostResolver(ctx, host)
		if err != nil {
			return routing.Table{}, first
		}
		viaHost, _, _ := net.SplitHostPort(via)
		rest = slices.DeleteFunc(slices.Clone(hosts), func(h string) bool { return h == viaHost })
	}
	errs := []error{first}
	for _, h := range rest {
		t, err := s.routeVia(ctx, address, h, req)
		if err == nil {
			return t, nil
		}
		errs = append(errs, err)
		if !otherAddressMayAnswer(ctx, err) {
			return routing.Table{}, err
		}
	}
	if len(errs) == 1 {
		return routing.Table{}, first
	}
	return routing.Table{}, &ConnectivityError{Address: address, Inner: fmt.Errorf(
		"ROUTE failed at each of the %d addresses of host %q tried: %w", len(errs), host, errors.Join(errs...))}
}

// routeVia sends ROUTE for address to one of its resolved hosts on a new,
// unpooled connection.
func (s *session) routeVia(ctx context.Context, address, host string, req routing.Request) (routing.Table, error) {
	dctx := context.WithValue(ctx, pinnedHostKey{}, host)
	if s.cfg.Auth != nil {
		dctx = withDialToken(dctx, *s.cfg.Auth)
	}
	bc, err := s.d.newConn(dctx, address, nil)
	if err != nil {
		return routing.Table{}, convertErr(err, address)
	}
	return s.routeOn(ctx, bc, address, req)
}

// otherAddressMayAnswer reports whether another address of the same router
// may still answer after a ROUTE failed with err: not when the caller gave up,
// the driver is closing or the server refused for a reason every router
// shares (see bolt.ServerError.IsFatalDuringDiscovery).
func otherAddressMayAnswer(ctx context.Context, err error) bool {
	var se *bolt.ServerError
	return !callerDone(ctx) && !IsUsageError(err) && !(errors.As(err, &se) && se.IsFatalDuringDiscovery())
}
