package sqldriver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DriverName is the name the driver is registered under with database/sql.
const DriverName = "neo4j"

func init() { registerIfAbsent() }

// registerIfAbsent registers the driver unless the name is taken: a second
// copy of the package (or another driver) that already took it must not make
// this one panic.
func registerIfAbsent() {
	if !slices.Contains(sql.Drivers(), DriverName) {
		sql.Register(DriverName, &Driver{})
	}
}

// Driver is the database/sql driver. It implements [driver.DriverContext], so
// sql.Open("neo4j", dsn) parses the DSN once and builds one native driver (one
// connection pool) per *sql.DB.
type Driver struct {
	// connector is set on the Driver a Connector reports (db.Driver()), so
	// helpers such as ExecuteWrite can read that *sql.DB's settings.
	connector *Connector
}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
)

// OpenConnector parses name — a DSN, or a name returned by [RegisterConfig] —
// and returns a [Connector] owning a new native driver. Errors name the culprit
// (an unknown option, a malformed value) and never contain the password.
func (d *Driver) OpenConnector(name string) (driver.Connector, error) {
	cfg, err := configFor(name)
	if err != nil {
		return nil, err
	}
	return newConnector(cfg)
}

// Open opens one connection on a connector of its own, closed when the
// connection is closed. database/sql never calls it (it uses OpenConnector);
// it exists for code that drives the driver by hand.
func (d *Driver) Open(name string) (driver.Conn, error) {
	c, err := d.OpenConnector(name)
	if err != nil {
		return nil, err
	}
	conn := c.(*Connector)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dc, err := conn.Connect(ctx)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	dc.(*Conn).ownConnector = true
	return dc, nil
}

var (
	registryMu sync.Mutex
	registry   = map[string]*Config{}
	registryN  atomic.Int64
)

// registeredPrefix starts the names RegisterConfig hands out; no DSN can
// start like this because it is not a URL scheme.
const registeredPrefix = "sqldriver-registered-config-"

// RegisterConfig stores a copy of cfg — for what a DSN cannot carry: token
// managers, TLS objects, loggers, tracers — and returns a name to use as the
// DSN: sql.Open("neo4j", name). Free it with [UnregisterConfig] when no
// sql.Open will use it any more (open *sql.DBs keep their copy).
func RegisterConfig(cfg *Config) string {
	cp := *cfg
	name := registeredPrefix + strconv.FormatInt(registryN.Add(1), 10)
	registryMu.Lock()
	registry[name] = &cp
	registryMu.Unlock()
	return name
}

// UnregisterConfig forgets a name returned by RegisterConfig.
func UnregisterConfig(name string) {
	registryMu.Lock()
	delete(registry, name)
	registryMu.Unlock()
}

// configFor returns the registered config called name, or parses name as a DSN.
func configFor(name string) (*Config, error) {
	registryMu.Lock()
	cfg, ok := registry[name]
	registryMu.Unlock()
	if ok {
		cp := *cfg
		return &cp, nil
	}
	if len(name) >= len(registeredPrefix) && name[:len(registeredPrefix)] == registeredPrefix {
		return nil, fmt.Errorf("sqldriver: no config is registered as %q (unregistered?)", name)
	}
	return ParseDSN(name)
}
