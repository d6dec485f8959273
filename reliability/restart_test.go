package reliability

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/boltwire/neo4j/internal/neo4jtest"
	"github.com/boltwire/neo4j/internal/testserver"
	"github.com/boltwire/neo4j/native"
)

// fixedServer is a neo4j-server process of our own on a fixed port, so the test can
// stop it and start it again where the driver expects it.
type fixedServer struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
	log   *strings.Builder
	logMu *sync.Mutex
}

// startFixed starts testserver/neo4j-server --port port and waits for READY.
func startFixed(t *testing.T, line string, port int, auth string) *fixedServer {
	t.Helper()
	root, err := testserver.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(root, "testserver", "neo4j-server"),
		"--line", line, "--port", fmt.Sprint(port), "--auth", auth)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	fs := &fixedServer{cmd: cmd, done: make(chan struct{}), log: &strings.Builder{}, logMu: &sync.Mutex{}}
	cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		fs.logMu.Lock()
		defer fs.logMu.Unlock()
		if fs.log.Len() < 1<<20 {
			fs.log.Write(b)
		}
		return len(b), nil
	})
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if fs.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(fs.done) }()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY ") {
				close(ready)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case <-ready:
	case <-fs.done:
		t.Fatalf("neo4j-server --port %d exited before READY:\n%s", port, fs.tail())
	case <-time.After(4 * time.Minute):
		fs.stop()
		t.Fatalf("neo4j-server --port %d not READY in 4 minutes:\n%s", port, fs.tail())
	}
	t.Cleanup(fs.stop)
	return fs
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(b []byte) (int, error) { return w(b) }

func (fs *fixedServer) tail() string {
	fs.logMu.Lock()
	defer fs.logMu.Unlock()
	s := fs.log.String()
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return s
}

// stop shuts the server down (stdin closed) and waits; kills it after 30 s.
func (fs *fixedServer) stop() {
	_ = fs.stdin.Close()
	select {
	case <-fs.done:
	case <-time.After(30 * time.Second):
		_ = fs.cmd.Process.Kill()
		<-fs.done
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestServerRestart stops the real server under load and starts it again on the same
// port. The driver must recover by itself: managed transactions that were running
// during the outage succeed within the retry budget, the dead pooled sockets are
// purged (auto-commit queries, which are never retried, all succeed right after the
// first successful transaction), and nothing stays borrowed.
func TestServerRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("needs real Neo4j servers; skipped in -short mode")
	}
	if neo4jtest.External() {
		t.Skip("restarts the project's own server; NEO4J_URI names an outside one")
	}
	lines := neo4jtest.SelectedLines()
	if !long() {
		// Two server starts per line are the slowest thing in the package: the CI
		// form restarts the first line only; BOLTWIRE_LONG=1 restarts every line.
		lines = lines[:1]
	}
	for _, line := range lines {
		t.Run("line"+line, func(t *testing.T) { testServerRestart(t, line) })
	}
}

func testServerRestart(t *testing.T, line string) {
	port := freePort(t)
	// Auth off: the launcher creates a fresh database and sets the password while
	// it starts, so a restart with auth on has a window in which Bolt answers but
	// the password is not there yet (Unauthorized, not retryable) — something a
	// real server with a persistent auth store does not do.
	const user, pass = "", ""
	auth := "none"
	srv := startFixed(t, line, port, auth)
	const poolSize, workers = 8, 4
	const retryBudget = 5 * time.Minute // longer than any restart, even on a busy machine
	d, err := native.NewDriver(fmt.Sprintf("bolt://127.0.0.1:%d", port), native.NoAuth(),
		func(c *native.Config) {
			c.MaxConnectionPoolSize = poolSize
			c.MaxTransactionRetryTime = retryBudget
			c.SocketConnectTimeout = 2 * time.Second
			c.ConnectionAcquisitionTimeout = 10 * time.Second
		})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(context.Background())
	ctx := testCtx(t, 10*time.Minute)

	write := func(ctx context.Context, id string) error {
		s := d.NewSession(ctx, native.SessionConfig{})
		defer s.Close(context.WithoutCancel(ctx))
		_, err := s.ExecuteWrite(ctx, func(tx native.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, "CREATE (:Restart {id: $id})", map[string]any{"id": id})
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		return err
	}
	autoCommit := func(ctx context.Context) error {
		s := d.NewSession(ctx, native.SessionConfig{})
		defer s.Close(context.WithoutCancel(ctx))
		res, err := s.Run(ctx, "RETURN 1", nil)
		if err != nil {
			return err
		}
		_, err = res.Consume(ctx)
		return err
	}
	// Fill the pool: poolSize idle connections that the restart will kill.
	fillPool := func() {
		var wg sync.WaitGroup
		for i := 0; i < poolSize; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := d.NewSession(ctx, native.SessionConfig{})
				defer s.Close(ctx)
				tx, err := s.BeginTransaction(ctx)
				if err != nil {
					t.Errorf("warm-up: %v", err)
					return
				}
				time.Sleep(200 * time.Millisecond) // hold it so the others dial their own
				tx.Rollback(ctx)
			}()
		}
		wg.Wait()
	}
	fillPool()
	before := d.Stats()

	var (
		ok, failed       atomic.Int64
		firstErr         atomic.Value
		restarted        atomic.Bool
		firstOKAfter     atomic.Int64 // ns since restart READY
		maxCall          atomic.Int64
		wg               sync.WaitGroup
		stopLoad         = make(chan struct{})
		restartReadyTime time.Time
		mu               sync.Mutex
		ackMu            sync.Mutex
		ackedAfter       []string // acknowledged after the restart: must be in the new database once
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stopLoad:
					return
				default:
				}
				start := time.Now()
				err := write(ctx, fmt.Sprintf("w%d-%d", w, i))
				if el := time.Since(start); int64(el) > maxCall.Load() {
					maxCall.Store(int64(el))
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				ok.Add(1)
				if restarted.Load() {
					ackMu.Lock()
					ackedAfter = append(ackedAfter, fmt.Sprintf("w%d-%d", w, i))
					ackMu.Unlock()
					mu.Lock()
					since := time.Since(restartReadyTime)
					mu.Unlock()
					firstOKAfter.CompareAndSwap(0, int64(since))
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(2 * time.Second)
	stopAt := time.Now()
	srv.stop()
	downFor := time.Since(stopAt)
	srv = startFixed(t, line, port, auth)
	mu.Lock()
	restartReadyTime = time.Now()
	mu.Unlock()
	restarted.Store(true)
	outage := time.Since(stopAt)
	t.Logf("server stopped in %v, back after %v", downFor, outage)

	// Wait for the first successful managed transaction after the restart. The
	// workers sleep in a doubling back-off (1 s, 2 s, 4 s, …) from the stop on, so
	// after a long outage their next attempt can be as far away as the outage was
	// long; it comes at the latest when the retry budget, counted from their first
	// failure (after stopAt), runs out. A fixed wait after READY flaked when a busy
	// machine made the outage longer than that wait.
	deadline := stopAt.Add(retryBudget + 30*time.Second)
	for firstOKAfter.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if firstOKAfter.Load() == 0 {
		t.Fatalf("no managed transaction succeeded within the retry budget (%v) of the stop, %v after the restart (failed %d, first error: %v)",
			retryBudget, time.Since(restartReadyTime).Round(time.Second), failed.Load(), firstErr.Load())
	}
	// Dead sockets must be gone: auto-commit queries (never retried) all succeed.
	var acFailed atomic.Int64
	var acErr atomic.Value
	var awg sync.WaitGroup
	for i := 0; i < 2*poolSize; i++ {
		awg.Add(1)
		go func() {
			defer awg.Done()
			if err := autoCommit(ctx); err != nil {
				acFailed.Add(1)
				acErr.CompareAndSwap(nil, err.Error())
			}
		}()
	}
	awg.Wait()
	time.Sleep(time.Second)
	close(stopLoad)
	wg.Wait()
	st, settled := poolSettled(d, 10*time.Second)

	if acFailed.Load() > 0 {
		t.Errorf("%d of %d auto-commit queries after recovery failed (dead pooled sockets handed out?): %v",
			acFailed.Load(), 2*poolSize, acErr.Load())
	}
	rows := query(t, &neo4jtest.Server{Host: "127.0.0.1", Port: port, User: user, Password: pass},
		"MATCH (n:Restart) RETURN n.id, count(*)", nil)
	inDB := map[string]int64{}
	for _, r := range rows {
		inDB[r[0].(string)] = r[1].(int64)
	}
	lost, dups := 0, 0
	for _, id := range ackedAfter {
		if inDB[id] == 0 {
			lost++
		}
	}
	for id, n := range inDB {
		if n > 1 {
			dups++
			t.Errorf("id %s is in the database %d times", id, n)
		}
	}
	if lost > 0 {
		t.Errorf("%d writes acknowledged after the restart are not in the database", lost)
	}
	var closed uint64
	for _, p := range st {
		closed += p.Closed
	}
	report(t, "server restart", "line", line, "pool", poolSize, "workers", workers,
		"outage", outage.Round(100*time.Millisecond), "first_ok_after_ready", time.Duration(firstOKAfter.Load()).Round(time.Millisecond),
		"longest_call", time.Duration(maxCall.Load()).Round(time.Millisecond),
		"tx_ok", ok.Load(), "tx_failed", failed.Load(), "autocommit_failed_after_recovery", acFailed.Load(),
		"idle_before", before[0].Idle, "closed_conns", closed, "acked_after_restart", len(ackedAfter), "lost", lost, "duplicates", dups)
	_ = srv
	if !settled {
		knownBug(t, "B4", fmt.Sprintf("connections still borrowed after the load stopped: %+v", st))
	}
	if failed.Load() > 0 {
		msg := fmt.Sprintf("%d managed transactions failed although the outage (%v) was within the retry budget (5 min); first: %v",
			failed.Load(), outage, firstErr.Load())
		if strings.Contains(fmt.Sprint(firstErr.Load()), "context deadline exceeded") {
			knownBug(t, "B1", msg)
		}
		t.Error(msg)
	}
}
