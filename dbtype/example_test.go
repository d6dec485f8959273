package dbtype_test

import (
	"fmt"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

func ExampleDate() {
	d := dbtype.NewDate(2024, time.February, 29)
	fmt.Println(d)
	fmt.Println(d.Time().Weekday())
	// Output:
	// 2024-02-29
	// Thursday
}

func ExampleDuration() {
	d := dbtype.Duration{Months: 14, Days: 3, Seconds: 14706, Nanos: 7}
	fmt.Println(d)
	fmt.Println(dbtype.DurationOf(-1500 * time.Millisecond))
	// Output:
	// P1Y2M3DT4H5M6.000000007S
	// PT-1.5S
}

func ExampleVector() {
	v := dbtype.NewVectorFloat32([]float32{1, 2, 3})
	if f, ok := v.Float32s(); ok {
		fmt.Println(v.ElemType(), v.Len(), f)
	}
	fmt.Println(v)
	// Output:
	// FLOAT32 3 [1 2 3]
	// vector([1.0, 2.0, 3.0], 3, FLOAT32)
}

func ExampleParseUUID() {
	u, err := dbtype.ParseUUID("550E8400-E29B-41D4-A716-446655440000")
	if err != nil {
		panic(err)
	}
	fmt.Println(u)
	fmt.Printf("% x\n", [16]byte(u))
	// Output:
	// 550e8400-e29b-41d4-a716-446655440000
	// 55 0e 84 00 e2 9b 41 d4 a7 16 44 66 55 44 00 00
}

func ExamplePath() {
	alice := dbtype.Node{ElementId: "a", Labels: []string{"Person"}}
	bob := dbtype.Node{ElementId: "b", Labels: []string{"Person"}}
	knows := dbtype.Relationship{ElementId: "r", Type: "KNOWS", StartElementId: "b", EndElementId: "a"}
	p := dbtype.Path{Nodes: []dbtype.Node{alice, bob}, Relationships: []dbtype.Relationship{knows}}
	for i, r := range p.Relationships {
		dir := "->"
		if r.StartElementId != p.Nodes[i].ElementId {
			dir = "<-" // traversed against the relationship's direction
		}
		fmt.Println(p.Nodes[i].ElementId, dir, r.Type, p.Nodes[i+1].ElementId)
	}
	// Output:
	// a <- KNOWS b
}
