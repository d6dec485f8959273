package routing

import (
	"testing"

	"github.com/boltwire/neo4j/internal/neo4jtest"
)

func TestMain(m *testing.M) { neo4jtest.Main(m) }
