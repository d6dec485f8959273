package conv

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

type valuer struct{ v string }

func (v valuer) Value() (driver.Value, error) {
	if v.v == "fail" {
		return nil, errors.New("nope")
	}
	return v.v, nil
}

func TestParamScalarsAndValuers(t *testing.T) {
	type named string
	cases := []struct{ in, want any }{
		{nil, nil},
		{1, int64(1)},
		{int8(-2), int64(-2)},
		{uint32(3), int64(3)},
		{float32(1.5), 1.5},
		{named("x"), "x"},
		{true, true},
		{[]byte("b"), []byte("b")},
		{time.Second, dbtype.Duration{Seconds: 1}},
		{valuer{"v"}, "v"},
		{sql.NullString{}, nil},
		{sql.NullInt64{Int64: 4, Valid: true}, int64(4)},
		{(*valuer)(nil), nil},
		{Point{SRID: 7203, X: 1}, dbtype.Point2D{SpatialRefId: 7203, X: 1}},
		{Float32s{1}, dbtype.NewVectorFloat32([]float32{1})},
		{List[int]{1, 2}, []any{int64(1), int64(2)}},
		{[]string{"a"}, []any{"a"}},
		{[2]int{1, 2}, []any{int64(1), int64(2)}},
		{map[string]int{"a": 1}, map[string]any{"a": int64(1)}},
		{[]int(nil), nil},
		{dbtype.NewDate(2020, 1, 1), dbtype.NewDate(2020, 1, 1)},
	}
	for _, c := range cases {
		got, err := Param(c.in)
		require.NoError(t, err, "%T", c.in)
		require.Equal(t, c.want, got, "%T", c.in)
	}
	s := "p"
	got, err := Param(&s)
	require.NoError(t, err)
	require.Equal(t, "p", got)
}

func TestParamStructs(t *testing.T) {
	type inner struct {
		City string `db:"city"`
	}
	type p struct {
		Name  string    `db:"name"`
		Nick  string    `db:"nick,omitempty"`
		Skip  string    `db:"-"`
		Alias int       `neo4j:"alias"`
		Plain bool      // untagged: Go name
		In    inner     `db:"in"`
		Ins   []inner   `db:"ins"`
		When  time.Time `db:"when"`
		hide  int
	}
	when := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err := Param(p{Name: "n", Skip: "s", Alias: 2, Plain: true, In: inner{"c"}, Ins: []inner{{"d"}}, When: when, hide: 1})
	require.NoError(t, err)
	require.Equal(t, map[string]any{
		"name": "n", "alias": int64(2), "Plain": true,
		"in": map[string]any{"city": "c"}, "ins": []any{map[string]any{"city": "d"}}, "when": when,
	}, got)

	m, err := StructToMap(&p{Nick: "k"})
	require.NoError(t, err)
	require.Equal(t, "k", m["nick"])
	_, err = StructToMap(3)
	require.Error(t, err)
	_, err = StructToMap((*p)(nil))
	require.Error(t, err)
}

func TestParamErrors(t *testing.T) {
	_, err := Param(map[string]any{"a": []any{make(chan int)}})
	var pe *ParamError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "a[0]", pe.Path)
	require.Equal(t, "chan int", pe.GoType)
	require.EqualError(t, err, "conv: cannot send Go chan int as a Neo4j parameter (at a[0])")

	_, err = Param(uint64(1 << 63))
	require.ErrorAs(t, err, &pe)
	_, err = Param(valuer{"fail"})
	require.ErrorAs(t, err, &pe)
	require.Contains(t, err.Error(), "nope")
	_, err = Param(map[int]string{1: "a"})
	require.ErrorAs(t, err, &pe)

	type cyc struct {
		Next *cyc `db:"next"`
	}
	c := &cyc{}
	c.Next = c
	_, err = Param(c)
	require.ErrorAs(t, err, &pe)
	require.Contains(t, err.Error(), "cycle")

	v, err := ParamConverter.ConvertValue([]int{1})
	require.NoError(t, err)
	require.Equal(t, []any{int64(1)}, v)
}
