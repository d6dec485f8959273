package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"regexp"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/stretchr/testify/require"

	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/dbtype"
)

// newMock returns a repository over a go-sqlmock database. conv.ParamConverter
// lets the mock accept the arguments the real driver accepts (structs, typed
// slices) and lets its rows carry Neo4j values such as dbtype.Node.
func newMock(t *testing.T) (*People, sqlmock.Sqlmock) {
	t.Helper()
	db, mock, err := sqlmock.New(sqlmock.ValueConverterOption(conv.ParamConverter))
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, mock.ExpectationsWereMet())
		db.Close()
	})
	return NewPeople(db), mock
}

func q(s string) string { return regexp.QuoteMeta(s) }

func TestCreateSendsStructAsMap(t *testing.T) {
	people, mock := newMock(t)
	mock.ExpectQuery(q("CREATE (p:RepoPerson) SET p = $1 RETURN elementId(p)")).
		WithArgs(map[string]any{"name": "Ada", "email": "a@x", "born": int64(1815), "tags": []any{"math"}}).
		WillReturnRows(mock.NewRows([]string{"elementId(p)"}).AddRow("4:db:0"))
	id, err := people.Create(context.Background(), Person{ID: "ignored", Name: "Ada", Email: "a@x", Born: 1815, Tags: []string{"math"}})
	require.NoError(t, err)
	require.Equal(t, "4:db:0", id)
}

func TestGetMapsNodeToStruct(t *testing.T) {
	people, mock := newMock(t)
	node := dbtype.Node{ElementId: "4:db:7", Labels: []string{"RepoPerson"},
		Props: map[string]any{"name": "Ada", "email": "a@x", "born": int64(1815), "tags": []any{"math"}}}
	mock.ExpectQuery(q("WHERE elementId(p) = $1 RETURN p")).WithArgs("4:db:7").
		WillReturnRows(mock.NewRows([]string{"p"}).AddRow(node))
	p, err := people.Get(context.Background(), "4:db:7")
	require.NoError(t, err)
	require.Equal(t, Person{ID: "4:db:7", Name: "Ada", Email: "a@x", Born: 1815, Tags: []string{"math"}}, p)
}

func TestGetNotFound(t *testing.T) {
	people, mock := newMock(t)
	mock.ExpectQuery("RETURN p").WillReturnRows(mock.NewRows([]string{"p"}))
	_, err := people.Get(context.Background(), "nope")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestGetReportsBadData(t *testing.T) {
	people, mock := newMock(t)
	node := dbtype.Node{Props: map[string]any{"born": "long ago"}}
	mock.ExpectQuery("RETURN p").WillReturnRows(mock.NewRows([]string{"p"}).AddRow(node))
	_, err := people.Get(context.Background(), "x")
	var ce *conv.ConversionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "born", ce.Column)
	require.Equal(t, "STRING", ce.Neo4jType)
}

func TestWithTag(t *testing.T) {
	people, mock := newMock(t)
	rows := mock.NewRows([]string{"p"}).
		AddRow(dbtype.Node{ElementId: "1", Props: map[string]any{"name": "Ada"}}).
		AddRow(dbtype.Node{ElementId: "2", Props: map[string]any{"name": "Grace"}})
	mock.ExpectQuery(q("WHERE $1 IN p.tags")).WithArgs("math").WillReturnRows(rows)
	got, err := people.WithTag(context.Background(), "math")
	require.NoError(t, err)
	require.Equal(t, []Person{{ID: "1", Name: "Ada"}, {ID: "2", Name: "Grace"}}, got)

	mock.ExpectQuery("IN p.tags").WillReturnError(errors.New("boom"))
	_, err = people.WithTag(context.Background(), "x")
	require.ErrorContains(t, err, `persons with tag "x": boom`)
}

func TestRename(t *testing.T) {
	people, mock := newMock(t)
	mock.ExpectExec(q("SET p.name = $name")).WithArgs(sqlmock.AnyArg(), "Ada L").WillReturnResult(sqlmock.NewResult(0, 1))
	require.NoError(t, people.Rename(context.Background(), "1", "Ada L"))

	mock.ExpectExec("SET p.name").WillReturnResult(sqlmock.NewResult(0, 0))
	require.ErrorIs(t, people.Rename(context.Background(), "gone", "x"), ErrNotFound)
}

func TestBefriendRollsBackWhenOneIsMissing(t *testing.T) {
	people, mock := newMock(t)
	mock.ExpectBegin()
	mock.ExpectQuery("MERGE").WithArgs("a", "b").WillReturnRows(mock.NewRows([]string{"count(*)"}).AddRow(int64(1)))
	mock.ExpectQuery("MERGE").WithArgs("b", "a").WillReturnRows(mock.NewRows([]string{"count(*)"}).AddRow(int64(0)))
	mock.ExpectRollback()
	require.ErrorIs(t, people.Befriend(context.Background(), "a", "b"), ErrNotFound)
}

func TestBefriendCommits(t *testing.T) {
	people, mock := newMock(t)
	mock.ExpectBegin()
	for _, args := range [][]driver.Value{{"a", "b"}, {"b", "a"}} {
		mock.ExpectQuery("MERGE").WithArgs(args...).WillReturnRows(mock.NewRows([]string{"count(*)"}).AddRow(int64(1)))
	}
	mock.ExpectCommit()
	require.NoError(t, people.Befriend(context.Background(), "a", "b"))
}

func TestFriendsAndDelete(t *testing.T) {
	people, mock := newMock(t)
	mock.ExpectQuery("collect").WithArgs("1").WillReturnRows(mock.NewRows([]string{"names"}).AddRow([]any{"Ada", "Alan"}))
	names, err := people.Friends(context.Background(), "1")
	require.NoError(t, err)
	require.Equal(t, []string{"Ada", "Alan"}, names)

	mock.ExpectExec("DETACH DELETE").WithArgs("1").WillReturnResult(driver.RowsAffected(2))
	require.NoError(t, people.Delete(context.Background(), "1"))
	mock.ExpectExec("DETACH DELETE").WithArgs("1").WillReturnResult(driver.RowsAffected(0))
	require.ErrorIs(t, people.Delete(context.Background(), "1"), ErrNotFound)
	mock.ExpectExec("DETACH DELETE").WillReturnError(sql.ErrConnDone)
	require.ErrorIs(t, people.Delete(context.Background(), "1"), sql.ErrConnDone)
}
