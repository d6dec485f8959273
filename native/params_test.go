package native

import (
	"math"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

type myString string

type inner struct {
	N int `db:"n"`
}

type outer struct {
	Name   string         `db:"name"`
	Alias  string         `neo4j:"alias"`
	Empty  string         `db:"empty,omitempty"`
	Hidden string         `db:"-"`
	Inner  inner          `db:"inner"`
	Ptr    *inner         `db:"ptr"`
	When   time.Time      `db:"when"`
	Tags   []myString     `db:"tags"`
	Extra  map[string]int `db:"extra"`
	secret string
}

func TestNormalizeParams(t *testing.T) {
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	in := map[string]any{
		"int": 1, "i8": int8(-2), "u32": uint32(3), "u64": uint64(4), "f32": float32(0.5),
		"named": myString("x"), "bytes": []byte("ab"), "arr": [2]int{1, 2}, "nilslice": []int(nil),
		"dur": 1500 * time.Millisecond, "date": dbtype.NewDate(2024, 1, 2),
		"struct": outer{Name: "n", Alias: "a", Hidden: "h", Inner: inner{N: 1}, When: when, Tags: []myString{"t"},
			Extra: map[string]int{"k": 2}, secret: "s"},
		"ptr": &inner{N: 5}, "nilptr": (*inner)(nil),
	}
	out, err := normalizeParams(in)
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"int": int64(1), "i8": int64(-2), "u32": int64(3), "u64": int64(4), "f32": 0.5,
		"named": "x", "bytes": []byte("ab"), "arr": []any{int64(1), int64(2)}, "nilslice": nil,
		"dur": dbtype.Duration{Seconds: 1, Nanos: 500000000}, "date": dbtype.NewDate(2024, 1, 2),
		"struct": map[string]any{"name": "n", "alias": "a", "inner": map[string]any{"n": int64(1)}, "ptr": nil,
			"when": when, "tags": []any{"t"}, "extra": map[string]any{"k": int64(2)}},
		"ptr": map[string]any{"n": int64(5)}, "nilptr": nil,
	}, out)

	for name, v := range map[string]any{
		"ch": make(chan int), "fn": func() {}, "intkeys": map[int]string{1: "a"},
		"big": uint64(math.MaxUint64), "nested": map[string]any{"deep": []any{complex(1, 2)}},
	} {
		_, err := normalizeParams(map[string]any{name: v})
		require.Error(t, err, name)
		require.True(t, IsUsageError(err), name)
		require.ErrorContains(t, err, `parameter "`+name+`"`)
	}
	_, err = normalizeParams(map[string]any{"nested": map[string]any{"deep": []any{complex(1, 2)}}})
	require.ErrorContains(t, err, "complex128")
	require.ErrorContains(t, err, `map key "deep"`)
}

func TestScanAndGetRecordValue(t *testing.T) {
	rec := &Record{
		Keys: []string{"s", "i", "f", "b", "l", "m", "n", "null", "d", "big"},
		Values: []any{"str", int64(7), 2.5, true, []any{int64(1), int64(2)}, map[string]any{"a": int64(1)},
			dbtype.Node{Labels: []string{"P"}, Props: map[string]any{"name": "Ann", "Age": int64(3)}}, nil,
			dbtype.NewDate(2024, 5, 6), int64(300)},
	}
	var (
		s    string
		i    int
		f    float64
		b    bool
		l    []int
		m    map[string]int64
		n    struct{ Name string }
		null *string
		d    time.Time
		i8   int8
	)
	require.NoError(t, rec.Scan(&s, &i, &f, &b, &l, &m, &n, &null, &d))
	require.Equal(t, "str", s)
	require.Equal(t, 7, i)
	require.Equal(t, 2.5, f)
	require.True(t, b)
	require.Equal(t, []int{1, 2}, l)
	require.Equal(t, map[string]int64{"a": 1}, m)
	require.Equal(t, "Ann", n.Name)
	require.Nil(t, null)
	require.Equal(t, time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), d)

	err := rec.Scan(nil, nil, nil, nil, nil, nil, nil, &s)
	require.ErrorContains(t, err, "NULL")
	require.ErrorContains(t, err, `"null"`)
	require.ErrorContains(t, rec.Scan(&i), "cannot store string in int")
	err = rec.Scan(&s, &s)
	require.ErrorContains(t, err, "cannot store int64 in string")
	require.NoError(t, rec.Scan(nil, nil, nil, nil, nil, nil, nil, nil, nil, nil))
	err = (&Record{Keys: []string{"big"}, Values: []any{int64(300)}}).Scan(&i8)
	require.ErrorContains(t, err, "overflows int8")
	require.Error(t, rec.Scan(make([]any, 11)...))

	v, isNil, err := GetRecordValue[int64](rec, "i")
	require.NoError(t, err)
	require.False(t, isNil)
	require.Equal(t, int64(7), v)
	_, isNil, err = GetRecordValue[string](rec, "null")
	require.NoError(t, err)
	require.True(t, isNil)
	_, _, err = GetRecordValue[string](rec, "missing")
	require.ErrorContains(t, err, `no column "missing"`)
	_, _, err = GetRecordValue[bool](rec, "s")
	require.Error(t, err)
	ds, _, err := GetRecordValue[[]string](&Record{Keys: []string{"x"}, Values: []any{[]any{"a"}}}, "x")
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, ds)
}

func TestRecordAs(t *testing.T) {
	type embedded struct {
		Created int64 `db:"created"`
	}
	type person struct {
		embedded
		Name    string `db:"name"`
		Age     int    `neo4j:"years"`
		Email   *string
		Ignored string `db:"-"`
	}
	rec := &Record{Keys: []string{"name", "years", "EMAIL", "created", "other"},
		Values: []any{"Ann", int64(30), "a@x", int64(99), "zzz"}}
	p, err := RecordAs[person](rec)
	require.NoError(t, err)
	require.Equal(t, "Ann", p.Name)
	require.Equal(t, 30, p.Age)
	require.Equal(t, "a@x", *p.Email)
	require.Equal(t, int64(99), p.Created)

	pp, err := RecordAs[*person](rec)
	require.NoError(t, err)
	require.Equal(t, "Ann", pp.Name)

	// A single node column maps its properties.
	node := &Record{Keys: []string{"p"}, Values: []any{dbtype.Node{Props: map[string]any{"name": "Ben", "years": int64(4)}}}}
	p, err = RecordAs[person](node)
	require.NoError(t, err)
	require.Equal(t, "Ben", p.Name)
	require.Equal(t, 4, p.Age)

	n, err := RecordAs[int](&Record{Keys: []string{"c"}, Values: []any{int64(3)}})
	require.NoError(t, err)
	require.Equal(t, 3, n)
	_, err = RecordAs[int](rec)
	require.ErrorContains(t, err, "exactly one column")
	_, err = RecordAs[person](&Record{Keys: []string{"name"}, Values: []any{int64(1)}})
	require.ErrorContains(t, err, "field Name")
}
