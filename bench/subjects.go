package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/boltwire/neo4j/native"
	_ "github.com/boltwire/neo4j/sqldriver" // registers "neo4j" for database/sql
)

// Env holds one target (the canned peer or a real server) and the drivers
// opened on it. Each driver is opened once and reused by every run, as an
// application would.
type Env struct {
	Name     string // "canned" or "neo4j"
	URI      string // bolt://host:port
	User     string // user the drivers authenticate as (basic auth)
	Password string // that user's password

	Official neo4j.DriverWithContext // the official Neo4j Go driver (v5)
	Boltwire native.Driver           // boltwire's native driver
	SQL      *sql.DB                 // boltwire's database/sql driver ("neo4j")
	SQLX     *sqlx.DB                // SQL wrapped by sqlx
	floor    *FloorConn
}

// OpenEnv opens all drivers on uri.
func OpenEnv(ctx context.Context, name, uri, user, password string) (*Env, error) {
	e := &Env{Name: name, URI: uri, User: user, Password: password}
	var err error
	if e.Official, err = neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, "")); err != nil {
		return nil, fmt.Errorf("official driver: %w", err)
	}
	if e.Boltwire, err = native.NewDriver(uri, native.BasicAuth(user, password, "")); err != nil {
		return nil, fmt.Errorf("boltwire: %w", err)
	}
	u, err := url.Parse(uri)
	if err != nil {
		return nil, err
	}
	u.User = url.UserPassword(user, password)
	if e.SQL, err = sql.Open("neo4j", u.String()); err != nil {
		return nil, fmt.Errorf("database/sql: %w", err)
	}
	e.SQL.SetMaxIdleConns(64)
	e.SQLX = sqlx.NewDb(e.SQL, "neo4j")
	if err := e.Official.VerifyConnectivity(ctx); err != nil {
		return nil, fmt.Errorf("official driver: %w", err)
	}
	if err := e.Boltwire.VerifyConnectivity(ctx); err != nil {
		return nil, fmt.Errorf("boltwire: %w", err)
	}
	if err := e.SQL.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("database/sql: %w", err)
	}
	return e, nil
}

// Close closes every driver.
func (e *Env) Close(ctx context.Context) {
	if e.floor != nil {
		e.floor.Close()
	}
	if e.SQL != nil {
		e.SQL.Close()
	}
	if e.Official != nil {
		e.Official.Close(ctx)
	}
	if e.Boltwire != nil {
		e.Boltwire.Close(ctx)
	}
}

// Floor returns the env's raw connection for the floor subject, dialling it
// on first use.
func (e *Env) Floor(ctx context.Context) (*FloorConn, error) {
	if e.floor != nil && e.floor.err == nil {
		return e.floor, nil
	}
	host := strings.TrimPrefix(e.URI, "bolt://")
	f, err := DialFloor(ctx, host, e.User, e.Password)
	if err != nil {
		return nil, err
	}
	e.floor = f
	return f, nil
}

// StreamFunc consumes one workload's result once and returns what it saw.
type StreamFunc func(ctx context.Context, e *Env, w *Workload) (Outcome, error)

// StreamOfficial streams w through the official driver: session.Run, then
// Next/Record over every row.
func StreamOfficial(ctx context.Context, e *Env, w *Workload) (Outcome, error) {
	s := e.Official.NewSession(ctx, neo4j.SessionConfig{})
	defer s.Close(ctx)
	res, err := s.Run(ctx, w.Query, nil)
	if err != nil {
		return Outcome{}, err
	}
	var o Outcome
	for res.Next(ctx) {
		o.Sum += SumOfficial(w.Kind, res.Record().Values)
		o.Rows++
	}
	return o, res.Err()
}

// StreamBoltwire streams w through boltwire's native API, the same calls.
func StreamBoltwire(ctx context.Context, e *Env, w *Workload) (Outcome, error) {
	s := e.Boltwire.NewSession(ctx, native.SessionConfig{})
	defer s.Close(ctx)
	res, err := s.Run(ctx, w.Query, nil)
	if err != nil {
		return Outcome{}, err
	}
	var o Outcome
	for res.Next(ctx) {
		o.Sum += SumBoltwire(w.Kind, res.Record().Values)
		o.Rows++
	}
	return o, res.Err()
}

// StreamFloor consumes w on a raw connection with the PackStream decoder.
func StreamFloor(ctx context.Context, e *Env, w *Workload) (Outcome, error) {
	f, err := e.Floor(ctx)
	if err != nil {
		return Outcome{}, err
	}
	var o Outcome
	err = f.Stream(w.Query, 1000, func(row []any) {
		o.Sum += SumBoltwire(w.Kind, row)
		o.Rows++
	})
	return o, err
}

// WideNativeScan streams the wide workload with boltwire's Result.Scan into
// typed fields.
func WideNativeScan(ctx context.Context, e *Env, w *Workload) (Outcome, error) {
	s := e.Boltwire.NewSession(ctx, native.SessionConfig{})
	defer s.Close(ctx)
	res, err := s.Run(ctx, w.Query, nil)
	if err != nil {
		return Outcome{}, err
	}
	var o Outcome
	var row WideRow
	dest := row.Dest()
	for res.Next(ctx) {
		if err := res.Scan(dest...); err != nil {
			return o, err
		}
		o.Sum += row.Sum()
		o.Rows++
	}
	return o, res.Err()
}

// WideSQL streams the wide workload with database/sql, Rows.Scan into the same
// typed fields.
func WideSQL(ctx context.Context, e *Env, w *Workload) (Outcome, error) {
	return scanWide(ctx, e.SQL, w.Query)
}

// scanWide runs q on db and scans every row into a WideRow.
func scanWide(ctx context.Context, db *sql.DB, q string) (Outcome, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return Outcome{}, err
	}
	defer rows.Close()
	var o Outcome
	var row WideRow
	dest := row.Dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return o, err
		}
		o.Sum += row.Sum()
		o.Rows++
	}
	return o, rows.Err()
}

// WideSQLX streams the wide workload with sqlx, StructScan by db tag.
func WideSQLX(ctx context.Context, e *Env, w *Workload) (Outcome, error) {
	rows, err := e.SQLX.QueryxContext(ctx, w.Query)
	if err != nil {
		return Outcome{}, err
	}
	defer rows.Close()
	var o Outcome
	var row WideRow
	for rows.Next() {
		if err := rows.StructScan(&row); err != nil {
			return o, err
		}
		o.Sum += row.Sum()
		o.Rows++
	}
	return o, rows.Err()
}

// CanonOfficial reads w through the official driver and hashes every value.
func CanonOfficial(ctx context.Context, e *Env, w *Workload) (Canon, error) {
	s := e.Official.NewSession(ctx, neo4j.SessionConfig{})
	defer s.Close(ctx)
	var c Canon
	res, err := s.Run(ctx, w.Query, nil)
	if err != nil {
		return c, err
	}
	for res.Next(ctx) {
		c.Add(res.Record().Values)
		c.Out.Sum += SumOfficial(w.Kind, res.Record().Values)
		c.Out.Rows++
	}
	return c, res.Err()
}

// CanonBoltwire reads w through boltwire and hashes every value.
func CanonBoltwire(ctx context.Context, e *Env, w *Workload) (Canon, error) {
	s := e.Boltwire.NewSession(ctx, native.SessionConfig{})
	defer s.Close(ctx)
	var c Canon
	res, err := s.Run(ctx, w.Query, nil)
	if err != nil {
		return c, err
	}
	for res.Next(ctx) {
		c.Add(res.Record().Values)
		c.Out.Sum += SumBoltwire(w.Kind, res.Record().Values)
		c.Out.Rows++
	}
	return c, res.Err()
}

// CanonFloor reads w through the floor and hashes every value.
func CanonFloor(ctx context.Context, e *Env, w *Workload) (Canon, error) {
	var c Canon
	f, err := e.Floor(ctx)
	if err != nil {
		return c, err
	}
	err = f.Stream(w.Query, 1000, func(row []any) {
		c.Add(row)
		c.Out.Sum += SumBoltwire(w.Kind, row)
		c.Out.Rows++
	})
	return c, err
}

// CanonSQL reads w through database/sql into []any and hashes every value.
func CanonSQL(ctx context.Context, e *Env, w *Workload) (Canon, error) {
	var c Canon
	rows, err := e.SQL.QueryContext(ctx, w.Query)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	vals := make([]any, len(w.Keys))
	dest := make([]any, len(w.Keys))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return c, err
		}
		c.Add(vals)
		c.Out.Sum += SumBoltwire(w.Kind, vals)
		c.Out.Rows++
	}
	return c, rows.Err()
}

// OpFunc runs n operations (queries or transactions) on the env using g
// goroutines, each with its own session, and returns the operations done and
// a checksum.
type OpFunc func(ctx context.Context, e *Env, n, g int) (Outcome, error)

// parallel splits n operations over g goroutines; each calls body(worker, count).
func parallel(n, g int, body func(worker, count int) (Outcome, error)) (Outcome, error) {
	if g <= 1 {
		return body(0, n)
	}
	var mu sync.Mutex
	var total Outcome
	var first error
	var wg sync.WaitGroup
	for i := 0; i < g; i++ {
		cnt := n / g
		if i < n%g {
			cnt++
		}
		wg.Add(1)
		go func(i, cnt int) {
			defer wg.Done()
			o, err := body(i, cnt)
			mu.Lock()
			total.Rows += o.Rows
			total.Sum += o.Sum
			if err != nil && first == nil {
				first = err
			}
			mu.Unlock()
		}(i, cnt)
	}
	wg.Wait()
	return total, first
}

// sessionOp is one operation on a worker's session: it returns the value the
// checksum adds.
type sessionOp func(worker, i int) (uint64, error)

// perSession runs n operations over g goroutines, each on a session of its
// own: open makes a worker's session and returns its operation and closer.
func perSession(n, g int, open func() (sessionOp, func())) (Outcome, error) {
	return parallel(n, g, func(worker, cnt int) (Outcome, error) {
		var o Outcome
		op, done := open()
		defer done()
		for i := 0; i < cnt; i++ {
			v, err := op(worker, i)
			if err != nil {
				return o, err
			}
			o.Sum += v
			o.Rows++
		}
		return o, nil
	})
}

// writeParams are the parameters of worker's i-th CREATE.
func writeParams(worker, i int) map[string]any {
	return map[string]any{"v": int64(worker*1_000_000 + i)}
}

// ReturnOneOfficial runs RETURN 1 n times: Run, Next, Record, Next (end).
func ReturnOneOfficial(ctx context.Context, e *Env, n, g int) (Outcome, error) {
	return perSession(n, g, func() (sessionOp, func()) { return returnOneOfficial(ctx, e) })
}

// ReturnOneBoltwire is ReturnOneOfficial through boltwire.
func ReturnOneBoltwire(ctx context.Context, e *Env, n, g int) (Outcome, error) {
	return perSession(n, g, func() (sessionOp, func()) { return returnOneBoltwire(ctx, e) })
}

// WriteOfficial runs n ExecuteWrite transactions of one CREATE each; the
// checksum adds the nodes-created counter.
func WriteOfficial(ctx context.Context, e *Env, n, g int) (Outcome, error) {
	return perSession(n, g, func() (sessionOp, func()) { return writeOfficial(ctx, e) })
}

// WriteBoltwire is WriteOfficial through boltwire.
func WriteBoltwire(ctx context.Context, e *Env, n, g int) (Outcome, error) {
	return perSession(n, g, func() (sessionOp, func()) { return writeBoltwire(ctx, e) })
}

// SessionOp opens a session of driver ("official" or "boltwire") and returns
// one operation op ("return1" or "write") on it, as the subjects above run
// it, and the session's closer: for tools that time operations one by one
// (cmd/latency).
func SessionOp(ctx context.Context, e *Env, driver, op string) (func(i int) error, func(), error) {
	opens := map[string]func(context.Context, *Env) (sessionOp, func()){
		"official/return1": returnOneOfficial, "boltwire/return1": returnOneBoltwire,
		"official/write": writeOfficial, "boltwire/write": writeBoltwire,
	}
	open := opens[driver+"/"+op]
	if open == nil {
		return nil, nil, fmt.Errorf("no operation %q of driver %q (drivers: official, boltwire; operations: return1, write)", op, driver)
	}
	f, done := open(ctx, e)
	return func(i int) error { _, err := f(0, i); return err }, done, nil
}

func returnOneOfficial(ctx context.Context, e *Env) (sessionOp, func()) {
	q := ReturnOneWorkload().Query
	s := e.Official.NewSession(ctx, neo4j.SessionConfig{})
	return func(_, _ int) (v uint64, err error) {
		res, err := s.Run(ctx, q, nil)
		if err != nil {
			return 0, err
		}
		for res.Next(ctx) {
			v += uint64(res.Record().Values[0].(int64))
		}
		return v, res.Err()
	}, func() { s.Close(ctx) }
}

func returnOneBoltwire(ctx context.Context, e *Env) (sessionOp, func()) {
	q := ReturnOneWorkload().Query
	s := e.Boltwire.NewSession(ctx, native.SessionConfig{})
	return func(_, _ int) (v uint64, err error) {
		res, err := s.Run(ctx, q, nil)
		if err != nil {
			return 0, err
		}
		for res.Next(ctx) {
			v += uint64(res.Record().Values[0].(int64))
		}
		return v, res.Err()
	}, func() { s.Close(ctx) }
}

func writeOfficial(ctx context.Context, e *Env) (sessionOp, func()) {
	s := e.Official.NewSession(ctx, neo4j.SessionConfig{})
	return func(worker, i int) (uint64, error) {
		created, err := neo4j.ExecuteWrite(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
			res, err := tx.Run(ctx, WriteQuery, writeParams(worker, i))
			if err != nil {
				return 0, err
			}
			sum, err := res.Consume(ctx)
			if err != nil {
				return 0, err
			}
			return sum.Counters().NodesCreated(), nil
		})
		return uint64(created), err
	}, func() { s.Close(ctx) }
}

func writeBoltwire(ctx context.Context, e *Env) (sessionOp, func()) {
	s := e.Boltwire.NewSession(ctx, native.SessionConfig{})
	return func(worker, i int) (uint64, error) {
		created, err := native.ExecuteWrite(ctx, s, func(tx native.ManagedTransaction) (int, error) {
			res, err := tx.Run(ctx, WriteQuery, writeParams(worker, i))
			if err != nil {
				return 0, err
			}
			sum, err := res.Consume(ctx)
			if err != nil {
				return 0, err
			}
			return sum.Counters().NodesCreated(), nil
		})
		return uint64(created), err
	}, func() { s.Close(ctx) }
}

// RunSetup runs a workload's setup statements (real server only).
func RunSetup(ctx context.Context, e *Env, w *Workload) error {
	for _, q := range w.Setup {
		s := e.Boltwire.NewSession(ctx, native.SessionConfig{})
		res, err := s.Run(ctx, q, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		s.Close(ctx)
		if err != nil {
			return fmt.Errorf("setup of %s (%.60s...): %w", w.Name, q, err)
		}
	}
	return nil
}

// itoa is strconv.Itoa (kept short for table code).
func itoa(n int) string { return strconv.Itoa(n) }

// MakeContext returns a context of the named kind: "background", "timeout"
// (context.WithTimeout, one hour) or "cancel" (context.WithCancel).
func MakeContext(kind string) (context.Context, context.CancelFunc) {
	switch kind {
	case "timeout":
		return context.WithTimeout(context.Background(), time.Hour)
	case "cancel":
		return context.WithCancel(context.Background())
	}
	return context.Background(), func() {}
}
