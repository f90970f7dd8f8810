#!/usr/bin/env bash
# Counts the instructions per request of each routing contender of
# BenchmarkRoute (CheckHTTP, LookupRoute, httprouter, chi, ServeMux) with
# callgrind: a run of the test binary making n requests of the mix and one
# making 2n, whose difference divided by n is the count per request. Unlike
# a time, the count does not move with the other load of a shared machine.
# (cpu.rdtscp=off: valgrind does not know RDTSCP, which the runtime may use.)
#
#   bench/callgrind.sh                 # api; big too when bench/big exists
#   PKGS=api CONTENDERS="CheckHTTP LookupRoute" N=20000 bench/callgrind.sh
set -euo pipefail
cd "$(dirname "$0")"
export GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=mod
N=${N:-20000}
PKGS=${PKGS:-api$([ -d big ] && echo " big")}
CONTENDERS=${CONTENDERS:-CheckHTTP LookupRoute HTTPRouter Chi ServeMux}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { # package binary contender calls
	(cd "$1" && ROUTE_CALLS=$4 ROUTE_CONTENDER=$3 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOGC=off GOMAXPROCS=1 \
		valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$2" -test.run '^TestRouteCalls$' >"$tmp/stdout" 2>"$tmp/err") ||
		{ cat "$tmp/stdout" "$tmp/err" >&2; exit 1; }
	grep -o 'Collected : [0-9]*' "$tmp/err" | grep -o '[0-9]*$'
}
printf '%-8s %-16s %s\n' package contender instructions/request
for pkg in $PKGS; do
	go test -c -o "$tmp/$pkg.test" "./$pkg"
	for c in $CONTENDERS; do
		a=$(count "$pkg" "$tmp/$pkg.test" "$c" "$N")
		b=$(count "$pkg" "$tmp/$pkg.test" "$c" $((2 * N)))
		printf '%-8s %-16s %s\n' "$pkg" "$c" "$(( (b - a) / N ))"
	done
done
