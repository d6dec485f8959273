package dbtype

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidUUID is wrapped by the errors of [ParseUUID], [UUIDFromBytes] and
// [UUID.UnmarshalText].
var ErrInvalidUUID = errors.New("dbtype: invalid UUID")

// UUID is a Cypher UUID (Bolt 6.1+): 16 bytes in RFC 9562 order, i.e. the order
// of the hex digits in the text form. It converts directly to and from [16]byte
// (and so to and from other UUID types built on [16]byte, such as
// github.com/google/uuid.UUID): UUID(arr), [16]byte(u).
type UUID [16]byte

// ParseUUID parses the canonical form "550e8400-e29b-41d4-a716-446655440000"
// (either case). It also accepts the 32 hex digits without hyphens, and the
// canonical form wrapped in braces or prefixed with "urn:uuid:".
func ParseUUID(s string) (UUID, error) {
	var u UUID
	t := s
	if len(t) == 45 && strings.EqualFold(t[:9], "urn:uuid:") {
		t = t[9:]
	} else if len(t) == 38 && t[0] == '{' && t[37] == '}' {
		t = t[1:37]
	}
	switch len(t) {
	case 36:
		if t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
			return u, fmt.Errorf("%w: %q: hyphens misplaced", ErrInvalidUUID, s)
		}
		t = t[:8] + t[9:13] + t[14:18] + t[19:23] + t[24:]
	case 32:
	default:
		return u, fmt.Errorf("%w: %q: wrong length", ErrInvalidUUID, s)
	}
	if _, err := hex.Decode(u[:], []byte(t)); err != nil {
		return UUID{}, fmt.Errorf("%w: %q: %w", ErrInvalidUUID, s, err)
	}
	return u, nil
}

// MustParseUUID is like [ParseUUID] but panics on error; for constants in
// programs and tests.
func MustParseUUID(s string) UUID {
	u, err := ParseUUID(s)
	if err != nil {
		panic(err)
	}
	return u
}

// UUIDFromBytes returns the UUID held in b, which must be exactly 16 bytes long.
func UUIDFromBytes(b []byte) (UUID, error) {
	if len(b) != 16 {
		return UUID{}, fmt.Errorf("%w: %d bytes, need 16", ErrInvalidUUID, len(b))
	}
	return UUID(b), nil
}

// String returns the canonical lower-case form, e.g.
// "550e8400-e29b-41d4-a716-446655440000".
func (u UUID) String() string {
	var buf [36]byte
	u.appendText(buf[:0])
	return string(buf[:])
}

func (u UUID) appendText(dst []byte) []byte {
	const digits = "0123456789abcdef"
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, digits[c>>4], digits[c&0x0f])
	}
	return dst
}

// IsZero reports whether u is the nil UUID (all zero bytes).
func (u UUID) IsZero() bool { return u == UUID{} }

// MarshalText returns the canonical form (encoding.TextMarshaler).
func (u UUID) MarshalText() ([]byte, error) {
	return u.appendText(make([]byte, 0, 36)), nil
}

// UnmarshalText parses any form [ParseUUID] accepts (encoding.TextUnmarshaler).
func (u *UUID) UnmarshalText(text []byte) error {
	v, err := ParseUUID(string(text))
	if err != nil {
		return err
	}
	*u = v
	return nil
}
