package routing

import (
	"testing"
	"time"

	"github.com/boltwire/neo4j/bolt"
	"github.com/stretchr/testify/require"
)

func TestBoltConversions(t *testing.T) {
	req := Request{Database: "db", ImpersonatedUser: "u", Bookmarks: []string{"b"}, RoutingContext: map[string]string{"address": "a:1"}}
	require.Equal(t, bolt.RouteRequest{Routing: map[string]string{"address": "a:1"}, Bookmarks: []string{"b"},
		Database: "db", ImpersonatedUser: "u"}, BoltRequest(req))
	rt := bolt.RoutingTable{TTL: time.Minute, Database: "db", Routers: []string{"r"}, Readers: []string{"a"}, Writers: []string{"w"}}
	require.Equal(t, Table{Database: "db", TTL: time.Minute, Routers: []string{"r"}, Readers: []string{"a"},
		Writers: []string{"w"}, SSR: true}, FromBolt(rt, true))
}
