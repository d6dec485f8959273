package bolt

import (
	"context"
	"testing"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/boltwire/neo4j/dbtype"
)

// loopReader yields prefix once, then repeats body forever.
type loopReader struct {
	prefix, body []byte
	off          int
}

func (l *loopReader) Read(p []byte) (int, error) {
	if len(l.prefix) > 0 {
		n := copy(p, l.prefix)
		l.prefix = l.prefix[n:]
		return n, nil
	}
	n := 0
	for n < len(p) {
		k := copy(p[n:], l.body[l.off:])
		n += k
		l.off = (l.off + k) % len(l.body)
	}
	return n, nil
}

// recordBytes encodes one chunked RECORD message holding fields.
func recordBytes(b *testing.B, v Version, fields ...any) []byte {
	c := offline(v)
	enc := packstream.Encoder{Features: c.enc.Features}
	enc.StructHeader(sigRecord, 1)
	if err := enc.Value(fields); err != nil {
		b.Fatal(err)
	}
	return appendChunked(nil, enc.Buf)
}

// benchRecords reads records through Stream.Next from an endless canned stream.
func benchRecords(b *testing.B, fields ...any) {
	v := Version{5, 8}
	rec := recordBytes(b, v, fields...)
	body := make([]byte, 0, 64*1024)
	for len(body)+len(rec) <= cap(body) {
		body = append(body, rec...)
	}
	run := appendChunked(nil, []byte{0xB1, 0x70, 0xA0})
	c := replayConn(v, &loopReader{prefix: run, body: body})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := c.Run(ctx, "RETURN x", nil, nil, -1)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := s.Next(ctx)
		if err != nil || r == nil {
			b.Fatalf("record %d: %v %v", i, r, err)
		}
	}
}

func BenchmarkRecordOneInt(b *testing.B) { benchRecords(b, int64(1)) }

func BenchmarkRecordTenScalars(b *testing.B) {
	benchRecords(b, int64(1), int64(1000), int64(-70000), 1.5, 2.25, "alpha", "a somewhat longer string value",
		true, false, nil)
}

func node(id int64) dbtype.Node {
	return dbtype.Node{Id: id, ElementId: "4:5f1c9a0e-1b2c-4d3e-8f90-123456789abc:" + string(rune('0'+id)),
		Labels: []string{"Person"}, Props: map[string]any{"name": "Alice", "age": int64(33), "score": 1.5,
			"active": true, "city": "Berlin"}}
}

func BenchmarkRecordNode5Props(b *testing.B) { benchRecords(b, node(1)) }

func BenchmarkRecordPath3Hops(b *testing.B) {
	var p dbtype.Path
	for i := int64(0); i < 4; i++ {
		p.Nodes = append(p.Nodes, node(i))
	}
	for i := int64(0); i < 3; i++ {
		p.Relationships = append(p.Relationships, dbtype.Relationship{Id: 100 + i, StartId: i, EndId: i + 1,
			ElementId: "5:x:" + string(rune('0'+i)), StartElementId: p.Nodes[i].ElementId,
			EndElementId: p.Nodes[i+1].ElementId, Type: "KNOWS", Props: map[string]any{"since": int64(2020)}})
	}
	benchRecords(b, p)
}
