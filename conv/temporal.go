package conv

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// Text layouts accepted by the temporal Scan methods (handy with mocked rows).
const (
	dateLayout          = "2006-01-02"
	localTimeLayout     = "15:04:05.999999999"
	zonedTimeLayout     = "15:04:05.999999999Z07:00"
	localDateTimeLayout = "2006-01-02T15:04:05.999999999"
)

// Date is a [database/sql.Scanner] and [driver.Valuer] for a Cypher DATE. The
// sqldriver hands a DATE to database/sql as a time.Time at midnight UTC (so
// *time.Time works too); Date keeps the exact kind and sends a DATE back.
// Scan accepts a DATE, a time.Time (its calendar date in its own location), a
// LOCAL DATETIME (its date) or text "2006-01-02".
type Date dbtype.Date

// Scan stores a date.
func (d *Date) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Date:
		*d = Date(s)
	case time.Time:
		*d = Date(dbtype.DateOf(s))
	case dbtype.LocalDateTime:
		*d = Date(dbtype.DateOf(s.Time()))
	case string, []byte:
		t, err := time.Parse(dateLayout, asText(s))
		if err != nil {
			return convErr("", src, dateT, err)
		}
		*d = Date(t)
	default:
		return scanErr(src, d)
	}
	return nil
}

var dateT = reflect.TypeFor[Date]()

// Value returns the date as a dbtype.Date.
func (d Date) Value() (driver.Value, error) { return dbtype.Date(d), nil }

// Time returns the date as midnight UTC.
func (d Date) Time() time.Time { return time.Time(d) }

// String returns the date in ISO form, e.g. "2024-02-29".
func (d Date) String() string { return dbtype.Date(d).String() }

// LocalDateTime is a [database/sql.Scanner] and [driver.Valuer] for a Cypher
// LOCAL DATETIME. The sqldriver hands one to database/sql as a time.Time in UTC
// carrying the wall clock; LocalDateTime keeps the exact kind. Scan accepts a
// LOCAL DATETIME, a time.Time (its wall clock, zone dropped) or text
// "2006-01-02T15:04:05.999999999".
type LocalDateTime dbtype.LocalDateTime

// Scan stores a local date-time.
func (t *LocalDateTime) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.LocalDateTime:
		*t = LocalDateTime(s)
	case time.Time:
		*t = LocalDateTime(dbtype.LocalDateTimeOf(s))
	case string, []byte:
		v, err := time.Parse(localDateTimeLayout, asText(s))
		if err != nil {
			return convErr("", src, reflect.TypeFor[LocalDateTime](), err)
		}
		*t = LocalDateTime(v)
	default:
		return scanErr(src, t)
	}
	return nil
}

// Value returns the value as a dbtype.LocalDateTime.
func (t LocalDateTime) Value() (driver.Value, error) { return dbtype.LocalDateTime(t), nil }

// Time returns the wall clock as a time.Time in UTC.
func (t LocalDateTime) Time() time.Time { return time.Time(t) }

// String returns the value in ISO form, e.g. "2024-02-29T12:34:56.5".
func (t LocalDateTime) String() string { return dbtype.LocalDateTime(t).String() }

// Time is a [database/sql.Scanner] and [driver.Valuer] for a Cypher ZONED TIME
// (a time of day with an offset). Scan accepts a ZONED TIME, a time.Time (its
// clock and offset) or text "15:04:05.999999999Z07:00".
type Time dbtype.Time

// Scan stores a time of day with offset.
func (t *Time) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Time:
		*t = Time(s)
	case time.Time:
		*t = Time(dbtype.TimeOf(s))
	case string, []byte:
		v, err := time.Parse(zonedTimeLayout, asText(s))
		if err != nil {
			return convErr("", src, reflect.TypeFor[Time](), err)
		}
		*t = Time(dbtype.TimeOf(v))
	default:
		return scanErr(src, t)
	}
	return nil
}

// Value returns the value as a dbtype.Time.
func (t Time) Value() (driver.Value, error) { return dbtype.Time(t), nil }

// Time returns the underlying time.Time (dated 0000-01-01 in a fixed zone).
func (t Time) Time() time.Time { return time.Time(t) }

// String returns the time in ISO form, e.g. "12:34:56+02:00".
func (t Time) String() string { return dbtype.Time(t).String() }

// LocalTime is a [database/sql.Scanner] and [driver.Valuer] for a Cypher LOCAL
// TIME. Scan accepts a LOCAL TIME, a time.Time (its clock) or text
// "15:04:05.999999999".
type LocalTime dbtype.LocalTime

// Scan stores a time of day.
func (t *LocalTime) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.LocalTime:
		*t = LocalTime(s)
	case time.Time:
		*t = LocalTime(dbtype.LocalTimeOf(s))
	case string, []byte:
		v, err := time.Parse(localTimeLayout, asText(s))
		if err != nil {
			return convErr("", src, reflect.TypeFor[LocalTime](), err)
		}
		*t = LocalTime(dbtype.LocalTimeOf(v))
	default:
		return scanErr(src, t)
	}
	return nil
}

// Value returns the value as a dbtype.LocalTime.
func (t LocalTime) Value() (driver.Value, error) { return dbtype.LocalTime(t), nil }

// Time returns the underlying time.Time (0000-01-01 UTC).
func (t LocalTime) Time() time.Time { return time.Time(t) }

// String returns the time in ISO form, e.g. "01:02:03.5".
func (t LocalTime) String() string { return dbtype.LocalTime(t).String() }

// Duration is a [database/sql.Scanner] and [driver.Valuer] for a Cypher
// DURATION; its fields are those of [dbtype.Duration] (Months, Days, Seconds,
// Nanos). Scan accepts a DURATION or a time.Duration.
type Duration dbtype.Duration

// Scan stores a duration.
func (d *Duration) Scan(src any) error {
	switch s := src.(type) {
	case dbtype.Duration:
		*d = Duration(s)
	case time.Duration:
		*d = Duration(dbtype.DurationOf(s))
	default:
		return scanErr(src, d)
	}
	return nil
}

// Value returns the value as a dbtype.Duration.
func (d Duration) Value() (driver.Value, error) { return dbtype.Duration(d), nil }

// String returns the duration in ISO form, e.g. "P1DT2H".
func (d Duration) String() string { return dbtype.Duration(d).String() }

// ErrNotStd is wrapped by [Duration.Std] when a duration has no fixed length.
var ErrNotStd = errors.New("conv: duration has months, which have no fixed length")

// Std converts the duration to a time.Duration, counting a day as 24 hours. It
// is lossy by design, so it is explicit: it fails (wrapping [ErrNotStd]) when
// Months is not zero, and fails when the result overflows time.Duration.
func (d Duration) Std() (time.Duration, error) {
	if d.Months != 0 {
		return 0, fmt.Errorf("%w: %s", ErrNotStd, d)
	}
	const daySec = 86400
	if d.Days > math.MaxInt64/daySec || d.Days < math.MinInt64/daySec {
		return 0, fmt.Errorf("conv: duration %s overflows time.Duration", d)
	}
	secs := d.Days*daySec + d.Seconds
	if (d.Seconds > 0 && secs < d.Days*daySec) || (d.Seconds < 0 && secs > d.Days*daySec) {
		return 0, fmt.Errorf("conv: duration %s overflows time.Duration", d)
	}
	maxSec := int64(math.MaxInt64/int64(time.Second)) - 1
	if secs > maxSec || secs < -maxSec {
		return 0, fmt.Errorf("conv: duration %s overflows time.Duration", d)
	}
	return time.Duration(secs)*time.Second + time.Duration(d.Nanos), nil
}

func asText(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v.(string)
}
