# Shared by up.sh, down.sh, ask.sh, mesh.sh and chaos.sh. Everything the local run makes lives under deploy/local/run/.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/deploy/local/run"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
BROKER_LIB="$RUN/broker-lib"
# LOCAL_PORT_OFFSET moves every port (Kafka's and the services') by that much, so that a second checkout can run its
# own system next to one on the usual ports (up.sh, down.sh, ask.sh and benchmarks/run.sh --local; not chaos.sh).
PORT_OFFSET="${LOCAL_PORT_OFFSET:-0}"
KAFKA_PORT="${KAFKA_PORT:-$(( 9092 + PORT_OFFSET ))}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$(( 9093 + PORT_OFFSET ))}"
# TRACING=zipkin: the trace viewer's jar, its port, and the port where OtlpToZipkin takes the services' OTLP
TRACE_LIB="$RUN/trace-viewer"
ZIPKIN_PORT="${ZIPKIN_PORT:-9411}"
OTLP_PORT="${OTLP_PORT:-4318}"

# name:port:module, in start order (the realtime-emulator only runs when no OPENAI_API_KEY is set)
SERVICES=(
  "realtime-emulator:8090:realtime-emulator"
  "agent-manager:8081:agent-manager"
  "weather-agent:8082:weather-agent"
  "news-agent:8083:news-agent"
  "chat-agent:8084:chat-agent"
  "memory-store:8087:memory-store"
  "gateway:8080:gateway"
)

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p'; }

# Picks a JDK 21+ : JAVA_HOME if it is one, else `java` on the PATH, else one under /usr/lib/jvm.
pick_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" /usr/lib/jvm/*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate/bin/java" 2>/dev/null || echo 0)" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      JAVA_MAJOR=$(java_major "$candidate/bin/java")
      export JAVA_MAJOR
      return 0
    fi
  done
  echo "A JDK 21 or newer is needed; install one or set JAVA_HOME." >&2
  return 1
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ms_to_s() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
# cpu_ms <pid>: user + system CPU time the process has used so far.
cpu_ms() { awk -v tck="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / tck }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# port_in_use <port>: whether something on this machine accepts connections on 127.0.0.1:<port>.
port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { local pid; [ -f "$PIDS/$1.pid" ] && read -r pid < "$PIDS/$1.pid" && kill -0 "$pid" 2>/dev/null; }

# broker_properties <port> <controller port> <data dir>: settings of a single-node KRaft broker for development.
broker_properties() {
  cat <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$2
listeners=PLAINTEXT://127.0.0.1:$1,CONTROLLER://127.0.0.1:$2
advertised.listeners=PLAINTEXT://127.0.0.1:$1
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$3
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.coordinator.append.linger.ms=0
auto.create.topics.enable=true
PROPS
}

# format_storage <properties> <log>: formats the broker's storage once (a new cluster id).
format_storage() {
  local cluster_id
  cluster_id=$("$JAVA_HOME/bin/java" -cp "$BROKER_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null)
  "$JAVA_HOME/bin/java" -cp "$BROKER_LIB/*" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
    -c "$1" > "$2" 2>&1 || { cat "$2"; return 1; }
}

KAFKA_JVM=(-Xms128m -Xmx512m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info)
# The broker's start-up archive (see below), valid for these broker jars and this JDK.
broker_stamp() { echo "$(ls -l --time-style=+%s "$BROKER_LIB" | md5sum | cut -c1-32) $JAVA_HOME $JAVA_MAJOR"; }
broker_archived() { [ -f "$RUN/broker-archive" ] && [ "$(cat "$RUN/broker-archive.stamp" 2>/dev/null)" = "$(broker_stamp)" ]; }

# Starts the broker with $RUN/server.properties (written by up.sh) and waits until it is ready; its log starts afresh.
# LOCAL_BROKER_JVM_FLAGS, when set, are added after the broker's flags (benchmarks/run.sh --local compares C1 only);
# its archive is made without them.
start_kafka() {
  local archive=() extra=()
  broker_archived && [ "${LOCAL_ARCHIVES:-on}" = on ] && archive=("$(archive_flag_use "$RUN/broker-archive")")
  # shellcheck disable=SC2206 # flags are words
  [ -n "${LOCAL_BROKER_JVM_FLAGS:-}" ] && extra=($LOCAL_BROKER_JVM_FLAGS)
  : > "$LOGS/kafka.log"   # before the start, so that the wait below never reads the previous run's line
  nohup "$JAVA_HOME/bin/java" "${KAFKA_JVM[@]}" "${extra[@]}" "${archive[@]}" -cp "$BROKER_LIB/*" kafka.Kafka "$RUN/server.properties" \
    >> "$LOGS/kafka.log" 2>&1 &
  echo $! > "$PIDS/kafka.pid"
  for _ in $(seq 1 $(( ${LOCAL_READY_TIMEOUT:-300} * 10 ))); do
    grep -q 'Kafka Server started' "$LOGS/kafka.log" 2>/dev/null && return 0
    running kafka || { echo "Kafka did not start:"; tail -30 "$LOGS/kafka.log"; return 1; }
    sleep 0.1
  done
  echo "Kafka not ready after ${LOCAL_READY_TIMEOUT:-300} s"
  return 1
}

# JVM flags per service, chosen for what the service does (issue 13; measured by benchmarks/run.sh --local):
# - Every service runs C1 only (-XX:TieredStopAtLevel=1). The local run is a development system: a few turns, then
#   a stop. Measured side by side on this 2-core machine, which also runs the broker and six other JVMs, C1 alone
#   started with 37 CPU seconds for all JVMs against 61 with the full tiered compiler, and its mesh overhead over
#   300 delegated tasks after a warm start was lower too (p50 31 against 37.5 ms on a quiet machine, 52 against 83
#   under load): C2's compiler threads take the CPU the services need while it compiles, and a few hundred tasks
#   do not make up for it. A service under sustained load (k8s, where JAVA_TOOL_OPTIONS sets none of this) gains
#   from C2; the benchmark's "C1 and C2" row measures it here (LOCAL_JVM_FLAGS empty).
# - realtime-emulator (an offline stand-in for OpenAI) and memory-store (off the task path: read when a session
#   starts, written in the background) also get the serial collector (their archives are made with it). The
#   services on the task path keep the JDK's default (G1): the serial collector for all of them, measured beside
#   it by benchmarks/run.sh --local in three runs, showed no gain that the order of the rows does not explain
#   (README, RESULTS.md).
# LOCAL_JVM_FLAGS, when set (also empty), replaces these for every service (benchmarks/run.sh --local compares).
service_jvm_flags() {
  if [ -n "${LOCAL_JVM_FLAGS+set}" ]; then
    echo "$LOCAL_JVM_FLAGS"
    return
  fi
  case $1 in
    realtime-emulator|memory-store) echo "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" ;;
    *) echo "-XX:TieredStopAtLevel=1" ;;
  esac
}

# Start-up (issue 13): a Spring Boot exec jar loads its classes from nested jars, which costs CPU and rules out the
# JVM's class data sharing. So each jar is extracted once (Spring Boot's `-Djarmode=tools extract`) into
# $APPS/<module>/, and after a service's first start a training run (train_archives below: the service starts on a
# training broker, gets ready, stops) writes an archive of the classes it loaded, which later starts map instead of
# loading and linking them again: on Java 25+ an AOT cache (-XX:AOTCacheOutput/-XX:AOTCache, with the classes
# linked and method profiles), on 21-24 a dynamic CDS archive (-XX:ArchiveClassesAtExit/-XX:SharedArchiveFile).
# $APPS/<module>/stamp holds the jar's size and modification time and the JDK: when either changes, the jar is
# extracted again and the archive dropped. A JVM that cannot use an archive says so in its log and starts without.
APPS="$RUN/apps"

archive_flag_use() { if [ "$JAVA_MAJOR" -ge 25 ]; then echo "-XX:AOTCache=$1"; else echo "-XX:SharedArchiveFile=$1"; fi; }
archive_flag_make() { if [ "$JAVA_MAJOR" -ge 25 ]; then echo "-XX:AOTCacheOutput=$1"; else echo "-XX:ArchiveClassesAtExit=$1"; fi; }

# app_jar <module>: the extracted application jar of the module's exec jar (from JARS_DIR, when set, else
# <module>/target), extracting it first when the stamp differs.
app_jar() {
  local module=$1 source dir stamp
  source=$(ls "${JARS_DIR:-$ROOT/$module/target}"/"$module"-*-exec.jar | head -1)
  dir="$APPS/$module"
  stamp="$(stat -c '%s %Y' "$source") $JAVA_HOME $JAVA_MAJOR"
  if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir" "$dir.new"
    mkdir -p "$APPS"
    "$JAVA_HOME/bin/java" -Djarmode=tools -jar "$source" extract --destination "$dir.new" >/dev/null \
      || { echo "could not extract $source" >&2; return 1; }
    echo "$stamp" > "$dir.new/stamp"
    mv "$dir.new" "$dir"
  fi
  echo "$dir/$(basename "$source")"
}

# spring_aot_flags <jar>: -Dspring.aot.enabled=true when the jar holds Spring AOT's bean definitions (the modules
# whose pom runs process-aot: the agents, agent-manager, memory-store). The context then registers the beans the build
# worked out instead of parsing every auto-configuration class and evaluating its conditions at each start: measured
# side by side with archives, about 1.5 of a service's 5-7 CPU seconds until ready. The build decided the conditions
# without this run's settings, so the flag is left off when a setting it depends on is given: an OTLP endpoint
# (TRACING=zipkin; the exporter's bean exists only when the endpoint is set) or Spring profiles.
spring_aot_flags() {
  [ -z "${MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT:-}" ] && [ -z "${SPRING_PROFILES_ACTIVE:-}" ] \
    && grep -qa '__ApplicationContextInitializer' "$1" && echo "-Dspring.aot.enabled=true"
  return 0
}

# start_service <name> <port> <module>: runs the module's application on that port with its JVM flags and, when
# made, its archive; pid in $PIDS/<name>.pid, output appended to $LOGS/<name>.log. Extra settings come from the
# environment (e.g. MANAGER_INSTANCE_ID=… start_service …).
start_service() {
  local name=$1 port=$2 module=$3 jar archive flags
  jar=$(app_jar "$module") || return 1
  archive="$APPS/$module/archive"
  flags=$(service_jvm_flags "$module")
  [ -f "$archive" ] && [ "${LOCAL_ARCHIVES:-on}" = on ] && flags="$flags $(archive_flag_use "$archive")"
  flags="$flags $(spring_aot_flags "$jar")"
  # shellcheck disable=SC2086 # flags are words
  PORT="$port" nohup "$JAVA_HOME/bin/java" -Xms64m -Xmx384m $flags -jar "$jar" >> "$LOGS/$name.log" 2>&1 &
  echo $! > "$PIDS/$name.pid"
  disown $! 2>/dev/null || true   # no "Killed" notice from the shell when a chaos run kills it
}

# start_trace_viewer: Zipkin's server (in memory, fetched from Maven Central once) on $ZIPKIN_PORT and OtlpToZipkin
# on $OTLP_PORT, which hands Zipkin the spans the services export over OTLP. Does not wait: see wait_trace_viewer.
start_trace_viewer() {
  if ! ls "$TRACE_LIB"/zipkin-server-*-exec.jar >/dev/null 2>&1; then
    echo "Fetching Zipkin's server (first TRACING=zipkin run only)…"
    "$ROOT/mvnw" -B -ntp -q -f "$ROOT/deploy/local/tracing/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$TRACE_LIB" || return 1
  fi
  : > "$LOGS/zipkin.log"
  : > "$LOGS/otlp-to-zipkin.log"
  QUERY_PORT="$ZIPKIN_PORT" nohup "$JAVA_HOME/bin/java" -Xms64m -Xmx256m -XX:TieredStopAtLevel=1 \
    -jar "$(ls "$TRACE_LIB"/zipkin-server-*-exec.jar | head -1)" >> "$LOGS/zipkin.log" 2>&1 &
  echo $! > "$PIDS/zipkin.pid"
  nohup "$JAVA_HOME/bin/java" "$ROOT/deploy/local/tracing/OtlpToZipkin.java" "$OTLP_PORT" \
    "http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans" >> "$LOGS/otlp-to-zipkin.log" 2>&1 &
  echo $! > "$PIDS/otlp-to-zipkin.pid"
}

# wait_trace_viewer [seconds]: until Zipkin answers and OtlpToZipkin listens; fails when either exits.
wait_trace_viewer() {
  local seconds=${1:-120}
  for _ in $(seq 1 $(( seconds * 2 ))); do
    curl -fs "http://127.0.0.1:$ZIPKIN_PORT/health" >/dev/null 2>&1 \
      && grep -q "OTLP/HTTP on" "$LOGS/otlp-to-zipkin.log" 2>/dev/null && return 0
    running zipkin || { echo "zipkin exited:"; tail -30 "$LOGS/zipkin.log"; return 1; }
    running otlp-to-zipkin || { echo "otlp-to-zipkin exited:"; tail -30 "$LOGS/otlp-to-zipkin.log"; return 1; }
    sleep 0.5
  done
  echo "the trace viewer is not ready after $seconds s"
  return 1
}

# train_archives <module…>: the start-up archives (see above) of the modules that have none yet, and of the broker
# ("kafka") when it has none: a training system of its own starts and reaches what a real start reaches (every
# readiness probe answers, the manager has learned every agent's card), then stops, and each JVM writes its archive
# as it exits. An archive made from a run that stops at the context refresh (spring.context.exit=onRefresh) misses
# everything a start loads after it: the Kafka clients connecting, the web server starting, the listener containers,
# the first health checks. The training system runs at low priority (the real one is already serving) on ports
# 20000 above the real ones, on a broker of its own with its own storage, so it never touches the real system's
# topics or groups; each JVM gets the flags its service gets. An archive is written under a temporary name and
# renamed when complete, so a stopped training leaves none behind.
train_archives() {
  local dir="$RUN/training" module entry name port jar stamp flags archive make_broker=false broker_pid
  local modules=() pids=() ports=() stamps=() waited pid i
  for module in "$@"; do
    if [ "$module" = kafka ]; then
      broker_archived || make_broker=true
      continue
    fi
    [ -f "$APPS/$module/archive" ] && continue
    # The extraction the services run from, never extracted anew here (they may be running from it).
    ls "$APPS/$module"/"$module"-*-exec.jar >/dev/null 2>&1 && modules+=("$module")
  done
  $make_broker || [ ${#modules[@]} -gt 0 ] || return 0
  rm -rf "$dir" "$RUN/broker-archive.tmp"* "$APPS"/*/archive.tmp*
  mkdir -p "$dir"
  local kafka_port=$(( KAFKA_PORT + 20000 )) broker_stamp_now broker_flags=()
  broker_properties "$kafka_port" $(( KAFKA_CONTROLLER_PORT + 20000 )) "$dir/kafka-data" > "$dir/server.properties"
  format_storage "$dir/server.properties" "$dir/format.log" > /dev/null || { rm -rf "$dir"; return 0; }
  broker_stamp_now=$(broker_stamp)
  if $make_broker; then
    rm -f "$RUN/broker-archive" "$RUN/broker-archive.stamp"
    broker_flags=("$(archive_flag_make "$RUN/broker-archive.tmp")")
  elif broker_archived; then
    broker_flags=("$(archive_flag_use "$RUN/broker-archive")")
  fi
  nice -n 10 "$JAVA_HOME/bin/java" "${KAFKA_JVM[@]}" "${broker_flags[@]}" -cp "$BROKER_LIB/*" kafka.Kafka \
    "$dir/server.properties" > "$LOGS/kafka-training.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 3000); do
    grep -q 'Kafka Server started' "$LOGS/kafka-training.log" 2>/dev/null && break
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$broker_pid" 2>/dev/null; then
    [ -n "${MANAGER_CARD_EMBEDDINGS:-}" ] && [ -f "$MANAGER_CARD_EMBEDDINGS" ] \
      && cp "$MANAGER_CARD_EMBEDDINGS" "$dir/manager-card-embeddings.bin"
    [ -n "${MANAGER_SKILL_MODELS:-}" ] && [ -f "$MANAGER_SKILL_MODELS" ] \
      && cp "$MANAGER_SKILL_MODELS" "$dir/manager-skill-models.bin"
    for module in "${modules[@]}"; do
      for entry in "${SERVICES[@]}"; do
        IFS=: read -r name port _ <<< "$entry"
        [ "${entry##*:}" = "$module" ] && break
      done
      port=$(( port + PORT_OFFSET + 20000 ))
      jar=$(ls "$APPS/$module"/"$module"-*-exec.jar | head -1)
      stamps+=("$(cat "$APPS/$module/stamp")")
      flags=$(unset LOCAL_JVM_FLAGS; service_jvm_flags "$module")   # the archive is for the shipped flags
      flags="$flags $(unset MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT SPRING_PROFILES_ACTIVE; spring_aot_flags "$jar")"
      # shellcheck disable=SC2086 # flags are words
      env -u MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT -u SPRING_PROFILES_ACTIVE PORT="$port" \
        KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$kafka_port" MANAGER_CARD_EMBEDDINGS="$dir/manager-card-embeddings.bin" \
        MANAGER_SKILL_MODELS="$dir/manager-skill-models.bin" \
        MANAGER_STATE_DIR="$dir/agent-manager-state" MEMORY_STATE_DIR="$dir/memory-store-state" \
        MEMORY_STORE_URL="http://127.0.0.1:$(( 8087 + PORT_OFFSET + 20000 ))" \
        REALTIME_UPSTREAM_URL="ws://127.0.0.1:$(( 8090 + PORT_OFFSET + 20000 ))/v1/realtime" \
        nice -n 10 "$JAVA_HOME/bin/java" -Xms64m -Xmx384m $flags $(archive_flag_make "$APPS/$module/archive.tmp") \
        -jar "$jar" > "$LOGS/$module-training.log" 2>&1 &
      pids+=($!)
      ports+=("$port")
    done
    # Until every training service is ready, and the manager (when it trains) has learned the training agents' cards.
    waited=0
    for i in "${!modules[@]}"; do
      until ready "training" "${ports[$i]}"; do
        kill -0 "${pids[$i]}" 2>/dev/null && [ "$waited" -lt 3000 ] || break
        sleep 0.2; waited=$(( waited + 1 ))
      done
    done
    if [[ " ${modules[*]} " == *" agent-manager "* ]]; then
      for module in "${modules[@]}"; do
        [[ "$module" == *-agent ]] || continue
        until grep -q "Agent '${module%-agent}' is live" "$LOGS/agent-manager-training.log" 2>/dev/null; do
          [ "$waited" -lt 3000 ] || break
          sleep 0.2; waited=$(( waited + 1 ))
        done
      done
    fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for i in "${!modules[@]}"; do
      wait "${pids[$i]}"
      module=${modules[$i]} archive="$APPS/${modules[$i]}/archive"
      # Kept only when complete and made from the jar that is still extracted there.
      if [ -s "$archive.tmp" ] && [ "$(cat "$APPS/$module/stamp" 2>/dev/null)" = "${stamps[$i]}" ]; then
        mv "$archive.tmp" "$archive"
      fi
      rm -f "$archive.tmp"*
    done
  fi
  kill "$broker_pid" 2>/dev/null
  wait "$broker_pid"
  if $make_broker && [ -s "$RUN/broker-archive.tmp" ]; then
    mv "$RUN/broker-archive.tmp" "$RUN/broker-archive"
    echo "$broker_stamp_now" > "$RUN/broker-archive.stamp"
  fi
  rm -rf "$dir" "$RUN/broker-archive.tmp"*
}

# start_training <module…>: train_archives (the broker's first, when it has none) in the background, in its own process group ($PIDS/training.pid)
# so that down.sh can stop the training JVM with it.
start_training() {
  local missing=() module
  broker_archived || missing+=(kafka)
  for module in "$@"; do [ -f "$APPS/$module/archive" ] || missing+=("$module"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  setsid bash -c "source '$ROOT/deploy/local/common.sh'; JAVA_HOME='$JAVA_HOME'; JAVA_MAJOR='$JAVA_MAJOR'; \
    train_archives ${missing[*]}; rm -f '$PIDS/training.pid'" > /dev/null 2>&1 < /dev/null &
  echo $! > "$PIDS/training.pid"
  disown $! 2>/dev/null || true
}

# stop_training: ends a background training (its whole process group) and removes unfinished archives.
stop_training() {
  local pid
  [ -f "$PIDS/training.pid" ] || return 0
  pid=$(cat "$PIDS/training.pid")
  kill -- "-$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 -- "-$pid" 2>/dev/null
  rm -rf "$PIDS/training.pid" "$APPS"/*/archive.tmp* "$RUN/broker-archive.tmp"* "$RUN/training"
}

# ready <name> <port>: whether the service's readiness probe answers UP. A gateway serving TLS (GATEWAY_TLS=dev)
# is asked over https, trusting the development certificate.
ready() {
  local name=$1 port=$2 url="http://127.0.0.1:$2" trust=()
  if [ "$name" = gateway ] && [ -n "${GATEWAY_TLS_CA:-}" ]; then
    url="https://127.0.0.1:$port" trust=(--cacert "$GATEWAY_TLS_CA")
  fi
  curl -fs --max-time 2 "${trust[@]}" "$url/actuator/health/readiness" >/dev/null 2>&1
}

# ready_ports <name:port:module>…: the ports, one a line, of those services whose readiness probe answers UP. One
# curl asks them all at once: up.sh polls every 0.2 s while the services start, and a curl per service and round
# took about five times the CPU per round (5 ms a curl on a quiet machine), CPU the services starting need.
ready_ports() {
  local entry name port url=() trust=() code address
  for entry in "$@"; do
    IFS=: read -r name port _ <<< "$entry"
    if [ "$name" = gateway ] && [ -n "${GATEWAY_TLS_CA:-}" ]; then
      url+=(-o /dev/null "https://127.0.0.1:$port/actuator/health/readiness") trust=(--cacert "$GATEWAY_TLS_CA")
    else
      url+=(-o /dev/null "http://127.0.0.1:$port/actuator/health/readiness")
    fi
  done
  curl -s --parallel --max-time 2 "${trust[@]}" -w '%{http_code} %{url}\n' "${url[@]}" 2>/dev/null \
    | while read -r code address; do
        [ "$code" = 200 ] || continue
        address=${address##*:}
        echo "${address%%/*}"
      done
}

# wait_ready <name> <port> [seconds]: until the service is ready; fails when its process exits.
wait_ready() {
  local name=$1 port=$2 seconds=${3:-120}
  for _ in $(seq 1 $(( seconds * 2 ))); do
    ready "$name" "$port" && return 0
    running "$name" || { echo "$name exited:"; tail -30 "$LOGS/$name.log"; return 1; }
    sleep 0.5
  done
  ready "$name" "$port"
}

# dev_certificate <dir>: a self-signed certificate for localhost and 127.0.0.1, made once with the JDK's keytool:
# <dir>/gateway.p12 for the gateway (password in <dir>/password) and <dir>/gateway-ca.pem for clients to trust.
dev_certificate() {
  local dir=$1
  mkdir -p "$dir"
  [ -f "$dir/gateway.p12" ] && [ -f "$dir/gateway-ca.pem" ] && return 0
  head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"
  "$JAVA_HOME/bin/keytool" -genkeypair -alias gateway -keyalg EC -groupname secp256r1 -validity 825 \
    -dname "CN=agent-mesh local development" -ext "san=dns:localhost,ip:127.0.0.1" -ext "bc:c=ca:true" \
    -ext "ku:c=digitalSignature,keyCertSign" -ext "eku=serverAuth" -keystore "$dir/gateway.p12" \
    -storetype PKCS12 -storepass "$(cat "$dir/password")" >/dev/null 2>&1
  "$JAVA_HOME/bin/keytool" -exportcert -rfc -alias gateway -keystore "$dir/gateway.p12" \
    -storepass "$(cat "$dir/password")" -file "$dir/gateway-ca.pem" >/dev/null 2>&1
}

# stop_service <name> [signal]: stops the process in $PIDS/<name>.pid (TERM, then KILL after 10 s; or the signal
# given, e.g. KILL for a crash) and forgets its pid.
stop_service() {
  local name=$1 signal=${2:-TERM} pid
  [ -f "$PIDS/$name.pid" ] || return 0
  pid=$(cat "$PIDS/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -s "$signal" "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$PIDS/$name.pid"
    return 0
  fi
  rm -f "$PIDS/$name.pid"
  return 1
}
