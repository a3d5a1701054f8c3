#!/usr/bin/env bash
# The benchmark: Ferry's speed figures on the real test bed (root; installs what it needs like the
# test command). Prints a table (median, min/max, n) and writes e2e/target/benchmark.txt. Nothing is
# asserted about time: the only checks are that every move succeeded.
#
#   scripts/bench.sh [--live N] [--cold N] [--guests N] [--disk SIZE]
#     --live N     live migrations of one idle 128 MiB guest, bounced host-a <-> host-b (default 5)
#     --cold N     cold migrations of a server with a host-local disk, each confirmed (default 3)
#     --guests N   servers per host drain and per host evacuation, each run at concurrency 1
#                  and N (default 3)
#     --disk SIZE  root disk of every server (default 64M; the guest writes 16 MiB to it)
#
# Takes about 5 minutes on an otherwise idle 2-core machine with the defaults. Uses its own test bed
# (/var/tmp/ferry-bench-testbed, namespaces ferrybench-*) and tears it down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
props=()
while [ $# -gt 0 ]; do
  case $1 in
    --live) props+=("-Dferry.bench.live=${2:?}"); shift 2 ;;
    --cold) props+=("-Dferry.bench.cold=${2:?}"); shift 2 ;;
    --guests) props+=("-Dferry.bench.guests=${2:?}"); shift 2 ;;
    --disk) props+=("-Dferry.bench.disk=${2:?}"); shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "bench: error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "bench: error: the real test bed needs root" >&2; exit 1; }
scripts/install-deps.sh
mvn -B -q -ntp install -DskipTests
# failsafe runs the one benchmark class (not a *IT: the test command never runs it)
mvn -B -ntp verify -pl e2e -Dit.test=MoveBenchmark -Dsurefire.skip=true \
  -Dfailsafe.failIfNoSpecifiedTests=false -DtrimStackTrace=false "${props[@]}" \
  | grep -E 'Tests run:|FAIL|ERROR\]' || true
test -s e2e/target/benchmark.txt || { echo "bench: error: no figures were written" >&2; exit 1; }
cat e2e/target/benchmark.txt
grep -q 'host evacuation' e2e/target/benchmark.txt \
  || { echo "bench: error: the run stopped early (see e2e/target/failsafe-reports)" >&2; exit 1; }
