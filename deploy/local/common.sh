# Shared by up.sh, down.sh, ask.sh, mesh.sh and chaos.sh. Everything the local run makes lives under deploy/local/run/.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/deploy/local/run"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
BROKER_LIB="$RUN/broker-lib"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
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
      return 0
    fi
  done
  echo "A JDK 21 or newer is needed; install one or set JAVA_HOME." >&2
  return 1
}

running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

# Starts the broker with $RUN/server.properties (written by up.sh) and waits until it is ready; its log starts afresh.
start_kafka() {
  nohup "$JAVA_HOME/bin/java" -Xms128m -Xmx512m -XX:+UseG1GC \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info \
    -cp "$BROKER_LIB/*" kafka.Kafka "$RUN/server.properties" > "$LOGS/kafka.log" 2>&1 &
  echo $! > "$PIDS/kafka.pid"
  for _ in $(seq 1 300); do
    grep -q 'Kafka Server started' "$LOGS/kafka.log" 2>/dev/null && return 0
    running kafka || { echo "Kafka did not start:"; tail -30 "$LOGS/kafka.log"; return 1; }
    sleep 0.2
  done
  echo "Kafka not ready after 60 s"
  return 1
}

# start_service <name> <port> <module>: runs the module's jar on that port, pid in $PIDS/<name>.pid, output appended
# to $LOGS/<name>.log. Extra settings come from the environment (e.g. MANAGER_INSTANCE_ID=… start_service …);
# JARS_DIR, when set, is where the exec jars are taken from instead of <module>/target.
start_service() {
  local name=$1 port=$2 module=$3 jar
  jar=$(ls "${JARS_DIR:-$ROOT/$module/target}"/"$module"-*-exec.jar | head -1)
  PORT="$port" nohup "$JAVA_HOME/bin/java" -Xms64m -Xmx384m -XX:TieredStopAtLevel=1 -jar "$jar" \
    >> "$LOGS/$name.log" 2>&1 &
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

# wait_ready <name> <port> [seconds]: until the service's readiness probe answers; fails when its process exits.
# A gateway serving TLS (GATEWAY_TLS=dev) is asked over https, trusting the development certificate.
wait_ready() {
  local name=$1 port=$2 seconds=${3:-120} url="http://127.0.0.1:$2" trust=()
  if [ "$name" = gateway ] && [ -n "${GATEWAY_TLS_CA:-}" ]; then
    url="https://127.0.0.1:$port" trust=(--cacert "$GATEWAY_TLS_CA")
  fi
  for _ in $(seq 1 $(( seconds * 2 ))); do
    curl -fs "${trust[@]}" "$url/actuator/health/readiness" >/dev/null 2>&1 && return 0
    running "$name" || { echo "$name exited:"; tail -30 "$LOGS/$name.log"; return 1; }
    sleep 0.5
  done
  curl -fs "${trust[@]}" "$url/actuator/health/readiness" >/dev/null 2>&1
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
