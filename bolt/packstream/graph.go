package packstream

import (
	"strconv"

	"github.com/boltwire/neo4j/dbtype"
)

// Graph values are the most allocation-heavy values Bolt carries: a three-hop
// path is four nodes, three relationships, seven element ids and label lists.
// The Decoder cuts the per-value allocations in two ways:
//
//   - Node labels and the node and relationship lists of a Path are carved
//     from blocks of graphBlock elements (block[i:i+n:i+n]). A block is never
//     reused once carved from, so values stay independent: the capacity limit
//     makes an append copy, and no later decode writes to a handed-out range.
//     A retained value keeps at most one block alive.
//   - The element ids of a Path's nodes and relationships are gathered in a
//     scratch buffer and converted to one string, which the ids then share as
//     substrings (one allocation per path instead of one per id).

// graphBlock is the number of elements per carved block (labels: 1 KiB,
// nodes: 3.5 KiB, relationships: 6 KiB).
const graphBlock = 64

// maxIDScratch bounds the id scratch buffer a Decoder keeps between paths.
const maxIDScratch = 64 << 10

// graphScratch holds a Decoder's graph blocks and id scratch.
type graphScratch struct {
	strs  []string
	nodes []dbtype.Node
	rels  []dbtype.Relationship

	gather bool    // a Path is being read: element ids go to ids
	ids    []byte  // element ids of the current path, back to back
	ends   []int32 // ends[i] is where the i-th gathered id ends in ids
}

// carve returns a fresh slice of n elements, taken from *block when it fits
// (a new block is started when the current one is exhausted; lists longer
// than a quarter block get their own allocation).
func carve[T any](block *[]T, n int) []T {
	if n == 0 {
		return []T{} // empty, not nil (no allocation)
	}
	if n > graphBlock/4 {
		return make([]T, n)
	}
	if len(*block) < n {
		*block = make([]T, graphBlock)
	}
	out := (*block)[:n:n]
	*block = (*block)[n:]
	return out
}

// elementID reads a node's or relationship's element id field (Bolt 5.0+) or,
// before 5.0, formats the legacy numeric id. Inside a Path the id is gathered
// (see graphScratch) and "" is returned; the path fills it in.
func (d *Decoder) elementID(structName, field string, id int64) (string, error) {
	g := &d.graph
	if !d.Features.ElementIDs {
		if !g.gather {
			return strconv.FormatInt(id, 10), nil
		}
		g.ids = strconv.AppendInt(g.ids, id, 10)
	} else {
		if !g.gather {
			return d.stringField(structName, field)
		}
		b, err := d.stringBytes()
		if err != nil {
			return "", fieldErr(err, structName, field)
		}
		g.ids = append(g.ids, b...)
	}
	g.ends = append(g.ends, int32(len(g.ids)))
	return "", nil
}

// startGather starts gathering the element ids of a Path.
func (d *Decoder) startGather() {
	g := &d.graph
	g.gather, g.ids, g.ends = true, g.ids[:0], g.ends[:0]
}

// stopGather stops gathering and drops an oversized scratch buffer.
func (d *Decoder) stopGather() {
	g := &d.graph
	g.gather = false
	if cap(g.ids) > maxIDScratch {
		g.ids, g.ends = nil, nil
	}
}

// fillIDs gives the gathered element ids to nodes and then rels, in the order
// they were read, as substrings of one string. The caller has checked that
// len(nodes)+len(rels) ids were gathered.
func (d *Decoder) fillIDs(nodes []dbtype.Node, rels []dbtype.Relationship) {
	g := &d.graph
	all := string(g.ids)
	start, k := 0, 0
	next := func() string {
		end := int(g.ends[k])
		s := all[start:end]
		start, k = end, k+1
		return s
	}
	for i := range nodes {
		nodes[i].ElementId = next()
	}
	for i := range rels {
		rels[i].ElementId = next()
	}
}
