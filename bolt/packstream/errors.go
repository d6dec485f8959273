package packstream

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; every error of this package wraps one of them.
var (
	// ErrTruncated: the input ended inside a value.
	ErrTruncated = errors.New("packstream: truncated input")
	// ErrMalformed: the input is not valid PackStream / Bolt (reserved marker,
	// non-string dictionary key, wrong structure field count or field type,
	// out-of-range value).
	ErrMalformed = errors.New("packstream: malformed input")
	// ErrTooDeep: values nest deeper than MaxDepth.
	ErrTooDeep = errors.New("packstream: nesting too deep")
	// ErrUnexpectedKind: a typed read (Int, String, MapHeader, ...) found another kind.
	ErrUnexpectedKind = errors.New("packstream: unexpected kind")
	// ErrUnsupportedType: the encoder cannot represent a Go value.
	ErrUnsupportedType = errors.New("packstream: unsupported Go type")
	// ErrNeedsNewerProtocol: the value needs a newer Bolt version than the one in use.
	ErrNeedsNewerProtocol = errors.New("packstream: value needs a newer Bolt version")
	// ErrUnknownZone: a DateTime names a time zone id the local time zone
	// database does not have. The value was well-formed and fully read, so the
	// input around it is intact.
	ErrUnknownZone = errors.New("packstream: unknown time zone")
	// ErrOutOfRange: a value does not fit PackStream (uint64 above MaxInt64, a
	// string longer than 2^31-1 bytes, more than 15 structure fields, ...).
	ErrOutOfRange = errors.New("packstream: value out of range")
)

// DecodeError reports bad input: where it was found and what was wrong.
// It wraps ErrTruncated, ErrMalformed, ErrTooDeep, ErrUnexpectedKind or
// ErrUnknownZone.
type DecodeError struct {
	Offset int    // byte offset in the input where the problem was found
	Msg    string // what was wrong
	Err    error  // the sentinel
}

// Error returns "packstream: <msg> at offset <n>".
func (e *DecodeError) Error() string {
	return fmt.Sprintf("packstream: %s at offset %d", e.Msg, e.Offset)
}

// Unwrap returns the sentinel error.
func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError reports a Go value the encoder could not encode, naming its type
// and where it sat inside the value (a key path like `x.items[3]`).
// It wraps ErrUnsupportedType, ErrNeedsNewerProtocol, ErrOutOfRange or ErrTooDeep.
type EncodeError struct {
	GoType string // the Go type of the offending value, e.g. "chan int"
	Reason string // what is wrong with it
	Err    error  // the sentinel
	path   []string
}

// Path returns where the offending value sat, e.g. `person.tags[2]`; empty for a
// top-level value.
func (e *EncodeError) Path() string {
	var b strings.Builder
	for i := len(e.path) - 1; i >= 0; i-- {
		seg := e.path[i]
		if b.Len() > 0 && seg[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// Error returns a message naming the path, the Go type and the reason.
func (e *EncodeError) Error() string {
	if p := e.Path(); p != "" {
		return fmt.Sprintf("packstream: cannot encode %q (Go type %s): %s", p, e.GoType, e.Reason)
	}
	return fmt.Sprintf("packstream: cannot encode Go type %s: %s", e.GoType, e.Reason)
}

// Unwrap returns the sentinel error.
func (e *EncodeError) Unwrap() error { return e.Err }

func (e *EncodeError) inKey(k string) *EncodeError {
	e.path = append(e.path, k)
	return e
}

func (e *EncodeError) inIndex(i int) *EncodeError {
	e.path = append(e.path, fmt.Sprintf("[%d]", i))
	return e
}

func encErr(v any, sentinel error, format string, args ...any) *EncodeError {
	return &EncodeError{GoType: fmt.Sprintf("%T", v), Reason: fmt.Sprintf(format, args...), Err: sentinel}
}
