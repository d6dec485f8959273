package nativetest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/boltwire/neo4j/native"
	"github.com/boltwire/neo4j/nativetest"
)

// People is the code under test: a small repository over the native API. It
// depends on the native.Driver interface only, so tests hand it the fake.
type People struct{ Driver native.Driver }

// Age returns the age of the person called name.
func (p People) Age(ctx context.Context, name string) (int, error) {
	session := p.Driver.NewSession(ctx, native.SessionConfig{DatabaseName: "people"})
	defer session.Close(ctx)
	return native.ExecuteRead(ctx, session, func(tx native.ManagedTransaction) (int, error) {
		res, err := tx.Run(ctx, "MATCH (p:Person {name: $name}) RETURN p.age AS age", map[string]any{"name": name})
		if err != nil {
			return 0, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return 0, fmt.Errorf("age of %s: %w", name, err)
		}
		var age int
		return age, rec.Scan(&age)
	})
}

// Add creates a person and reports how many nodes were created.
func (p People) Add(ctx context.Context, name string, age int) (int, error) {
	res, err := native.ExecuteQuery(ctx, p.Driver, "CREATE (:Person {name: $name, age: $age})",
		map[string]any{"name": name, "age": age}, native.EagerResultTransformer,
		native.ExecuteQueryWithDatabase("people"))
	if err != nil {
		return 0, err
	}
	return res.Summary.Counters().NodesCreated(), nil
}

// A unit test of People without a database: script the answers, run the code,
// check what it did.
func Example() {
	ctx := context.Background()
	driver := nativetest.NewDriver()
	driver.ExpectQuery(`MATCH (p:Person {name: $name})
	                    RETURN p.age AS age`).
		WithParams(map[string]any{"name": "Ada"}).
		ReturnRecords([]string{"age"}, []any{int64(36)})
	driver.ExpectQuery("CREATE (:Person {name: $name, age: $age})").
		ReturnSummary(nativetest.Summary{Counters: nativetest.Counters{NodesCreated: 1, PropertiesSet: 2}})

	people := People{Driver: driver}
	age, err := people.Age(ctx, "Ada")
	fmt.Println(age, err)
	created, err := people.Add(ctx, "Grace", 45)
	fmt.Println(created, err)

	for _, tx := range driver.Transactions() {
		fmt.Println(tx.AccessMode, tx.Outcome, tx.Queries[0].Database, tx.Queries[0].Params)
	}
	fmt.Println(driver.ExpectationsWereMet())
	// Output:
	// 36 <nil>
	// 1 <nil>
	// READ committed people map[name:Ada]
	// WRITE committed people map[age:45 name:Grace]
	// <nil>
}

// Scripted errors exercise the error paths: a server error on Run, and a
// transient error that the managed transaction retries.
func ExampleExpectation_ReturnError() {
	ctx := context.Background()
	driver := nativetest.NewDriver()
	deadlock := &native.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"}
	q := "MATCH (p:Person {name: $name}) RETURN p.age AS age"
	driver.ExpectQuery(q).ReturnError(deadlock) // first attempt fails, is retried
	driver.ExpectQuery(q).ReturnRecords([]string{"age"})

	_, err := People{Driver: driver}.Age(ctx, "Nobody")
	fmt.Println(native.IsUsageError(err), len(driver.Transactions()))
	fmt.Println(errors.Is(err, deadlock), driver.ExpectationsWereMet())
	// Output:
	// true 2
	// false <nil>
}
