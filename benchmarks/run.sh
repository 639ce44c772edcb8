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
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../deploy/local/common.sh
source "$ROOT/deploy/local/common.sh"
pick_java
export PATH="$JAVA_HOME/bin:$PATH"

# Builds the benchmarks and the modules they start, without compiling or running any test.
rm -rf benchmarks/target/lib
./mvnw -B -ntp -q -Dmaven.test.skip=true install -pl benchmarks -am

MAIN=dev.agentmesh.benchmarks.Benchmarks
ARGS=()
for arg in "$@"; do
  if [[ "$arg" == --addressing ]]; then MAIN=dev.agentmesh.benchmarks.AddressingBenchmark; else ARGS+=("$arg"); fi
done
exec "$JAVA_HOME/bin/java" -Xms1g -Xmx2g -XX:+UseG1GC -Xshare:off --enable-native-access=ALL-UNNAMED \
  -Dbenchmarks.root="$ROOT" -Dtest.kafka=embedded \
  -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  "$MAIN" ${ARGS[@]+"${ARGS[@]}"}
