package packstream

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// dbValue encodes the dbtype values; done is false if v is none of them.
func (e *Encoder) dbValue(v any, depth int) (err *EncodeError, done bool) {
	switch x := v.(type) {
	case dbtype.Date:
		e.StructHeader(TagDate, 1)
		e.Int(daysOf(time.Time(x)))
	case dbtype.Time:
		t := time.Time(x)
		_, off := t.Zone()
		e.StructHeader(TagTime, 2)
		e.Int(nanosOfDay(t))
		e.Int(int64(off))
	case dbtype.LocalTime:
		e.StructHeader(TagLocalTime, 1)
		e.Int(nanosOfDay(time.Time(x)))
	case dbtype.LocalDateTime:
		t := time.Time(x)
		e.StructHeader(TagLocalDateTime, 2)
		e.Int(wallSeconds(t))
		e.Int(int64(t.Nanosecond()))
	case dbtype.Duration:
		return e.duration(x), true
	case dbtype.Point2D:
		e.StructHeader(TagPoint2D, 3)
		e.Int(int64(x.SpatialRefId))
		e.Float(x.X)
		e.Float(x.Y)
	case dbtype.Point3D:
		e.StructHeader(TagPoint3D, 4)
		e.Int(int64(x.SpatialRefId))
		e.Float(x.X)
		e.Float(x.Y)
		e.Float(x.Z)
	case dbtype.UUID:
		if !e.Features.UUID {
			return encErr(v, ErrNeedsNewerProtocol, "UUID values need Bolt 6.1+"), true
		}
		e.UUID(x)
	case dbtype.Vector:
		if !e.Features.Vector {
			return encErr(v, ErrNeedsNewerProtocol, "Vector values need Bolt 6.0+"), true
		}
		return e.vector(x), true
	case dbtype.UnsupportedType:
		if !e.Features.UnsupportedType {
			return encErr(v, ErrNeedsNewerProtocol, "UnsupportedType needs Bolt 6.0+"), true
		}
		return e.unsupported(x, depth), true
	case dbtype.Node:
		return e.node(x, depth), true
	case dbtype.Relationship:
		return e.relationship(x, depth), true
	case dbtype.Path:
		return e.path(x, depth), true
	case dbtype.UnknownStructure:
		return encErr(v, ErrUnsupportedType, "an unknown structure has no fields to encode"), true
	default:
		return nil, false
	}
	return nil, true
}

// daysOf returns the days since 1970-01-01 of t's calendar date.
func daysOf(t time.Time) int64 {
	y, m, d := t.Date()
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
}

func nanosOfDay(t time.Time) int64 {
	return int64(t.Hour())*3600e9 + int64(t.Minute())*60e9 + int64(t.Second())*1e9 + int64(t.Nanosecond())
}

// wallSeconds returns t's wall clock (in its own location) as seconds since the
// epoch as if it were UTC.
func wallSeconds(t time.Time) int64 {
	_, off := t.Zone()
	return t.Unix() + int64(off)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// zoneName returns the IANA zone id to send for t, or "" to send an offset.
func zoneName(t time.Time) string {
	name := t.Location().String()
	switch {
	case name == "", name == "Local":
		return ""
	case name[0] == '+' || name[0] == '-':
		return ""
	}
	return name
}

func (e *Encoder) dateTime(t time.Time) {
	_, off := t.Zone()
	zone := zoneName(t)
	sec, ns := t.Unix(), int64(t.Nanosecond())
	if !e.Features.UTCDateTime {
		sec += int64(off) // legacy forms carry the local wall clock
	}
	switch {
	case zone != "" && e.Features.UTCDateTime:
		e.StructHeader(TagDateTimeZoneID, 3)
	case zone != "":
		e.StructHeader(TagLegacyDateTimeZone, 3)
	case e.Features.UTCDateTime:
		e.StructHeader(TagDateTime, 3)
	default:
		e.StructHeader(TagLegacyDateTime, 3)
	}
	e.Int(sec)
	e.Int(ns)
	if zone != "" {
		e.String(zone)
	} else {
		e.Int(int64(off))
	}
}

// duration writes a Duration with nanoseconds normalised into 0..999,999,999.
func (e *Encoder) duration(d dbtype.Duration) *EncodeError {
	ns := int64(d.Nanos)
	carry := floorDiv(ns, 1e9)
	ns -= carry * 1e9
	if (carry > 0 && d.Seconds > math.MaxInt64-carry) || (carry < 0 && d.Seconds < math.MinInt64-carry) {
		return encErr(d, ErrOutOfRange, "seconds plus nanoseconds overflow a 64-bit integer")
	}
	sec := d.Seconds + carry
	e.StructHeader(TagDuration, 4)
	e.Int(d.Months)
	e.Int(d.Days)
	e.Int(sec)
	e.Int(ns)
	return nil
}

func (e *Encoder) vector(v dbtype.Vector) *EncodeError {
	var marker byte
	var data []byte
	switch v.ElemType() {
	case dbtype.VectorInt8:
		s, _ := v.Int8s()
		marker, data = 0xC8, make([]byte, 0, len(s))
		for _, x := range s {
			data = append(data, byte(x))
		}
	case dbtype.VectorInt16:
		s, _ := v.Int16s()
		marker, data = 0xC9, make([]byte, 0, 2*len(s))
		for _, x := range s {
			data = binary.BigEndian.AppendUint16(data, uint16(x))
		}
	case dbtype.VectorInt32:
		s, _ := v.Int32s()
		marker, data = 0xCA, make([]byte, 0, 4*len(s))
		for _, x := range s {
			data = binary.BigEndian.AppendUint32(data, uint32(x))
		}
	case dbtype.VectorInt64:
		s, _ := v.Int64s()
		marker, data = 0xCB, make([]byte, 0, 8*len(s))
		for _, x := range s {
			data = binary.BigEndian.AppendUint64(data, uint64(x))
		}
	case dbtype.VectorFloat32:
		s, _ := v.Float32s()
		marker, data = 0xC6, make([]byte, 0, 4*len(s))
		for _, x := range s {
			data = binary.BigEndian.AppendUint32(data, math.Float32bits(x))
		}
	case dbtype.VectorFloat64:
		s, _ := v.Float64s()
		marker, data = 0xC1, make([]byte, 0, 8*len(s))
		for _, x := range s {
			data = binary.BigEndian.AppendUint64(data, math.Float64bits(x))
		}
	default:
		return encErr(v, ErrUnsupportedType, "the zero Vector has no element type")
	}
	e.StructHeader(TagVector, 2)
	e.Bytes([]byte{marker})
	e.Bytes(data)
	return nil
}

func (e *Encoder) unsupported(u dbtype.UnsupportedType, depth int) *EncodeError {
	e.StructHeader(TagUnsupportedType, 4)
	e.String(u.Name)
	e.Int(int64(u.MinProtocolMajor))
	e.Int(int64(u.MinProtocolMinor))
	extra := u.Extra
	if u.Message != "" {
		extra = make(map[string]any, len(u.Extra)+1)
		for k, v := range u.Extra {
			extra[k] = v
		}
		extra["message"] = u.Message
	}
	if err := e.mapAny(extra, depth+1); err != nil {
		return err.inKey("extra")
	}
	return nil
}

func (e *Encoder) node(n dbtype.Node, depth int) *EncodeError {
	if depth >= MaxDepth {
		return tooDeep(n)
	}
	if e.Features.ElementIDs {
		e.StructHeader(TagNode, 4)
	} else {
		e.StructHeader(TagNode, 3)
	}
	e.Int(n.Id)
	e.ListHeader(len(n.Labels))
	for _, l := range n.Labels {
		e.String(l)
	}
	if err := e.mapAny(n.Props, depth+1); err != nil {
		return err.inKey("Props")
	}
	if e.Features.ElementIDs {
		e.String(n.ElementId)
	}
	return nil
}

func (e *Encoder) relationship(r dbtype.Relationship, depth int) *EncodeError {
	if depth >= MaxDepth {
		return tooDeep(r)
	}
	if e.Features.ElementIDs {
		e.StructHeader(TagRelationship, 8)
	} else {
		e.StructHeader(TagRelationship, 5)
	}
	e.Int(r.Id)
	e.Int(r.StartId)
	e.Int(r.EndId)
	e.String(r.Type)
	if err := e.mapAny(r.Props, depth+1); err != nil {
		return err.inKey("Props")
	}
	if e.Features.ElementIDs {
		e.String(r.ElementId)
		e.String(r.StartElementId)
		e.String(r.EndElementId)
	}
	return nil
}

func (e *Encoder) unbound(r dbtype.Relationship, depth int) *EncodeError {
	if e.Features.ElementIDs {
		e.StructHeader(TagUnboundRelationship, 4)
	} else {
		e.StructHeader(TagUnboundRelationship, 3)
	}
	e.Int(r.Id)
	e.String(r.Type)
	if err := e.mapAny(r.Props, depth+1); err != nil {
		return err.inKey("Props")
	}
	if e.Features.ElementIDs {
		e.String(r.ElementId)
	}
	return nil
}

// path writes a Path structure. Every position of the path gets its own entry
// in the node and relationship lists (repeats are not merged, which the format
// allows), so the decoded path equals p. A relationship counts as traversed in
// its own direction when its start matches the preceding node.
func (e *Encoder) path(p dbtype.Path, depth int) *EncodeError {
	if depth >= MaxDepth-1 {
		return tooDeep(p)
	}
	if len(p.Nodes) != len(p.Relationships)+1 {
		return encErr(p, ErrUnsupportedType, "a Path needs exactly one node more than relationships (has %d nodes, %d relationships)",
			len(p.Nodes), len(p.Relationships))
	}
	e.StructHeader(TagPath, 3)
	e.ListHeader(len(p.Nodes))
	for i, n := range p.Nodes {
		if err := e.node(n, depth+2); err != nil {
			return err.inIndex(i).inKey("Nodes")
		}
	}
	e.ListHeader(len(p.Relationships))
	for i, r := range p.Relationships {
		if err := e.unbound(r, depth+2); err != nil {
			return err.inIndex(i).inKey("Relationships")
		}
	}
	e.ListHeader(2 * len(p.Relationships))
	for i, r := range p.Relationships {
		prev := p.Nodes[i]
		if r.StartId == prev.Id && r.StartElementId == prev.ElementId {
			e.Int(int64(i + 1))
		} else {
			e.Int(int64(-(i + 1)))
		}
		e.Int(int64(i + 1))
	}
	return nil
}
