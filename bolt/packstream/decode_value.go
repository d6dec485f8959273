package packstream

// Value reads the next value and returns it fully hydrated: nil, bool, int64,
// float64, string, []byte, []any, map[string]any, time.Time or a dbtype value
// (see the package documentation). Structures the negotiated version does not
// define come back as dbtype.UnknownStructure values, not errors.
func (d *Decoder) Value() (any, error) { return d.value(0) }

// Map reads a dictionary and returns it hydrated (see Value).
func (d *Decoder) Map() (map[string]any, error) { return d.mapValue(0) }

// List reads a list and returns it hydrated (see Value).
func (d *Decoder) List() ([]any, error) { return d.list(0) }

func (d *Decoder) value(depth int) (any, error) {
	if d.off >= len(d.buf) {
		return nil, d.truncated("value")
	}
	m := d.buf[d.off]
	switch {
	case m < 0x80:
		d.off++
		return int64(m), nil
	case m >= 0xF0:
		d.off++
		return int64(int8(m)), nil
	case m < 0x90: // tiny string
		return d.stringValue()
	case m < 0xA0:
		l, err := d.list(depth)
		if err != nil {
			return nil, err
		}
		return l, nil
	case m < 0xB0:
		mp, err := d.mapValue(depth)
		if err != nil {
			return nil, err
		}
		return mp, nil
	case m < 0xC0:
		return d.structure(depth)
	}
	switch m {
	case 0xC0:
		d.off++
		return nil, nil
	case 0xC1:
		f, err := d.Float()
		if err != nil {
			return nil, err
		}
		return f, nil
	case 0xC2:
		d.off++
		return false, nil
	case 0xC3:
		d.off++
		return true, nil
	case 0xC8, 0xC9, 0xCA, 0xCB:
		n, err := d.Int()
		if err != nil {
			return nil, err
		}
		return n, nil
	case 0xCC, 0xCD, 0xCE:
		b, err := d.Bytes()
		if err != nil {
			return nil, err
		}
		return b, nil
	case 0xD0, 0xD1, 0xD2:
		return d.stringValue()
	case 0xD4, 0xD5, 0xD6:
		l, err := d.list(depth)
		if err != nil {
			return nil, err
		}
		return l, nil
	case 0xD8, 0xD9, 0xDA:
		mp, err := d.mapValue(depth)
		if err != nil {
			return nil, err
		}
		return mp, nil
	case 0xE0:
		if d.Features.UUID {
			u, err := d.UUID()
			if err != nil {
				return nil, err
			}
			return u, nil
		}
	}
	return nil, d.reserved(m)
}

func (d *Decoder) tooDeep() error {
	return d.errAt(d.off, ErrTooDeep, "values nest deeper than the limit")
}

func (d *Decoder) list(depth int) ([]any, error) {
	start := d.off
	n, err := d.ListHeader()
	if err != nil {
		return nil, err
	}
	if depth >= MaxDepth {
		return nil, d.errAt(start, ErrTooDeep, "values nest deeper than the limit")
	}
	out := make([]any, n)
	for i := range out {
		if out[i], err = d.value(depth + 1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (d *Decoder) mapValue(depth int) (map[string]any, error) {
	start := d.off
	n, err := d.MapHeader()
	if err != nil {
		return nil, err
	}
	if depth >= MaxDepth {
		return nil, d.errAt(start, ErrTooDeep, "values nest deeper than the limit")
	}
	out := make(map[string]any, n)
	for i := 0; i < n; i++ {
		kb, err := d.stringBytes()
		if err != nil {
			return nil, d.keyError(err)
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out[d.intern(kb)] = v // the last value of a repeated key wins
	}
	return out, nil
}

// keyError turns "expected String" into a clearer message for dictionary keys.
func (d *Decoder) keyError(err error) error {
	if de, ok := err.(*DecodeError); ok && de.Err == ErrUnexpectedKind {
		return d.errAt(de.Offset, ErrMalformed, "dictionary key is not a String ("+de.Msg+")")
	}
	return err
}
