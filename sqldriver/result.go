package sqldriver

import (
	"database/sql/driver"
	"errors"

	"github.com/boltwire/neo4j/native"
)

// ErrNoLastInsertId is returned by Result.LastInsertId: Neo4j identifies
// entities by element ids, which are strings; RETURN elementId(n) instead.
var ErrNoLastInsertId = errors.New("sqldriver: LastInsertId is not supported: Neo4j element ids are not integers (RETURN elementId(n) instead)")

// Result is the driver.Result of ExecContext. RowsAffected is the sum of the
// statement's write counters — nodes and relationships created and deleted,
// properties set, labels added and removed — so MATCH … SET reports its
// changes the way an SQL UPDATE does. Index, constraint and system updates are
// not counted; get the full summary with WithSummary.
type Result struct {
	affected int64
}

var _ driver.Result = Result{}

func newResult(sum native.ResultSummary) Result {
	if sum == nil {
		return Result{}
	}
	c := sum.Counters()
	if c == nil {
		return Result{}
	}
	return Result{affected: int64(c.NodesCreated() + c.NodesDeleted() + c.RelationshipsCreated() +
		c.RelationshipsDeleted() + c.PropertiesSet() + c.LabelsAdded() + c.LabelsRemoved())}
}

// LastInsertId returns ErrNoLastInsertId.
func (Result) LastInsertId() (int64, error) { return 0, ErrNoLastInsertId }

// RowsAffected returns the sum of the write counters.
func (r Result) RowsAffected() (int64, error) { return r.affected, nil }
