package bench

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"slices"

	bwtype "github.com/boltwire/neo4j/dbtype"
	offtype "github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Outcome is what a subject saw: rows (or operations) and a checksum of the
// values, computed with the type assertions a user would write. Subjects that
// did the same work on the same stream must agree on both.
type Outcome struct {
	Rows int    // rows streamed, or operations done (RETURN 1, writes)
	Sum  uint64 // sum of the per-row checksums (SumBoltwire, SumOfficial), or of the operations' values (the 1, nodes created)
}

// flt folds a float into the checksum exactly.
func flt(f float64) uint64 { return math.Float64bits(f) }

// bool1 is 1 for true.
func bool1(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// strSum is a cheap, content-dependent digest of a string.
func strSum(s string) uint64 {
	if len(s) == 0 {
		return 7
	}
	return uint64(len(s))*31 + uint64(s[len(s)-1])
}

// SumBoltwire is the checksum of one row of boltwire values (also used by the
// floor, which decodes into the same types). It panics on a value of the
// wrong type, which the harness reports as a wrong answer.
func SumBoltwire(k Kind, row []any) uint64 { return sumRow(k, row, sumBWGraph) }

// SumOfficial is SumBoltwire for the official driver's values.
func SumOfficial(k Kind, row []any) uint64 { return sumRow(k, row, sumOffGraph) }

// sumRow is the checksum of one row; graph sums a node or path column (the
// only values whose Go types differ between the drivers).
func sumRow(k Kind, row []any, graph func(any) uint64) uint64 {
	switch k {
	case KindInts, KindOne:
		return uint64(row[0].(int64))
	case KindMixed:
		return sumMixed(row)
	case KindNodes, KindPaths:
		return graph(row[0])
	case KindWide:
		var w WideRow
		w.FromValues(row)
		return w.Sum()
	}
	return 0
}

func sumBWGraph(v any) uint64 {
	if p, ok := v.(bwtype.Path); ok {
		return sumPath(p.Nodes, p.Relationships, sumBWNode, func(r bwtype.Relationship) uint64 {
			return sumRel(r.Id, r.StartId, r.EndId, r.Type, r.ElementId, r.Props)
		})
	}
	return sumBWNode(v.(bwtype.Node))
}

func sumOffGraph(v any) uint64 {
	if p, ok := v.(offtype.Path); ok {
		return sumPath(p.Nodes, p.Relationships, sumOffNode, func(r offtype.Relationship) uint64 {
			return sumRel(r.Id, r.StartId, r.EndId, r.Type, r.ElementId, r.Props)
		})
	}
	return sumOffNode(v.(offtype.Node))
}

func sumPath[N, R any](nodes []N, rels []R, node func(N) uint64, rel func(R) uint64) uint64 {
	var s uint64
	for _, n := range nodes {
		s += node(n)
	}
	for _, r := range rels {
		s += rel(r)
	}
	return s
}

func sumRel(id, start, end int64, typ, eid string, props map[string]any) uint64 {
	return uint64(id+start*3+end*5) + strSum(typ) + uint64(props["w"].(int64)) + strSum(eid)
}

func sumMixed(row []any) uint64 {
	s := uint64(row[0].(int64)) + flt(row[1].(float64)) + strSum(row[2].(string)) + bool1(row[3].(bool))
	if row[4] != nil {
		panic("column e is not null")
	}
	s += uint64(row[5].(int64)) + flt(row[6].(float64)) + strSum(row[7].(string)) + uint64(row[8].(int64)) + strSum(row[9].(string))
	return s
}

func sumBWNode(n bwtype.Node) uint64 { return sumNode(n.Id, n.ElementId, n.Labels, n.Props) }

func sumOffNode(n offtype.Node) uint64 { return sumNode(n.Id, n.ElementId, n.Labels, n.Props) }

func sumNode(id int64, eid string, labels []string, props map[string]any) uint64 {
	s := uint64(id) + strSum(eid) + uint64(len(labels))*11 + uint64(len(props))*13
	for _, v := range props {
		s += sumProp(v)
	}
	return s
}

func sumProp(v any) uint64 {
	switch x := v.(type) {
	case int64:
		return uint64(x)
	case float64:
		return flt(x)
	case string:
		return strSum(x)
	case bool:
		return bool1(x) + 17
	}
	panic(fmt.Sprintf("unexpected property type %T", v))
}

// WideRow is one row of the wide workload, scanned into typed fields (the
// `db` tags serve sqlx). In the field comments i is the row's number, from 1.
type WideRow struct {
	C0  int64   `db:"c0"`  // c0, integer: i + 0
	C1  float64 `db:"c1"`  // c1, float: i * 0.5 + 1
	C2  string  `db:"c2"`  // c2, string: 's' + (i + 2)
	C3  bool    `db:"c3"`  // c3, boolean: (i + 3) is even
	C4  int64   `db:"c4"`  // c4, integer: i + 4
	C5  float64 `db:"c5"`  // c5, float: i * 0.5 + 5
	C6  string  `db:"c6"`  // c6, string: 's' + (i + 6)
	C7  bool    `db:"c7"`  // c7, boolean: (i + 7) is even
	C8  int64   `db:"c8"`  // c8, integer: i + 8
	C9  float64 `db:"c9"`  // c9, float: i * 0.5 + 9
	C10 string  `db:"c10"` // c10, string: 's' + (i + 10)
	C11 bool    `db:"c11"` // c11, boolean: (i + 11) is even
	C12 int64   `db:"c12"` // c12, integer: i + 12
	C13 float64 `db:"c13"` // c13, float: i * 0.5 + 13
	C14 string  `db:"c14"` // c14, string: 's' + (i + 14)
	C15 bool    `db:"c15"` // c15, boolean: (i + 15) is even
	C16 int64   `db:"c16"` // c16, integer: i + 16
	C17 float64 `db:"c17"` // c17, float: i * 0.5 + 17
	C18 string  `db:"c18"` // c18, string: 's' + (i + 18)
	C19 bool    `db:"c19"` // c19, boolean: (i + 19) is even
}

// Dest returns pointers to the fields in column order (for Scan).
func (w *WideRow) Dest() []any {
	return []any{&w.C0, &w.C1, &w.C2, &w.C3, &w.C4, &w.C5, &w.C6, &w.C7, &w.C8, &w.C9,
		&w.C10, &w.C11, &w.C12, &w.C13, &w.C14, &w.C15, &w.C16, &w.C17, &w.C18, &w.C19}
}

// FromValues fills w from a record's values with type assertions.
func (w *WideRow) FromValues(v []any) {
	w.C0, w.C1, w.C2, w.C3 = v[0].(int64), v[1].(float64), v[2].(string), v[3].(bool)
	w.C4, w.C5, w.C6, w.C7 = v[4].(int64), v[5].(float64), v[6].(string), v[7].(bool)
	w.C8, w.C9, w.C10, w.C11 = v[8].(int64), v[9].(float64), v[10].(string), v[11].(bool)
	w.C12, w.C13, w.C14, w.C15 = v[12].(int64), v[13].(float64), v[14].(string), v[15].(bool)
	w.C16, w.C17, w.C18, w.C19 = v[16].(int64), v[17].(float64), v[18].(string), v[19].(bool)
}

// Sum is the row's checksum.
func (w *WideRow) Sum() uint64 {
	return uint64(w.C0+w.C4+w.C8+w.C12+w.C16) +
		flt(w.C1) + flt(w.C5) + flt(w.C9) + flt(w.C13) + flt(w.C17) +
		strSum(w.C2) + strSum(w.C6) + strSum(w.C10) + strSum(w.C14) + strSum(w.C18) +
		bool1(w.C3) + bool1(w.C7)*2 + bool1(w.C11)*3 + bool1(w.C15)*4 + bool1(w.C19)*5
}

// Canon accumulates an order-independent hash of full canonical encodings of
// rows: every value, every property, every label and id. It is the deep
// equality check run once per subject outside the timed runs.
type Canon struct {
	Rows int    // rows added
	Hash uint64 // sum of the rows' FNV-1a hashes, so row order does not matter
	// Out is the timed runs' checksum over the same rows (set by the Canon*
	// functions of subjects.go), so a verification pass also yields the
	// outcome the timed runs must reproduce.
	Out Outcome
	buf []byte
}

// Add folds one row in.
func (c *Canon) Add(row []any) {
	c.buf = c.buf[:0]
	for _, v := range row {
		c.buf = canonValue(c.buf, v)
	}
	h := fnv.New64a()
	h.Write(c.buf)
	c.Hash += h.Sum64()
	c.Rows++
}

func canonStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func canonInt(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

func canonMap(b []byte, m map[string]any) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, 'M')
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = canonStr(b, k)
		b = canonValue(b, m[k])
	}
	return b
}

func canonNode(b []byte, id int64, eid string, labels []string, props map[string]any) []byte {
	b = append(b, 'n')
	b = canonInt(b, id)
	b = canonStr(b, eid)
	b = binary.AppendUvarint(b, uint64(len(labels)))
	for _, l := range labels {
		b = canonStr(b, l)
	}
	return canonMap(b, props)
}

func canonRel(b []byte, id, sid, eid int64, el, sel, eel, typ string, props map[string]any) []byte {
	b = append(b, 'r')
	b = canonInt(b, id)
	b = canonInt(b, sid)
	b = canonInt(b, eid)
	b = canonStr(b, el)
	b = canonStr(b, sel)
	b = canonStr(b, eel)
	b = canonStr(b, typ)
	return canonMap(b, props)
}

// canonValue appends the canonical encoding of a value from either driver.
func canonValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 'N')
	case bool:
		if x {
			return append(b, 'T')
		}
		return append(b, 'F')
	case int64:
		return canonInt(append(b, 'i'), x)
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 'f'), math.Float64bits(x))
	case string:
		return canonStr(append(b, 's'), x)
	case []any:
		b = append(b, 'L')
		b = binary.AppendUvarint(b, uint64(len(x)))
		for _, e := range x {
			b = canonValue(b, e)
		}
		return b
	case map[string]any:
		return canonMap(b, x)
	case bwtype.Node:
		return canonNode(b, x.Id, x.ElementId, x.Labels, x.Props)
	case offtype.Node:
		return canonNode(b, x.Id, x.ElementId, x.Labels, x.Props)
	case bwtype.Relationship:
		return canonRel(b, x.Id, x.StartId, x.EndId, x.ElementId, x.StartElementId, x.EndElementId, x.Type, x.Props)
	case offtype.Relationship:
		return canonRel(b, x.Id, x.StartId, x.EndId, x.ElementId, x.StartElementId, x.EndElementId, x.Type, x.Props)
	case bwtype.Path:
		b = append(b, 'p')
		b = binary.AppendUvarint(b, uint64(len(x.Nodes)))
		for _, n := range x.Nodes {
			b = canonValue(b, n)
		}
		for _, r := range x.Relationships {
			b = canonValue(b, r)
		}
		return b
	case offtype.Path:
		b = append(b, 'p')
		b = binary.AppendUvarint(b, uint64(len(x.Nodes)))
		for _, n := range x.Nodes {
			b = canonValue(b, n)
		}
		for _, r := range x.Relationships {
			b = canonValue(b, r)
		}
		return b
	}
	return append(b, fmt.Sprintf("?%T:%v", v, v)...)
}

// Expected computes the canonical hash and checksum of a workload's rows as
// the canned peer serves them.
func Expected(w *Workload) (Canon, Outcome) {
	var c Canon
	var o Outcome
	for i := 0; i < w.Rows; i++ {
		row := w.Gen(i)
		c.Add(row)
		o.Rows++
		o.Sum += SumBoltwire(w.Kind, row)
	}
	c.Out = o
	return c, o
}
