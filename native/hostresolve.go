package native

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/boltwire/neo4j/bolt"
)

// dialResolved dials cfg.Address through Config.HostResolver: its host is
// resolved anew and each answer, with the address's port, is dialled in
// order until one connects. The TLS server name stays the original host.
// Addresses without a port are dialled as they are (bolt.Dial reports them).
func (d *driver) dialResolved(ctx context.Context, cfg bolt.DialConfig) (*bolt.Conn, error) {
	address := cfg.Address
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return dialOne(ctx, cfg)
	}
	hosts, err := d.config.HostResolver(ctx, host)
	if err != nil {
		return nil, &ConnectivityError{Address: address, Inner: fmt.Errorf("resolving host %q with Config.HostResolver: %w", host, err)}
	}
	if len(hosts) == 0 {
		return nil, &ConnectivityError{Address: address, Inner: fmt.Errorf("Config.HostResolver resolved host %q to no address", host)}
	}
	var errs []error
	for _, h := range hosts {
		cfg.Address = net.JoinHostPort(h, port)
		c, err := dialOne(ctx, cfg)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		var se *bolt.ServerError
		if callerDone(ctx) || errors.As(err, &se) {
			return nil, err // the caller gave up, or the server answered: no other address will do better
		}
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	return nil, &ConnectivityError{Address: address, Inner: fmt.Errorf("host %q resolved to %d addresses, none could be reached: %w", host, len(hosts), errors.Join(errs...))}
}
