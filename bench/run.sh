#!/usr/bin/env bash
# Runs every benchmark of the performance issue and prints one table: the
# median wall time, CPU time and allocations of each benchmark, and each
# target with PASS or FAIL. Works from a fresh clone; needs only the go
# command (and network for the first download of casbin and OPA).
#
#   bench/run.sh                      # the full run: -count 6
#   COUNT=2 BENCHTIME=100ms bench/run.sh   # a quick look
#
# Raw output goes to bench/results.txt, the table to bench/table.md (both
# git-ignored).
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-300ms}   # per benchmark run of the checkers
BURSTTIME=${BURSTTIME:-2s}      # per run of BenchmarkBursts and BenchmarkParallelBursts
GENTIME=${GENTIME:-500ms}       # per benchmark run of the generator
DIFFTIME=${DIFFTIME:-1x}        # per benchmark run of scopegen diff (one diff: up to seconds at 10k)
MWTIME=${MWTIME:-3s}            # per run of BenchmarkMiddleware (rounds of 40 loopback requests)
BUILDS=${BUILDS:-3}             # fresh builds of each generated package
# -mod=mod: the bench module follows the root module (replace ../), whose
# dependencies may change; let the go command record them in go.sum.
export GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod
RESULTS=results.txt
start=$(date +%s)

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "go: $(go version)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
git -C .. log --oneline -1 2>/dev/null | sed 's/^/commit: /' || true

echo "== writing the specs and generated packages (go run ./internal/gen)"
go run ./internal/gen

echo "== go vet, and the agreement and zero-allocation tests (before any timing)"
go vet ./...
go test -count=1 -p 1 ./...

{
	echo "# machine: nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(go version)"
	echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS"

echo "== checker benchmarks (-count $COUNT -benchtime $BENCHTIME)"
# -p 1: one package at a time, so benchmarks never share the CPUs.
go test -p 1 -run '^$' -bench '^Benchmark(Generated|Naive|CasbinCached|Casbin|OPA|Route)$' -count "$COUNT" -benchtime "$BENCHTIME" -benchmem \
	./shipped ./api ./big | tee -a "$RESULTS"

echo "== fastest bursts (-count $COUNT -benchtime $BURSTTIME: many bursts, so that some run on idle CPUs)"
go test -p 1 -run '^$' -bench '^Benchmark(Parallel|Route)?Bursts$' -count "$COUNT" -benchtime "$BURSTTIME" \
	./shipped ./api ./big | tee -a "$RESULTS"

echo "== scopehttp's middleware over loopback (-count $COUNT -benchtime $MWTIME)"
go test -run '^$' -bench '^BenchmarkMiddleware$' -count "$COUNT" -benchtime "$MWTIME" ./api | tee -a "$RESULTS"

echo "== generator benchmarks (-count $COUNT -benchtime $GENTIME)"
go test -run '^$' -bench '^BenchmarkGenerate$' -count "$COUNT" -benchtime "$GENTIME" -benchmem ./generator | tee -a "$RESULTS"

echo "== scopegen diff benchmarks (-count $COUNT -benchtime $DIFFTIME)"
go test -run '^$' -bench '^BenchmarkDiff$' -count "$COUNT" -benchtime "$DIFFTIME" -benchmem ./diff | tee -a "$RESULTS"

echo "== redaction on the example's list response (bench/redact: -count $COUNT)"
# Its own file: the table below is of the checkers. The target: redaction adds
# under 25% of the time it takes to marshal the response (the median of
# redaction-% over the runs of BenchmarkRedactionRatio).
go test -run '^$' -bench '^BenchmarkRedaction' -count "$COUNT" -benchtime "$BENCHTIME" -benchmem ./redact | tee redaction.txt
awk '/^BenchmarkRedactionRatio/ { for (i = 2; i < NF; i++) if ($(i+1) == "redaction-%") print $i }' redaction.txt | sort -n |
	awk '{ v[++n] = $1 }
	END {
		if (n == 0) { print "redaction: no BenchmarkRedactionRatio result"; exit 1 }
		m = (n % 2) ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
		printf "redaction adds %.1f%% of the marshal time of the response (median of %d runs): %s (target: under 25%%)\n", m, n, (m < 25 ? "PASS" : "FAIL")
	}' | tee -a redaction.txt

echo "== go build of the generated packages ($BUILDS fresh builds each)"
go run ./internal/buildtime -n "$BUILDS" shipped api big | tee -a "$RESULTS"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS"

echo
go run ./internal/report "$RESULTS" | tee table.md
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); took $(($(date +%s) - start)) s"
