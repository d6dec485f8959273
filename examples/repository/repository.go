package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/boltwire/neo4j/conv"
	"github.com/boltwire/neo4j/sqldriver"
)

// ErrNotFound is returned when no person has the given id.
var ErrNotFound = errors.New("person not found")

// Person is stored as a :RepoPerson node; ID is its element id.
type Person struct {
	ID    string   `db:"-"`
	Name  string   `db:"name"`
	Email string   `db:"email"`
	Born  int      `db:"born"`
	Tags  []string `db:"tags"`
}

// People is a repository of persons over a *sql.DB: the rest of the program
// sees Go values only, never Cypher.
type People struct {
	db *sql.DB
}

// NewPeople returns a repository on db.
func NewPeople(db *sql.DB) *People { return &People{db: db} }

// Create stores p and returns its id. The struct is the parameter map (by
// `db` tag).
func (r *People) Create(ctx context.Context, p Person) (string, error) {
	var id string
	err := r.db.QueryRowContext(ctx, "CREATE (p:RepoPerson) SET p = $1 RETURN elementId(p)", p).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("create person %q: %w", p.Name, err)
	}
	return id, nil
}

// Get returns the person with the given id, or ErrNotFound.
func (r *People) Get(ctx context.Context, id string) (Person, error) {
	var node conv.Props[Person]
	err := r.db.QueryRowContext(ctx, "MATCH (p:RepoPerson) WHERE elementId(p) = $1 RETURN p", id).Scan(&node)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, fmt.Errorf("get %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Person{}, fmt.Errorf("get %s: %w", id, err)
	}
	p := node.V
	p.ID = node.ElementId
	return p, nil
}

// WithTag returns the persons carrying tag, by name.
func (r *People) WithTag(ctx context.Context, tag string) ([]Person, error) {
	rows, err := r.db.QueryContext(ctx, "MATCH (p:RepoPerson) WHERE $1 IN p.tags RETURN p ORDER BY p.name", tag)
	if err != nil {
		return nil, fmt.Errorf("persons with tag %q: %w", tag, err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var node conv.Props[Person]
		if err := rows.Scan(&node); err != nil {
			return nil, fmt.Errorf("persons with tag %q: %w", tag, err)
		}
		p := node.V
		p.ID = node.ElementId
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("persons with tag %q: %w", tag, err)
	}
	return out, nil
}

// Rename changes a person's name; ErrNotFound if there is no such person.
func (r *People) Rename(ctx context.Context, id, name string) error {
	res, err := r.db.ExecContext(ctx, "MATCH (p:RepoPerson) WHERE elementId(p) = $id SET p.name = $name",
		sql.Named("id", id), sql.Named("name", name))
	if err != nil {
		return fmt.Errorf("rename %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("rename %s: %w", id, ErrNotFound)
	}
	return nil
}

// Befriend links two persons both ways, in one transaction retried on
// transient errors; ErrNotFound (and nothing written) if either is missing.
func (r *People) Befriend(ctx context.Context, a, b string) error {
	return sqldriver.ExecuteWrite(ctx, r.db, func(tx *sql.Tx) error {
		for _, pair := range [][2]string{{a, b}, {b, a}} {
			// RETURN count(*) rather than RowsAffected: a MERGE that finds the
			// relationship already there changes nothing, yet both exist.
			var matched int
			err := tx.QueryRowContext(ctx, `MATCH (x:RepoPerson), (y:RepoPerson)
				WHERE elementId(x) = $1 AND elementId(y) = $2 MERGE (x)-[:FRIEND]->(y) RETURN count(*)`,
				pair[0], pair[1]).Scan(&matched)
			if err != nil {
				return fmt.Errorf("befriend: %w", err)
			}
			if matched == 0 {
				return fmt.Errorf("befriend %s and %s: %w", a, b, ErrNotFound)
			}
		}
		return nil
	})
}

// Friends returns the names of a person's friends, sorted.
func (r *People) Friends(ctx context.Context, id string) ([]string, error) {
	var names conv.List[string]
	err := r.db.QueryRowContext(ctx, `MATCH (p:RepoPerson)-[:FRIEND]->(f)
		WHERE elementId(p) = $1 WITH f ORDER BY f.name RETURN collect(f.name)`, id).Scan(&names)
	if err != nil {
		return nil, fmt.Errorf("friends of %s: %w", id, err)
	}
	return names, nil
}

// Delete removes a person and their relationships.
func (r *People) Delete(ctx context.Context, id string) error {
	res, err := r.db.ExecContext(ctx, "MATCH (p:RepoPerson) WHERE elementId(p) = $1 DETACH DELETE p", id)
	if err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete %s: %w", id, ErrNotFound)
	}
	return nil
}
