package nativetest_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"iter"
	"net/url"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/boltwire/neo4j/native"
)

// Hand mocks, written outside package native: that they compile proves every
// method of each interface is exported (an unexported method could not be
// implemented here).
type (
	mockDriver           struct{}
	mockSession          struct{}
	mockManagedTx        struct{}
	mockExplicitTx       struct{}
	mockResult           struct{}
	mockSummary          struct{}
	mockQuery            struct{}
	mockDatabaseInfo     struct{}
	mockServerInfo       struct{}
	mockCounters         struct{}
	mockPlan             struct{}
	mockProfiledPlan     struct{}
	mockNotification     struct{}
	mockGqlStatus        struct{}
	mockTracer           struct{}
	mockBookmarkManager  struct{}
	mockAuthTokenManager struct{}
	mockTransformer      struct{}
)

// mocked lists the interfaces the mocks above implement, by name; the test
// checks it against the interfaces package native declares.
var mocked = map[string]any{
	"Driver":              native.Driver(mockDriver{}),
	"Session":             native.Session(mockSession{}),
	"ManagedTransaction":  native.ManagedTransaction(mockManagedTx{}),
	"ExplicitTransaction": native.ExplicitTransaction(mockExplicitTx{}),
	"Result":              native.Result(mockResult{}),
	"ResultSummary":       native.ResultSummary(mockSummary{}),
	"Query":               native.Query(mockQuery{}),
	"DatabaseInfo":        native.DatabaseInfo(mockDatabaseInfo{}),
	"ServerInfo":          native.ServerInfo(mockServerInfo{}),
	"Counters":            native.Counters(mockCounters{}),
	"Plan":                native.Plan(mockPlan{}),
	"ProfiledPlan":        native.ProfiledPlan(mockProfiledPlan{}),
	"Notification":        native.Notification(mockNotification{}),
	"GqlStatusObject":     native.GqlStatusObject(mockGqlStatus{}),
	"Tracer":              native.Tracer(mockTracer{}),
	"BookmarkManager":     native.BookmarkManager(mockBookmarkManager{}),
	"AuthTokenManager":    native.AuthTokenManager(mockAuthTokenManager{}),
	"ResultTransformer":   native.ResultTransformer[int](mockTransformer{}),
}

func (mockDriver) NewSession(context.Context, native.SessionConfig) native.Session { return nil }
func (mockDriver) VerifyConnectivity(context.Context) error                        { return nil }
func (mockDriver) VerifyAuthentication(context.Context, *native.AuthToken) error   { return nil }
func (mockDriver) GetServerInfo(context.Context) (native.ServerInfo, error)        { return nil, nil }
func (mockDriver) IsEncrypted() bool                                               { return false }
func (mockDriver) Target() url.URL                                                 { return url.URL{} }
func (mockDriver) ExecuteQueryBookmarkManager() native.BookmarkManager             { return nil }
func (mockDriver) Stats() []native.PoolStats                                       { return nil }
func (mockDriver) Close(context.Context) error                                     { return nil }
func (mockSession) LastBookmarks() native.Bookmarks                                { return nil }
func (mockSession) Close(context.Context) error                                    { return nil }
func (mockManagedTx) Run(context.Context, string, map[string]any) (native.Result, error) {
	return nil, nil
}
func (mockExplicitTx) Run(context.Context, string, map[string]any) (native.Result, error) {
	return nil, nil
}
func (mockExplicitTx) Commit(context.Context) error   { return nil }
func (mockExplicitTx) Rollback(context.Context) error { return nil }
func (mockExplicitTx) Close(context.Context) error    { return nil }
func (mockSession) BeginTransaction(context.Context, ...func(*native.TransactionConfig)) (native.ExplicitTransaction, error) {
	return nil, nil
}
func (mockSession) ExecuteRead(context.Context, native.ManagedTransactionWork, ...func(*native.TransactionConfig)) (any, error) {
	return nil, nil
}
func (mockSession) ExecuteWrite(context.Context, native.ManagedTransactionWork, ...func(*native.TransactionConfig)) (any, error) {
	return nil, nil
}
func (mockSession) Run(context.Context, string, map[string]any, ...func(*native.TransactionConfig)) (native.Result, error) {
	return nil, nil
}
func (mockResult) Keys() ([]string, error)                                  { return nil, nil }
func (mockResult) Next(context.Context) bool                                { return false }
func (mockResult) NextRecord(context.Context, **native.Record) bool         { return false }
func (mockResult) Peek(context.Context) bool                                { return false }
func (mockResult) PeekRecord(context.Context, **native.Record) bool         { return false }
func (mockResult) Record() *native.Record                                   { return nil }
func (mockResult) Scan(...any) error                                        { return nil }
func (mockResult) Err() error                                               { return nil }
func (mockResult) Records(context.Context) iter.Seq2[*native.Record, error] { return nil }
func (mockResult) Collect(context.Context) ([]*native.Record, error)        { return nil, nil }
func (mockResult) Single(context.Context) (*native.Record, error)           { return nil, nil }
func (mockResult) Consume(context.Context) (native.ResultSummary, error)    { return nil, nil }
func (mockResult) IsOpen() bool                                             { return false }
func (mockSummary) Server() native.ServerInfo                               { return nil }
func (mockSummary) Query() native.Query                                     { return nil }
func (mockSummary) StatementType() native.StatementType                     { return 0 }
func (mockSummary) Counters() native.Counters                               { return nil }
func (mockSummary) Plan() native.Plan                                       { return nil }
func (mockSummary) Profile() native.ProfiledPlan                            { return nil }
func (mockSummary) Notifications() []native.Notification                    { return nil }
func (mockSummary) GqlStatusObjects() []native.GqlStatusObject              { return nil }
func (mockSummary) ResultAvailableAfter() time.Duration                     { return 0 }
func (mockSummary) ResultConsumedAfter() time.Duration                      { return 0 }
func (mockSummary) Database() native.DatabaseInfo                           { return nil }
func (mockSummary) Bookmark() string                                        { return "" }
func (mockQuery) Text() string                                              { return "" }
func (mockQuery) Parameters() map[string]any                                { return nil }
func (mockDatabaseInfo) Name() string                                       { return "" }
func (mockServerInfo) Address() string                                      { return "" }
func (mockServerInfo) Agent() string                                        { return "" }
func (mockServerInfo) ProtocolVersion() native.ProtocolVersion              { return native.ProtocolVersion{} }
func (mockCounters) ContainsUpdates() bool                                  { return false }
func (mockCounters) NodesCreated() int                                      { return 0 }
func (mockCounters) NodesDeleted() int                                      { return 0 }
func (mockCounters) RelationshipsCreated() int                              { return 0 }
func (mockCounters) RelationshipsDeleted() int                              { return 0 }
func (mockCounters) PropertiesSet() int                                     { return 0 }
func (mockCounters) LabelsAdded() int                                       { return 0 }
func (mockCounters) LabelsRemoved() int                                     { return 0 }
func (mockCounters) IndexesAdded() int                                      { return 0 }
func (mockCounters) IndexesRemoved() int                                    { return 0 }
func (mockCounters) ConstraintsAdded() int                                  { return 0 }
func (mockCounters) ConstraintsRemoved() int                                { return 0 }
func (mockCounters) SystemUpdates() int                                     { return 0 }
func (mockCounters) ContainsSystemUpdates() bool                            { return false }
func (mockPlan) Operator() string                                           { return "" }
func (mockPlan) Arguments() map[string]any                                  { return nil }
func (mockPlan) Identifiers() []string                                      { return nil }
func (mockPlan) Children() []native.Plan                                    { return nil }
func (mockProfiledPlan) Operator() string                                   { return "" }
func (mockProfiledPlan) Arguments() map[string]any                          { return nil }
func (mockProfiledPlan) Identifiers() []string                              { return nil }
func (mockProfiledPlan) DbHits() int64                                      { return 0 }
func (mockProfiledPlan) Records() int64                                     { return 0 }
func (mockProfiledPlan) PageCacheHits() int64                               { return 0 }
func (mockProfiledPlan) PageCacheMisses() int64                             { return 0 }
func (mockProfiledPlan) PageCacheHitRatio() float64                         { return 0 }
func (mockProfiledPlan) Time() int64                                        { return 0 }
func (mockProfiledPlan) Children() []native.ProfiledPlan                    { return nil }
func (mockProfiledPlan) HasStat(native.ProfileStat) bool                    { return false }
func (mockNotification) Code() string                                       { return "" }
func (mockNotification) Title() string                                      { return "" }
func (mockNotification) Description() string                                { return "" }
func (mockNotification) Position() *native.InputPosition                    { return nil }
func (mockNotification) RawSeverityLevel() string                           { return "" }
func (mockNotification) RawCategory() string                                { return "" }
func (mockGqlStatus) GqlStatus() string                                     { return "" }
func (mockGqlStatus) StatusDescription() string                             { return "" }
func (mockGqlStatus) Position() *native.InputPosition                       { return nil }
func (mockGqlStatus) RawClassification() string                             { return "" }
func (mockGqlStatus) RawSeverity() string                                   { return "" }
func (mockGqlStatus) DiagnosticRecord() map[string]any                      { return nil }
func (mockGqlStatus) IsNotification() bool                                  { return false }
func (mockTracer) QueryStart(context.Context, native.QueryStartEvent)       {}
func (mockTracer) QueryEnd(context.Context, native.QueryEndEvent)           {}
func (mockTracer) TxBegin(context.Context, native.TxEvent)                  {}
func (mockTracer) TxCommit(context.Context, native.TxEvent)                 {}
func (mockTracer) TxRollback(context.Context, native.TxEvent)               {}
func (mockTracer) Retry(context.Context, native.RetryEvent)                 {}
func (mockTracer) PoolAcquire(context.Context, native.PoolEvent)            {}
func (mockTracer) PoolRelease(context.Context, native.PoolEvent)            {}
func (mockTracer) Connect(context.Context, native.ConnectEvent)             {}
func (mockBookmarkManager) UpdateBookmarks(context.Context, native.Bookmarks, native.Bookmarks) error {
	return nil
}
func (mockBookmarkManager) GetBookmarks(context.Context) (native.Bookmarks, error) { return nil, nil }
func (mockAuthTokenManager) GetAuthToken(context.Context) (native.AuthToken, error) {
	return native.AuthToken{}, nil
}
func (mockAuthTokenManager) HandleSecurityException(context.Context, native.AuthToken, *native.Neo4jError) (bool, error) {
	return false, nil
}
func (mockTransformer) Accept(*native.Record) error { return nil }
func (mockTransformer) Complete([]string, native.ResultSummary) (int, error) {
	return 0, nil
}

// TestEveryInterfaceHasOnlyExportedMethods parses package native and checks
// that (1) no exported interface declares an unexported method and (2) every
// exported interface has a hand mock above, so a new interface cannot slip in
// untested.
func TestEveryInterfaceHasOnlyExportedMethods(t *testing.T) {
	files, err := filepath.Glob("../native/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("cannot list ../native: %v", err)
	}
	fset := token.NewFileSet()
	var found []string
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !ts.Name.IsExported() {
				return true
			}
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok {
				return true
			}
			found = append(found, ts.Name.Name)
			for _, m := range it.Methods.List {
				for _, name := range m.Names {
					if !name.IsExported() {
						t.Errorf("native.%s has the unexported method %s: users cannot mock it", ts.Name.Name, name.Name)
					}
				}
				if len(m.Names) == 0 {
					// An embedded interface: its own declaration is checked too
					// when it lives in native; other packages' are not ours.
					continue
				}
			}
			return true
		})
	}
	sort.Strings(found)
	for _, name := range found {
		if mocked[name] == nil {
			t.Errorf("native.%s has no hand mock in interfaces_test.go: add one", name)
		}
	}
	if len(found) < len(mocked) {
		t.Errorf("found %d exported interfaces in native, fewer than the %d mocked: %v", len(found), len(mocked), found)
	}
}
