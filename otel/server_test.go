package neo4jotel_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// This module cannot import the main module's internal/neo4jtest, so it runs
// the project's launcher itself: ../testserver/neo4j-server prints
// "READY bolt://127.0.0.1:N USER:PASSWORD" and stops when its stdin closes.

type server struct {
	uri, user, password string
	cmd                 *exec.Cmd
	stdin               io.WriteCloser
}

var (
	srvOnce sync.Once
	srv     *server
	srvErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if srv != nil {
		srv.stop()
	}
	os.Exit(code)
}

// neo4j returns the shared server, starting it on first use; it skips in
// -short mode. NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD name an outside server.
func neo4j(t *testing.T) *server {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a real Neo4j (../testserver/neo4j-server, ~10-20 s to start); skipped in -short mode")
	}
	if uri := os.Getenv("NEO4J_URI"); uri != "" {
		return &server{uri: uri, user: os.Getenv("NEO4J_USER"), password: os.Getenv("NEO4J_PASSWORD")}
	}
	srvOnce.Do(func() { srv, srvErr = start() })
	if srvErr != nil {
		t.Fatalf("starting ../testserver/neo4j-server: %v", srvErr)
	}
	return srv
}

func start() (*server, error) {
	script, err := filepath.Abs("../testserver/neo4j-server")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(script)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	var errMu sync.Mutex
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := errPipe.Read(b)
			errMu.Lock()
			if stderr.Len() < 1<<16 {
				stderr.Write(b[:n])
			}
			errMu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY ") {
				lines <- sc.Text()
			}
		}
		close(lines)
		io.Copy(io.Discard, stdout)
	}()
	s := &server{cmd: cmd, stdin: stdin}
	select {
	case line, ok := <-lines:
		if !ok {
			cmd.Wait()
			errMu.Lock()
			defer errMu.Unlock()
			return nil, fmt.Errorf("exited without READY: %s", tail(stderr.String()))
		}
		f := strings.Fields(line) // READY bolt://127.0.0.1:N USER:PASSWORD|none
		if len(f) != 3 {
			s.stop()
			return nil, fmt.Errorf("unexpected READY line %q", line)
		}
		s.uri = f[1]
		if f[2] != "none" {
			s.user, s.password, _ = strings.Cut(f[2], ":")
		}
		return s, nil
	case <-time.After(4 * time.Minute):
		s.stop()
		errMu.Lock()
		defer errMu.Unlock()
		return nil, fmt.Errorf("no READY line within 4 minutes: %s", tail(stderr.String()))
	}
}

func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	s.stdin.Close()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
