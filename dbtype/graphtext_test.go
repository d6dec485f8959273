package dbtype

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGraphString(t *testing.T) {
	ada := Node{Id: 1, ElementId: "4:x:1", Labels: []string{"Person", "Dev"},
		Props: map[string]any{"name": "Ada O'Neil", "age": int64(36), "score": 1.0, "tags": []any{"a", int64(2)},
			"born": NewDate(2015, 12, 10), "nan": math.NaN(), "nothing": nil}}
	require.Equal(t, `(:Person:Dev {age: 36, born: 2015-12-10, name: 'Ada O\'Neil', nan: NaN, nothing: null, score: 1.0, tags: ['a', 2]})`,
		fmt.Sprint(ada))
	require.Equal(t, "()", Node{}.String())
	require.Equal(t, "(:X)", Node{Labels: []string{"X"}}.String())
	require.Equal(t, "({k: {a: true}})", Node{Props: map[string]any{"k": map[string]any{"a": true}}}.String())

	bob := Node{ElementId: "4:x:2", Labels: []string{"Person"}, Props: map[string]any{"name": "Bob"}}
	knows := Relationship{ElementId: "5:x:1", StartElementId: ada.ElementId, EndElementId: bob.ElementId, Type: "KNOWS",
		Props: map[string]any{"since": int64(2020)}}
	require.Equal(t, "[:KNOWS {since: 2020}]", knows.String())
	require.Equal(t, "[:R]", Relationship{Type: "R"}.String())

	a := Node{ElementId: ada.ElementId, Labels: []string{"A"}}
	p := Path{Nodes: []Node{a, bob, a}, Relationships: []Relationship{knows, knows}}
	require.Equal(t, "(:A)-[:KNOWS {since: 2020}]->(:Person {name: 'Bob'})<-[:KNOWS {since: 2020}]-(:A)", p.String())
	require.Equal(t, "", Path{}.String())

	// database/sql renders a value it cannot convert with %v: the text must be readable.
	require.Equal(t, `"(:A)"`, fmt.Sprintf("%q", fmt.Sprintf("%v", a)))
}
