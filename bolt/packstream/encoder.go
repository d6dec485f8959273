package packstream

import (
	"encoding/binary"
	"math"

	"github.com/boltwire/neo4j/dbtype"
)

// maxSize is the largest size PackStream allows for strings, bytes, lists and
// dictionaries.
const maxSize = math.MaxInt32

// Encoder appends PackStream to Buf, always in the smallest encoding.
//
// The primitive methods (Int, String, ListHeader, ...) cannot fail except for
// sizes PackStream cannot express; such a failure is remembered and reported by
// [Encoder.Err] and by the next Value or Map call. The zero Encoder is ready to
// use (with all Features off).
type Encoder struct {
	Buf      []byte   // encoded output; append-only until Reset
	Features Features // version-dependent encodings
	err      error
}

// Reset empties Buf (keeping its capacity) and clears any remembered error.
func (e *Encoder) Reset() {
	e.Buf = e.Buf[:0]
	e.err = nil
}

// Err returns the first error a primitive method ran into since the last Reset.
func (e *Encoder) Err() error { return e.err }

func (e *Encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Null appends a null.
func (e *Encoder) Null() { e.Buf = append(e.Buf, 0xC0) }

// Bool appends a boolean.
func (e *Encoder) Bool(v bool) {
	if v {
		e.Buf = append(e.Buf, 0xC3)
	} else {
		e.Buf = append(e.Buf, 0xC2)
	}
}

// Int appends an integer in the smallest encoding.
func (e *Encoder) Int(v int64) {
	switch {
	case v >= -16 && v <= 127:
		e.Buf = append(e.Buf, byte(v))
	case v >= math.MinInt8 && v <= math.MaxInt8:
		e.Buf = append(e.Buf, 0xC8, byte(v))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		e.Buf = append(e.Buf, 0xC9, byte(v>>8), byte(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		e.Buf = append(e.Buf, 0xCA, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		e.Buf = append(e.Buf, 0xCB)
		e.Buf = binary.BigEndian.AppendUint64(e.Buf, uint64(v))
	}
}

// Float appends a 64-bit float (the only float type of PackStream).
func (e *Encoder) Float(v float64) {
	e.Buf = append(e.Buf, 0xC1)
	e.Buf = binary.BigEndian.AppendUint64(e.Buf, math.Float64bits(v))
}

// String appends a string. PackStream requires UTF-8; s is written as is.
func (e *Encoder) String(s string) {
	if !e.header(0x80, 0xD0, len(s), "string") {
		return
	}
	e.Buf = append(e.Buf, s...)
}

// Bytes appends a byte array (nil encodes as an empty byte array).
func (e *Encoder) Bytes(b []byte) {
	if len(b) > maxSize {
		e.fail(encErr(b, ErrOutOfRange, "byte array of %d bytes exceeds PackStream's limit", len(b)))
		return
	}
	switch n := len(b); {
	case n <= math.MaxUint8:
		e.Buf = append(e.Buf, 0xCC, byte(n))
	case n <= math.MaxUint16:
		e.Buf = append(e.Buf, 0xCD, byte(n>>8), byte(n))
	default:
		e.Buf = append(e.Buf, 0xCE, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	e.Buf = append(e.Buf, b...)
}

// ListHeader appends the header of a list of n items; the items follow.
func (e *Encoder) ListHeader(n int) { e.header(0x90, 0xD4, n, "list") }

// MapHeader appends the header of a dictionary of n entries; n key/value pairs
// follow, each key a String.
func (e *Encoder) MapHeader(n int) { e.header(0xA0, 0xD8, n, "dictionary") }

// StructHeader appends the header of a structure with the given tag and number
// of fields (0–15); the fields follow.
func (e *Encoder) StructHeader(tag byte, fields int) {
	if fields < 0 || fields > 15 {
		e.fail(&EncodeError{GoType: "structure", Reason: "a structure has 0 to 15 fields", Err: ErrOutOfRange})
		return
	}
	e.Buf = append(e.Buf, 0xB0|byte(fields), tag)
}

// UUID appends a UUID as marker E0 + 16 bytes. The caller is responsible for
// checking that the negotiated version (Bolt 6.1+) supports it.
func (e *Encoder) UUID(u dbtype.UUID) {
	e.Buf = append(e.Buf, 0xE0)
	e.Buf = append(e.Buf, u[:]...)
}

// header appends a tiny (≤15) or 8/16/32-bit size header. marker8 is the 8-bit
// form's marker; the 16- and 32-bit forms follow it.
func (e *Encoder) header(tiny, marker8 byte, n int, what string) bool {
	switch {
	case n < 0 || n > maxSize:
		e.fail(&EncodeError{GoType: what, Reason: "size exceeds PackStream's limit of 2^31-1", Err: ErrOutOfRange})
		return false
	case n <= 15:
		e.Buf = append(e.Buf, tiny|byte(n))
	case n <= math.MaxUint8:
		e.Buf = append(e.Buf, marker8, byte(n))
	case n <= math.MaxUint16:
		e.Buf = append(e.Buf, marker8+1, byte(n>>8), byte(n))
	default:
		e.Buf = append(e.Buf, marker8+2, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return true
}
