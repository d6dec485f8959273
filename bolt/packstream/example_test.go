package packstream_test

import (
	"errors"
	"fmt"

	"github.com/boltwire/neo4j/bolt/packstream"
	"github.com/boltwire/neo4j/dbtype"
)

func ExampleEncoder() {
	enc := packstream.Encoder{Features: packstream.Features{UTCDateTime: true, ElementIDs: true}}
	enc.StructHeader(0x10, 3) // RUN
	enc.String("RETURN $x")
	if err := enc.Map(map[string]any{"x": []int{1, 2, 3}}); err != nil {
		panic(err)
	}
	enc.MapHeader(0)
	fmt.Printf("% x\n", enc.Buf)
	// Output:
	// b3 10 89 52 45 54 55 52 4e 20 24 78 a1 81 78 93 01 02 03 a0
}

func ExampleEncoder_Map_error() {
	var enc packstream.Encoder // Bolt 4.4 features: no Vector
	err := enc.Map(map[string]any{"doc": map[string]any{"embedding": dbtype.NewVectorFloat32([]float32{1})}})
	fmt.Println(err)
	fmt.Println(errors.Is(err, packstream.ErrNeedsNewerProtocol))
	// Output:
	// packstream: cannot encode "doc.embedding" (Go type dbtype.Vector): Vector values need Bolt 6.0+
	// true
}

func ExampleDecoder() {
	// RECORD [1, "a", Date 2024-02-29] as a server sends it.
	msg := []byte{0xB1, 0x71, 0x93, 0x01, 0x81, 0x61, 0xB1, 0x44, 0xC9, 0x4D, 0x46}
	var dec packstream.Decoder
	dec.Reset(msg)
	tag, fields, _ := dec.StructHeader()
	row, err := dec.List()
	if err != nil {
		panic(err)
	}
	fmt.Printf("tag %#x, %d field: %v\n", tag, fields, row)
	// Output:
	// tag 0x71, 1 field: [1 a 2024-02-29]
}

func ExampleDecoder_unknownStructure() {
	// A Vector on Bolt 5.x is not an error: it becomes an UnknownStructure value.
	msg := []byte{0x92, 0xB2, 0x56, 0xCC, 0x01, 0xC8, 0xCC, 0x01, 0x07, 0x2A}
	dec := packstream.Decoder{Features: packstream.Features{UTCDateTime: true, ElementIDs: true}}
	dec.Reset(msg)
	row, _ := dec.Value()
	for _, v := range row.([]any) {
		if err, ok := v.(error); ok && errors.Is(err, dbtype.ErrUnknownStructure) {
			fmt.Println("skipped:", err)
			continue
		}
		fmt.Println("value:", v)
	}
	// Output:
	// skipped: dbtype: unknown structure tag 0x56 ('V') with 2 fields: Vector needs Bolt 6.0+
	// value: 42
}
