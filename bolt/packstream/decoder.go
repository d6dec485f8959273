package packstream

import (
	"encoding/binary"
	"math"

	"github.com/boltwire/neo4j/dbtype"
)

// Decoder reads PackStream from a byte slice without copying it. Reset it with
// each message and reuse it. Values it returns never alias the input.
//
// On error the read position is unspecified (except for ErrUnexpectedKind from a
// typed read, which consumes nothing); Reset before decoding further.
//
// A Decoder must not be copied once it has decoded a graph value: node labels and
// the node and relationship lists of paths are carved from blocks it owns (see
// graph.go), and two copies would hand out the same block.
type Decoder struct {
	Features Features // version-dependent structures
	buf      []byte
	off      int
	strs     *[internSlots]string // interned map keys, labels and types (see intern)
	boxed    *[metaSlots]any      // boxed short String values of metadata (see Meta)
	meta     bool                 // decoding inside Meta
	graph    graphScratch         // blocks and scratch of graph decoding (graph.go)
}

// Interning bounds: strings up to internMaxLen bytes, in a direct-mapped table of
// internSlots entries (a string replaces whatever shared its slot, so the table
// follows the strings currently in use).
const (
	internMaxLen = 32
	internSlots  = 256
	metaSlots    = 64
)

// internHash indexes the intern tables by the length and three bytes of b
// (len(b) > 0).
func internHash(b []byte) uint {
	n := len(b)
	return uint(n)*0x9E + uint(b[0])*31 + uint(b[n/2])*17 + uint(b[n-1])
}

// intern returns string(b), sharing one string per distinct short value across the
// records this Decoder reads (map keys, labels and relationship types repeat from
// row to row). Strings are immutable, so sharing them is safe.
//
// The table is indexed by a hash of the length and three bytes and checked by
// comparing the bytes: a few nanoseconds, where a Go map lookup (hashing every
// byte) cost as much as the allocation it saved. Two strings that share a slot
// and alternate are simply not shared.
func (d *Decoder) intern(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if n > internMaxLen {
		return string(b)
	}
	if d.strs == nil {
		d.strs = new([internSlots]string)
	}
	slot := &d.strs[internHash(b)%internSlots]
	if *slot == string(b) { // the comparison does not allocate
		return *slot
	}
	*slot = string(b)
	return *slot
}

// Meta reads a dictionary like Map, for response metadata: its short String
// values, nested ones included ("r", the database name, field names), repeat
// from reply to reply, so each is boxed once per Decoder and the same
// interface value is handed out again (strings are immutable; Map would
// allocate every one anew).
func (d *Decoder) Meta() (map[string]any, error) {
	d.meta = true
	defer func() { d.meta = false }()
	return d.mapValue(0)
}

// MetaValue reads a value like Value, in the mode of Meta (short String values
// are boxed once per Decoder), for a caller that decodes a metadata dictionary
// key by key. depth is how deep the value sits (1 for a value of the
// dictionary itself), so the nesting limit counts as it does under Meta.
func (d *Decoder) MetaValue(depth int) (any, error) {
	d.meta = true
	v, err := d.value(depth)
	d.meta = false
	return v, err
}

// SharedString reads a String like String, but a short one is shared through
// the Decoder's intern table (see intern): no allocation when the same string
// was read recently, as metadata keys and values ("r", "neo4j", field names)
// are. On ErrUnexpectedKind nothing is consumed.
func (d *Decoder) SharedString() (string, error) {
	b, err := d.stringBytes()
	if err != nil {
		return "", err
	}
	return d.intern(b), nil
}

// Key reads a dictionary key like SharedString; a key that is not a String is
// an ErrMalformed error, as inside Map.
func (d *Decoder) Key() (string, error) {
	b, err := d.stringBytes()
	if err != nil {
		return "", d.keyError(err)
	}
	return d.intern(b), nil
}

// stringValue reads a String as a value: boxed from the metadata table inside
// Meta, else a new string.
func (d *Decoder) stringValue() (any, error) {
	b, err := d.stringBytes()
	if err != nil {
		return nil, err
	}
	if !d.meta || len(b) == 0 || len(b) > internMaxLen {
		return string(b), nil
	}
	if d.boxed == nil {
		d.boxed = new([metaSlots]any)
	}
	slot := &d.boxed[internHash(b)%metaSlots]
	if s, ok := (*slot).(string); ok && s == string(b) {
		return *slot, nil
	}
	*slot = d.intern(b)
	return *slot, nil
}

// internString reads a String and interns it.
func (d *Decoder) internString() (string, error) {
	b, err := d.stringBytes()
	if err != nil {
		return "", err
	}
	return d.intern(b), nil
}

// internStrings reads a List of Strings, interning each (node labels).
func (d *Decoder) internStrings() ([]string, error) {
	n, err := d.ListHeader()
	if err != nil {
		return nil, err
	}
	out := carve(&d.graph.strs, n)
	for i := range out {
		if out[i], err = d.internString(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Reset starts decoding b from its first byte.
func (d *Decoder) Reset(b []byte) {
	d.buf = b
	d.off = 0
}

// Len returns the number of bytes not yet consumed.
func (d *Decoder) Len() int { return len(d.buf) - d.off }

// Offset returns the number of bytes consumed so far.
func (d *Decoder) Offset() int { return d.off }

func (d *Decoder) errAt(off int, sentinel error, msg string) error {
	return &DecodeError{Offset: off, Msg: msg, Err: sentinel}
}

func (d *Decoder) truncated(what string) error {
	return d.errAt(d.off, ErrTruncated, "input ends inside "+what)
}

func (d *Decoder) unexpected(want string, m byte) error {
	return d.errAt(d.off, ErrUnexpectedKind, "expected "+want+", found "+kindOf(m, d.Features.UUID).String()+
		" (marker 0x"+hex2(m)+")")
}

func hex2(b byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[b>>4], digits[b&0x0F]})
}

// kindOf maps a marker byte to its kind (KindInvalid for reserved markers).
func kindOf(m byte, uuid bool) Kind {
	switch {
	case m < 0x80 || m >= 0xF0:
		return KindInt
	case m < 0x90:
		return KindString
	case m < 0xA0:
		return KindList
	case m < 0xB0:
		return KindMap
	case m < 0xC0:
		return KindStruct
	}
	switch m {
	case 0xC0:
		return KindNull
	case 0xC1:
		return KindFloat
	case 0xC2, 0xC3:
		return KindBool
	case 0xC8, 0xC9, 0xCA, 0xCB:
		return KindInt
	case 0xCC, 0xCD, 0xCE:
		return KindBytes
	case 0xD0, 0xD1, 0xD2:
		return KindString
	case 0xD4, 0xD5, 0xD6:
		return KindList
	case 0xD8, 0xD9, 0xDA:
		return KindMap
	case 0xE0:
		if uuid {
			return KindUUID
		}
	}
	return KindInvalid
}

// PeekKind returns the kind of the next value without consuming it. A reserved
// marker (including E0 without Features.UUID) is an ErrMalformed error.
func (d *Decoder) PeekKind() (Kind, error) {
	if d.off >= len(d.buf) {
		return KindInvalid, d.truncated("value")
	}
	m := d.buf[d.off]
	k := kindOf(m, d.Features.UUID)
	if k == KindInvalid {
		return k, d.reserved(m)
	}
	return k, nil
}

func (d *Decoder) reserved(m byte) error {
	if m == 0xE0 {
		return d.errAt(d.off, ErrMalformed, "marker 0xE0 (UUID) is reserved before Bolt 6.1")
	}
	return d.errAt(d.off, ErrMalformed, "reserved marker 0x"+hex2(m))
}

// size reads the n-byte big-endian size that follows the marker at d.off and
// consumes marker and size. It returns an error if the size exceeds maxSize or
// the remaining input (each item needs at least minItem bytes).
func (d *Decoder) size(n, minItem int, what string) (int, error) {
	if d.off+1+n > len(d.buf) {
		return 0, d.truncated(what + " size")
	}
	p := d.buf[d.off+1 : d.off+1+n]
	var v uint64
	switch n {
	case 1:
		v = uint64(p[0])
	case 2:
		v = uint64(binary.BigEndian.Uint16(p))
	default:
		v = uint64(binary.BigEndian.Uint32(p))
	}
	start := d.off
	d.off += 1 + n
	if v > maxSize {
		return 0, d.errAt(start, ErrMalformed, what+" size exceeds 2^31-1")
	}
	if v*uint64(minItem) > uint64(len(d.buf)-d.off) {
		return 0, d.errAt(start, ErrTruncated, what+" size exceeds the remaining input")
	}
	return int(v), nil
}

// sized consumes the header of a string, bytes, list or map value and returns
// its size; tiny is the tiny marker base (0 if the kind has no tiny form),
// marker8 the 8-bit size marker.
func (d *Decoder) sized(m, tiny, marker8 byte, minItem int, what string) (int, bool, error) {
	if tiny != 0 && m&0xF0 == tiny {
		n := int(m & 0x0F)
		d.off++
		if n*minItem > len(d.buf)-d.off {
			return 0, true, d.errAt(d.off-1, ErrTruncated, what+" size exceeds the remaining input")
		}
		return n, true, nil
	}
	switch m {
	case marker8:
		n, err := d.size(1, minItem, what)
		return n, true, err
	case marker8 + 1:
		n, err := d.size(2, minItem, what)
		return n, true, err
	case marker8 + 2:
		n, err := d.size(4, minItem, what)
		return n, true, err
	}
	return 0, false, nil
}

func (d *Decoder) peek(what string) (byte, error) {
	if d.off >= len(d.buf) {
		return 0, d.truncated(what)
	}
	return d.buf[d.off], nil
}

// ListHeader reads a list header and returns the number of items that follow.
func (d *Decoder) ListHeader() (int, error) {
	m, err := d.peek("List")
	if err != nil {
		return 0, err
	}
	n, ok, err := d.sized(m, 0x90, 0xD4, 1, "List")
	if !ok {
		return 0, d.unexpected("List", m)
	}
	return n, err
}

// MapHeader reads a dictionary header and returns the number of entries that follow.
func (d *Decoder) MapHeader() (int, error) {
	m, err := d.peek("Dictionary")
	if err != nil {
		return 0, err
	}
	n, ok, err := d.sized(m, 0xA0, 0xD8, 2, "Dictionary")
	if !ok {
		return 0, d.unexpected("Dictionary", m)
	}
	return n, err
}

// StructHeader reads a structure header: its tag and number of fields.
func (d *Decoder) StructHeader() (tag byte, fields int, err error) {
	m, err := d.peek("Structure")
	if err != nil {
		return 0, 0, err
	}
	if m&0xF0 != 0xB0 {
		return 0, 0, d.unexpected("Structure", m)
	}
	if d.off+2 > len(d.buf) {
		return 0, 0, d.truncated("Structure header")
	}
	tag = d.buf[d.off+1]
	d.off += 2
	return tag, int(m & 0x0F), nil
}

// Null consumes a null.
func (d *Decoder) Null() error {
	m, err := d.peek("Null")
	if err != nil {
		return err
	}
	if m != 0xC0 {
		return d.unexpected("Null", m)
	}
	d.off++
	return nil
}

// Bool reads a boolean.
func (d *Decoder) Bool() (bool, error) {
	m, err := d.peek("Boolean")
	if err != nil {
		return false, err
	}
	if m != 0xC2 && m != 0xC3 {
		return false, d.unexpected("Boolean", m)
	}
	d.off++
	return m == 0xC3, nil
}

// Int reads an integer of any width.
func (d *Decoder) Int() (int64, error) {
	m, err := d.peek("Integer")
	if err != nil {
		return 0, err
	}
	if m < 0x80 || m >= 0xF0 {
		d.off++
		return int64(int8(m)), nil
	}
	var n int
	switch m {
	case 0xC8:
		n = 1
	case 0xC9:
		n = 2
	case 0xCA:
		n = 4
	case 0xCB:
		n = 8
	default:
		return 0, d.unexpected("Integer", m)
	}
	if d.off+1+n > len(d.buf) {
		return 0, d.truncated("Integer")
	}
	p := d.buf[d.off+1 : d.off+1+n]
	d.off += 1 + n
	switch n {
	case 1:
		return int64(int8(p[0])), nil
	case 2:
		return int64(int16(binary.BigEndian.Uint16(p))), nil
	case 4:
		return int64(int32(binary.BigEndian.Uint32(p))), nil
	}
	return int64(binary.BigEndian.Uint64(p)), nil
}

// Float reads a float.
func (d *Decoder) Float() (float64, error) {
	m, err := d.peek("Float")
	if err != nil {
		return 0, err
	}
	if m != 0xC1 {
		return 0, d.unexpected("Float", m)
	}
	if d.off+9 > len(d.buf) {
		return 0, d.truncated("Float")
	}
	v := math.Float64frombits(binary.BigEndian.Uint64(d.buf[d.off+1:]))
	d.off += 9
	return v, nil
}

// String reads a string (one allocation; none for the empty string).
func (d *Decoder) String() (string, error) {
	b, err := d.stringBytes()
	return string(b), err
}

// stringBytes reads a string and returns its bytes, aliasing the input.
func (d *Decoder) stringBytes() ([]byte, error) {
	m, err := d.peek("String")
	if err != nil {
		return nil, err
	}
	n, ok, err := d.sized(m, 0x80, 0xD0, 1, "String")
	if !ok {
		return nil, d.unexpected("String", m)
	}
	if err != nil {
		return nil, err
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b, nil
}

// Bytes reads a byte array and returns a copy.
func (d *Decoder) Bytes() ([]byte, error) {
	m, err := d.peek("Bytes")
	if err != nil {
		return nil, err
	}
	n, ok, err := d.sized(m, 0, 0xCC, 1, "Bytes")
	if !ok {
		return nil, d.unexpected("Bytes", m)
	}
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	copy(b, d.buf[d.off:])
	d.off += n
	return b, nil
}

// UUID reads a UUID (marker E0, Bolt 6.1+).
func (d *Decoder) UUID() (dbtype.UUID, error) {
	m, err := d.peek("UUID")
	if err != nil {
		return dbtype.UUID{}, err
	}
	if m != 0xE0 || !d.Features.UUID {
		return dbtype.UUID{}, d.unexpected("UUID", m)
	}
	if d.off+17 > len(d.buf) {
		return dbtype.UUID{}, d.truncated("UUID")
	}
	u := dbtype.UUID(d.buf[d.off+1 : d.off+17])
	d.off += 17
	return u, nil
}

// Strings reads a list of strings (e.g. the "fields" of a RUN SUCCESS).
func (d *Decoder) Strings() ([]string, error) {
	n, err := d.ListHeader()
	if err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		if out[i], err = d.String(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Skip consumes the next value, whatever it is, without building it.
func (d *Decoder) Skip() error { return d.skip(0) }

func (d *Decoder) skip(depth int) error {
	m, err := d.peek("value")
	if err != nil {
		return err
	}
	var items int // nested values to skip after the header
	switch kindOf(m, d.Features.UUID) {
	case KindNull, KindBool:
		d.off++
		return nil
	case KindInt:
		_, err = d.Int()
		return err
	case KindFloat:
		_, err = d.Float()
		return err
	case KindString:
		_, err = d.stringBytes()
		return err
	case KindBytes:
		n, _, err := d.sized(m, 0, 0xCC, 1, "Bytes")
		d.off += n
		return err
	case KindUUID:
		_, err = d.UUID()
		return err
	case KindList:
		items, err = d.ListHeader()
	case KindMap:
		items, err = d.MapHeader()
		items *= 2
	case KindStruct:
		_, items, err = d.StructHeader()
	default:
		return d.reserved(m)
	}
	if err != nil {
		return err
	}
	if depth >= MaxDepth {
		return d.errAt(d.off, ErrTooDeep, "values nest deeper than the limit")
	}
	for i := 0; i < items; i++ {
		if err := d.skip(depth + 1); err != nil {
			return err
		}
	}
	return nil
}
