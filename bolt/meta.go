package bolt

import (
	"errors"
	"fmt"

	"github.com/boltwire/neo4j/bolt/packstream"
)

// Meta is the metadata dictionary of a SUCCESS reply. The keys read on every query
// and transaction (fields, qid, t_first, t_last, type, db, bookmark, has_more,
// stats) are decoded into typed fields, so a common reply builds no map; every
// other key (notifications, statuses, plan, profile, server, hints, rt, ...), and
// a known key whose value has an unexpected type, is kept as the generic decoder
// would return it (see packstream.Decoder.Value) and read with Get or Map. When a
// key is repeated the last value wins.
//
// The methods are safe on a nil *Meta, which holds no key.
type Meta struct {
	has      metaKey // typed keys present
	fields   []string
	qid      int64
	tFirst   int64
	tLast    int64
	typ      string
	db       string
	bookmark string
	hasMore  bool
	stats    Stats
	extra    map[string]any // the other keys, as decoded
}

// metaKey is the bit of one typed key of Meta.
type metaKey uint16

const (
	keyFields metaKey = 1 << iota
	keyQID
	keyTFirst
	keyTLast
	keyType
	keyDB
	keyBookmark
	keyHasMore
	keyStats
	keyCount = iota
)

// metaKeyNames are the typed keys' names in bit order.
var metaKeyNames = [keyCount]string{"fields", "qid", "t_first", "t_last", "type", "db", "bookmark", "has_more", "stats"}

// metaKeyOf returns the bit of a typed key, 0 for any other key.
func metaKeyOf(k string) metaKey {
	switch k {
	case "fields":
		return keyFields
	case "qid":
		return keyQID
	case "t_first":
		return keyTFirst
	case "t_last":
		return keyTLast
	case "type":
		return keyType
	case "db":
		return keyDB
	case "bookmark":
		return keyBookmark
	case "has_more":
		return keyHasMore
	case "stats":
		return keyStats
	}
	return 0
}

// Fields returns the "fields" list (RUN): the column names.
func (m *Meta) Fields() ([]string, bool) {
	if !m.present(keyFields) {
		return nil, false
	}
	return m.fields, true
}

// QID returns the integer "qid": the statement id inside an explicit transaction.
func (m *Meta) QID() (int64, bool) { return m.intKey(keyQID) }

// TFirst returns the integer "t_first": milliseconds until the result was available.
func (m *Meta) TFirst() (int64, bool) { return m.intKey(keyTFirst) }

// TLast returns the integer "t_last": milliseconds until the result was consumed.
func (m *Meta) TLast() (int64, bool) { return m.intKey(keyTLast) }

// Type returns the String "type": the query type ("r", "rw", "w" or "s").
func (m *Meta) Type() (string, bool) { return m.stringKey(keyType) }

// Database returns the String "db" ("" if none).
func (m *Meta) Database() string { s, _ := m.stringKey(keyDB); return s }

// Bookmark returns the String "bookmark" ("" if none).
func (m *Meta) Bookmark() string { s, _ := m.stringKey(keyBookmark); return s }

// present reports whether the typed key bit is present.
func (m *Meta) present(bit metaKey) bool { return m != nil && m.has&bit != 0 }

// intKey returns an Integer typed key.
func (m *Meta) intKey(bit metaKey) (int64, bool) {
	if !m.present(bit) {
		return 0, false
	}
	switch bit {
	case keyQID:
		return m.qid, true
	case keyTFirst:
		return m.tFirst, true
	}
	return m.tLast, true
}

// stringKey returns a String typed key.
func (m *Meta) stringKey(bit metaKey) (string, bool) {
	if !m.present(bit) {
		return "", false
	}
	switch bit {
	case keyType:
		return m.typ, true
	case keyDB:
		return m.db, true
	}
	return m.bookmark, true
}

// HasMore reports whether "has_more" is the Boolean true.
func (m *Meta) HasMore() bool { return m.present(keyHasMore) && m.hasMore }

// Stats returns the "stats" dictionary, nil if there is none (or it is not a
// dictionary: then Get returns it).
func (m *Meta) Stats() *Stats {
	if !m.present(keyStats) {
		return nil
	}
	return &m.stats
}

// Get returns the value of key as packstream.Decoder.Value would return it
// (a typed key is converted back: "fields" becomes a []any, "stats" a
// map[string]any, each call a new one).
func (m *Meta) Get(key string) (any, bool) {
	if m == nil {
		return nil, false
	}
	if bit := metaKeyOf(key); bit != 0 && m.has&bit != 0 {
		return m.typed(bit), true
	}
	v, ok := m.extra[key]
	return v, ok
}

// Len returns the number of keys.
func (m *Meta) Len() int {
	if m == nil {
		return 0
	}
	n := len(m.extra)
	for b := m.has; b != 0; b &= b - 1 {
		n++
	}
	return n
}

// Map returns every key in a new map, values as Get returns them.
func (m *Meta) Map() map[string]any {
	out := make(map[string]any, m.Len())
	if m == nil {
		return out
	}
	for k, v := range m.extra {
		out[k] = v
	}
	for i, name := range metaKeyNames {
		if bit := metaKey(1) << i; m.has&bit != 0 {
			out[name] = m.typed(bit)
		}
	}
	return out
}

// typed returns the generic value of a typed key that is present.
func (m *Meta) typed(bit metaKey) any {
	switch bit {
	case keyFields:
		l := make([]any, len(m.fields))
		for i, f := range m.fields {
			l[i] = f
		}
		return l
	case keyQID:
		return m.qid
	case keyTFirst:
		return m.tFirst
	case keyTLast:
		return m.tLast
	case keyType:
		return m.typ
	case keyDB:
		return m.db
	case keyBookmark:
		return m.bookmark
	case keyHasMore:
		return m.hasMore
	}
	return m.stats.Map()
}

// setExtra stores an untyped value (replacing a typed one of the same key).
func (m *Meta) setExtra(k string, v any) {
	m.has &^= metaKeyOf(k)
	if m.extra == nil {
		m.extra = make(map[string]any)
	}
	m.extra[k] = v
}

// setTyped marks a typed key present (replacing an untyped value of it).
func (m *Meta) setTyped(bit metaKey) {
	m.has |= bit
	if m.extra != nil {
		delete(m.extra, metaKeyNames[bitIndex(bit)])
	}
}

// bitIndex returns the index of the single bit set in b.
func bitIndex(b metaKey) int {
	i := 0
	for b > 1 {
		b >>= 1
		i++
	}
	return i
}

// overlay copies every key of src into m, replacing m's value of the same key.
func (m *Meta) overlay(src *Meta) {
	for i := range metaKeyNames {
		bit := metaKey(1) << i
		if src.has&bit == 0 {
			continue
		}
		switch bit {
		case keyFields:
			m.fields = src.fields
		case keyQID:
			m.qid = src.qid
		case keyTFirst:
			m.tFirst = src.tFirst
		case keyTLast:
			m.tLast = src.tLast
		case keyType:
			m.typ = src.typ
		case keyDB:
			m.db = src.db
		case keyBookmark:
			m.bookmark = src.bookmark
		case keyHasMore:
			m.hasMore = src.hasMore
		case keyStats:
			m.stats = src.stats
		}
		m.setTyped(bit)
	}
	for k, v := range src.extra {
		m.setExtra(k, v)
	}
}

// remove deletes key.
func (m *Meta) remove(key string) {
	m.has &^= metaKeyOf(key)
	delete(m.extra, key)
}

// kindMismatch reports a typed read that met another kind of value (and consumed
// nothing).
func kindMismatch(err error) bool { return errors.Is(err, packstream.ErrUnexpectedKind) }

// decode reads a metadata dictionary into m, which is cleared first.
func (m *Meta) decode(d *packstream.Decoder) error {
	*m = Meta{}
	n, err := d.MapHeader()
	if err != nil {
		return err
	}
	for range n {
		k, err := d.Key()
		if err != nil {
			return err
		}
		if bit := metaKeyOf(k); bit != 0 {
			done, err := m.decodeTyped(d, bit)
			if err != nil {
				return err
			}
			if done {
				continue
			}
		}
		v, err := d.MetaValue(1)
		if err != nil {
			return err
		}
		m.setExtra(k, v)
	}
	return nil
}

// decodeTyped reads the value of a typed key into its field. done is false, with
// nothing consumed, when the value has another type than the key's.
func (m *Meta) decodeTyped(d *packstream.Decoder, bit metaKey) (done bool, err error) {
	switch bit {
	case keyFields:
		return m.decodeFields(d)
	case keyQID:
		m.qid, err = d.Int()
	case keyTFirst:
		m.tFirst, err = d.Int()
	case keyTLast:
		m.tLast, err = d.Int()
	case keyType:
		m.typ, err = d.SharedString()
	case keyDB:
		m.db, err = d.SharedString()
	case keyBookmark:
		m.bookmark, err = d.SharedString()
	case keyHasMore:
		m.hasMore, err = d.Bool()
	case keyStats:
		done, err = m.stats.decode(d)
	}
	if kindMismatch(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if bit == keyStats && !done {
		return false, nil
	}
	m.setTyped(bit)
	return true, nil
}

// decodeFields reads the "fields" list. A list with an item that is not a String
// is kept as decoded, untyped (done is true: the value was consumed).
func (m *Meta) decodeFields(d *packstream.Decoder) (done bool, err error) {
	n, err := d.ListHeader()
	if kindMismatch(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	fields := make([]string, n)
	for i := range fields {
		f, err := d.SharedString()
		if err == nil {
			fields[i] = f
			continue
		}
		if !kindMismatch(err) {
			return false, err
		}
		list := make([]any, n)
		for j, f := range fields[:i] {
			list[j] = f
		}
		for j := i; j < n; j++ {
			if list[j], err = d.MetaValue(2); err != nil {
				return false, err
			}
		}
		m.setExtra("fields", list)
		return true, nil
	}
	m.fields = fields
	m.setTyped(keyFields)
	return true, nil
}

// Stats is the "stats" dictionary of a final SUCCESS: the update counters. The
// counters Neo4j sends (Integers) and its two Boolean flags are decoded into an
// array, every other key, and a known key whose value has another type, is kept
// as decoded. The methods are safe on a nil *Stats, which holds no key.
type Stats struct {
	has   uint16 // statKeys present (bit i: vals[i])
	vals  [len(statKeys)]int64
	extra map[string]any
}

// statKeys are the typed keys of Stats: Integer counters up to statFlags, then
// Booleans (stored as 0 or 1).
var statKeys = [...]string{
	"nodes-created", "nodes-deleted", "relationships-created", "relationships-deleted",
	"properties-set", "labels-added", "labels-removed", "indexes-added", "indexes-removed",
	"constraints-added", "constraints-removed", "system-updates",
	"contains-updates", "contains-system-updates",
}

// statFlags is the index of the first Boolean of statKeys.
const statFlags = 12

// statIndex returns the index of a typed key of Stats, -1 for any other key.
func statIndex(k string) int {
	switch k {
	case "nodes-created":
		return 0
	case "nodes-deleted":
		return 1
	case "relationships-created":
		return 2
	case "relationships-deleted":
		return 3
	case "properties-set":
		return 4
	case "labels-added":
		return 5
	case "labels-removed":
		return 6
	case "indexes-added":
		return 7
	case "indexes-removed":
		return 8
	case "constraints-added":
		return 9
	case "constraints-removed":
		return 10
	case "system-updates":
		return 11
	case "contains-updates":
		return 12
	case "contains-system-updates":
		return 13
	}
	return -1
}

// Int returns the Integer value of key (ok is false when it is missing or not
// an Integer).
func (s *Stats) Int(key string) (int64, bool) {
	if s == nil {
		return 0, false
	}
	if i := statIndex(key); i >= 0 && i < statFlags && s.has&(1<<i) != 0 {
		return s.vals[i], true
	}
	n, ok := s.extra[key].(int64)
	return n, ok
}

// Bool returns the Boolean value of key (ok is false when it is missing or not
// a Boolean).
func (s *Stats) Bool(key string) (bool, bool) {
	if s == nil {
		return false, false
	}
	if i := statIndex(key); i >= statFlags && s.has&(1<<i) != 0 {
		return s.vals[i] != 0, true
	}
	b, ok := s.extra[key].(bool)
	return b, ok
}

// All calls f with every key and its value as packstream.Decoder.Value would
// return it, until f returns false.
func (s *Stats) All(f func(key string, v any) bool) {
	if s == nil {
		return
	}
	for i, k := range statKeys {
		if s.has&(1<<i) == 0 {
			continue
		}
		var v any = s.vals[i]
		if i >= statFlags {
			v = s.vals[i] != 0
		}
		if !f(k, v) {
			return
		}
	}
	for k, v := range s.extra {
		if !f(k, v) {
			return
		}
	}
}

// Map returns every key in a new map, values as All passes them.
func (s *Stats) Map() map[string]any {
	out := map[string]any{}
	s.All(func(k string, v any) bool { out[k] = v; return true })
	return out
}

// decode reads the stats dictionary into s. done is false, with nothing
// consumed, when the value is not a dictionary.
func (s *Stats) decode(d *packstream.Decoder) (done bool, err error) {
	n, err := d.MapHeader()
	if kindMismatch(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	*s = Stats{}
	for range n {
		k, err := d.Key()
		if err != nil {
			return false, err
		}
		if i := statIndex(k); i >= 0 {
			var v int64
			if i < statFlags {
				v, err = d.Int()
			} else {
				var b bool
				b, err = d.Bool()
				if b {
					v = 1
				}
			}
			if err == nil {
				s.vals[i] = v
				s.has |= 1 << i
				delete(s.extra, k)
				continue
			}
			if !kindMismatch(err) {
				return false, err
			}
		}
		v, err := d.MetaValue(2)
		if err != nil {
			return false, err
		}
		if i := statIndex(k); i >= 0 {
			s.has &^= 1 << i
		}
		if s.extra == nil {
			s.extra = make(map[string]any)
		}
		s.extra[k] = v
	}
	return true, nil
}

// metaString returns the String value of an untyped key ("" if none).
func metaString(m *Meta, key string) string {
	s, _ := m.extra[key].(string)
	return s
}

// MetaFromMap returns the Meta a SUCCESS carrying m would decode to (m is encoded
// as PackStream and decoded, so the typed keys follow the same rules). It is for
// tests and tools that hold metadata as a map; it fails on a value PackStream
// cannot encode.
func MetaFromMap(m map[string]any) (*Meta, error) {
	var e packstream.Encoder
	if err := e.Map(m); err != nil {
		return nil, fmt.Errorf("bolt: metadata: %w", err)
	}
	var d packstream.Decoder
	d.Reset(e.Buf)
	out := new(Meta)
	if err := out.decode(&d); err != nil {
		return nil, fmt.Errorf("bolt: metadata: %w", err)
	}
	return out, nil
}
