package conv

import (
	"database/sql/driver"
	"reflect"

	"github.com/boltwire/neo4j/dbtype"
)

// UUID is a [database/sql.Scanner] and [driver.Valuer] for a Cypher UUID
// (Bolt 6.1+). Scan accepts a UUID, a [16]byte, 16 raw bytes, or the text form
// (string or []byte). To scan a UUID column into a string, a []byte or a
// [16]byte instead, use [Into]: rows.Scan(conv.Into(&s)).
type UUID dbtype.UUID

// Scan stores a UUID.
func (u *UUID) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.UUID:
		*u = UUID(s)
	case [16]byte:
		*u = UUID(s)
	case []byte:
		if len(s) == 16 {
			*u = UUID(s)
			return nil
		}
		return u.parse(src, string(s))
	case string:
		return u.parse(src, s)
	default:
		return scanErr(src, u)
	}
	return nil
}

func (u *UUID) parse(src any, s string) error {
	v, err := dbtype.ParseUUID(s)
	if err != nil {
		return convErr("", src, reflect.TypeFor[UUID](), err)
	}
	*u = UUID(v)
	return nil
}

// Value returns the value as a dbtype.UUID (a UUID parameter needs Bolt 6.1).
func (u UUID) Value() (driver.Value, error) { return dbtype.UUID(u), nil }

// String returns the canonical text form.
func (u UUID) String() string { return dbtype.UUID(u).String() }
