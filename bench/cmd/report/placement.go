package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// placement is where the report's process (the drivers) and the canned peer's
// process may run. With one goroutine a query waits for two wake-ups (client →
// peer → client), and on this kind of VM a wake-up on the other, idle vCPU
// costs ~50 µs more than one on the CPU that is running: unpinned, the kernel
// moves the two processes between "same CPU" and "different CPUs" from one
// round to the next, and the one-goroutine rate follows it (ANALYSIS.md §7).
// The one-goroutine lines therefore also run with both placements fixed.
type placement struct {
	name       string
	self, peer string // CPU lists for taskset; "" = every CPU
}

var placements = []placement{
	{name: "unpinned"},
	{name: "split", self: "0", peer: "1"},
	{name: "same", self: "0", peer: "0"},
}

// canPin reports whether the pinned placements can run: two CPUs, taskset.
func canPin() error {
	if runtime.NumCPU() < 2 {
		return fmt.Errorf("%d CPU", runtime.NumCPU())
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return err
	}
	return nil
}

// pin applies p to this process and to the peer's (every thread of each).
func pin(peerPID int, p placement) error {
	all := fmt.Sprintf("0-%d", runtime.NumCPU()-1)
	for _, x := range []struct {
		pid  int
		cpus string
	}{{os.Getpid(), p.self}, {peerPID, p.peer}} {
		cpus := x.cpus
		if cpus == "" {
			cpus = all
		}
		out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, fmt.Sprint(x.pid)).CombinedOutput()
		if err != nil {
			return fmt.Errorf("taskset -a -p -c %s %d: %v: %s", cpus, x.pid, err, out)
		}
	}
	return nil
}
