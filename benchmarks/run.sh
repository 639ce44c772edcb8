#!/usr/bin/env bash
# Runs the benchmarks and writes their reports. Not part of ./mvnw verify.
# Usage: benchmarks/run.sh [--quick] [--head-of-line]
#          every benchmark in one JVM (in-process KRaft broker, the real services, load generators); writes
#          benchmarks/RESULTS.md and benchmarks/results/machine-<date>.json
#          --quick: small sizes, a smoke run of a couple of minutes
#          --head-of-line: only the head-of-line benchmark (a slow subtask and fast ones behind it on one partition,
#                          agent.max-in-flight 1 vs 16); replaces its section of RESULTS.md, about 2 minutes
#        benchmarks/run.sh --addressing [--quick]
#          only issue 13's addressing benchmark: what one gateway reads per result with 1, 2, 4 and 8 gateways,
#          addressed replies and the design before side by side; writes RESULTS-addressing.md, about 5 minutes
#        benchmarks/run.sh --relay [--quick] [--baseline <git ref>] [--clients=jdk,netty] [--transports=nio,native]
#                          [--jfr] [--heap-only] [--sessions=100,250,500] [--idle-sessions=N] [--load=netty,jdk]
#                          [--direct-only] [--netty-unsafe=off,on] [--jvm-variant=label:flags ...]
#                          [--baseline-jvm-variant=label:flags ...]
#          the gateway in its own JVM pinned to core 0, the load generator, upstream and broker pinned to core 1;
#          a ladder of session counts; writes benchmarks/RELAY.md and benchmarks/results/relay-<date>.json.
#          --load picks the measuring side: netty (default; Netty load generator and upstream, one event loop each)
#          or jdk (the JDK-client generator and Tomcat upstream before it); both, comma-separated, run one after the
#          other with a gateway process each, the heap step with the first only. --direct-only: no gateway, only
#          the direct path of each --load at every step (what the measuring side itself holds); prints and writes
#          benchmarks/target/relay-direct-<date>.json, leaves RELAY.md as it is.
#          --baseline builds the gateway of that ref too and runs it side by side; --clients runs this build once
#          per upstream WebSocket client (gateway.upstream.client), each in a gateway process of its own;
#          --transports runs it once per Netty transport (native, the default: epoll where it loads, or nio:
#          -Dreactor.netty.native=false), each in a gateway process of its own; --netty-unsafe (Java 25+) runs it
#          with Netty's sun.misc.Unsafe access off (Netty's default from Java 25) and allowed
#          (--sun-misc-unsafe-memory-access=allow), a gateway process each; each --jvm-variant runs it with
#          those JVM flags, a gateway process each, and each --baseline-jvm-variant the --baseline gateway so;
#          the measuring side runs on epoll
#          unless -Dbenchmarks.load-transport=nio is in JAVA_TOOL_OPTIONS; --jfr
#          records each gateway with JDK Flight Recorder during each measured step
#          (benchmarks/target/gateway-<name>-<sessions>.jfr); --heap-only runs only the heap step (not a timing:
#          fine on a loaded machine), prints it and writes benchmarks/target/gateway-heap-per-session-<name>.txt.
#        benchmarks/run.sh --local [--quick]
#          the system as deploy/local/up.sh starts it (a broker and one JVM per service): start-up (a fresh clone,
#          the first start of the build, warm starts, C1 and C2, the serial collector, the broker C1 only, without
#          archives) and delegated tasks one after another, beside the in-process floor; writes section 6 of
#          RESULTS.md and results/local-<date>.json. It starts and stops its own system (refuses while one runs) and
#          takes about 13 minutes. The variant rows run after the shipped ones: compare them with care (RESULTS.md).
#        benchmarks/run.sh --local --running [--quick]
#          only the delegated tasks, against a system up.sh already started; prints the figures, writes nothing,
#          and leaves the services' exec jars as they are (the next up.sh stays a warm start). Its new questions
#          start at LOCAL_FIRST_QUESTION (default 0; a full-size run asks 600 of 1,320), so that a second run
#          against the same system can ask questions its planner has not seen.
#        benchmarks/run.sh --local --floor [--quick]
#          only the in-process floor of --local (one JVM, in-process broker, simulated agents); prints, writes nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../deploy/local/common.sh
source "$ROOT/deploy/local/common.sh"
pick_java
export PATH="$JAVA_HOME/bin:$PATH"

MAIN=dev.agentmesh.benchmarks.Benchmarks
relay=false baseline="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --addressing) MAIN=dev.agentmesh.benchmarks.AddressingBenchmark ;;
    --relay) relay=true; args+=("$1") ;;
    --baseline) baseline="$2"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

# Builds the benchmarks and the modules they start, without compiling or running any test (--local: every service).
rm -rf benchmarks/target/lib
modules=benchmarks
# (the arguments as parsed above: the loop has shifted "$@" away)
given=" ${args[*]+${args[*]}} "
if [[ "$given" == *" --local "* ]] && [[ "$given" != *" --running "* ]] && [[ "$given" != *" --floor "* ]]; then
  running kafka && { echo "A local system is running; stop it with deploy/local/down.sh first." >&2; exit 2; }
  modules=benchmarks,$(for entry in "${SERVICES[@]}"; do printf '%s,' "${entry##*:}"; done)
  modules=${modules%,}
fi
repackage=()
if [[ "$given" == *" --local "* ]] && { [[ "$given" == *" --running "* ]] || [[ "$given" == *" --floor "* ]]; }; then
  # The services' exec jars are not run here: left as they are, so that the next up.sh neither extracts them again
  # nor makes new start-up archives (a rewritten jar is a new build to it).
  repackage=(-Dspring-boot.repackage.skip=true)
fi
./mvnw -B -ntp -q -Dmaven.test.skip=true "${repackage[@]}" install -pl "$modules" -am

pin=()
if $relay; then
  command -v taskset >/dev/null || { echo "--relay needs taskset (util-linux)" >&2; exit 1; }
  [ "$(nproc)" -ge 2 ] || { echo "--relay needs two cores: one for the gateway, one for the load" >&2; exit 1; }
  pin=(taskset -c 1)
  if [ -n "$baseline" ]; then
    # The baseline's gateway, built from a clean export of that commit (nothing installed, nothing checked out).
    sha=$(git rev-parse --short "$baseline^{commit}")
    dir="$ROOT/benchmarks/target/baseline-$sha"
    if [ ! -f "$dir/gateway-exec.jar" ]; then
      rm -rf "$dir" && mkdir -p "$dir/src"
      git archive "$sha" | tar -x -C "$dir/src"
      (cd "$dir/src" && ./mvnw -B -ntp -q -Dmaven.test.skip=true package -pl gateway -am)
      cp "$dir"/src/gateway/target/gateway-*-exec.jar "$dir/gateway-exec.jar"
      rm -rf "$dir/src"
    fi
    args+=("--baseline-jar=$dir/gateway-exec.jar" "--baseline-label=$baseline ($sha)")
  fi
fi

exec ${pin[@]+"${pin[@]}"} "$JAVA_HOME/bin/java" -Xms1g -Xmx2g -XX:+UseG1GC -Xshare:off \
  --enable-native-access=ALL-UNNAMED -Dbenchmarks.root="$ROOT" -Dtest.kafka=embedded \
  -cp "benchmarks/target/benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  "$MAIN" ${args[@]+"${args[@]}"}
