package bench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// ServeChildPeer is the child side of a canned peer in a process of its own
// (cmd/report, cmd/latency): it prints "PEER host:port" on stdout and serves
// workloads until stdin closes.
func ServeChildPeer(workloads []*Workload) error {
	p, err := StartPeer(workloads)
	if err != nil {
		return err
	}
	fmt.Println("PEER", p.Addr())
	io.Copy(io.Discard, os.Stdin)
	p.Close()
	return nil
}

// StartChildPeer starts cmd, a command whose process runs ServeChildPeer, and
// returns its stdin (closing it stops the peer) and the peer's address. The
// child's stderr goes to this process's.
func StartChildPeer(cmd *exec.Cmd) (io.WriteCloser, string, error) {
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return nil, "", fmt.Errorf("peer did not start: %w", err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "PEER ")
	if !ok {
		return nil, "", fmt.Errorf("peer said %q", line)
	}
	return in, addr, nil
}
