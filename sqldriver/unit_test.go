package sqldriver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
)

func TestRegisteredOnce(t *testing.T) {
	n := 0
	for _, d := range sql.Drivers() {
		if d == DriverName {
			n++
		}
	}
	require.Equal(t, 1, n)
	// A second registration attempt (another copy of the package) is skipped, not a panic.
	require.NotPanics(t, func() { registerIfAbsent() })
}

func TestCheckNamedValue(t *testing.T) {
	type person struct {
		Name string `db:"name"`
	}
	nv := driver.NamedValue{Ordinal: 1, Value: person{"Ada"}}
	require.NoError(t, checkNamedValue(&nv))
	require.Equal(t, map[string]any{"name": "Ada"}, nv.Value)

	nv = driver.NamedValue{Ordinal: 2, Value: sql.NullInt64{Int64: 3, Valid: true}}
	require.NoError(t, checkNamedValue(&nv))
	require.Equal(t, int64(3), nv.Value)

	nv = driver.NamedValue{Ordinal: 1, Value: []int{1, 2}}
	require.NoError(t, checkNamedValue(&nv))
	require.Equal(t, []any{int64(1), int64(2)}, nv.Value, "slices stay lists")

	var out string
	nv = driver.NamedValue{Name: "res", Ordinal: 1, Value: sql.Out{Dest: &out}}
	err := checkNamedValue(&nv)
	require.ErrorContains(t, err, "argument $res: sql.Out is not supported")

	nv = driver.NamedValue{Ordinal: 3, Value: make(chan int)}
	err = checkNamedValue(&nv)
	require.ErrorContains(t, err, "argument $3")
	require.ErrorContains(t, err, "chan int")

	nv = driver.NamedValue{Ordinal: 1, Value: Params{"when": time.Second, "bad": func() {}}}
	err = checkNamedValue(&nv)
	require.ErrorContains(t, err, "parameter $bad")

	nv = driver.NamedValue{Ordinal: 1, Value: Params{"when": time.Second}}
	require.NoError(t, checkNamedValue(&nv))
	require.Equal(t, Params{"when": dbtype.Duration{Seconds: 1}}, nv.Value)
}

func TestParamMap(t *testing.T) {
	m, err := paramMap(nil)
	require.NoError(t, err)
	require.Nil(t, m)

	m, err = paramMap([]driver.NamedValue{{Ordinal: 1, Value: "a"}, {Ordinal: 2, Name: "x", Value: int64(2)}, {Ordinal: 3, Value: nil}})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"1": "a", "x": int64(2), "3": nil}, m)

	m, err = paramMap([]driver.NamedValue{{Ordinal: 1, Value: Params{"a": int64(1)}}})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"a": int64(1)}, m)

	_, err = paramMap([]driver.NamedValue{{Ordinal: 1, Value: Params{}}, {Ordinal: 2, Value: "x"}})
	require.ErrorContains(t, err, "sqldriver.Params must be the only argument")

	_, err = paramMap([]driver.NamedValue{{Ordinal: 1, Name: "a"}, {Ordinal: 2, Name: "a"}})
	require.ErrorContains(t, err, "parameter $a is given twice")
}

func TestCheckIsolation(t *testing.T) {
	require.NoError(t, checkIsolation(driver.IsolationLevel(sql.LevelDefault)))
	require.NoError(t, checkIsolation(driver.IsolationLevel(sql.LevelReadCommitted)))
	for _, l := range []sql.IsolationLevel{sql.LevelReadUncommitted, sql.LevelRepeatableRead, sql.LevelSnapshot,
		sql.LevelSerializable, sql.LevelLinearizable, sql.LevelWriteCommitted} {
		err := checkIsolation(driver.IsolationLevel(l))
		require.ErrorContains(t, err, "isolation level "+l.String()+" is not supported")
		require.ErrorContains(t, err, "read-committed")
	}
	require.ErrorContains(t, checkIsolation(99), "IsolationLevel(99)")
}

func TestToDriverValue(t *testing.T) {
	d := dbtype.NewDate(2024, 2, 29)
	v, err := toDriverValue(d, ValuesNative)
	require.NoError(t, err)
	require.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), v)

	ldt := dbtype.NewLocalDateTime(2024, 1, 2, 3, 4, 5, 6)
	v, err = toDriverValue(ldt, ValuesNative)
	require.NoError(t, err)
	require.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), v)

	for _, same := range []any{nil, true, int64(1), 1.5, "s", []byte("b"), []any{int64(1)},
		map[string]any{"a": int64(1)}, dbtype.Node{}, dbtype.Point2D{}, dbtype.Duration{}, dbtype.NewLocalTime(1, 2, 3, 0),
		dbtype.UUID{1}} {
		v, err := toDriverValue(same, ValuesNative)
		require.NoError(t, err)
		require.Equal(t, same, v)
	}

	_, err = toDriverValue(dbtype.UnknownStructure{Tag: 'V', Fields: 2, Reason: "Vector needs Bolt 6.0+"}, ValuesNative)
	require.ErrorIs(t, err, dbtype.ErrUnknownStructure)
	_, err = toDriverValue(dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1}, ValuesNative)
	require.ErrorContains(t, err, "UUID")
	_, err = toDriverValue(map[string]any{"originalType": "UUID", "reason": "UNKNOWN_TYPE"}, ValuesNative)
	require.ErrorContains(t, err, "replaced a UUID value by a placeholder")

	require.Equal(t, anyType, scanType(nil, ValuesNative))
	require.Equal(t, "time.Time", scanType(d, ValuesNative).String())
	require.Equal(t, "int64", scanType(int64(1), ValuesNative).String())
}

type fakeCounters struct{ native.Counters }

func (fakeCounters) NodesCreated() int         { return 1 }
func (fakeCounters) NodesDeleted() int         { return 2 }
func (fakeCounters) RelationshipsCreated() int { return 4 }
func (fakeCounters) RelationshipsDeleted() int { return 8 }
func (fakeCounters) PropertiesSet() int        { return 16 }
func (fakeCounters) LabelsAdded() int          { return 32 }
func (fakeCounters) LabelsRemoved() int        { return 64 }

type fakeSummary struct{ native.ResultSummary }

func (fakeSummary) Counters() native.Counters { return fakeCounters{} }

func TestResult(t *testing.T) {
	r := newResult(fakeSummary{})
	n, err := r.RowsAffected()
	require.NoError(t, err)
	require.Equal(t, int64(127), n)
	_, err = r.LastInsertId()
	require.ErrorIs(t, err, ErrNoLastInsertId)
	n, _ = newResult(nil).RowsAffected()
	require.Zero(t, n)
}

func TestRegisterConfig(t *testing.T) {
	cfg := NewConfig("bolt://127.0.0.1:1")
	cfg.Auth = native.BearerAuth("tok")
	name := RegisterConfig(cfg)
	got, err := configFor(name)
	require.NoError(t, err)
	require.Equal(t, cfg.URI, got.URI)
	require.Equal(t, cfg.Auth, got.Auth)

	db, err := sql.Open(DriverName, name)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	UnregisterConfig(name)
	_, err = configFor(name)
	require.ErrorContains(t, err, "no config is registered")
	_, err = sql.Open(DriverName, name)
	require.Error(t, err)
}

func TestOpenErrors(t *testing.T) {
	_, err := sql.Open(DriverName, "neo4j://u:pw@h?nope=1")
	require.ErrorContains(t, err, `unknown option "nope"`)

	_, err = NewConnector(nil)
	require.Error(t, err)
	_, err = OpenDB(&Config{URI: "bolt://h"}) // zero native config: pool size 0
	require.ErrorContains(t, err, "MaxConnectionPoolSize")
	_, err = OpenDB(&Config{URI: "ftp://h", Driver: native.DefaultConfig()})
	require.ErrorContains(t, err, "ftp")
	_, err = OpenDBFromDriver(nil, Options{})
	require.Error(t, err)
	cfg := NewConfig("bolt://h")
	cfg.Bookmarks = 7
	_, err = OpenDB(cfg)
	require.ErrorContains(t, err, "Bookmarks 7")
	cfg = NewConfig("bolt://h")
	cfg.AccessMode = 5
	_, err = OpenDB(cfg)
	require.ErrorContains(t, err, "AccessMode 5")
}

func TestClosedConnIsBadConn(t *testing.T) {
	c, err := NewConnector(NewConfig("bolt://127.0.0.1:1"))
	require.NoError(t, err)
	defer c.Close()
	dc, err := c.Connect(context.Background())
	require.NoError(t, err)
	conn := dc.(*Conn)
	require.True(t, conn.IsValid())
	require.NoError(t, conn.Close())
	require.NoError(t, conn.Close(), "Close is idempotent")
	require.False(t, conn.IsValid())
	_, err = conn.QueryContext(context.Background(), "RETURN 1", nil)
	require.True(t, errors.Is(err, driver.ErrBadConn))
	_, err = conn.BeginTx(context.Background(), driver.TxOptions{})
	require.True(t, errors.Is(err, driver.ErrBadConn))
	require.True(t, errors.Is(conn.ResetSession(context.Background()), driver.ErrBadConn))
	require.True(t, errors.Is(conn.Ping(context.Background()), driver.ErrBadConn))
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "connector Close is idempotent")
}

func TestStandardValues(t *testing.T) {
	cases := []struct{ in, want any }{
		{nil, nil},
		{int64(1), int64(1)},
		{dbtype.NewDate(2024, 2, 29), time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{dbtype.NewLocalTime(1, 2, 3, 0), "01:02:03"},
		{dbtype.Duration{Days: 1}, "P1D"},
		{dbtype.UUID{0x55}, "55000000-0000-0000-0000-000000000000"},
		{[]any{int64(1), "a"}, []byte(`[1,"a"]`)},
		{map[string]any{"a": nil}, []byte(`{"a":null}`)},
		{dbtype.Point2D{SpatialRefId: 7203, X: 1, Y: 2}, []byte(`{"srid":7203,"x":1,"y":2}`)},
	}
	for _, c := range cases {
		got, err := toDriverValue(c.in, ValuesStandard)
		require.NoError(t, err, "%T", c.in)
		require.Equal(t, c.want, got, "%T", c.in)
		require.True(t, driver.IsValue(got), "%T is a standard driver.Value", got)
	}
	_, err := toDriverValue(map[string]any{"originalType": "VECTOR", "reason": "UNKNOWN_TYPE"}, ValuesStandard)
	require.ErrorContains(t, err, "placeholder")
	_, err = toDriverValue(dbtype.UnknownStructure{Tag: 'X'}, ValuesStandard)
	require.ErrorIs(t, err, dbtype.ErrUnknownStructure)
	require.Equal(t, "[]uint8", scanType(dbtype.Node{}, ValuesStandard).String())
	require.Equal(t, "standard", ValuesStandard.String())
	require.Equal(t, "ValueMode(7)", ValueMode(7).String())
}

func TestBookmarkModeString(t *testing.T) {
	require.Equal(t, "shared", BookmarksShared.String())
	require.Equal(t, "session", BookmarksSession.String())
	require.Equal(t, "none", BookmarksNone.String())
	require.Equal(t, "BookmarkMode(9)", BookmarkMode(9).String())
}

// TestRetryBudgetFromConfig: ExecuteWrite takes its budget from the *sql.DB's
// max_transaction_retry_time; an unreachable server is a retryable failure.
func TestRetryBudgetFromConfig(t *testing.T) {
	ctx := context.Background()
	work := func(*sql.Tx) error { return nil }

	never, err := sql.Open(DriverName, "bolt://127.0.0.1:1?max_transaction_retry_time=0s&socket_connect_timeout=1s")
	require.NoError(t, err)
	defer never.Close()
	err = ExecuteWrite(ctx, never, work)
	require.True(t, native.IsConnectivityError(err), "%v", err)
	var tle *native.TransactionExecutionLimit
	require.False(t, errors.As(err, &tle), "a zero budget means one attempt")

	short, err := sql.Open(DriverName, "bolt://127.0.0.1:1?max_transaction_retry_time=300ms&socket_connect_timeout=1s")
	require.NoError(t, err)
	defer short.Close()
	start := time.Now()
	err = ExecuteRead(ctx, short, work, RetryOptions{InitialDelay: 20 * time.Millisecond})
	require.True(t, errors.As(err, &tle), "%v", err)
	require.GreaterOrEqual(t, len(tle.Errors), 2)
	require.Less(t, time.Since(start), 10*time.Second)

	// The caller's context ends the waiting.
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	err = ExecuteWrite(cctx, short, work, RetryOptions{MaxRetryTime: time.Hour, InitialDelay: time.Hour})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
