package testserver

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func script(t *testing.T) string {
	root, err := ModuleRoot()
	require.NoError(t, err)
	return filepath.Join(root, "testserver", "neo4j-server")
}

// TestBadInput checks that the launcher rejects bad arguments at once with a one-line
// error naming the problem and a non-zero exit.
func TestBadInput(t *testing.T) {
	cases := map[string][]string{
		"unknown argument '--bogus'":    {"--bogus"},
		"--port 'abc' is not a port":    {"--port", "abc"},
		"--line '7' is not supported":   {"--line", "7"},
		"at least 8 characters":         {"--auth", "neo4j:short"},
		"must be none or USER:PASSWORD": {"--auth", "nocolon"},
		"--port needs a value":          {"--port"},
	}
	for want, args := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, "bash", append([]string{script(t)}, args...)...).CombinedOutput()
		cancel()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "args %v", args)
		require.Equal(t, 2, ee.ExitCode(), "args %v", args)
		require.Contains(t, string(out), want, "args %v", args)
		require.Equal(t, 1, strings.Count(strings.TrimSpace(string(out)), "\n")+1, "one line for %v: %q", args, out)
	}
}

// TestBusyPort checks that a taken port is reported, not waited on.
func TestBusyPort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a JVM")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script(t), "--port", strconv.Itoa(port))
	out, err := cmd.Output()
	require.Error(t, err)
	require.Empty(t, string(out), "nothing on stdout")
	require.Contains(t, string(err.(*exec.ExitError).Stderr), "port "+strconv.Itoa(port)+" on 127.0.0.1 is busy")
}
