package native_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/boltstub"
	"github.com/boltwire/neo4j/native"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestClusterConcurrentTopologyChurn drives 64 goroutines through one routing
// driver while the cluster changes its topology every 250 ms: leaders move,
// members leave (some of them going down) and come back. The churn lasts as
// long as transactions start (3 s); then the cluster settles. Every
// transaction must succeed (retries absorb NotALeader and dead members, and
// the first retry after the churn finds a stable cluster) or, when a member
// dies between COMMIT and its reply, end with CommitOutcomeUnknownError; no
// member may get a transaction once every table naming it has expired, and the
// driver leaves no goroutine behind.
//
// Both limits are derived from the run rather than from an unloaded machine:
// a churn that went on until the last retry ended made success depend on
// the machine being fast enough for some attempt to fit between two changes
// (under load average 40 a transaction could fail seven times running and
// exhaust its 45 s budget), and the grace after a member left grows by the
// longest scheduling stall seen during the run.
func TestClusterConcurrentTopologyChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("churn scenario")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const (
		workers = 64
		churn   = 3 * time.Second
		ttl     = 1 // seconds
		// grace covers a table fetched just before a change (valid ttl after
		// it arrives) plus scheduling delays; stalls longer than the slack
		// (measured by lagMonitor) are added at the end.
		grace = time.Duration(ttl)*time.Second + 2*time.Second
	)
	lag := startLagMonitor(t)
	names := []string{"m0", "m1", "m2", "m3", "m4", "m5"}
	c := boltstub.NewCluster(t, boltstub.Handshake{}, names...)
	c.SetTTL(ttl)

	var mu sync.Mutex
	removedSince := map[string]time.Time{} // members outside the topology, since when
	var late []lateQuery                   // transactions a member got more than grace after it left
	for _, m := range c.Members() {
		name := m.Name()
		m.OnQuery(func(q boltstub.Query) boltstub.Result {
			mu.Lock()
			if since, ok := removedSince[name]; ok && time.Since(since) > grace {
				late = append(late, lateQuery{member: name, after: time.Since(since)})
			}
			mu.Unlock()
			return boltstub.Result{Fields: []string{"server"}, Records: [][]any{{name}}}
		})
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 1))
	setTopology := func(present []string) {
		// present[0] leads; routers are the first three; the others read.
		mu.Lock()
		now := time.Now()
		for _, n := range names {
			if slices.Contains(present, n) {
				if _, was := removedSince[n]; was {
					delete(removedSince, n)
					c.Member(n).SetDown(false)
				}
			} else if _, was := removedSince[n]; !was {
				removedSince[n] = now
				if rnd.IntN(2) == 0 {
					c.Member(n).SetDown(true) // dies on its way out
				}
			}
		}
		mu.Unlock()
		c.SetRoles("neo4j", boltstub.Roles{Routers: present[:3], Readers: present[1:], Writers: present[:1]})
	}
	setTopology(names[:5])

	d, err := native.NewDriver("neo4j://"+c.Member("m0").Address(), native.BasicAuth("neo4j", "pass", ""),
		func(cfg *native.Config) {
			cfg.AddressResolver = func(string) []string { return c.Addresses(names...) } // any member can seed
			cfg.MaxTransactionRetryTime = 45 * time.Second
		})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	deadline := time.Now().Add(churn)
	changerDone := make(chan struct{})
	go func() {
		defer close(changerDone)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			<-tick.C
			if !time.Now().Before(deadline) {
				return // no transaction starts any more: the cluster settles
			}
			order := slices.Clone(names)
			rnd.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			setTopology(order[:3+rnd.IntN(3)]) // 3 to 5 of the 6 members
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, workers)
	var done sync.Map // worker -> transactions completed
	var commitUnknown atomic.Int32
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for i := 0; time.Now().Before(deadline); i++ {
				cfg := native.SessionConfig{DatabaseName: "neo4j"}
				if i%3 == 2 {
					cfg = native.SessionConfig{} // home database
				}
				s := d.NewSession(ctx, cfg)
				var err error
				if (w+i)%4 == 0 {
					_, err = native.ExecuteWrite(ctx, s, whoServes(ctx))
				} else {
					_, err = native.ExecuteRead(ctx, s, whoServes(ctx))
				}
				s.Close(ctx)
				var unknown *native.CommitOutcomeUnknownError
				if errors.As(err, &unknown) {
					// A member went down between COMMIT and its reply: the
					// driver rightly refuses to guess, and the work moves on.
					commitUnknown.Add(1)
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				n++
			}
			done.Store(w, n)
		}()
	}
	wg.Wait()
	<-changerDone
	close(errs)
	for err := range errs {
		t.Errorf("transaction failed: %v", err)
	}
	total := 0
	done.Range(func(_, v any) bool { total += v.(int); return true })
	t.Logf("%d transactions by %d workers; %d commits with unknown outcome (member taken down)", total, workers, commitUnknown.Load())
	stall := lag.stop()
	t.Logf("longest scheduling stall %s", stall)
	mu.Lock()
	var violations []string
	for _, l := range late {
		if l.after > grace+stall {
			violations = append(violations, fmt.Sprintf("%s got a transaction %s after it left (grace %s + longest stall %s)", l.member, l.after, grace, stall))
		}
	}
	mu.Unlock()
	require.Empty(t, violations)

	require.NoError(t, d.Close(context.Background()))
	for _, m := range c.Members() {
		m.Stub().Close()
	}
}

// lateQuery is a transaction a member got after it had left the topology.
type lateQuery struct {
	member string
	after  time.Duration // since it left
}

// lagMonitor measures scheduling stalls: how much later than asked a goroutine
// sleeping 10 ms at a time wakes up.
type lagMonitor struct {
	done chan struct{}
	max  chan time.Duration
}

func startLagMonitor(t *testing.T) *lagMonitor {
	m := &lagMonitor{done: make(chan struct{}), max: make(chan time.Duration, 1)}
	go func() {
		const step = 10 * time.Millisecond
		var worst time.Duration
		for {
			start := time.Now()
			select {
			case <-m.done:
				m.max <- worst
				return
			case <-time.After(step):
			}
			worst = max(worst, time.Since(start)-step)
		}
	}()
	t.Cleanup(func() {
		select {
		case <-m.done:
		default:
			m.stop()
		}
	})
	return m
}

// stop ends the monitor and returns the longest stall it saw.
func (m *lagMonitor) stop() time.Duration {
	close(m.done)
	return <-m.max
}
