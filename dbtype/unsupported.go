package dbtype

import (
	"errors"
	"fmt"
	"strconv"
)

// UnsupportedType is the placeholder a Bolt 6.0+ server sends for a value whose
// type the negotiated protocol version cannot carry (for example a UUID on Bolt
// 6.0). It tells which protocol version would carry it.
type UnsupportedType struct {
	Name             string         // name of the type, e.g. "UUID"
	MinProtocolMajor int            // minimum Bolt major version that carries the type
	MinProtocolMinor int            // minimum Bolt minor version that carries the type
	Message          string         // optional human-readable explanation from the server
	Extra            map[string]any // other entries of the server's extra dictionary, if any (nil otherwise)
}

// String describes the placeholder, e.g. "UnsupportedType(UUID, needs Bolt 6.1)".
func (u UnsupportedType) String() string {
	s := "UnsupportedType(" + u.Name + ", needs Bolt " +
		strconv.Itoa(u.MinProtocolMajor) + "." + strconv.Itoa(u.MinProtocolMinor)
	if u.Message != "" {
		s += ": " + u.Message
	}
	return s + ")"
}

// ErrUnknownStructure matches every [UnknownStructure] with errors.Is.
var ErrUnknownStructure = errors.New("dbtype: unknown structure")

// UnknownStructure stands, in decoded results, for a PackStream structure that
// the negotiated protocol version does not define: an unknown tag, or a known tag
// that belongs to another version (e.g. a Vector on Bolt 5.x). Its fields are
// skipped. It is a value — the rest of the record and the stream stay usable —
// and it is also an error, so code that wants to fail on it can return it.
type UnknownStructure struct {
	Tag    byte   // structure tag byte
	Fields int    // number of fields the structure had
	Reason string // why it was not decoded, e.g. "Vector needs Bolt 6.0+"
}

// Error describes the structure.
func (u UnknownStructure) Error() string {
	return fmt.Sprintf("dbtype: unknown structure tag 0x%02X (%q) with %d fields: %s",
		u.Tag, rune(u.Tag), u.Fields, u.Reason)
}

// Is makes errors.Is(u, ErrUnknownStructure) true.
func (u UnknownStructure) Is(target error) bool { return target == ErrUnknownStructure }
