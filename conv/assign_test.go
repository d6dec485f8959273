package conv

import (
	"database/sql"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

type person struct {
	Name    string   `db:"name"`
	Age     int8     `db:"age"`
	Tags    []string `db:"tags"`
	Nick    *string  `neo4j:"nick"`
	Skipped string   `db:"-"`
	Email   string   // matched case-insensitively
	Address struct {
		City string `db:"city"`
	} `db:"address"`
}

func TestAssignScalars(t *testing.T) {
	var i int
	require.NoError(t, Assign(&i, int64(42)))
	require.Equal(t, 42, i)

	var u uint16
	require.NoError(t, Assign(&u, int64(65535)))
	require.Equal(t, uint16(65535), u)

	var f float32
	require.NoError(t, Assign(&f, 1.5))
	require.Equal(t, float32(1.5), f)

	var f64 float64
	require.NoError(t, Assign(&f64, int64(3)))
	require.Equal(t, 3.0, f64)

	type status string
	var s status
	require.NoError(t, Assign(&s, "active"))
	require.Equal(t, status("active"), s)

	var b []byte
	require.NoError(t, Assign(&b, "hi"))
	require.Equal(t, []byte("hi"), b)

	var ok bool
	require.NoError(t, Assign(&ok, true))
	require.True(t, ok)

	var a any
	require.NoError(t, Assign(&a, int64(7)))
	require.Equal(t, int64(7), a)
}

func TestAssignFailuresNameTypes(t *testing.T) {
	var i8 int8
	err := Assign(&i8, int64(300))
	var ce *ConversionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "INTEGER", ce.Neo4jType)
	require.Equal(t, "int8", ce.GoType)
	require.Contains(t, err.Error(), "overflows")

	var u uint
	require.ErrorAs(t, Assign(&u, int64(-1)), &ce)

	var f32 float32
	require.ErrorAs(t, Assign(&f32, math.MaxFloat64), &ce)

	var s string
	err = Assign(&s, int64(1))
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "conv: cannot convert Neo4j INTEGER to Go string", err.Error())

	var n int
	err = Assign(&n, nil)
	require.ErrorIs(t, err, ErrNull)
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "NULL", ce.Neo4jType)

	var i int
	require.ErrorAs(t, Assign(&i, 1.5), &ce)
	require.Equal(t, "FLOAT", ce.Neo4jType)

	require.Error(t, Assign(i, int64(1)), "non-pointer destination")
	require.Error(t, Assign((*int)(nil), int64(1)))
}

func TestAssignNullIntoNullable(t *testing.T) {
	p := new(int)
	require.NoError(t, Assign(&p, nil))
	require.Nil(t, p)
	l := []int{1}
	require.NoError(t, Assign(&l, nil))
	require.Nil(t, l)
	var ns sql.NullString
	require.NoError(t, Assign(&ns, nil))
	require.False(t, ns.Valid)
	require.NoError(t, Assign(&ns, "x"))
	require.Equal(t, sql.NullString{String: "x", Valid: true}, ns)
}

func TestAssignListsWithPaths(t *testing.T) {
	var l []int
	require.NoError(t, Assign(&l, []any{int64(1), int64(2)}))
	require.Equal(t, []int{1, 2}, l)

	var arr [2]string
	require.NoError(t, Assign(&arr, []any{"a", "b"}))
	require.Equal(t, [2]string{"a", "b"}, arr)
	require.Error(t, Assign(&arr, []any{"a"}))

	var nested [][]int64
	require.NoError(t, Assign(&nested, []any{[]any{int64(1)}, []any{}}))
	require.Equal(t, [][]int64{{1}, {}}, nested)

	err := Assign(&l, []any{int64(1), "two"})
	var ce *ConversionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "[1]", ce.Column)
	require.Equal(t, "STRING", ce.Neo4jType)
	require.Equal(t, "int", ce.GoType)

	var ptrs []*string
	require.NoError(t, Assign(&ptrs, []any{"a", nil}))
	require.Equal(t, "a", *ptrs[0])
	require.Nil(t, ptrs[1])
}

func TestAssignStructFromMapAndNode(t *testing.T) {
	props := map[string]any{
		"name": "Ada", "age": int64(36), "tags": []any{"math"}, "nick": "countess",
		"EMAIL": "ada@example.org", "Skipped": "no", "unknown": true,
		"address": map[string]any{"city": "London"},
	}
	var p person
	require.NoError(t, Assign(&p, props))
	require.Equal(t, "Ada", p.Name)
	require.Equal(t, int8(36), p.Age)
	require.Equal(t, []string{"math"}, p.Tags)
	require.Equal(t, "countess", *p.Nick)
	require.Equal(t, "ada@example.org", p.Email)
	require.Empty(t, p.Skipped)
	require.Equal(t, "London", p.Address.City)

	var q person
	require.NoError(t, Assign(&q, dbtype.Node{Labels: []string{"Person"}, Props: props}))
	require.Equal(t, p, q)

	var m map[string]int
	require.NoError(t, Assign(&m, dbtype.Relationship{Props: map[string]any{"since": int64(2020)}}))
	require.Equal(t, map[string]int{"since": 2020}, m)

	err := Assign(&p, map[string]any{"address": map[string]any{"city": int64(1)}})
	var ce *ConversionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "address.city", ce.Column)
}

func TestAssignEmbeddedStruct(t *testing.T) {
	type base struct {
		ID string `db:"id"`
	}
	type withBase struct {
		base
		ID2  string `db:"id"` // shadowed by nothing: outer field with the same name wins
		Name string `db:"name"`
	}
	var w withBase
	require.NoError(t, Assign(&w, map[string]any{"id": "x", "name": "n"}))
	require.Equal(t, "x", w.ID2)
	require.Empty(t, w.base.ID)
	require.Equal(t, "n", w.Name)

	type onlyBase struct{ base }
	var o onlyBase
	require.NoError(t, Assign(&o, map[string]any{"id": "y"}))
	require.Equal(t, "y", o.ID)
}

func TestAssignTemporal(t *testing.T) {
	d := dbtype.NewDate(2024, time.February, 29)
	var tt time.Time
	require.NoError(t, Assign(&tt, d))
	require.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), tt)

	var s string
	require.NoError(t, Assign(&s, d))
	require.Equal(t, "2024-02-29", s)

	var dd dbtype.Duration
	require.NoError(t, Assign(&dd, dbtype.Duration{Days: 1}))
	require.Equal(t, int64(1), dd.Days)

	var std time.Duration
	require.NoError(t, Assign(&std, dbtype.Duration{Seconds: 90}))
	require.Equal(t, 90*time.Second, std)
	require.ErrorIs(t, Assign(&std, dbtype.Duration{Months: 1}), ErrNotStd)

	var i int
	var ce *ConversionError
	require.ErrorAs(t, Assign(&i, d), &ce)
	require.Equal(t, "DATE", ce.Neo4jType)
}

func TestAssignUUIDAndVector(t *testing.T) {
	u := dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000")
	var s string
	require.NoError(t, Assign(&s, u))
	require.Equal(t, "550e8400-e29b-41d4-a716-446655440000", s)
	var b []byte
	require.NoError(t, Assign(&b, u))
	require.Equal(t, u[:], b)
	var arr [16]byte
	require.NoError(t, Assign(&arr, u))
	require.Equal(t, [16]byte(u), arr)

	v := dbtype.NewVectorFloat32([]float32{1, 2})
	var f32 []float32
	require.NoError(t, Assign(&f32, v))
	require.Equal(t, []float32{1, 2}, f32)
	var f64 []float64
	require.NoError(t, Assign(&f64, v))
	require.Equal(t, []float64{1, 2}, f64)
	var anys []any
	require.NoError(t, Assign(&anys, v))
	require.Equal(t, []any{float32(1), float32(2)}, anys)

	var small []float32
	err := Assign(&small, dbtype.NewVectorFloat64([]float64{1}))
	require.Error(t, err)
	require.Contains(t, err.Error(), "FLOAT64 elements do not fit float32")

	var i8 []int8
	require.Error(t, Assign(&i8, dbtype.NewVectorInt64([]int64{1000})))
	var i64 []int64
	require.NoError(t, Assign(&i64, dbtype.NewVectorInt8([]int8{-3})))
	require.Equal(t, []int64{-3}, i64)
}

func TestAssignUndecodable(t *testing.T) {
	var a string
	err := Assign(&a, dbtype.UnsupportedType{Name: "UUID", MinProtocolMajor: 6, MinProtocolMinor: 1})
	require.Error(t, err)
	require.Contains(t, err.Error(), "UNSUPPORTED(UUID)")
	require.Contains(t, err.Error(), "could not decode")
}

func TestConversionErrorUnwrap(t *testing.T) {
	cause := errors.New("boom")
	err := error(&ConversionError{Column: "c", Neo4jType: "STRING", GoType: "int", Err: cause})
	require.ErrorIs(t, err, cause)
	require.Equal(t, "conv: cannot convert Neo4j STRING to Go int (at c): boom", err.Error())
}

func TestTypeName(t *testing.T) {
	for v, want := range map[any]string{
		nil: "NULL", true: "BOOLEAN", int64(1): "INTEGER", 1.0: "FLOAT", "s": "STRING",
		dbtype.Point2D{}: "POINT", dbtype.NewDate(1, 1, 1): "DATE", dbtype.Time{}: "ZONED TIME",
		dbtype.LocalTime{}: "LOCAL TIME", time.Time{}: "ZONED DATETIME", dbtype.LocalDateTime{}: "LOCAL DATETIME",
		dbtype.Duration{}: "DURATION", dbtype.UUID{}: "UUID", struct{}{}: "UNKNOWN(struct {})",
	} {
		require.Equal(t, want, TypeName(v), "%T", v)
	}
	require.Equal(t, "BYTES", TypeName([]byte{}))
	require.Equal(t, "LIST<ANY>", TypeName([]any{}))
	require.Equal(t, "MAP", TypeName(map[string]any{}))
	require.Equal(t, "NODE", TypeName(dbtype.Node{}))
	require.Equal(t, "RELATIONSHIP", TypeName(dbtype.Relationship{}))
	require.Equal(t, "PATH", TypeName(dbtype.Path{}))
	require.Equal(t, "VECTOR", TypeName(dbtype.Vector{}))
}
