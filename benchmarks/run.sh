#!/usr/bin/env bash
# Runs every benchmark in one JVM (in-process KRaft broker, the real services, load generators) and writes
# benchmarks/RESULTS.md and benchmarks/results/machine-<date>.json. Not part of ./mvnw verify.
# Usage: benchmarks/run.sh [--quick] [--head-of-line]
#   --quick: small sizes, a smoke run of a couple of minutes
#   --head-of-line: only the head-of-line benchmark (a slow subtask and fast ones behind it on one partition,
#                   agent.max-in-flight 1 vs 16); replaces its section of RESULTS.md, about 2 minutes
#        benchmarks/run.sh --addressing [--quick]
#   only issue 13's addressing benchmark: what one gateway reads per result with 1, 2, 4 and 8 gateways, addressed
#   replies and the design before side by side; writes RESULTS-addressing.md, about 5 minutes
#        benchmarks/run.sh --local [--quick]
#   the system as deploy/local/up.sh starts it (a broker and one JVM per service): start-up (a fresh clone, the
#   first start of the build, warm starts, C1 only, without archives) and delegated tasks one after another,
#   beside the in-process floor; writes section 6 of RESULTS.md and results/local-<date>.json. It starts and
#   stops its own system (refuses while one runs) and takes about 10 minutes.
#        benchmarks/run.sh --local --running [--quick]
#   only the delegated tasks, against a system up.sh already started; prints the figures, writes nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../deploy/local/common.sh
source "$ROOT/deploy/local/common.sh"
pick_java
export PATH="$JAVA_HOME/bin:$PATH"

# Builds the benchmarks and the modules they start, without compiling or running any test (--local: every service).
rm -rf benchmarks/target/lib
modules=benchmarks
if [[ " $* " == *" --local "* ]] && [[ " $* " != *" --running "* ]]; then
  running kafka && { echo "A local system is running; stop it with deploy/local/down.sh first." >&2; exit 2; }
  modules=benchmarks,$(for entry in "${SERVICES[@]}"; do printf '%s,' "${entry##*:}"; done)
  modules=${modules%,}
fi
./mvnw -B -ntp -q -Dmaven.test.skip=true install -pl "$modules" -am

MAIN=dev.agentmesh.benchmarks.Benchmarks
ARGS=()
for arg in "$@"; do
  if [[ "$arg" == --addressing ]]; then MAIN=dev.agentmesh.benchmarks.AddressingBenchmark; else ARGS+=("$arg"); fi
done
exec "$JAVA_HOME/bin/java" -Xms1g -Xmx2g -XX:+UseG1GC -Xshare:off --enable-native-access=ALL-UNNAMED \
  -Dbenchmarks.root="$ROOT" -Dtest.kafka=embedded \
  -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  "$MAIN" ${ARGS[@]+"${ARGS[@]}"}
