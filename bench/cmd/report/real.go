package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/boltwire/neo4j/bench"
)

// realServer starts ../testserver/neo4j-server, loads the graph workloads'
// data and runs the same sections.
func (r *report) realServer(ctx context.Context) error {
	log.Printf("starting neo4j-server --line %s (this takes 10–30 s)...", *flagLine)
	logf, err := os.CreateTemp("", "bench-neo4j-server-*.log")
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command("../testserver/neo4j-server", "--line", *flagLine)
	cmd.Stderr = logf
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
		}
	}()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY ") {
				ready <- sc.Text()
				break
			}
		}
		close(ready)
		io.Copy(io.Discard, stdout)
	}()
	var line string
	select {
	case l, ok := <-ready:
		if !ok {
			return fmt.Errorf("neo4j-server exited without READY (log: %s)", logf.Name())
		}
		line = l
	case <-time.After(5 * time.Minute):
		return errors.New("neo4j-server: no READY within 5 minutes")
	}
	f := strings.Fields(line)
	if len(f) < 3 {
		return fmt.Errorf("neo4j-server said %q", line)
	}
	user, pass, _ := strings.Cut(f[2], ":")
	log.Printf("real server at %s", f[1])
	e, err := bench.OpenEnv(ctx, "neo4j", f[1], user, pass)
	if err != nil {
		return err
	}
	defer e.Close(ctx)
	info, err := e.Boltwire.GetServerInfo(ctx)
	if err == nil {
		r.p("\n---\n\nReal server: %s, Bolt %d.%d negotiated by boltwire, `testserver/neo4j-server --line %s` on the same machine (so the server's CPU competes with the drivers').\n",
			info.Agent(), info.ProtocolVersion().Major, info.ProtocolVersion().Minor, *flagLine)
	}
	for _, w := range bench.Workloads(false) {
		if len(w.Setup) > 0 {
			log.Printf("setting up %s on the real server", w.Name)
			if err := bench.RunSetup(ctx, e, w); err != nil {
				return err
			}
		}
	}
	r.runTarget(ctx, e, *flagRealRp, 0)
	return nil
}
