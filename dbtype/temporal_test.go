package dbtype

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDateString(t *testing.T) {
	cases := map[string]Date{
		"2024-02-29":    NewDate(2024, time.February, 29),
		"1969-12-31":    NewDate(1969, time.December, 31),
		"0001-01-01":    NewDate(1, time.January, 1),
		"+10000-01-01":  NewDate(10000, time.January, 1),
		"-0001-06-30":   NewDate(-1, time.June, 30),
		"+999999-12-31": NewDate(999999, time.December, 31),
	}
	for want, d := range cases {
		require.Equal(t, want, d.String())
	}
}

func TestDateOfUsesOwnLocation(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	// 2024-03-01 01:00 in Tokyo is still 2024-02-29 in UTC.
	tt := time.Date(2024, time.March, 1, 1, 0, 0, 0, tokyo)
	require.Equal(t, "2024-03-01", DateOf(tt).String())
	require.Equal(t, time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC), DateOf(tt).Time())
}

func TestTimeString(t *testing.T) {
	require.Equal(t, "12:34:56.789+02:00", NewTime(12, 34, 56, 789000000, 7200).String())
	require.Equal(t, "08:00:00Z", NewTime(8, 0, 0, 0, 0).String())
	require.Equal(t, "23:59:59.999999999-05:30", NewTime(23, 59, 59, 999999999, -19800).String())
	require.Equal(t, "00:00:00+01:00:30", NewTime(0, 0, 0, 0, 3630).String())
	require.Equal(t, 7200, NewTime(1, 0, 0, 0, 7200).Offset())
}

func TestTimeOf(t *testing.T) {
	loc := time.FixedZone("X", -3*3600)
	tt := time.Date(2020, 5, 6, 7, 8, 9, 10, loc)
	got := TimeOf(tt)
	require.Equal(t, "07:08:09.00000001-03:00", got.String())
	require.Equal(t, -3*3600, got.Offset())
}

func TestLocalTimeAndDateTimeString(t *testing.T) {
	require.Equal(t, "01:02:03.000000004", NewLocalTime(1, 2, 3, 4).String())
	require.Equal(t, "00:00:00", LocalTime{}.String())
	tt := time.Date(2024, 2, 29, 12, 34, 56, 123456789, time.FixedZone("", 3600))
	require.Equal(t, "12:34:56.123456789", LocalTimeOf(tt).String())
	require.Equal(t, "2024-02-29T12:34:56.123456789", LocalDateTimeOf(tt).String())
	require.Equal(t, "1969-12-31T23:59:59.999999999", NewLocalDateTime(1969, 12, 31, 23, 59, 59, 999999999).String())
	require.Equal(t, time.UTC, LocalDateTimeOf(tt).Time().Location())
}

func TestDurationString(t *testing.T) {
	cases := map[string]Duration{
		"PT0S":                        {},
		"P1Y2M3DT4H5M6.000000007S":    {Months: 14, Days: 3, Seconds: 14706, Nanos: 7},
		"PT-1S":                       {Seconds: -1},
		"PT-0.5S":                     {Seconds: -1, Nanos: 500000000},
		"P-1Y-1M":                     {Months: -13},
		"P-2D":                        {Days: -2},
		"PT1H":                        {Seconds: 3600},
		"PT-1H-1M-1.000000001S":       {Seconds: -3662, Nanos: 999999999},
		"PT0.000000001S":              {Nanos: 1},
		"P3M1DT1.5S":                  {Months: 3, Days: 1, Seconds: 1, Nanos: 5e8},
		"PT2562047788015215H30M7S":    {Seconds: 1<<63 - 1},
		"PT-2562047788015215H-30M-8S": {Seconds: -1 << 63},
	}
	for want, d := range cases {
		require.Equal(t, want, d.String(), "%#v", d)
	}
}

func TestDurationOf(t *testing.T) {
	require.Equal(t, Duration{Seconds: 90, Nanos: 5}, DurationOf(90*time.Second+5))
	require.Equal(t, Duration{Seconds: -1, Nanos: 999999999}, DurationOf(-1))
	require.Equal(t, Duration{Seconds: -2}, DurationOf(-2*time.Second))
	require.Equal(t, Duration{}, DurationOf(0))
}
