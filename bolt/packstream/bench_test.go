package packstream

import (
	"testing"

	"github.com/boltwire/neo4j/dbtype"
)

// recordBytes encodes RECORD [fields...] with f.
func recordBytes(b *testing.B, f Features, fields ...any) []byte {
	e := Encoder{Features: f}
	e.StructHeader(0x71, 1)
	if err := e.Value(fields); err != nil {
		b.Fatal(err)
	}
	return e.Buf
}

// benchDecodeRecord decodes one RECORD message per iteration, as package bolt does.
func benchDecodeRecord(b *testing.B, msg []byte) {
	d := Decoder{Features: feat5}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Reset(msg)
		if _, _, err := d.StructHeader(); err != nil {
			b.Fatal(err)
		}
		if _, err := d.List(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRecord1Int(b *testing.B) {
	benchDecodeRecord(b, recordBytes(b, feat5, int64(1)))
}

func BenchmarkDecodeRecord1LargeInt(b *testing.B) {
	benchDecodeRecord(b, recordBytes(b, feat5, int64(1_000_000)))
}

func BenchmarkDecodeRecord10Scalars(b *testing.B) {
	benchDecodeRecord(b, recordBytes(b, feat5, int64(1), int64(1_000_000), 1.5, "text", true, nil,
		"a somewhat longer string value", int64(-5), 2.25, false))
}

func benchNode(id int64) dbtype.Node {
	return dbtype.Node{Id: id, ElementId: "4:f622ebfd-0a04-43ea-99e7-6455661a0271:1", Labels: []string{"Person", "Tmp"},
		Props: map[string]any{"name": "Alice", "age": int64(33), "score": 9.5, "active": true, "city": "Berlin"}}
}

func BenchmarkDecodeRecordNode5Props(b *testing.B) {
	benchDecodeRecord(b, recordBytes(b, feat5, benchNode(1)))
}

func benchPath() dbtype.Path {
	var p dbtype.Path
	for i := int64(0); i < 4; i++ {
		n := benchNode(i)
		n.ElementId = "4:db:" + string(rune('0'+i))
		p.Nodes = append(p.Nodes, n)
	}
	for i := int64(0); i < 3; i++ {
		p.Relationships = append(p.Relationships, dbtype.Relationship{Id: 10 + i, StartId: i, EndId: i + 1,
			ElementId: "5:db:" + string(rune('0'+i)), StartElementId: p.Nodes[i].ElementId,
			EndElementId: p.Nodes[i+1].ElementId, Type: "KNOWS", Props: map[string]any{"since": int64(2020)}})
	}
	return p
}

func BenchmarkDecodeRecordPath3Hops(b *testing.B) {
	benchDecodeRecord(b, recordBytes(b, feat5, benchPath()))
}

func BenchmarkEncodeRunParams(b *testing.B) {
	params := map[string]any{"name": "Alice", "age": int64(33), "tags": []string{"a", "b"}, "score": 1.5}
	e := Encoder{Features: feat5}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.Reset()
		e.StructHeader(0x10, 3)
		e.String("MATCH (n:Person {name: $name}) RETURN n")
		if err := e.Map(params); err != nil {
			b.Fatal(err)
		}
		e.MapHeader(0)
	}
}

func BenchmarkEncodeNode(b *testing.B) {
	n := benchNode(1)
	e := Encoder{Features: feat5}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.Reset()
		if err := e.Value(n); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRecordAllocations pins the allocation budget the benchmarks report.
func TestRecordAllocations(t *testing.T) {
	msg := recordBytes(nil, feat5, int64(1))
	d := Decoder{Features: feat5}
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(msg)
		_, _, _ = d.StructHeader()
		_, _ = d.List()
	})
	if allocs != 1 {
		t.Fatalf("decoding RECORD [1] costs %v allocations, want 1", allocs)
	}
}
