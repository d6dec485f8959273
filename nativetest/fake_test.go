package nativetest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/nativetest"
)

func TestRunScanAndSummary(t *testing.T) {
	ctx := context.Background()
	d := nativetest.NewDriver()
	d.ExpectQuery("RETURN $x AS x, 'a' AS y").WithParams(map[string]any{"x": 1}).
		ReturnRecords([]string{"x", "y"}, []any{int64(1), "a"}, []any{int64(2), "b"}).
		ReturnSummary(nativetest.Summary{StatementType: native.StatementTypeReadOnly, Bookmark: "bm"})
	s := d.NewSession(ctx, native.SessionConfig{})
	res, err := s.Run(ctx, "  RETURN $x AS x,\n 'a' AS y ", map[string]any{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := res.Keys()
	if strings.Join(keys, ",") != "x,y" {
		t.Errorf("keys %v", keys)
	}
	var rec *native.Record
	if !res.PeekRecord(ctx, &rec) || rec.Values[0] != int64(1) {
		t.Fatalf("peek %v", rec)
	}
	var x int
	var y string
	if !res.Next(ctx) || res.Scan(&x, &y) != nil || x != 1 || y != "a" {
		t.Fatalf("first row: %d %q", x, y)
	}
	got, _, err := native.GetRecordValue[int64](res.Record(), "x")
	if err != nil || got != 1 {
		t.Fatalf("GetRecordValue %v %v", got, err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.StatementType() != native.StatementTypeReadOnly || sum.Database().Name() != "neo4j" ||
		sum.Query().Text() != "  RETURN $x AS x,\n 'a' AS y " || sum.Server().Address() != "localhost:7687" ||
		sum.Bookmark() != "bm" || sum.ResultAvailableAfter() != -1 || sum.Counters().ContainsUpdates() {
		t.Errorf("summary: %+v", sum)
	}
	if res.Next(ctx) || res.IsOpen() {
		t.Error("records after Consume")
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.ExpectationsWereMet(); err != nil {
		t.Error(err)
	}
	if c := d.Calls(); len(c) != 1 || c[0].Kind != nativetest.AutoCommit || c[0].AccessMode != native.AccessModeWrite {
		t.Errorf("calls %+v", c)
	}
}

func TestUnexpectedAndUnmet(t *testing.T) {
	ctx := context.Background()
	d := nativetest.NewDriver()
	d.ExpectQuery("RETURN 1").Times(2)
	d.ExpectQuery("RETURN 2").WithParams(map[string]any{"a": 1})
	s := d.NewSession(ctx, native.SessionConfig{})
	if _, err := s.Run(ctx, "RETURN 1", nil); err != nil {
		t.Fatal(err)
	}
	_, err := s.Run(ctx, "RETURN 2", map[string]any{"a": 2})
	if err == nil || !strings.Contains(err.Error(), `unexpected query "RETURN 2"`) {
		t.Fatalf("want an unexpected-query error, got %v", err)
	}
	err = d.ExpectationsWereMet()
	for _, want := range []string{`"RETURN 1" was expected 2 time(s), ran 1`, `"RETURN 2" with parameters map[a:1]`, "unexpected query", "1 session(s) not closed"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ExpectationsWereMet = %v, want it to mention %s", err, want)
		}
	}
	if len(d.Unexpected()) != 1 || d.OpenSessions() != 1 {
		t.Errorf("unexpected %v open %d", d.Unexpected(), d.OpenSessions())
	}
}

func TestExplicitTransaction(t *testing.T) {
	ctx := context.Background()
	d := nativetest.NewDriver()
	d.ExpectQuery("CREATE (n)").AnyTimes()
	s := d.NewSession(ctx, native.SessionConfig{AccessMode: native.AccessModeRead, DatabaseName: "db1"})
	defer s.Close(ctx)
	tx, err := s.BeginTransaction(ctx, native.WithTxMetadata(map[string]any{"app": "x"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(ctx, "CREATE (n)", nil); !native.IsUsageError(err) {
		t.Errorf("Run with an open transaction: %v", err)
	}
	if _, err := tx.Run(ctx, "CREATE (n)", nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); !native.IsUsageError(err) {
		t.Errorf("second commit: %v", err)
	}
	if len(s.LastBookmarks()) != 1 {
		t.Errorf("bookmarks %v", s.LastBookmarks())
	}
	tx2, _ := s.BeginTransaction(ctx)
	tx2.Run(ctx, "CREATE (n)", nil)
	tx2.Close(ctx)
	txs := d.Transactions()
	if len(txs) != 2 || txs[0].Outcome != nativetest.Committed || txs[1].Outcome != nativetest.RolledBack ||
		txs[0].AccessMode != native.AccessModeRead || txs[0].Database != "db1" ||
		txs[0].Queries[0].Metadata["app"] != "x" || txs[0].Queries[0].Kind != nativetest.Explicit {
		t.Errorf("transactions %+v", txs)
	}
}

func TestManagedRetryAndCommitFailure(t *testing.T) {
	ctx := context.Background()
	d := nativetest.NewDriver()
	d.MaxRetries = 2
	d.ExpectQuery("RETURN 1").AnyTimes()
	transient := &native.Neo4jError{Code: "Neo.TransientError.General.MemoryPoolOutOfMemoryError"}
	d.FailCommit(transient)
	s := d.NewSession(ctx, native.SessionConfig{})
	defer s.Close(ctx)
	runs := 0
	v, err := s.ExecuteWrite(ctx, func(tx native.ManagedTransaction) (any, error) {
		runs++
		_, err := tx.Run(ctx, "RETURN 1", nil)
		return runs, err
	})
	if err != nil || v != 2 || runs != 2 {
		t.Fatalf("ExecuteWrite = %v, %v after %d runs", v, err, runs)
	}
	runs = 0
	_, err = s.ExecuteRead(ctx, func(tx native.ManagedTransaction) (any, error) {
		runs++
		return nil, transient
	})
	if !native.IsTransactionExecutionLimit(err) || !errors.Is(err, transient) || runs != 3 {
		t.Fatalf("err %v after %d runs", err, runs)
	}
	boom := errors.New("boom")
	if _, err = s.ExecuteRead(ctx, func(native.ManagedTransaction) (any, error) { return nil, boom }); err != boom {
		t.Fatalf("user error: %v", err)
	}
}

func TestStreamFailureAndSingle(t *testing.T) {
	ctx := context.Background()
	d := nativetest.NewDriver()
	boom := &native.Neo4jError{Code: "Neo.ClientError.Statement.ArithmeticError", Msg: "/ by zero"}
	d.ExpectQuery("UNWIND [1, 0] AS x RETURN 1/x").ReturnRecords([]string{"1/x"}, []any{int64(1)}).FailAfter(1, boom)
	d.ExpectQuery("RETURN 1").ReturnRecords([]string{"1"}, []any{int64(1)}, []any{int64(1)})
	d.ExpectQuery("RETURN 0").ReturnRecords([]string{"0"})
	s := d.NewSession(ctx, native.SessionConfig{})
	defer s.Close(ctx)
	res, _ := s.Run(ctx, "UNWIND [1, 0] AS x RETURN 1/x", nil)
	recs, err := res.Collect(ctx)
	if len(recs) != 1 || err != boom {
		t.Errorf("Collect = %v, %v", recs, err)
	}
	res, _ = s.Run(ctx, "RETURN 1", nil)
	if _, err := res.Single(ctx); !native.IsUsageError(err) {
		t.Errorf("Single on two records: %v", err)
	}
	res, _ = s.Run(ctx, "RETURN 0", nil)
	if _, err := res.Single(ctx); !native.IsUsageError(err) {
		t.Errorf("Single on no record: %v", err)
	}
}

func TestClosedSessionAndDriver(t *testing.T) {
	ctx := context.Background()
	d := nativetest.NewDriver()
	s := d.NewSession(ctx, native.SessionConfig{})
	s.Close(ctx)
	if _, err := s.Run(ctx, "RETURN 1", nil); !errors.Is(err, native.ErrSessionClosed) {
		t.Errorf("closed session: %v", err)
	}
	d.FailConnectivity(&native.ConnectivityError{Address: "localhost:7687", Inner: errors.New("refused")})
	if err := d.VerifyConnectivity(ctx); !native.IsConnectivityError(err) {
		t.Errorf("VerifyConnectivity: %v", err)
	}
	d.Close(ctx)
	s2 := d.NewSession(ctx, native.SessionConfig{})
	defer s2.Close(ctx)
	if _, err := s2.Run(ctx, "RETURN 1", nil); !errors.Is(err, native.ErrDriverClosed) {
		t.Errorf("closed driver: %v", err)
	}
	if d.IsEncrypted() || d.Target().Host != "localhost:7687" {
		t.Error("target")
	}
}
