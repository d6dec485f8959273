// Command report runs boltwire's side-by-side benchmarks and writes
// RESULTS.md: the canned Bolt peer (in a child process of its own, so its
// work and allocations are not counted against the drivers) and, unless
// -real=false, a real Neo4j started with ../testserver/neo4j-server. Run it
// from the bench directory:
//
//	go run ./cmd/report            # everything, about 10 minutes
//	go run ./cmd/report -short     # tiny workloads, canned peer only
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/boltwire/neo4j/bench"
)

var (
	flagPeer   = flag.Bool("peer", false, "internal: serve the canned peer on stdout's address until stdin closes")
	flagShort  = flag.Bool("short", false, "shrink the workloads and skip the real server")
	flagReps   = flag.Int("reps", 5, "timed repetitions per subject (canned peer)")
	flagReal   = flag.Bool("real", true, "also run against a real Neo4j (../testserver/neo4j-server)")
	flagRealRp = flag.Int("real-reps", 2, "timed repetitions per subject (real server)")
	flagOut    = flag.String("out", "RESULTS.md", "report file")
	flagLine   = flag.String("line", "5", "neo4j-server --line")
	flagCanned = flag.Bool("canned", true, "run against the canned peer")
	flagReAnal = flag.Bool("reanalyse", false, "only replace the ANALYSIS.md part of an existing report file")
	flagOnly   = flag.String("only", "", "run only these sections, comma-separated (stream, wide, return1, write, peak)")
)

func main() {
	flag.Parse()
	log.SetFlags(log.Ltime)
	if *flagPeer {
		if err := bench.ServeChildPeer(bench.PeerWorkloads(*flagShort)); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *flagShort {
		*flagReal = false
	}
	if *flagReAnal {
		reanalyse()
		return
	}
	r := &report{started: time.Now().UTC()}
	r.header()
	ctx := context.Background()
	if *flagCanned {
		peer, peerIn, addr, err := startChildPeer()
		if err != nil {
			log.Fatalf("canned peer: %v", err)
		}
		env, err := bench.OpenEnv(ctx, "canned", "bolt://"+addr, "neo4j", "bench-password")
		if err != nil {
			log.Fatalf("canned peer: %v", err)
		}
		r.runTarget(ctx, env, *flagReps, peer.Process.Pid)
		env.Close(ctx)
		peerIn.Close()
		peer.Wait()
		r.roundTrips()
	}
	if *flagReal {
		if err := r.realServer(ctx); err != nil {
			r.p("\n**Real server: not run** — %v\n", err)
			log.Printf("real server: %v", err)
		}
	}
	r.finish()
	if err := os.WriteFile(*flagOut, r.buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *flagOut)
}

func startChildPeer() (*exec.Cmd, io.WriteCloser, string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, "", err
	}
	args := []string{"-peer"}
	if *flagShort {
		args = append(args, "-short")
	}
	cmd := exec.Command(exe, args...)
	log.Printf("encoding the canned streams in the peer process...")
	in, addr, err := bench.StartChildPeer(cmd)
	return cmd, in, addr, err
}

type report struct {
	buf     bytes.Buffer
	started time.Time
	targets []target
}

type target struct {
	name, want, got string
	met             bool
}

func (r *report) p(format string, args ...any) { fmt.Fprintf(&r.buf, format, args...) }

func (r *report) target(name, want, got string, met bool) {
	r.targets = append(r.targets, target{name, want, got, met})
}

func (r *report) section(name string) bool {
	if *flagOnly == "" {
		return true
	}
	for _, s := range strings.Split(*flagOnly, ",") {
		if s != "" && strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// pass is one run of the sections against one target (canned peer or real server).
type pass struct {
	ctx    context.Context
	e      *bench.Env
	ws     map[string]*bench.Workload
	reps   int
	canned bool
	where  string
	// peerPID is the canned peer's process (0 against the real server).
	peerPID int
}

// runTarget runs every section against e: the canned peer in process
// peerPID, or the real server when peerPID is 0.
func (r *report) runTarget(ctx context.Context, e *bench.Env, reps int, peerPID int) {
	canned := peerPID != 0
	ps := pass{ctx: ctx, e: e, ws: map[string]*bench.Workload{}, reps: reps, canned: canned, where: "canned peer", peerPID: peerPID}
	for _, w := range bench.Workloads(*flagShort) {
		ps.ws[w.Name] = w
	}
	if !canned {
		ps.where = "real Neo4j"
	}
	r.p("\n## %s\n", strings.ToUpper(ps.where[:1])+ps.where[1:])
	r.p("\nLoad average before: %s\n", loadavg())
	r.streamSection(ps)
	r.wideSection(ps)
	r.opSections(ps)
	r.peakSection(ps)
	r.p("\nLoad average after: %s\n", loadavg())
}

// analysisMark separates the measured part of the report from ANALYSIS.md.
const analysisMark = "\n---\n\n"

// reanalyse replaces the analysis at the end of *flagOut with ANALYSIS.md,
// leaving the measurements alone.
func reanalyse() {
	b, err := os.ReadFile(*flagOut)
	if err != nil {
		log.Fatal(err)
	}
	a := readFile("ANALYSIS.md")
	first, _, _ := strings.Cut(a, "\n")
	i := strings.LastIndex(string(b), analysisMark+first)
	if i < 0 {
		log.Fatalf("%s has no analysis part starting with %q", *flagOut, first)
	}
	out := string(b[:i]) + analysisMark + a + "\n"
	if err := os.WriteFile(*flagOut, []byte(out), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("replaced the analysis in %s", *flagOut)
}

func (r *report) finish() {
	var tb bytes.Buffer
	fmt.Fprintf(&tb, "\n## Targets (canned peer, same run)\n\n| target | goal | measured | |\n|---|---|---|---|\n")
	met := 0
	for _, t := range r.targets {
		fmt.Fprintf(&tb, "| %s | %s | %s | %s |\n", t.name, t.want, t.got, mark(t.met))
		if t.met {
			met++
		}
	}
	fmt.Fprintf(&tb, "\n%d of %d targets met in this run.\n", met, len(r.targets))
	// Put the targets right after the header table.
	out := r.buf.Bytes()
	i := bytes.Index(out, []byte("\n## "))
	var final bytes.Buffer
	if i < 0 {
		final.Write(out)
		final.Write(tb.Bytes())
	} else {
		final.Write(out[:i])
		final.Write(tb.Bytes())
		final.Write(out[i:])
	}
	fmt.Fprintf(&final, "\nFinished %s; took %s.\n", time.Now().UTC().Format("15:04 MST"), time.Since(r.started).Round(time.Second))
	if a := readFile("ANALYSIS.md"); a != "" {
		final.WriteString(analysisMark)
		final.WriteString(a)
		final.WriteString("\n")
	}
	r.buf = final
}
