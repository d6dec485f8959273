package native

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/stretchr/testify/require"
)

// countingAuth is an AuthTokenManager handing out a token the test changes,
// counting the calls.
type countingAuth struct {
	mu       sync.Mutex
	tok      AuthToken
	gets     int
	handled  []string // codes passed to HandleSecurityException
	handles  bool     // what HandleSecurityException answers
	onHandle func()
}

func (m *countingAuth) GetAuthToken(context.Context) (AuthToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	return m.tok, nil
}

func (m *countingAuth) HandleSecurityException(_ context.Context, _ AuthToken, err *Neo4jError) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.handled = append(m.handled, err.Code)
	if m.onHandle != nil {
		m.onHandle()
	}
	return m.handles, nil
}

func (m *countingAuth) set(tok AuthToken) {
	m.mu.Lock()
	m.tok = tok
	m.mu.Unlock()
}

func (m *countingAuth) calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gets
}

// stubDriver returns a bolt:// driver for stub authenticating with auth.
func stubDriver(t *testing.T, stub *boltstub.Stub, auth AuthTokenManager, configurers ...func(*Config)) Driver {
	t.Helper()
	d, err := NewDriver("bolt://"+stub.Address(), auth, configurers...)
	require.NoError(t, err)
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

// runOnce runs query in a new session (auth = session token, nil = the
// driver's) and consumes it.
func runOnce(t *testing.T, d Driver, auth *AuthToken, query string) error {
	t.Helper()
	ctx := context.Background()
	s := d.NewSession(ctx, SessionConfig{Auth: auth})
	defer s.Close(ctx)
	res, err := s.Run(ctx, query, nil)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// returnN answers the auto-commit query "RETURN n" (RUN and PULL pipelined).
func returnN(n string) string {
	return `
		C: RUN "RETURN ` + n + `" * *
		C: PULL *
		S: SUCCESS {"fields": ["n"]}
		S: RECORD [` + n + `]
		S: SUCCESS {"type": "r"}`
}

// reAuthThenReturnN expects LOGOFF + LOGON(user, pw) pipelined with the
// query "RETURN n", answered only once the query has arrived.
func reAuthThenReturnN(user, pw, n string) string {
	return `
		C: LOGOFF
		C: LOGON {"scheme": "basic", "principal": "` + user + `", "credentials": "` + pw + `"}
		C: RUN "RETURN ` + n + `" * *
		C: PULL *
		S: SUCCESS
		S: SUCCESS
		S: SUCCESS {"fields": ["n"]}
		S: RECORD [` + n + `]
		S: SUCCESS {"type": "r"}`
}

// D1 and D2: the manager is asked once per borrow; a changed token goes out as
// LOGOFF + LOGON in the same flight as the next query (the stub answers
// nothing before that query has arrived, as a server working through a
// pipeline may).
func TestManagedTokenAskedOncePerBorrowAndChangedInPipeline(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, logon51("neo4j", "pass")+`
		`+returnN("1")+returnN("2")+`
		`+reAuthThenReturnN("neo5j", "pass++", "3")+`
		`+returnN("4")+`
		?: GOODBYE`))
	auth := &countingAuth{tok: BasicAuth("neo4j", "pass", "")}
	d := stubDriver(t, stub, auth, func(c *Config) { c.SocketConnectTimeout = 2 * time.Second })
	require.NoError(t, runOnce(t, d, nil, "RETURN 1"))
	require.NoError(t, runOnce(t, d, nil, "RETURN 2"))
	auth.set(BasicAuth("neo5j", "pass++", ""))
	require.NoError(t, runOnce(t, d, nil, "RETURN 3"))
	require.NoError(t, runOnce(t, d, nil, "RETURN 4"))
	require.Equal(t, 4, auth.calls(), "one GetAuthToken per connection handed out")
	require.Equal(t, 1, stub.Connections())
}

// Before Bolt 5.1 a changed token replaces the pooled connection; the new one
// is dialled with a token of its own (one more GetAuthToken call).
func TestManagedTokenChangeBefore51ReplacesConnection(t *testing.T) {
	hello := func(user, pw string) string {
		return `
		!: BOLT 5.0
		C: HELLO {"scheme": "basic", "principal": "` + user + `", "credentials": "` + pw + `", ...}
		S: SUCCESS {"server": "Neo4j/5.0.0", "connection_id": "bolt-1"}`
	}
	stub := boltstub.New(t, "reader",
		boltstub.MustParse(t, hello("neo4j", "pass")+returnN("1")+`
		C: GOODBYE`),
		boltstub.MustParse(t, hello("neo5j", "pass++")+returnN("2")+returnN("3")+`
		?: GOODBYE`))
	auth := &countingAuth{tok: BasicAuth("neo4j", "pass", "")}
	d := stubDriver(t, stub, auth)
	require.NoError(t, runOnce(t, d, nil, "RETURN 1"))
	auth.set(BasicAuth("neo5j", "pass++", ""))
	require.NoError(t, runOnce(t, d, nil, "RETURN 2"))
	require.NoError(t, runOnce(t, d, nil, "RETURN 3"))
	require.Equal(t, 4, auth.calls())
	require.Equal(t, 2, stub.Connections())
}

// A session's own token: a new connection logs on with it directly and the
// driver's manager is never asked; switching back re-authenticates in the
// pipeline.
func TestSessionTokenDialsDirectlyWithoutAskingManager(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, logon51("alice", "a")+`
		`+returnN("1")+`
		`+reAuthThenReturnN("neo4j", "pass", "2")+`
		?: GOODBYE`))
	auth := &countingAuth{tok: BasicAuth("neo4j", "pass", "")}
	d := stubDriver(t, stub, auth)
	alice := BasicAuth("alice", "a", "")
	require.NoError(t, runOnce(t, d, &alice, "RETURN 1"))
	require.Equal(t, 0, auth.calls())
	require.NoError(t, runOnce(t, d, nil, "RETURN 2"))
	require.Equal(t, 1, auth.calls())
}

// A LOGON rejected in the pipeline fails the query it travelled with, with the
// server's security error, and the manager hears of it.
func TestPipelinedLogonRejectedFailsQuery(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, `
		!: BOLT 5.1
		C: HELLO
		C: LOGON
		S: SUCCESS {"server": "Neo4j/5.1.0", "connection_id": "bolt-1"}
		S: SUCCESS
		`+returnN("1")+`
		C: LOGOFF
		C: LOGON {"scheme": "basic", "principal": "neo5j", "credentials": "wrong"}
		C: RUN "RETURN 2" * *
		C: PULL *
		S: SUCCESS
		S: FAILURE {"code": "Neo.ClientError.Security.Unauthorized", "message": "bad credentials"}
		S: <CLOSE>`))
	auth := &countingAuth{tok: BasicAuth("neo4j", "pass", "")}
	d := stubDriver(t, stub, auth)
	require.NoError(t, runOnce(t, d, nil, "RETURN 1"))
	auth.set(BasicAuth("neo5j", "wrong", ""))
	err := runOnce(t, d, nil, "RETURN 2")
	nerr := asNeo4j(err)
	require.NotNil(t, nerr, "%v", err)
	require.Equal(t, codeUnauthorized, nerr.Code)
	require.Equal(t, []string{codeUnauthorized}, auth.handled)
}

// loginScript starts a connection script: version, HELLO (+ LOGON) with any
// token.
func loginScript(version string) string {
	if version == "5.0" {
		return `
		!: BOLT 5.0
		C: HELLO
		S: SUCCESS {"server": "Neo4j/5.0.0", "connection_id": "bolt-1"}`
	}
	return `
		!: BOLT ` + version + `
		C: HELLO
		C: LOGON
		S: SUCCESS {"server": "Neo4j/5.1.0", "connection_id": "bolt-1"}
		S: SUCCESS`
}

// logon51 starts a Bolt 5.1 connection script whose HELLO is followed by a
// LOGON carrying exactly the basic token of user and pw.
func logon51(user, pw string) string {
	return `
		!: BOLT 5.1
		C: HELLO
		C: LOGON {"scheme": "basic", "principal": "` + user + `", "credentials": "` + pw + `"}
		S: SUCCESS {"server": "Neo4j/5.1.0", "connection_id": "bolt-1"}
		S: SUCCESS`
}

// txReturn1 is a transaction running "RETURN 1" and committing.
const txReturn1 = `
		C: BEGIN *
		C: RUN "RETURN 1" * *
		C: PULL *
		S: SUCCESS
		S: SUCCESS {"fields": ["n"]}
		S: RECORD [1]
		S: SUCCESS {"type": "r"}
		C: COMMIT
		S: SUCCESS {"bookmark": "bm:1"}`

// authExpiredOnReturn2 fails "RETURN 2" with AuthorizationExpired.
const authExpiredOnReturn2 = `
		C: RUN "RETURN 2" * *
		C: PULL *
		S: FAILURE {"code": "Neo.ClientError.Security.AuthorizationExpired", "message": "expired"}
		S: IGNORED`

// authExpiredScenario holds a transaction open on one connection while another
// connection to the same server fails with AuthorizationExpired, commits it,
// then runs "RETURN 3" on a connection from the pool.
func authExpiredScenario(t *testing.T, stub *boltstub.Stub) {
	t.Helper()
	ctx := context.Background()
	d := stubDriver(t, stub, BasicAuth("neo4j", "pass", ""))
	a := d.NewSession(ctx, SessionConfig{})
	defer a.Close(ctx)
	tx, err := a.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)

	err = runOnce(t, d, nil, "RETURN 2")
	nerr := asNeo4j(err)
	require.NotNil(t, nerr, "%v", err)
	require.Equal(t, codeAuthorizationExpired, nerr.Code)
	require.True(t, IsRetryable(err))

	require.NoError(t, tx.Commit(ctx))
	require.NoError(t, runOnce(t, d, nil, "RETURN 3"))
}

// AuthorizationExpired on one connection expires the authentication of every
// connection to that server made before it, including ones in use: on Bolt
// 5.1+ each re-authenticates (same token) in the pipeline of its next request.
func TestAuthorizationExpiredReAuthenticatesConnectionsInUse(t *testing.T) {
	stub := boltstub.New(t, "reader",
		boltstub.MustParse(t, loginScript("5.1")+txReturn1+`
		`+reAuthThenReturnN("neo4j", "pass", "3")+`
		?: GOODBYE`),
		boltstub.MustParse(t, loginScript("5.1")+authExpiredOnReturn2+`
		C: RESET
		S: SUCCESS
		?: GOODBYE`))
	authExpiredScenario(t, stub)
	require.Equal(t, 2, stub.Connections())
}

// Before Bolt 5.1 the connections whose authentication expired are closed
// when returned (the failed one and the one in use) and replaced.
func TestAuthorizationExpiredClosesOldProtocolConnections(t *testing.T) {
	stub := boltstub.New(t, "reader",
		boltstub.MustParse(t, loginScript("5.0")+txReturn1+`
		C: GOODBYE`),
		boltstub.MustParse(t, loginScript("5.0")+authExpiredOnReturn2+`
		C: GOODBYE`),
		boltstub.MustParse(t, loginScript("5.0")+returnN("3")+`
		?: GOODBYE`))
	authExpiredScenario(t, stub)
	require.Equal(t, 3, stub.Connections())
}

// D16: TokenExpired with a static token fails a transaction function at once,
// even when the server hangs up right after the FAILURE of the pipelined BEGIN
// (no retry: a second connection would find no script).
func TestTokenExpiredOnBeginFailsTransactionFunction(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, loginScript("5.1")+`
		C: BEGIN *
		C: RUN "RETURN 1" * *
		C: PULL *
		S: FAILURE {"code": "Neo.ClientError.Security.TokenExpired", "message": "Token expired"}
		S: <CLOSE>`))
	ctx := context.Background()
	d := stubDriver(t, stub, BasicAuth("neo4j", "pass", ""))
	s := d.NewSession(ctx, SessionConfig{})
	defer s.Close(ctx)
	calls := 0
	_, err := s.ExecuteRead(ctx, func(tx ManagedTransaction) (any, error) {
		calls++
		res, err := tx.Run(ctx, "RETURN 1", nil)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	nerr := asNeo4j(err)
	require.NotNil(t, nerr, "%v", err)
	require.Equal(t, "Neo.ClientError.Security.TokenExpired", nerr.Code)
	require.False(t, IsRetryable(err))
	require.Equal(t, 1, calls)
}

// A transaction whose query failed on the server (which then hung up) rolls
// back and closes without an error: the server already rolled it back.
func TestRollbackAfterServerFailedQueryInTx(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, loginScript("5.1")+`
		C: BEGIN *
		C: RUN "RETURN 1" * *
		C: PULL *
		S: SUCCESS
		S: SUCCESS {"fields": ["n"]}
		S: FAILURE {"code": "Neo.ClientError.Security.TokenExpired", "message": "Token expired"}
		S: <CLOSE>`))
	ctx := context.Background()
	d := stubDriver(t, stub, BasicAuth("neo4j", "pass", ""))
	s := d.NewSession(ctx, SessionConfig{})
	tx, err := s.BeginTransaction(ctx)
	require.NoError(t, err)
	res, err := tx.Run(ctx, "RETURN 1", nil)
	require.NoError(t, err)
	require.False(t, res.Next(ctx))
	require.Equal(t, "Neo.ClientError.Security.TokenExpired", asNeo4j(res.Err()).Code)
	require.NoError(t, tx.Rollback(ctx))
	require.NoError(t, s.Close(ctx))
}

// D19: VerifyAuthentication logs the given token on to a reader of the system
// database, as a session with that token would: the routing table comes from a
// router logged on with it too; a new reader connection authenticates while
// connecting (no query, no LOGOFF/LOGON).
func TestVerifyAuthenticationRoutedColdLogsOnReader(t *testing.T) {
	const logon = `
		C: HELLO
		C: LOGON {"scheme": "basic", "principal": "alice", "credentials": "a"}
		S: SUCCESS {"server": "Neo4j/5.1.0", "connection_id": "bolt-1"}
		S: SUCCESS`
	reader := boltstub.New(t, "reader", boltstub.MustParse(t, `
		!: BOLT 5.1`+logon+`
		?: GOODBYE`))
	router := boltstub.New(t, "router", boltstub.MustParse(t, `
		!: BOLT 5.1`+logon+`
		C: ROUTE * * {"db": "system"}
		S: SUCCESS {"rt": {"ttl": 1000, "db": "system", "servers": [{"addresses": ["`+reader.Address()+`"], "role": "READ"}, {"addresses": ["127.0.0.1:1"], "role": "WRITE"}, {"addresses": ["`+reader.Address()+`"], "role": "ROUTE"}]}}
		?: GOODBYE`))
	d, err := NewDriver("neo4j://"+router.Address(), BasicAuth("neo4j", "pass", ""))
	require.NoError(t, err)
	defer d.Close(context.Background())
	alice := BasicAuth("alice", "a", "")
	require.NoError(t, d.VerifyAuthentication(context.Background(), &alice))
	require.Equal(t, 0, reader.Count("RUN"))
}

// On a pooled connection VerifyAuthentication sends LOGOFF + LOGON (even when
// the connection carries that token already) and reports the server's
// verdict; the connection stays usable.
func TestVerifyAuthenticationReAuthenticatesPooledConnection(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, loginScript("5.1")+returnN("1")+`
		C: LOGOFF
		C: LOGON {"scheme": "basic", "principal": "alice", "credentials": "a"}
		S: SUCCESS
		S: SUCCESS
		`+reAuthThenReturnN("neo4j", "pass", "2")+`
		C: LOGOFF
		C: LOGON {"scheme": "basic", "principal": "neo4j", "credentials": "pass"}
		S: SUCCESS
		S: SUCCESS
		C: LOGOFF
		C: LOGON {"scheme": "basic", "principal": "bob", "credentials": "wrong"}
		S: SUCCESS
		S: FAILURE {"code": "Neo.ClientError.Security.Unauthorized", "message": "no"}
		S: <CLOSE>`))
	d := stubDriver(t, stub, BasicAuth("neo4j", "pass", ""))
	ctx := context.Background()
	require.NoError(t, runOnce(t, d, nil, "RETURN 1"))
	alice := BasicAuth("alice", "a", "")
	require.NoError(t, d.VerifyAuthentication(ctx, &alice))
	require.NoError(t, runOnce(t, d, nil, "RETURN 2"))
	// The same token as the connection's: logged on again all the same.
	require.NoError(t, d.VerifyAuthentication(ctx, nil))
	bob := BasicAuth("bob", "wrong", "")
	err := d.VerifyAuthentication(ctx, &bob)
	nerr := asNeo4j(err)
	require.NotNil(t, nerr, "%v", err)
	require.Equal(t, codeUnauthorized, nerr.Code)
	require.Equal(t, 1, stub.Connections())
}

// D20: before Bolt 5.1 a connection cannot re-authenticate, so
// VerifyAuthentication is not supported (a usage error), as session auth.
func TestVerifyAuthenticationNeedsBolt51(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, loginScript("5.0")+`
		?: GOODBYE`))
	d := stubDriver(t, stub, BasicAuth("neo4j", "pass", ""))
	// Session auth on a new connection: refused as soon as the version is known.
	alice := BasicAuth("alice", "a", "")
	err := runOnce(t, d, &alice, "RETURN 1")
	require.True(t, IsUsageError(err), "%v", err)
	require.ErrorIs(t, err, bolt.ErrUnsupported)
	require.Contains(t, err.Error(), "session auth")

	err = d.VerifyAuthentication(context.Background(), nil)
	require.True(t, IsUsageError(err), "%v", err)
	require.ErrorIs(t, err, bolt.ErrUnsupported)
	require.Contains(t, err.Error(), "VerifyAuthentication")
	require.Equal(t, 1, stub.Connections())
}

// The manager hears of a security error once, also when it ends an
// auto-commit result.
func TestSecurityErrorInAutoCommitResultReportedOnce(t *testing.T) {
	stub := boltstub.New(t, "reader", boltstub.MustParse(t, loginScript("5.1")+`
		C: RUN "RETURN 1" * *
		C: PULL *
		S: SUCCESS {"fields": ["n"]}
		S: FAILURE {"code": "Neo.ClientError.Security.TokenExpired", "message": "Token expired"}
		C: RESET
		S: SUCCESS
		?: GOODBYE`))
	auth := &countingAuth{tok: BasicAuth("neo4j", "pass", "")}
	d := stubDriver(t, stub, auth)
	err := runOnce(t, d, nil, "RETURN 1")
	require.Equal(t, "Neo.ClientError.Security.TokenExpired", asNeo4j(err).Code)
	require.Equal(t, []string{"Neo.ClientError.Security.TokenExpired"}, auth.handled)
}
