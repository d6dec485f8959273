package packstream

import (
	"strconv"

	"github.com/boltwire/neo4j/dbtype"
)

// structure reads a structure value (marker B0–BF at d.off).
func (d *Decoder) structure(depth int) (any, error) {
	start := d.off
	tag, n, err := d.StructHeader()
	if err != nil {
		return nil, err
	}
	if depth >= MaxDepth {
		return nil, d.errAt(start, ErrTooDeep, "values nest deeper than the limit")
	}
	f := d.Features
	switch tag {
	case TagNode:
		return d.node(start, n, depth)
	case TagRelationship:
		return d.relationship(start, n, depth)
	case TagUnboundRelationship:
		return d.unbound(start, n, depth)
	case TagPath:
		return d.path(start, n, depth)
	case TagDate:
		return d.date(start, n)
	case TagTime:
		return d.timeOfDay(start, n)
	case TagLocalTime:
		return d.localTime(start, n)
	case TagLocalDateTime:
		return d.localDateTime(start, n)
	case TagDuration:
		return d.duration(start, n)
	case TagPoint2D:
		return d.point2D(start, n)
	case TagPoint3D:
		return d.point3D(start, n)
	case TagDateTime, TagDateTimeZoneID:
		if f.UTCDateTime {
			return d.dateTime(start, tag, n)
		}
		return d.unknown(tag, n, depth, "DateTime structures 'I'/'i' need Bolt 5.0+ (or 4.4 with the utc patch)")
	case TagLegacyDateTime, TagLegacyDateTimeZone:
		if !f.UTCDateTime {
			return d.dateTime(start, tag, n)
		}
		return d.unknown(tag, n, depth, "legacy DateTime structures 'F'/'f' are not used from Bolt 5.0 (or with the utc patch)")
	case TagVector:
		if f.Vector {
			return d.vector(start, n)
		}
		return d.unknown(tag, n, depth, "Vector needs Bolt 6.0+")
	case TagUnsupportedType:
		if f.UnsupportedType {
			return d.unsupported(start, n, depth)
		}
		return d.unknown(tag, n, depth, "UnsupportedType needs Bolt 6.0+")
	}
	return d.unknown(tag, n, depth, "no such structure in Bolt")
}

// unknown skips the fields of a structure the version does not define.
func (d *Decoder) unknown(tag byte, n, depth int, reason string) (any, error) {
	for i := 0; i < n; i++ {
		if err := d.skip(depth + 1); err != nil {
			return nil, err
		}
	}
	return dbtype.UnknownStructure{Tag: tag, Fields: n, Reason: reason}, nil
}

func (d *Decoder) fieldCount(start int, name string, got, want int) error {
	if got == want {
		return nil
	}
	return d.errAt(start, ErrMalformed, name+" structure with "+strconv.Itoa(got)+" fields, want "+strconv.Itoa(want))
}

// fieldErr rewords a typed-read error to name the structure field.
func fieldErr(err error, structName, field string) error {
	if de, ok := err.(*DecodeError); ok && de.Err == ErrUnexpectedKind {
		return &DecodeError{Offset: de.Offset, Msg: structName + "." + field + ": " + de.Msg, Err: ErrMalformed}
	}
	return err
}

func (d *Decoder) intField(structName, field string) (int64, error) {
	v, err := d.Int()
	if err != nil {
		return 0, fieldErr(err, structName, field)
	}
	return v, nil
}

func (d *Decoder) floatField(structName, field string) (float64, error) {
	v, err := d.Float()
	if err != nil {
		return 0, fieldErr(err, structName, field)
	}
	return v, nil
}

func (d *Decoder) stringField(structName, field string) (string, error) {
	v, err := d.String()
	if err != nil {
		return "", fieldErr(err, structName, field)
	}
	return v, nil
}

func (d *Decoder) mapField(structName, field string, depth int) (map[string]any, error) {
	v, err := d.mapValue(depth)
	if err != nil {
		return nil, fieldErr(err, structName, field)
	}
	return v, nil
}

func (d *Decoder) node(start, n, depth int) (dbtype.Node, error) {
	var nd dbtype.Node
	want := 3
	if d.Features.ElementIDs {
		want = 4
	}
	if err := d.fieldCount(start, "Node", n, want); err != nil {
		return nd, err
	}
	var err error
	if nd.Id, err = d.intField("Node", "id"); err != nil {
		return nd, err
	}
	if nd.Labels, err = d.internStrings(); err != nil {
		return nd, fieldErr(err, "Node", "labels")
	}
	if nd.Props, err = d.mapField("Node", "properties", depth+1); err != nil {
		return nd, err
	}
	nd.ElementId, err = d.elementID("Node", "element_id", nd.Id)
	return nd, err
}

func (d *Decoder) relationship(start, n, depth int) (dbtype.Relationship, error) {
	var r dbtype.Relationship
	want := 5
	if d.Features.ElementIDs {
		want = 8
	}
	if err := d.fieldCount(start, "Relationship", n, want); err != nil {
		return r, err
	}
	var err error
	if r.Id, err = d.intField("Relationship", "id"); err != nil {
		return r, err
	}
	if r.StartId, err = d.intField("Relationship", "startNodeId"); err != nil {
		return r, err
	}
	if r.EndId, err = d.intField("Relationship", "endNodeId"); err != nil {
		return r, err
	}
	if r.Type, err = d.internString(); err != nil {
		err = fieldErr(err, "Relationship", "type")
		return r, err
	}
	if r.Props, err = d.mapField("Relationship", "properties", depth+1); err != nil {
		return r, err
	}
	if want == 5 {
		r.ElementId = strconv.FormatInt(r.Id, 10)
		r.StartElementId = strconv.FormatInt(r.StartId, 10)
		r.EndElementId = strconv.FormatInt(r.EndId, 10)
		return r, nil
	}
	if r.ElementId, err = d.stringField("Relationship", "element_id"); err != nil {
		return r, err
	}
	if r.StartElementId, err = d.stringField("Relationship", "start_node_element_id"); err != nil {
		return r, err
	}
	r.EndElementId, err = d.stringField("Relationship", "end_node_element_id")
	return r, err
}

// unbound reads an UnboundRelationship into a Relationship without start and
// end (a Path fills them in).
func (d *Decoder) unbound(start, n, depth int) (dbtype.Relationship, error) {
	var r dbtype.Relationship
	want := 3
	if d.Features.ElementIDs {
		want = 4
	}
	if err := d.fieldCount(start, "UnboundRelationship", n, want); err != nil {
		return r, err
	}
	var err error
	if r.Id, err = d.intField("UnboundRelationship", "id"); err != nil {
		return r, err
	}
	if r.Type, err = d.internString(); err != nil {
		err = fieldErr(err, "UnboundRelationship", "type")
		return r, err
	}
	if r.Props, err = d.mapField("UnboundRelationship", "properties", depth+1); err != nil {
		return r, err
	}
	r.ElementId, err = d.elementID("UnboundRelationship", "element_id", r.Id)
	return r, err
}

// path reads a Path structure and resolves its index sequence. The element ids
// of its nodes and relationships share one string (see graph.go).
func (d *Decoder) path(start, n, depth int) (dbtype.Path, error) {
	d.startGather()
	p, err := d.pathFields(start, n, depth)
	d.stopGather()
	return p, err
}

func (d *Decoder) pathFields(start, n, depth int) (dbtype.Path, error) {
	var p dbtype.Path
	if err := d.fieldCount(start, "Path", n, 3); err != nil {
		return p, err
	}
	nodes, err := structList(d, "nodes", TagNode, depth, (*Decoder).node, &d.graph.nodes)
	if err != nil {
		return p, err
	}
	rels, err := structList(d, "rels", TagUnboundRelationship, depth, (*Decoder).unbound, &d.graph.rels)
	if err != nil {
		return p, err
	}
	d.fillIDs(nodes, rels)
	idxStart := d.off
	cnt, err := d.ListHeader()
	if err != nil {
		return p, fieldErr(err, "Path", "indices")
	}
	if cnt%2 != 0 {
		return p, d.errAt(idxStart, ErrMalformed, "Path.indices has an odd length")
	}
	if len(nodes) == 0 {
		return p, d.errAt(start, ErrMalformed, "Path without nodes")
	}
	steps := cnt / 2
	// A path that visits its nodes and relationships in list order (the usual
	// case: no node or relationship repeats) is the lists themselves; the first
	// step out of order switches to copies.
	nodesInOrder, relsInOrder := len(nodes) == steps+1, len(rels) == steps
	if nodesInOrder {
		p.Nodes = nodes
	} else {
		p.Nodes = make([]dbtype.Node, steps+1)
		p.Nodes[0] = nodes[0]
	}
	if relsInOrder {
		p.Relationships = rels
	} else {
		p.Relationships = make([]dbtype.Relationship, steps)
	}
	for i := 0; i < steps; i++ {
		ri, err := d.intField("Path", "indices")
		if err != nil {
			return p, err
		}
		ni, err := d.intField("Path", "indices")
		if err != nil {
			return p, err
		}
		if ri == 0 || ri > int64(len(rels)) || ri < -int64(len(rels)) {
			return p, d.errAt(idxStart, ErrMalformed, "Path.indices: relationship index "+strconv.FormatInt(ri, 10)+" out of range")
		}
		if ni < 0 || ni >= int64(len(nodes)) {
			return p, d.errAt(idxStart, ErrMalformed, "Path.indices: node index "+strconv.FormatInt(ni, 10)+" out of range")
		}
		if nodesInOrder && ni != int64(i+1) {
			nodesInOrder = false
			p.Nodes = append(make([]dbtype.Node, 0, steps+1), nodes[:i+1]...)[:steps+1]
		}
		if relsInOrder && abs(ri) != int64(i+1) {
			relsInOrder = false
			p.Relationships = append(make([]dbtype.Relationship, 0, steps), rels[:i]...)[:steps]
		}
		// rels[abs(ri)-1] may already have been completed in place by an
		// earlier step; all four fields set here are overwritten.
		prev, next := p.Nodes[i], nodes[ni]
		r := rels[abs(ri)-1]
		if ri < 0 {
			prev, next = next, prev
		}
		r.StartId, r.StartElementId = prev.Id, prev.ElementId
		r.EndId, r.EndElementId = next.Id, next.ElementId
		p.Relationships[i] = r
		p.Nodes[i+1] = nodes[ni]
	}
	return p, nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// structList reads a Path field: a list of structures with the given tag, each
// read by read, into a slice carved from block.
func structList[T any](d *Decoder, field string, tag byte, depth int,
	read func(d *Decoder, start, n, depth int) (T, error), block *[]T) ([]T, error) {
	start := d.off
	n, err := d.ListHeader()
	if err != nil {
		return nil, fieldErr(err, "Path", field)
	}
	// A node or unbound relationship takes at least 5 bytes; refuse counts the
	// remaining input cannot hold before allocating for them.
	if n > d.Len()/5 {
		return nil, d.errAt(start, ErrTruncated, "Path."+field+" count exceeds the remaining input")
	}
	out := carve(block, n)
	for i := range out {
		s := d.off
		t, fields, err := d.StructHeader()
		if err != nil {
			return nil, fieldErr(err, "Path", field)
		}
		if t != tag {
			return nil, d.errAt(s, ErrMalformed, "Path."+field+": structure tag 0x"+hex2(t)+" where 0x"+hex2(tag)+" belongs")
		}
		if out[i], err = read(d, s, fields, depth+2); err != nil {
			return nil, err
		}
	}
	return out, nil
}
