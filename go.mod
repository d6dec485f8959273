module github.com/boltwire/neo4j

go 1.23

require (
	github.com/DATA-DOG/go-sqlmock v1.5.2 // indirect
	github.com/jmoiron/sqlx v1.4.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
