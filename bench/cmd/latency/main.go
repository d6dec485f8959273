// Command latency times single operations of both drivers one at a time
// against the canned peer in a child process, and prints per-operation
// latency percentiles and the process's CPU time and context switches per
// operation (getrusage), round by round. It is the diagnostic behind
// ANALYSIS.md §7 (the one-goroutine lines):
//
//	go run ./cmd/latency -op return1 -rounds 10 -n 3000
//	go run ./cmd/latency -op write -pin split  # peer on CPU 1, drivers on CPU 0
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"

	"github.com/boltwire/neo4j/bench"
)

var (
	flagPeer   = flag.Bool("peer", false, "internal: serve the canned peer until stdin closes")
	flagOp     = flag.String("op", "return1", "return1 or write")
	flagRounds = flag.Int("rounds", 10, "rounds; each runs every subject once, order alternating")
	flagN      = flag.Int("n", 3000, "operations per subject and round")
	flagPin    = flag.String("pin", "", `"split": the peer on CPU 1, the drivers on CPU 0; "same": both on CPU 0; "": no pinning`)
)

func main() {
	flag.Parse()
	log.SetFlags(log.Ltime)
	if *flagPeer {
		if err := bench.ServeChildPeer(bench.PeerWorkloads(true)); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *flagPin != "" {
		pinAllThreads("0")
	}
	peerIn, addr := startPeer()
	defer peerIn.Close()
	ctx := context.Background()
	e, err := bench.OpenEnv(ctx, "canned", "bolt://"+addr, "neo4j", "bench-password")
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close(ctx)

	type subject struct {
		name string
		op   func() error
	}
	var subjects []subject
	for _, name := range []string{"official", "boltwire"} {
		f, done, err := bench.SessionOp(ctx, e, name, *flagOp)
		if err != nil {
			log.Fatal(err)
		}
		defer done()
		i := 0
		subjects = append(subjects, subject{name, func() error { i++; return f(i) }})
	}
	lat := map[string][]time.Duration{}
	type usage struct {
		user, sys   time.Duration
		vcsw, ivcsw int64
		n           int
	}
	use := map[string]*usage{}
	for _, s := range subjects {
		use[s.name] = &usage{}
		for i := 0; i < *flagN/4; i++ { // warm-up
			if err := s.op(); err != nil {
				log.Fatalf("%s: %v", s.name, err)
			}
		}
	}
	fmt.Printf("op=%s n=%d rounds=%d pin=%q\n", *flagOp, *flagN, *flagRounds, *flagPin)
	fmt.Printf("%-6s %-9s %9s %9s %9s %9s %9s %8s %8s %6s %6s\n", "round", "subject", "ops/s", "p10µs", "p50µs", "p90µs", "p99µs", "usr µs", "sys µs", "vcsw", "ivcsw")
	for r := 0; r < *flagRounds; r++ {
		order := subjects
		if r%2 == 1 {
			order = []subject{subjects[1], subjects[0]}
		}
		for _, s := range order {
			ls := make([]time.Duration, *flagN)
			var ru0, ru1 syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			t0 := time.Now()
			for i := range ls {
				t := time.Now()
				if err := s.op(); err != nil {
					log.Fatalf("%s: %v", s.name, err)
				}
				ls[i] = time.Since(t)
			}
			d := time.Since(t0)
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			u := use[s.name]
			du := tv(ru1.Utime) - tv(ru0.Utime)
			ds := tv(ru1.Stime) - tv(ru0.Stime)
			dv := ru1.Nvcsw - ru0.Nvcsw
			di := ru1.Nivcsw - ru0.Nivcsw
			u.user += du
			u.sys += ds
			u.vcsw += dv
			u.ivcsw += di
			u.n += len(ls)
			lat[s.name] = append(lat[s.name], ls...)
			slices.Sort(ls)
			n := float64(len(ls))
			fmt.Printf("%-6d %-9s %9.0f %9.1f %9.1f %9.1f %9.1f %8.2f %8.2f %6.2f %6.2f\n", r, s.name, n/d.Seconds(),
				us(pct(ls, 10)), us(pct(ls, 50)), us(pct(ls, 90)), us(pct(ls, 99)),
				us(du)/n, us(ds)/n, float64(dv)/n, float64(di)/n)
		}
	}
	fmt.Println("\nall rounds:")
	for _, s := range subjects {
		ls := lat[s.name]
		slices.Sort(ls)
		u := use[s.name]
		n := float64(u.n)
		var sum time.Duration
		for _, x := range ls {
			sum += x
		}
		fmt.Printf("%-9s mean %.1f µs  p10 %.1f  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  user %.2f µs  sys %.2f µs  vcsw %.2f  ivcsw %.2f per op\n",
			s.name, us(sum)/n, us(pct(ls, 10)), us(pct(ls, 50)), us(pct(ls, 90)), us(pct(ls, 99)), us(pct(ls, 99.9)),
			us(u.user)/n, us(u.sys)/n, float64(u.vcsw)/n, float64(u.ivcsw)/n)
	}
}

func startPeer() (io.WriteCloser, string) {
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	var cmd *exec.Cmd
	switch *flagPin {
	case "split":
		cmd = exec.Command("taskset", "-c", "1", exe, "-peer")
	case "same":
		cmd = exec.Command("taskset", "-c", "0", exe, "-peer")
	default:
		cmd = exec.Command(exe, "-peer")
	}
	in, addr, err := bench.StartChildPeer(cmd)
	if err != nil {
		log.Fatal(err)
	}
	return in, addr
}

// pinAllThreads sets the CPU affinity of every thread of this process
// (threads started later inherit it).
func pinAllThreads(cpus string) {
	if out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, fmt.Sprint(os.Getpid())).CombinedOutput(); err != nil {
		log.Fatalf("taskset -a -p -c %s: %v: %s", cpus, err, out)
	}
}

func tv(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }

func us(d time.Duration) float64 { return float64(d) / 1e3 }

func pct(s []time.Duration, p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(s)-1))
	return s[i]
}
