package conv_test

import (
	"database/sql"
	"database/sql/driver"
	"testing"
	"time"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/dbtype"
	"github.com/stretchr/testify/require"
)

// TestScannersThroughDatabaseSQL runs every conv scanner through database/sql's
// Scan (rows served by go-sqlmock with the values the sqldriver produces), so
// the Scanner contract — including database/sql's column-naming error prefix —
// is exercised as users meet it.
func TestScannersThroughDatabaseSQL(t *testing.T) {
	db, mock, err := sqlmock.New(sqlmock.ValueConverterOption(conv.ParamConverter))
	require.NoError(t, err)
	defer db.Close()

	uuid := dbtype.MustParseUUID("550e8400-e29b-41d4-a716-446655440000")
	row := []driver.Value{
		dbtype.Node{Labels: []string{"P"}, Props: map[string]any{"name": "Ada", "age": int64(3)}},
		dbtype.Relationship{Type: "R"},
		dbtype.Path{},
		dbtype.Point3D{SpatialRefId: 9157, X: 1, Y: 2, Z: 3},
		dbtype.Duration{Days: 2},
		dbtype.NewTime(10, 0, 0, 0, 0),
		dbtype.NewLocalTime(10, 0, 0, 0),
		time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), // a DATE as the sqldriver hands it over
		[]any{int64(1), int64(2)},
		map[string]any{"k": 1.5},
		uuid,
		dbtype.NewVectorFloat32([]float32{1, 2}),
	}
	cols := []string{"n", "r", "p", "pt", "du", "t", "lt", "d", "l", "m", "u", "v"}
	mock.ExpectQuery("RETURN").WithArgs(map[string]any{"name": "x"}).
		WillReturnRows(mock.NewRows(cols).AddRow(row...))

	var (
		n    conv.Props[struct{ Name string }]
		r    conv.Relationship
		p    conv.Path
		pt   conv.Point
		du   conv.Duration
		zt   conv.Time
		lt   conv.LocalTime
		d    conv.Date
		l    conv.List[int]
		m    conv.Map[float64]
		u    string
		v    conv.Float64s
		args = struct {
			Name string `db:"name"`
		}{"x"}
	)
	err = db.QueryRow("RETURN", args).Scan(&n, &r, &p, &pt, &du, &zt, &lt, &d, &l, &m, conv.Into(&u), &v)
	require.NoError(t, err)
	require.Equal(t, "Ada", n.V.Name)
	require.Equal(t, "R", r.Type)
	require.True(t, pt.Is3D)
	require.Equal(t, int64(2), du.Days)
	require.Equal(t, "10:00:00Z", zt.String())
	require.Equal(t, "10:00:00", lt.String())
	require.Equal(t, "2024-01-02", d.String())
	require.Equal(t, conv.List[int]{1, 2}, l)
	require.Equal(t, conv.Map[float64]{"k": 1.5}, m)
	require.Equal(t, uuid.String(), u)
	require.Equal(t, conv.Float64s{1, 2}, v)
	require.NoError(t, mock.ExpectationsWereMet())
}

func TestScanErrorNamesColumnAndTypes(t *testing.T) {
	db, mock, err := sqlmock.New(sqlmock.ValueConverterOption(conv.ParamConverter))
	require.NoError(t, err)
	defer db.Close()
	mock.ExpectQuery("RETURN").WillReturnRows(mock.NewRows([]string{"age"}).AddRow(dbtype.Duration{}))
	var pt conv.Point
	err = db.QueryRow("RETURN").Scan(&pt)
	require.EqualError(t, err, `sql: Scan error on column index 0, name "age": conv: cannot convert Neo4j DURATION to Go conv.Point`)
	var ce *conv.ConversionError
	require.ErrorAs(t, err, &ce)
	_ = sql.ErrNoRows
}
