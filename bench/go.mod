module github.com/boltwire/neo4j/bench

go 1.23

replace github.com/boltwire/neo4j => ../

require (
	github.com/boltwire/neo4j v0.0.0-00010101000000-000000000000
	github.com/jmoiron/sqlx v1.4.0
	github.com/neo4j/neo4j-go-driver/v5 v5.28.4
)
