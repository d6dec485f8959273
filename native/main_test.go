package native

import (
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
)

// TestMain stops the Neo4j servers started by the integration tests.
func TestMain(m *testing.M) { neo4jtest.Main(m) }
