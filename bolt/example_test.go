package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/boltwire/neo4j/bolt"
)

// Connect, run a query in an explicit transaction and read its records.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := bolt.Dial(ctx, bolt.DialConfig{
		Address: "localhost:7687",
		Auth:    bolt.BasicAuth("neo4j", "password", ""),
		// TLS: bolt.TLSConfig("localhost", bolt.TLSVerify, nil), // bolt+s
	})
	if err != nil {
		fmt.Println("dial:", err)
		return
	}
	defer c.Close()
	if err := c.Begin(ctx, bolt.TxConfig{Mode: bolt.Write}); err != nil {
		fmt.Println(err)
		return
	}
	s, err := c.Run(ctx, "UNWIND range(1, $n) AS x RETURN x", map[string]any{"n": 3}, nil, 1000)
	if err != nil {
		var se *bolt.ServerError
		if errors.As(err, &se) {
			fmt.Println("server said:", se.Code, se.IsRetryable())
		}
		c.Rollback(ctx)
		return
	}
	for {
		rec, err := s.Next(ctx)
		if err != nil || rec == nil {
			break
		}
		fmt.Println(rec[0])
	}
	res, err := c.Commit(ctx)
	fmt.Println(res.Bookmark != "", err)
}
