#!/usr/bin/env bash
# Run Neo4j's TestKit conformance suites against boltwire's backend
# (cmd/testkit-backend), without Docker. See docs/CONFORMANCE.md.
#
# Usage:
#   scripts/testkit.sh [TESTKIT_DIR] [SUITE...]
#
#   TESTKIT_DIR  a TestKit checkout (branch 5.0); or set $TESTKIT_DIR. This
#                script never fetches anything.
#   SUITE        unittest names relative to the TestKit root: a folder
#                ("tests.stub.session_run") is discovered recursively, anything
#                else ("tests.stub.retry.test_retry.TestRetry.test_read") is
#                loaded by name. Default: every folder of tests/stub.
#
# Environment:
#   TESTKIT_SHARDS    parallel shards (default 3); each runs in its own network
#                     and mount namespace with its own backend and TMPDIR.
#   TESTKIT_TIMEOUT   seconds per shard before it is killed (default 3000).
#   TESTKIT_OUT       output folder (default /tmp/testkit-<UTC time>).
#   TESTKIT_PYTHON    Python with lark, ifaddr and pytz (default /usr/bin/python3).
#   TESTKIT_NEO4J     "1": also run tests.neo4j against testserver/neo4j-server
#                     (the server must be started by the caller, see
#                     docs/CONFORMANCE.md; TEST_NEO4J_* are passed through).
#   TEST_DEBUG_REQRES "1": TestKit prints every request and response.
#
# Output: $TESTKIT_OUT/summary.md (distinct test ids per suite folder) and,
# per shard, unittest.log, backend.log and results.jsonl.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [[ $# -gt 0 && -d "$1" && -d "$1/nutkit" ]]; then
	TESTKIT_DIR=$1
	shift
fi
: "${TESTKIT_DIR:?usage: scripts/testkit.sh TESTKIT_DIR [SUITE...] (or set TESTKIT_DIR)}"
TESTKIT_DIR=$(cd "$TESTKIT_DIR" && pwd)
[[ -d "$TESTKIT_DIR/nutkit" && -d "$TESTKIT_DIR/tests" ]] || {
	echo "testkit.sh: $TESTKIT_DIR is not a TestKit checkout" >&2
	exit 2
}
shards=${TESTKIT_SHARDS:-3}
shard_timeout=${TESTKIT_TIMEOUT:-3000}
out=${TESTKIT_OUT:-/tmp/testkit-$(date -u +%Y%m%dT%H%M%SZ)}
python=${TESTKIT_PYTHON:-/usr/bin/python3}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [[ $(id -u) -ne 0 ]]; then
	echo "testkit.sh: needs root for unshare --net --mount" >&2
	exit 2
fi
"$python" -c 'import lark, ifaddr, pytz' 2>/dev/null || {
	echo "testkit.sh: $python lacks lark/ifaddr/pytz (apt-get install python3-lark python3-ifaddr python3-tz)" >&2
	exit 2
}

# Suites: default is every stub folder, biggest first (for shard balance).
suites=("$@")
if [[ ${#suites[@]} -eq 0 ]]; then
	mapfile -t suites < <(
		cd "$TESTKIT_DIR" &&
			for d in tests/stub/*/; do
				d=${d%/}
				[[ -f $d/__init__.py ]] || continue
				echo "$(du -sb --exclude=scripts "$d" | cut -f1) ${d//\//.}"
			done | sort -rn | cut -d' ' -f2
	)
	if [[ ${TESTKIT_NEO4J:-0} == 1 ]]; then
		suites+=(tests.neo4j)
	fi
fi

echo "testkit.sh: building backend"
(cd "$repo" && go build -o "$out/testkit-backend" ./cmd/testkit-backend)
if [[ ! -x "$TESTKIT_DIR/tlsserver/tlsserver" ]] && printf '%s\n' "${suites[@]}" | grep -q '^tests\.tls'; then
	echo "testkit.sh: building TestKit's TLS server"
	(cd "$TESTKIT_DIR/tlsserver" && GOFLAGS=-mod=mod go build -o tlsserver main.go)
fi

# Private hosts file: the TLS suites dial thehost and thehostbutwrong.
# The machine's own name stays resolvable (the JVM of neo4j-server asks).
cat >"$out/hosts" <<EOF
127.0.0.1	localhost thehost thehostbutwrong $(hostname)
::1	localhost ip6-localhost ip6-loopback
EOF

# unittest driver: records each test's outcome as a JSON line and makes
# tests.shared.get_ip_addresses return the loopback aliases (inside the
# namespace there is no other address).
cat >"$out/run_unittest.py" <<'EOF'
import json
import os
import sys
import traceback
import unittest

root = os.getcwd()
sys.path.insert(0, root)
import tests.shared as shared  # noqa: E402

aliases = [a for a in os.environ.get("TESTKIT_IP_ALIASES", "").split(",") if a]


def _ip_addresses(exclude_loopback=True):
    return list(aliases)


shared.get_ip_addresses = _ip_addresses

results_path = sys.argv[1]
names = sys.argv[2:]
sink = open(results_path, "a", encoding="utf-8")


def record(test, outcome, detail=""):
    sink.write(json.dumps({"id": test.id(), "outcome": outcome,
                           "detail": detail[-4000:]}) + "\n")
    sink.flush()


def fmt(err):
    return "".join(traceback.format_exception(*err))


def kill_leftover_children():
    """Kill stub/TLS servers a failed test left behind.

    A test that times out can leave its stub server running; it would keep
    its fixed port and make every later test of the shard fail on start-up.
    The test that left it is already recorded as failed or errored.
    """
    me = str(os.getpid())
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = f.read().rsplit(")", 1)[1].split()[1]
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if ppid == me and ("boltstub" in cmd or "tlsserver" in cmd):
            try:
                os.kill(int(pid), 9)
                os.waitpid(int(pid), 0)
            except OSError:
                pass


class Result(unittest.TextTestResult):
    def stopTest(self, test):
        super().stopTest(test)
        kill_leftover_children()

    def addSuccess(self, test):
        super().addSuccess(test)
        record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        record(test, "failed", fmt(err))

    def addError(self, test, err):
        super().addError(test, err)
        record(test, "errored", fmt(err))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        record(test, "skipped", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        record(test, "passed")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        record(test, "failed", "unexpected success")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is None:
            return
        if issubclass(err[0], test.failureException):
            record(test, "failed", subtest.id() + "\n" + fmt(err))
        elif issubclass(err[0], unittest.SkipTest):
            record(test, "skipped", str(err[1]))
        else:
            record(test, "errored", subtest.id() + "\n" + fmt(err))


loader = unittest.TestLoader()
suite = unittest.TestSuite()
for name in names:
    path = os.path.join(root, *name.split("."))
    if os.path.isdir(path):
        suite.addTest(loader.discover(path, top_level_dir=root))
    else:
        suite.addTest(loader.loadTestsFromName(name))
runner = unittest.TextTestRunner(resultclass=Result, verbosity=2,
                                 stream=sys.stdout)
res = runner.run(suite)
sys.exit(0 if res.wasSuccessful() else 1)
EOF

# Runs inside the namespaces: loopback up with aliases, private /etc/hosts,
# backend, then unittest.
cat >"$out/inner.sh" <<'EOF'
#!/usr/bin/env bash
set -uo pipefail
dir=$1
shift
ip link set lo up
ip addr add 127.0.0.2/8 dev lo 2>/dev/null || true
ip addr add 127.0.0.3/8 dev lo 2>/dev/null || true
mount --bind "$OUT/hosts" /etc/hosts
export TMPDIR=$dir/tmp
mkdir -p "$TMPDIR"
SSL_CERT_FILE=$TESTKIT_DIR/tests/tls/certs/driver/trusted/trustedRoot.crt \
	"$OUT/testkit-backend" -addr 127.0.0.1:9876 2>"$dir/backend.log" &
backend=$!
for _ in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/9876) 2>/dev/null && break
	sleep 0.1
done
neo4j=
if printf '%s\n' "$@" | grep -q '^tests\.neo4j'; then
	# A real server for tests.neo4j, inside this namespace (its jars must
	# have been resolved before: testserver/neo4j-server --prepare).
	# Its stdin is a fifo held open on fd 4: closing fd 4 shuts it down.
	mkfifo "$dir/neo4j.in"
	"$REPO/testserver/neo4j-server" --port 7687 --auth neo4j:testkitpass \
		<"$dir/neo4j.in" >"$dir/neo4j.out" 2>"$dir/neo4j.log" &
	neo4j=$!
	exec 4>"$dir/neo4j.in"
	for _ in $(seq 600); do
		grep -q '^READY' "$dir/neo4j.out" 2>/dev/null && break
		sleep 0.5
	done
	grep -q '^READY' "$dir/neo4j.out" || echo "neo4j-server did not start, see $dir/neo4j.log" >&2
	export TEST_NEO4J_HOST=127.0.0.1 TEST_NEO4J_PORT=7687 TEST_NEO4J_USER=neo4j \
		TEST_NEO4J_PASS=testkitpass TEST_NEO4J_SCHEME=bolt TEST_NEO4J_EDITION=community \
		TEST_NEO4J_VERSION=${TEST_NEO4J_VERSION:-5.26} TEST_NEO4J_CLUSTER=false
fi
cd "$TESTKIT_DIR"
TEST_DRIVER_NAME=go TEST_BACKEND_HOST=127.0.0.1 TEST_BACKEND_PORT=9876 \
	TEST_STUB_HOST=127.0.0.1 TESTKIT_IP_ALIASES=127.0.0.2,127.0.0.3 \
	"$PYTHON" "$OUT/run_unittest.py" "$dir/results.jsonl" "$@" >"$dir/unittest.log" 2>&1
rc=$?
kill "$backend" 2>/dev/null
wait "$backend" 2>/dev/null
if [[ -n $neo4j ]]; then
	exec 4>&-
	wait "$neo4j" 2>/dev/null
fi
exit $rc
EOF
chmod +x "$out/inner.sh"

# Distribute suites over shards: each suite goes to the shard with the
# fewest suites so far, biggest suites first.
declare -a shard_suites
for ((i = 0; i < shards; i++)); do shard_suites[i]=""; done
i=0
for s in "${suites[@]}"; do
	if [[ $s == tests.neo4j* ]]; then
		# tests.neo4j needs the real server: a shard of its own.
		shard_suites[shards]+="$s "
		continue
	fi
	shard_suites[i % shards]+="$s "
	i=$((i + 1))
done
shard_suites[shards]=${shard_suites[shards]:-}

echo "testkit.sh: output in $out"
pids=()
for ((i = 0; i <= shards; i++)); do
	[[ -n ${shard_suites[i]} ]] || continue
	dir=$out/shard-$i
	mkdir -p "$dir"
	echo "testkit.sh: shard $i: ${shard_suites[i]}"
	# shellcheck disable=SC2086
	OUT=$out TESTKIT_DIR=$TESTKIT_DIR PYTHON=$python REPO=$repo \
		timeout --kill-after=30 "$shard_timeout" \
		unshare --net --mount --fork -- "$out/inner.sh" "$dir" ${shard_suites[i]} &
	pids+=($!)
done
status=0
for p in "${pids[@]}"; do
	wait "$p" || status=1
done

# Summary: one outcome per distinct test id (failed > errored > passed >
# skipped when an id ran more than once).
"$python" - "$out" <<'EOF' | tee "$out/summary.md"
import collections, glob, json, os, sys
out = sys.argv[1]
rank = {"failed": 3, "errored": 2, "passed": 1, "skipped": 0}
outcome, detail = {}, {}
for path in glob.glob(os.path.join(out, "shard-*", "results.jsonl")):
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        tid, o = r["id"], r["outcome"]
        if tid not in outcome or rank[o] > rank[outcome[tid]]:
            outcome[tid], detail[tid] = o, r.get("detail", "")
def folder(tid):
    parts = tid.split(".")
    if parts[0] == "tests" and len(parts) > 2:
        return ".".join(parts[1:3])
    return parts[0]
table = collections.defaultdict(collections.Counter)
for tid, o in outcome.items():
    table[folder(tid)][o] += 1
cols = ["passed", "failed", "errored", "skipped"]
print("| suite folder | distinct | " + " | ".join(cols) + " |")
print("|---|---:|" + "---:|" * len(cols))
total = collections.Counter()
for f in sorted(table):
    c = table[f]
    total.update(c)
    print(f"| {f} | {sum(c.values())} | " + " | ".join(str(c[k]) for k in cols) + " |")
print(f"| **total** | **{sum(total.values())}** | " + " | ".join(f"**{total[k]}**" for k in cols) + " |")
print()
bad = sorted(t for t, o in outcome.items() if o in ("failed", "errored"))
if bad:
    print("## failed / errored")
    print()
    for t in bad:
        lines = [l for l in detail[t].strip().splitlines() if l.strip()]
        last = lines[-1].strip() if lines else ""
        print(f"- `{t}` ({outcome[t]}): {last[:300]}")
    print()
skips = collections.Counter(detail[t].strip().splitlines()[0] if detail[t].strip() else "" for t, o in outcome.items() if o == "skipped")
if skips:
    print("## skip reasons (distinct tests)")
    print()
    for reason, n in skips.most_common():
        print(f"- {n} × {reason[:200]}")
EOF
exit $status
