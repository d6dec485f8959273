package packstream

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/boltwire/neo4j/dbtype"
)

// bytesAlias reads a Bytes value and returns its content, aliasing the input.
func (d *Decoder) bytesAlias(structName, field string) ([]byte, error) {
	m, err := d.peek("Bytes")
	if err != nil {
		return nil, err
	}
	n, ok, err := d.sized(m, 0, 0xCC, 1, "Bytes")
	if !ok {
		return nil, fieldErr(d.unexpected("Bytes", m), structName, field)
	}
	if err != nil {
		return nil, err
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b, nil
}

// vector reads a Vector structure (Bolt 6.0+): a one-byte type marker and the
// big-endian elements.
func (d *Decoder) vector(start, n int) (any, error) {
	if err := d.fieldCount(start, "Vector", n, 2); err != nil {
		return nil, err
	}
	tm, err := d.bytesAlias("Vector", "type_marker")
	if err != nil {
		return nil, err
	}
	if len(tm) != 1 {
		return nil, d.errAt(start, ErrMalformed, "Vector.type_marker has "+strconv.Itoa(len(tm))+" bytes, want 1")
	}
	data, err := d.bytesAlias("Vector", "data")
	if err != nil {
		return nil, err
	}
	size := vectorElemSize(tm[0])
	if size == 0 {
		return nil, d.errAt(start, ErrMalformed, "Vector.type_marker 0x"+hex2(tm[0])+" is not a known element type")
	}
	if len(data)%size != 0 {
		return nil, d.errAt(start, ErrMalformed, "Vector.data length "+strconv.Itoa(len(data))+
			" is not a multiple of the element size "+strconv.Itoa(size))
	}
	cnt := len(data) / size
	switch tm[0] {
	case 0xC8:
		v := make([]int8, cnt)
		for i := range v {
			v[i] = int8(data[i])
		}
		return dbtype.NewVectorInt8(v), nil
	case 0xC9:
		v := make([]int16, cnt)
		for i := range v {
			v[i] = int16(binary.BigEndian.Uint16(data[2*i:]))
		}
		return dbtype.NewVectorInt16(v), nil
	case 0xCA:
		v := make([]int32, cnt)
		for i := range v {
			v[i] = int32(binary.BigEndian.Uint32(data[4*i:]))
		}
		return dbtype.NewVectorInt32(v), nil
	case 0xCB:
		v := make([]int64, cnt)
		for i := range v {
			v[i] = int64(binary.BigEndian.Uint64(data[8*i:]))
		}
		return dbtype.NewVectorInt64(v), nil
	case 0xC6:
		v := make([]float32, cnt)
		for i := range v {
			v[i] = math.Float32frombits(binary.BigEndian.Uint32(data[4*i:]))
		}
		return dbtype.NewVectorFloat32(v), nil
	default: // 0xC1
		v := make([]float64, cnt)
		for i := range v {
			v[i] = math.Float64frombits(binary.BigEndian.Uint64(data[8*i:]))
		}
		return dbtype.NewVectorFloat64(v), nil
	}
}

// unsupported reads an UnsupportedType placeholder (Bolt 6.0+).
func (d *Decoder) unsupported(start, n, depth int) (any, error) {
	if err := d.fieldCount(start, "UnsupportedType", n, 4); err != nil {
		return nil, err
	}
	var u dbtype.UnsupportedType
	var err error
	if u.Name, err = d.stringField("UnsupportedType", "name"); err != nil {
		return nil, err
	}
	major, err := d.intField("UnsupportedType", "minimum_protocol_major")
	if err != nil {
		return nil, err
	}
	minor, err := d.intField("UnsupportedType", "minimum_protocol_minor")
	if err != nil {
		return nil, err
	}
	if major < 0 || major > 255 || minor < 0 || minor > 255 {
		return nil, d.errAt(start, ErrMalformed, "UnsupportedType: protocol version out of range")
	}
	u.MinProtocolMajor, u.MinProtocolMinor = int(major), int(minor)
	extra, err := d.mapField("UnsupportedType", "extra", depth+1)
	if err != nil {
		return nil, err
	}
	if msg, ok := extra["message"].(string); ok {
		u.Message = msg
		delete(extra, "message")
	}
	if len(extra) > 0 {
		u.Extra = extra
	}
	return u, nil
}

// vectorElemSize returns the element size for a Vector type marker (0 if unknown).
func vectorElemSize(marker byte) int {
	switch marker {
	case 0xC8:
		return 1
	case 0xC9:
		return 2
	case 0xCA, 0xC6:
		return 4
	case 0xCB, 0xC1:
		return 8
	}
	return 0
}
