package packstream

import (
	"strconv"
	"testing"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// encodePath writes a Path structure with explicit node and relationship lists
// and index sequence (the Encoder always writes lists in path order; a server
// may send each node and relationship once).
func encodePath(t *testing.T, e *Encoder, nodes []dbtype.Node, rels []dbtype.Relationship, idx ...int64) {
	t.Helper()
	e.StructHeader(TagPath, 3)
	e.ListHeader(len(nodes))
	for _, n := range nodes {
		require.Nil(t, e.node(n, 0))
	}
	e.ListHeader(len(rels))
	for _, r := range rels {
		require.Nil(t, e.unbound(r, 0))
	}
	e.ListHeader(len(idx))
	for _, i := range idx {
		e.Int(i)
	}
}

func TestPathDecode(t *testing.T) {
	for _, f := range []Features{{UTCDateTime: true, ElementIDs: true}, {}} {
		eid := func(long string, id int64) string {
			if f.ElementIDs {
				return long
			}
			return strconv.FormatInt(id, 10)
		}
		a := dbtype.Node{Id: 1, ElementId: eid("4:db:1", 1), Labels: []string{"A"}, Props: map[string]any{"k": int64(1000)}}
		b := dbtype.Node{Id: 2, ElementId: eid("4:db:2", 2), Labels: []string{"B", "C"}, Props: map[string]any{}}
		c := dbtype.Node{Id: 3, ElementId: eid("4:db:3", 3), Labels: []string{}, Props: map[string]any{}}
		r1 := dbtype.Relationship{Id: 7, ElementId: eid("5:db:7", 7), Type: "R", Props: map[string]any{"w": 1.5}}
		r2 := dbtype.Relationship{Id: 8, ElementId: eid("5:db:8", 8), Type: "S", Props: map[string]any{}}
		link := func(r dbtype.Relationship, s, e dbtype.Node) dbtype.Relationship {
			r.StartId, r.StartElementId, r.EndId, r.EndElementId = s.Id, s.ElementId, e.Id, e.ElementId
			return r
		}
		enc := Encoder{Features: f}
		// 1. in list order: a -r1-> b <-r2- c
		encodePath(t, &enc, []dbtype.Node{a, b, c}, []dbtype.Relationship{r1, r2}, 1, 1, -2, 2)
		// 2. in order for one step, then back: a -r1-> b <-r1- a (lists hold each once)
		encodePath(t, &enc, []dbtype.Node{a, b, c}, []dbtype.Relationship{r1, r2}, 1, 1, -1, 0)
		// 3. the same path again: values of the first decode must not change
		encodePath(t, &enc, []dbtype.Node{a, b, c}, []dbtype.Relationship{r1, r2}, 1, 1, -2, 2)
		want := []dbtype.Path{
			{Nodes: []dbtype.Node{a, b, c}, Relationships: []dbtype.Relationship{link(r1, a, b), link(r2, c, b)}},
			{Nodes: []dbtype.Node{a, b, a}, Relationships: []dbtype.Relationship{link(r1, a, b), link(r1, a, b)}},
			{Nodes: []dbtype.Node{a, b, c}, Relationships: []dbtype.Relationship{link(r1, a, b), link(r2, c, b)}},
		}
		dec := Decoder{Features: f}
		dec.Reset(enc.Buf)
		var got []dbtype.Path
		for range want {
			v, err := dec.Value()
			require.NoError(t, err)
			got = append(got, v.(dbtype.Path))
		}
		require.Equal(t, want, got)
		// Decoded values are independent: appending to or writing into one
		// path's slices leaves the others as they were.
		got[0].Nodes = append(got[0].Nodes, c)
		got[0].Nodes[0].Labels = append(got[0].Nodes[0].Labels, "X")
		got[0].Nodes[1].Labels[0] = "Y"
		got[0].Relationships[0].Type = "Z"
		require.Equal(t, want[1:], got[1:])
	}
}
