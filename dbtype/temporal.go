package dbtype

import (
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date without time or zone (Cypher DATE). It is stored as
// midnight UTC of that day; use [NewDate] or [DateOf] to build one.
type Date time.Time

// NewDate returns the given calendar date. Out-of-range months and days are
// normalised the way [time.Date] does.
func NewDate(year int, month time.Month, day int) Date {
	return Date(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// Time returns the date as midnight UTC.
func (d Date) Time() time.Time { return time.Time(d) }

// String returns the date in ISO form, e.g. "2024-02-29" (years beyond 9999 get a
// leading '+', years before 0 a leading '-').
func (d Date) String() string {
	var b strings.Builder
	writeDate(&b, time.Time(d))
	return b.String()
}

// Time is a time of day with a fixed offset from UTC (Cypher ZONED TIME). The
// underlying [time.Time] is on 0000-01-01 in a fixed zone with that offset.
type Time time.Time

// NewTime returns the time of day hour:min:sec.nsec at the given offset east of
// UTC, in seconds (offset 0 uses time.UTC, as decoded values do).
func NewTime(hour, min, sec, nsec, offsetSeconds int) Time {
	loc := time.UTC
	if offsetSeconds != 0 {
		loc = time.FixedZone("", offsetSeconds)
	}
	return Time(time.Date(0, 1, 1, hour, min, sec, nsec, loc))
}

// TimeOf returns the wall-clock time of day of t and t's offset at that instant.
func TimeOf(t time.Time) Time {
	_, off := t.Zone()
	return NewTime(t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), off)
}

// Time returns the underlying time.Time (dated 0000-01-01).
func (t Time) Time() time.Time { return time.Time(t) }

// Offset returns the offset east of UTC in seconds.
func (t Time) Offset() int {
	_, off := time.Time(t).Zone()
	return off
}

// String returns the time in ISO form, e.g. "12:34:56.789+02:00" or "08:00:00Z".
func (t Time) String() string {
	var b strings.Builder
	tt := time.Time(t)
	writeClock(&b, tt)
	_, off := tt.Zone()
	writeOffset(&b, off)
	return b.String()
}

// LocalTime is a time of day without zone (Cypher LOCAL TIME). The underlying
// [time.Time] is on 0000-01-01 UTC.
type LocalTime time.Time

// NewLocalTime returns the time of day hour:min:sec.nsec.
func NewLocalTime(hour, min, sec, nsec int) LocalTime {
	return LocalTime(time.Date(0, 1, 1, hour, min, sec, nsec, time.UTC))
}

// LocalTimeOf returns the wall-clock time of day of t.
func LocalTimeOf(t time.Time) LocalTime {
	return NewLocalTime(t.Hour(), t.Minute(), t.Second(), t.Nanosecond())
}

// Time returns the underlying time.Time (0000-01-01 UTC).
func (t LocalTime) Time() time.Time { return time.Time(t) }

// String returns the time in ISO form, e.g. "01:02:03.000000004".
func (t LocalTime) String() string {
	var b strings.Builder
	writeClock(&b, time.Time(t))
	return b.String()
}

// LocalDateTime is a date and time of day without zone (Cypher LOCAL DATETIME).
// The underlying [time.Time] carries the wall clock in UTC.
type LocalDateTime time.Time

// NewLocalDateTime returns the given wall-clock date and time.
func NewLocalDateTime(year int, month time.Month, day, hour, min, sec, nsec int) LocalDateTime {
	return LocalDateTime(time.Date(year, month, day, hour, min, sec, nsec, time.UTC))
}

// LocalDateTimeOf returns the wall clock of t in t's own location, dropping the zone.
func LocalDateTimeOf(t time.Time) LocalDateTime {
	y, mo, d := t.Date()
	return NewLocalDateTime(y, mo, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond())
}

// Time returns the wall clock as a time.Time in UTC.
func (t LocalDateTime) Time() time.Time { return time.Time(t) }

// String returns the value in ISO form, e.g. "2024-02-29T12:34:56.123456789".
func (t LocalDateTime) String() string {
	var b strings.Builder
	tt := time.Time(t)
	writeDate(&b, tt)
	b.WriteByte('T')
	writeClock(&b, tt)
	return b.String()
}

// Duration is a Cypher DURATION: months, days, seconds and nanoseconds kept
// apart, because a month or a day has no fixed length in seconds. Each component
// may be negative. Values decoded from the server have Nanos in 0..999,999,999.
type Duration struct {
	Months  int64 // whole months (a year is 12)
	Days    int64 // whole days, apart from the months
	Seconds int64 // seconds, apart from the months and days
	Nanos   int   // nanoseconds added to Seconds
}

// DurationOf converts d to a Duration of seconds and nanoseconds (Nanos is
// always 0..999,999,999, so -1ns is -1 s + 999,999,999 ns).
func DurationOf(d time.Duration) Duration {
	s, ns := int64(d/time.Second), int64(d%time.Second)
	if ns < 0 {
		s--
		ns += int64(time.Second)
	}
	return Duration{Seconds: s, Nanos: int(ns)}
}

// String returns the duration in Cypher's ISO form, e.g. "P1Y2M3DT4H5M6.000000007S",
// "PT-1S", or "PT0S" for zero.
func (d Duration) String() string {
	var b strings.Builder
	b.WriteByte('P')
	if y := d.Months / 12; y != 0 {
		b.WriteString(strconv.FormatInt(y, 10))
		b.WriteByte('Y')
	}
	if m := d.Months % 12; m != 0 {
		b.WriteString(strconv.FormatInt(m, 10))
		b.WriteByte('M')
	}
	if d.Days != 0 {
		b.WriteString(strconv.FormatInt(d.Days, 10))
		b.WriteByte('D')
	}
	// Give seconds and nanoseconds the same sign before splitting.
	sec, ns := d.Seconds+int64(d.Nanos/1e9), int64(d.Nanos%1e9)
	if sec < 0 && ns > 0 {
		sec++
		ns -= 1e9
	} else if sec > 0 && ns < 0 {
		sec--
		ns += 1e9
	}
	if sec != 0 || ns != 0 {
		b.WriteByte('T')
		if h := sec / 3600; h != 0 {
			b.WriteString(strconv.FormatInt(h, 10))
			b.WriteByte('H')
		}
		if m := sec % 3600 / 60; m != 0 {
			b.WriteString(strconv.FormatInt(m, 10))
			b.WriteByte('M')
		}
		if s := sec % 60; s != 0 || ns != 0 {
			if s < 0 || ns < 0 {
				b.WriteByte('-')
			}
			b.WriteString(strconv.FormatInt(abs64(s), 10))
			writeFraction(&b, int(abs64(ns)))
			b.WriteByte('S')
		}
	}
	if b.Len() == 1 {
		return "PT0S"
	}
	return b.String()
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// writeDate writes YYYY-MM-DD; years outside 0..9999 get a sign.
func writeDate(b *strings.Builder, t time.Time) {
	y, m, d := t.Date()
	switch {
	case y > 9999:
		b.WriteByte('+')
		b.WriteString(strconv.Itoa(y))
	case y < 0:
		b.WriteByte('-')
		writePadded(b, -y, 4)
	default:
		writePadded(b, y, 4)
	}
	b.WriteByte('-')
	writePadded(b, int(m), 2)
	b.WriteByte('-')
	writePadded(b, d, 2)
}

// writeClock writes hh:mm:ss[.fraction] with trailing zeros of the fraction dropped.
func writeClock(b *strings.Builder, t time.Time) {
	writePadded(b, t.Hour(), 2)
	b.WriteByte(':')
	writePadded(b, t.Minute(), 2)
	b.WriteByte(':')
	writePadded(b, t.Second(), 2)
	writeFraction(b, t.Nanosecond())
}

func writeFraction(b *strings.Builder, ns int) {
	if ns == 0 {
		return
	}
	s := strconv.Itoa(ns + 1e9)[1:] // 9 digits, zero padded
	b.WriteByte('.')
	b.WriteString(strings.TrimRight(s, "0"))
}

// writeOffset writes Z or ±hh:mm[:ss].
func writeOffset(b *strings.Builder, off int) {
	if off == 0 {
		b.WriteByte('Z')
		return
	}
	if off < 0 {
		b.WriteByte('-')
		off = -off
	} else {
		b.WriteByte('+')
	}
	writePadded(b, off/3600, 2)
	b.WriteByte(':')
	writePadded(b, off%3600/60, 2)
	if s := off % 60; s != 0 {
		b.WriteByte(':')
		writePadded(b, s, 2)
	}
}

func writePadded(b *strings.Builder, v, width int) {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(s)
}
