// Package testserver starts the project's real Neo4j (testserver/neo4j-server) from Go:
// the demo and the test glue (internal/neo4jtest) use it. It finds the launcher script by
// walking up from the working directory to the module root.
package testserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options selects what to start.
type Options struct {
	// Line is "5" (Neo4j 5.26 LTS, the default) or "2026" (2026.08.1, Bolt 6.x).
	Line string
	// TLSDir, when set, makes the server serve bolt, bolt+s and bolt+ssc on one port
	// with a CA and certificate generated into that directory.
	TLSDir string
	// Auth is "none", "USER:PASSWORD" or empty for a generated neo4j password.
	Auth string
	// Stderr receives the server's log output; nil keeps the last 64 KiB in memory.
	Stderr io.Writer
}

// Process is a running server.
type Process struct {
	Line     string // the release line started: Options.Line, "5" when that was empty
	URI      string // bolt://127.0.0.1:PORT
	Host     string // host of URI, as the launcher reported it
	Port     int    // Bolt port of URI, as the launcher reported it
	User     string // empty when auth is off
	Password string // empty when auth is off
	CACert   string // PEM file of the CA, when started with TLSDir

	cmd     *exec.Cmd
	stdin   io.WriteCloser
	log     *tailBuffer
	stopped sync.Once
	done    chan struct{}
}

// ModuleRoot returns the directory holding the project's go.mod, searching upwards from
// the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/boltwire/neo4j\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testserver: cannot find the boltwire module root (go.mod) above the working directory")
		}
		dir = parent
	}
}

// Start launches a server and waits (up to ctx, and at most 8 minutes) for its READY line.
func Start(ctx context.Context, opts Options) (*Process, error) {
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	line := opts.Line
	if line == "" {
		line = "5"
	}
	args := []string{"--line", line}
	if opts.Auth != "" {
		args = append(args, "--auth", opts.Auth)
	}
	if opts.TLSDir != "" {
		args = append(args, "--tls", opts.TLSDir)
	}
	script := filepath.Join(root, "testserver", "neo4j-server")
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	p := &Process{Line: line, cmd: cmd, log: &tailBuffer{max: 64 << 10}, done: make(chan struct{})}
	if opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(opts.Stderr, p.log)
	} else {
		cmd.Stderr = p.log
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("testserver: starting %s: %w", script, err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()

	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY ") {
				ready <- sc.Text()
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	timeout := time.NewTimer(8 * time.Minute)
	defer timeout.Stop()
	select {
	case l := <-ready:
		if err := p.parseReady(l); err != nil {
			p.Stop()
			return nil, err
		}
		if opts.TLSDir != "" {
			p.CACert = filepath.Join(opts.TLSDir, "ca.crt")
		}
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("testserver: neo4j-server --line %s exited before READY:\n%s", line, p.Log())
	case <-ctx.Done():
		p.Stop()
		return nil, ctx.Err()
	case <-timeout.C:
		p.Stop()
		return nil, fmt.Errorf("testserver: neo4j-server --line %s not READY after 8 minutes:\n%s", line, p.Log())
	}
}

func (p *Process) parseReady(l string) error {
	f := strings.Fields(l)
	if len(f) != 3 {
		return fmt.Errorf("testserver: malformed READY line %q", l)
	}
	p.URI = f[1]
	hostPort := strings.TrimPrefix(p.URI, "bolt://")
	i := strings.LastIndexByte(hostPort, ':')
	if i < 0 {
		return fmt.Errorf("testserver: READY line %q has no port", l)
	}
	p.Host = hostPort[:i]
	port, err := strconv.Atoi(hostPort[i+1:])
	if err != nil {
		return fmt.Errorf("testserver: READY line %q: bad port: %w", l, err)
	}
	p.Port = port
	if f[2] != "none" {
		u, pw, ok := strings.Cut(f[2], ":")
		if !ok {
			return fmt.Errorf("testserver: READY line %q: bad credentials field", l)
		}
		p.User, p.Password = u, pw
	}
	return nil
}

// Log returns the last part of the server's stderr.
func (p *Process) Log() string { return p.log.String() }

// Stop closes the server's stdin, which shuts the DBMS down, and waits up to 30 s
// before killing it. Safe to call more than once.
func (p *Process) Stop() {
	p.stopped.Do(func() {
		_ = p.stdin.Close()
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
