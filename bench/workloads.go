// Package bench is the side-by-side benchmark harness of boltwire: the same
// workloads run through the official Neo4j Go driver, boltwire's native API,
// boltwire's database/sql driver (plain and through sqlx) and a "floor" (the
// PackStream decoder with no driver around it), against a canned Bolt peer on
// loopback and against a real Neo4j. cmd/report runs everything and writes
// RESULTS.md; the Benchmark functions in bench_test.go run the same subjects
// under `go test -bench` (for profiling and for CI's one-iteration check).
package bench

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/boltwire/neo4j/dbtype"
)

// Kind names the shape of a workload's rows; it selects the checksum the
// subjects compute while streaming.
type Kind int

// Workload kinds.
const (
	KindInts  Kind = iota // one INTEGER column
	KindMixed             // ten scalar columns of mixed types
	KindNodes             // one NODE column, five properties
	KindPaths             // one PATH column, three hops
	KindWide              // twenty scalar columns (database/sql comparison)
	KindOne               // RETURN 1
	KindWrite             // a small CREATE, no records
)

// Workload is one query with the rows it returns. Gen produces row i (0-based)
// as boltwire values; the canned peer encodes these rows once, and on the
// canned peer every subject's answer is checked against them.
type Workload struct {
	Name  string // short name used in benchmark and table names
	Kind  Kind   // row shape
	Query string // Cypher, valid on a real Neo4j and the key of the canned stream
	// Params is not read by the harness: every streaming workload's query
	// takes no parameters, and the write subjects build theirs per operation.
	Params func() map[string]any
	Rows   int               // number of rows
	Keys   []string          // column names
	Gen    func(i int) []any // row i (0-based) as boltwire values, as the canned peer serves it
	// Setup, when non-empty, is run once on a real server before the workload.
	Setup []string
}

// Sizes of the full workloads (the figures) and the divisor -short
// applies to them.
const (
	IntRows   = 1_000_000
	MixedRows = 200_000
	NodeRows  = 100_000
	PathRows  = 50_000
	WideRows  = 100_000
	// ShortDivisor shrinks every streaming workload under -short.
	ShortDivisor = 1000
)

// Workloads returns the workloads; short shrinks the streaming ones.
func Workloads(short bool) []*Workload {
	div := 1
	if short {
		div = ShortDivisor
	}
	return []*Workload{
		IntsWorkload(IntRows / div),
		MixedWorkload(MixedRows / div),
		NodesWorkload(NodeRows / div),
		PathsWorkload(PathRows / div),
		WideWorkload(WideRows / div),
		ReturnOneWorkload(),
		WriteWorkload(),
	}
}

// PeakWorkload is the integer workload at a tenth of its size, streamed to
// show that the peak heap does not grow with the result.
func PeakWorkload(short bool) *Workload {
	w := IntsWorkload(IntRows / 10)
	if short {
		w = IntsWorkload(IntRows / ShortDivisor / 10)
	}
	w.Name = "ints-tenth"
	return w
}

// PeerWorkloads is Workloads plus PeakWorkload: every query the canned peer
// must know.
func PeerWorkloads(short bool) []*Workload {
	return append(Workloads(short), PeakWorkload(short))
}

// IntsWorkload: n rows of one integer, 1..n.
func IntsWorkload(n int) *Workload {
	return &Workload{
		Name:  "ints",
		Kind:  KindInts,
		Query: fmt.Sprintf("UNWIND range(1, %d) AS i RETURN i", n),
		Rows:  n,
		Keys:  []string{"i"},
		Gen:   func(i int) []any { return []any{int64(i + 1)} },
	}
}

// MixedWorkload: n rows of ten scalars (integers, floats, strings, booleans, null).
func MixedWorkload(n int) *Workload {
	return &Workload{
		Name: "mixed",
		Kind: KindMixed,
		Query: fmt.Sprintf("UNWIND range(1, %d) AS i RETURN i AS a, i * 2.5 AS b, 'name-' + toString(i) AS c, "+
			"i %% 2 = 0 AS d, null AS e, -i AS f, toFloat(i) / 3.0 AS g, 'x' AS h, i * 1000000 AS j, "+
			"'a somewhat longer constant string value' AS k", n),
		Rows: n,
		Keys: []string{"a", "b", "c", "d", "e", "f", "g", "h", "j", "k"},
		Gen: func(i int) []any {
			v := int64(i + 1)
			return []any{v, float64(v) * 2.5, "name-" + strconv.FormatInt(v, 10), v%2 == 0, nil, -v,
				float64(v) / 3.0, "x", v * 1000000, "a somewhat longer constant string value"}
		},
	}
}

// benchElementID imitates the element ids of a Neo4j 5 database.
func benchElementID(prefix byte, id int64) string {
	return string(prefix) + ":7f3c2b1e-9d4a-4c55-8e21-5a6b7c8d9e0f:" + strconv.FormatInt(id, 10)
}

// NodesWorkload: n rows of one node with five properties.
func NodesWorkload(n int) *Workload {
	return &Workload{
		Name:  "nodes",
		Kind:  KindNodes,
		Query: "MATCH (n:BenchNode) RETURN n",
		Rows:  n,
		Keys:  []string{"n"},
		Gen: func(i int) []any {
			v := int64(i + 1)
			return []any{dbtype.Node{Id: v, ElementId: benchElementID('4', v), Labels: []string{"BenchNode"},
				Props: map[string]any{"id": v, "name": "node-" + strconv.FormatInt(v, 10), "score": float64(v) * 0.5,
					"active": v%2 == 0, "tag": "bench"}}}
		},
		Setup: []string{
			"MATCH (n:BenchNode) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
			fmt.Sprintf("UNWIND range(1, %d) AS i CALL { WITH i CREATE (:BenchNode {id: i, name: 'node-' + toString(i), "+
				"score: i * 0.5, active: i %% 2 = 0, tag: 'bench'}) } IN TRANSACTIONS OF 10000 ROWS", n),
		},
	}
}

// PathsWorkload: n rows of one three-hop path (four nodes, three relationships).
func PathsWorkload(n int) *Workload {
	return &Workload{
		Name:  "paths",
		Kind:  KindPaths,
		Query: "MATCH p = (:BenchStart)-[:NEXT]->()-[:NEXT]->()-[:NEXT]->() RETURN p",
		Rows:  n,
		Keys:  []string{"p"},
		Gen: func(i int) []any {
			base := int64(i) * 4
			var p dbtype.Path
			for k := int64(0); k < 4; k++ {
				id := base + k + 1
				labels := []string{"BenchP"}
				if k == 0 {
					labels = []string{"BenchP", "BenchStart"}
				}
				p.Nodes = append(p.Nodes, dbtype.Node{Id: id, ElementId: benchElementID('4', id), Labels: labels,
					Props: map[string]any{"i": int64(i + 1), "k": k}})
			}
			for k := int64(0); k < 3; k++ {
				id := int64(i)*3 + k + 1
				a, b := p.Nodes[k], p.Nodes[k+1]
				p.Relationships = append(p.Relationships, dbtype.Relationship{Id: id, StartId: a.Id, EndId: b.Id,
					ElementId: benchElementID('5', id), StartElementId: a.ElementId, EndElementId: b.ElementId,
					Type: "NEXT", Props: map[string]any{"w": k + 1}})
			}
			return []any{p}
		},
		Setup: []string{
			"MATCH (n:BenchP) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
			fmt.Sprintf("UNWIND range(1, %d) AS i CALL { WITH i CREATE (:BenchP:BenchStart {i: i, k: 0})-[:NEXT {w: 1}]->"+
				"(:BenchP {i: i, k: 1})-[:NEXT {w: 2}]->(:BenchP {i: i, k: 2})-[:NEXT {w: 3}]->(:BenchP {i: i, k: 3}) "+
				"} IN TRANSACTIONS OF 5000 ROWS", n),
		},
	}
}

// WideColumns is the number of columns of the wide workload.
const WideColumns = 20

// wideValue is column k of wide row v (1-based): k%4 selects integer, float,
// string or boolean.
func wideValue(v int64, k int) any {
	switch k % 4 {
	case 0:
		return v + int64(k)
	case 1:
		return float64(v)*0.5 + float64(k)
	case 2:
		return "s" + strconv.FormatInt(v+int64(k), 10)
	default:
		return (v+int64(k))%2 == 0
	}
}

// WideWorkload: n rows of twenty scalar columns c0..c19.
func WideWorkload(n int) *Workload {
	var cols []string
	keys := make([]string, WideColumns)
	for k := 0; k < WideColumns; k++ {
		keys[k] = "c" + strconv.Itoa(k)
		var expr string
		switch k % 4 {
		case 0:
			expr = fmt.Sprintf("i + %d", k)
		case 1:
			expr = fmt.Sprintf("i * 0.5 + %d", k)
		case 2:
			expr = fmt.Sprintf("'s' + toString(i + %d)", k)
		default:
			expr = fmt.Sprintf("(i + %d) %% 2 = 0", k)
		}
		cols = append(cols, expr+" AS "+keys[k])
	}
	return &Workload{
		Name:  "wide",
		Kind:  KindWide,
		Query: fmt.Sprintf("UNWIND range(1, %d) AS i RETURN %s", n, strings.Join(cols, ", ")),
		Rows:  n,
		Keys:  keys,
		Gen: func(i int) []any {
			row := make([]any, WideColumns)
			for k := range row {
				row[k] = wideValue(int64(i+1), k)
			}
			return row
		},
	}
}

// ReturnOneWorkload is RETURN 1.
func ReturnOneWorkload() *Workload {
	return &Workload{
		Name: "return1", Kind: KindOne, Query: "RETURN 1 AS x", Rows: 1, Keys: []string{"x"},
		Gen: func(int) []any { return []any{int64(1)} },
	}
}

// WriteQuery is the small CREATE of the ExecuteWrite workload.
const WriteQuery = "CREATE (n:BenchWrite {v: $v})"

// WriteWorkload is one small CREATE (no records; one node created).
func WriteWorkload() *Workload {
	return &Workload{
		Name: "write", Kind: KindWrite, Query: WriteQuery, Rows: 0, Keys: []string{},
		Gen:   func(int) []any { return nil },
		Setup: []string{"MATCH (n:BenchWrite) DETACH DELETE n"},
	}
}
