package packstream

import (
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/boltwire/neo4j/dbtype"
)

// Limits that keep time arithmetic far from int64 overflow; Neo4j's own range
// (years ±999,999,999) lies well inside them.
const (
	maxEpochSeconds = 1 << 56
	maxEpochDays    = maxEpochSeconds / 86400
	nanosPerDay     = 86400 * 1e9
)

func (d *Decoder) rangeErr(start int, what string, v int64) error {
	return d.errAt(start, ErrMalformed, what+" "+strconv.FormatInt(v, 10)+" out of range")
}

func (d *Decoder) date(start, n int) (any, error) {
	if err := d.fieldCount(start, "Date", n, 1); err != nil {
		return nil, err
	}
	days, err := d.intField("Date", "days")
	if err != nil {
		return nil, err
	}
	if days > maxEpochDays || days < -maxEpochDays {
		return nil, d.rangeErr(start, "Date.days", days)
	}
	return dbtype.Date(time.Unix(days*86400, 0).UTC()), nil
}

// clock splits nanoseconds since midnight (validated) into a time on 0000-01-01.
func clock(ns int64, loc *time.Location) time.Time {
	s := ns / 1e9
	return time.Date(0, 1, 1, int(s/3600), int(s%3600/60), int(s%60), int(ns%1e9), loc)
}

func (d *Decoder) timeOfDay(start, n int) (any, error) {
	if err := d.fieldCount(start, "Time", n, 2); err != nil {
		return nil, err
	}
	ns, err := d.intField("Time", "nanoseconds")
	if err != nil {
		return nil, err
	}
	off, err := d.intField("Time", "tz_offset_seconds")
	if err != nil {
		return nil, err
	}
	if ns < 0 || ns >= nanosPerDay {
		return nil, d.rangeErr(start, "Time.nanoseconds", ns)
	}
	if off <= -86400 || off >= 86400 {
		return nil, d.rangeErr(start, "Time.tz_offset_seconds", off)
	}
	return dbtype.Time(clock(ns, fixedZone(int(off)))), nil
}

func (d *Decoder) localTime(start, n int) (any, error) {
	if err := d.fieldCount(start, "LocalTime", n, 1); err != nil {
		return nil, err
	}
	ns, err := d.intField("LocalTime", "nanoseconds")
	if err != nil {
		return nil, err
	}
	if ns < 0 || ns >= nanosPerDay {
		return nil, d.rangeErr(start, "LocalTime.nanoseconds", ns)
	}
	return dbtype.LocalTime(clock(ns, time.UTC)), nil
}

// secondsNanos reads the seconds and nanoseconds fields shared by the date-time
// structures.
func (d *Decoder) secondsNanos(start int, name string) (int64, int64, error) {
	sec, err := d.intField(name, "seconds")
	if err != nil {
		return 0, 0, err
	}
	ns, err := d.intField(name, "nanoseconds")
	if err != nil {
		return 0, 0, err
	}
	if sec > maxEpochSeconds || sec < -maxEpochSeconds {
		return 0, 0, d.rangeErr(start, name+".seconds", sec)
	}
	if ns < 0 || ns >= 1e9 {
		return 0, 0, d.rangeErr(start, name+".nanoseconds", ns)
	}
	return sec, ns, nil
}

func (d *Decoder) localDateTime(start, n int) (any, error) {
	if err := d.fieldCount(start, "LocalDateTime", n, 2); err != nil {
		return nil, err
	}
	sec, ns, err := d.secondsNanos(start, "LocalDateTime")
	if err != nil {
		return nil, err
	}
	return dbtype.LocalDateTime(time.Unix(sec, ns).UTC()), nil
}

// dateTime reads the four DATETIME structures ('I', 'i', legacy 'F', 'f') into
// a time.Time. Zone ids load through the time zone database; a zone the
// database lacks is an ErrUnknownZone error (the structure is read whole, so
// the decoder stays in step).
func (d *Decoder) dateTime(start int, tag byte, n int) (any, error) {
	name := "DateTime"
	if tag == TagDateTimeZoneID || tag == TagLegacyDateTimeZone {
		name = "DateTimeZoneId"
	}
	if err := d.fieldCount(start, name, n, 3); err != nil {
		return nil, err
	}
	sec, ns, err := d.secondsNanos(start, name)
	if err != nil {
		return nil, err
	}
	switch tag {
	case TagDateTime, TagLegacyDateTime:
		off, err := d.intField(name, "tz_offset_seconds")
		if err != nil {
			return nil, err
		}
		if off <= -86400 || off >= 86400 {
			return nil, d.rangeErr(start, name+".tz_offset_seconds", off)
		}
		if tag == TagLegacyDateTime {
			sec -= off // legacy: seconds are the local wall clock
		}
		if off == 0 {
			// Not time.UTC: that is the zone id "UTC", a different value.
			return time.Unix(sec, ns).In(offsetZero), nil
		}
		return time.Unix(sec, ns).In(fixedZone(int(off))), nil
	}
	zone, err := d.stringField(name, "tz_id")
	if err != nil {
		return nil, err
	}
	loc := loadZone(zone)
	if loc == nil {
		return nil, d.errAt(start, ErrUnknownZone, name+".tz_id: time zone "+strconv.Quote(zone)+" is not in the time zone database")
	}
	if tag == TagDateTimeZoneID {
		return time.Unix(sec, ns).In(loc), nil
	}
	return legacyZoned(sec, ns, loc), nil
}

// legacyZoned resolves a legacy 'f' wall clock (seconds as if UTC) in loc. A wall
// clock that occurs twice (end of daylight saving time) resolves to the earlier
// instant, as the server's own Java time library does; one that does not occur
// (start of daylight saving time) resolves as time.Date does.
func legacyZoned(sec, ns int64, loc *time.Location) time.Time {
	_, before := time.Unix(sec-86400, 0).In(loc).Zone()
	_, after := time.Unix(sec+86400, 0).In(loc).Zone()
	var best time.Time
	found := false
	for _, off := range [2]int{before, after} {
		t := time.Unix(sec-int64(off), ns).In(loc)
		if _, o := t.Zone(); o == off && (!found || t.Before(best)) {
			best, found = t, true
		}
	}
	if !found {
		w := time.Unix(sec, ns).UTC()
		best = time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	}
	return best
}

func (d *Decoder) duration(start, n int) (any, error) {
	if err := d.fieldCount(start, "Duration", n, 4); err != nil {
		return nil, err
	}
	var v dbtype.Duration
	var err error
	if v.Months, err = d.intField("Duration", "months"); err != nil {
		return nil, err
	}
	if v.Days, err = d.intField("Duration", "days"); err != nil {
		return nil, err
	}
	if v.Seconds, err = d.intField("Duration", "seconds"); err != nil {
		return nil, err
	}
	ns, err := d.intField("Duration", "nanoseconds")
	if err != nil {
		return nil, err
	}
	// Servers send nanoseconds in 0..999,999,999; carry anything else into the
	// seconds so that decoded Durations are always in that normal form.
	carry, rem := floorDiv(ns, 1e9), ns-floorDiv(ns, 1e9)*1e9
	if (carry > 0 && v.Seconds > math.MaxInt64-carry) || (carry < 0 && v.Seconds < math.MinInt64-carry) {
		return nil, d.rangeErr(start, "Duration.nanoseconds", ns)
	}
	v.Seconds += carry
	v.Nanos = int(rem)
	return v, nil
}

func (d *Decoder) srid(start int, name string) (uint32, error) {
	v, err := d.intField(name, "srid")
	if err != nil {
		return 0, err
	}
	if v < 0 || v > math.MaxUint32 {
		return 0, d.rangeErr(start, name+".srid", v)
	}
	return uint32(v), nil
}

func (d *Decoder) point2D(start, n int) (any, error) {
	if err := d.fieldCount(start, "Point2D", n, 3); err != nil {
		return nil, err
	}
	var p dbtype.Point2D
	var err error
	if p.SpatialRefId, err = d.srid(start, "Point2D"); err != nil {
		return nil, err
	}
	if p.X, err = d.floatField("Point2D", "x"); err != nil {
		return nil, err
	}
	if p.Y, err = d.floatField("Point2D", "y"); err != nil {
		return nil, err
	}
	return p, nil
}

func (d *Decoder) point3D(start, n int) (any, error) {
	if err := d.fieldCount(start, "Point3D", n, 4); err != nil {
		return nil, err
	}
	var p dbtype.Point3D
	var err error
	if p.SpatialRefId, err = d.srid(start, "Point3D"); err != nil {
		return nil, err
	}
	if p.X, err = d.floatField("Point3D", "x"); err != nil {
		return nil, err
	}
	if p.Y, err = d.floatField("Point3D", "y"); err != nil {
		return nil, err
	}
	if p.Z, err = d.floatField("Point3D", "z"); err != nil {
		return nil, err
	}
	return p, nil
}

// offsetZero is the zone of a DATETIME sent with offset 0: unnamed like every
// offset zone, so it stays distinct from one sent with zone id "UTC" (decoded
// to time.UTC) and re-encodes as an offset.
var offsetZero = time.FixedZone("", 0)

// fixedZones caches the unnamed fixed zones of whole quarter-hour offsets up to
// ±18 h, so decoding a DATETIME with an offset does not allocate a Location.
// fixedZone returns time.UTC for offset 0.
var fixedZones [145]atomic.Pointer[time.Location]

func fixedZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if off%900 != 0 || off < -18*3600 || off > 18*3600 {
		return time.FixedZone("", off)
	}
	slot := &fixedZones[off/900+72]
	if l := slot.Load(); l != nil {
		return l
	}
	l := time.FixedZone("", off)
	slot.Store(l)
	return l
}

// zones caches loaded time zones by id (bounded, so a hostile peer cannot grow
// it without limit).
var (
	zones     sync.Map // string → *time.Location
	zoneCount atomic.Int32
)

const maxCachedZones = 1024

// loadZone returns the zone named id, nil if the time zone database lacks it
// ("" and "Local", which name no IANA zone, included).
func loadZone(id string) *time.Location {
	if l, ok := zones.Load(id); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(id)
	if err != nil || id == "" || id == "Local" {
		loc = nil
	}
	if zoneCount.Add(1) <= maxCachedZones {
		zones.Store(id, loc)
	}
	return loc
}
