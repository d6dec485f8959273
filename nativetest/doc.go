// Package nativetest is an in-process fake of the native API (native.Driver,
// native.Session, native.ExplicitTransaction, native.ManagedTransaction and
// native.Result), so code written against those interfaces can be unit-tested
// without a Neo4j server.
//
// Script the queries the code under test will run, then check that they ran:
//
//	driver := nativetest.NewDriver()
//	driver.ExpectQuery("MATCH (p:Person {name: $name}) RETURN p.age AS age").
//		WithParams(map[string]any{"name": "Ada"}).
//		ReturnRecords([]string{"age"}, []any{int64(36)})
//
//	age, err := repo.AgeOf(ctx, driver, "Ada") // code that takes a native.Driver
//	...
//	if err := driver.ExpectationsWereMet(); err != nil { t.Error(err) }
//
// A query that matches no expectation fails with an error naming it (and the
// fake records it in Driver.Unexpected), so a forgotten expectation shows up at
// the call that needed it. Records are plain native.Record values, so Scan,
// native.GetRecordValue, native.CollectAs and native.ExecuteQuery work on them
// exactly as on a real result.
//
// The fake does not parse Cypher and keeps no data: it answers with what was
// scripted. Managed transactions (ExecuteRead, ExecuteWrite, ExecuteQuery) are
// retried, without waiting, when the work fails with an error native.IsRetryable
// accepts, up to Driver.MaxRetries times, so retry paths can be tested too.
//
// The package has no dependencies beyond the standard library and native.
package nativetest
