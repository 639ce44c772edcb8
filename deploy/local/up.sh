#!/usr/bin/env bash
# Runs the whole system on this machine: a real single-node KRaft Kafka broker (no Docker) and every service as
# its own process. Needs only a JDK 21+ and access to Maven Central. Stop it with deploy/local/down.sh.
# TRACING=zipkin also starts a trace viewer (Zipkin, http://127.0.0.1:9411/) and has every service export to it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
pick_java
cd "$ROOT"
mkdir -p "$LOGS" "$PIDS"

if running kafka; then
  echo "Already running (Kafka pid $(cat "$PIDS/kafka.pid")): open http://127.0.0.1:8080/ or stop it with deploy/local/down.sh."
  exit 0
fi

case "${TRACING:-}" in
  ""|zipkin) ;;
  *) echo "TRACING is '$TRACING': leave it unset, or set TRACING=zipkin for a trace viewer." >&2; exit 2 ;;
esac

started=$(date +%s)

# 1. Build the services once (or when a jar is missing).
for entry in "${SERVICES[@]}"; do
  module="${entry##*:}"
  if ! ls "$module"/target/"$module"-*-exec.jar >/dev/null 2>&1; then
    echo "Building the services (first run only)…"
    ./mvnw -B -ntp -q -DskipTests package
    break
  fi
done

# 2. The broker's jars, at the Kafka version the build uses.
if ! ls "$BROKER_LIB"/kafka_2.13-*.jar >/dev/null 2>&1; then
  echo "Fetching the Kafka broker jars…"
  ./mvnw -B -ntp -q -f deploy/local/broker/pom.xml dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$BROKER_LIB"
fi

# 3. A single-node KRaft broker on 127.0.0.1:$KAFKA_PORT, storage formatted once.
DATA="$RUN/kafka-data"
mkdir -p "$DATA"
cat > "$RUN/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA
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
if [ ! -f "$DATA/meta.properties" ]; then
  cluster_id=$("$JAVA_HOME/bin/java" -cp "$BROKER_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null)
  "$JAVA_HOME/bin/java" -cp "$BROKER_LIB/*" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
    -c "$RUN/server.properties" > "$LOGS/kafka-format.log" 2>&1 || { cat "$LOGS/kafka-format.log"; exit 1; }
fi
echo "Starting Kafka on 127.0.0.1:$KAFKA_PORT…"
start_kafka || exit 1

# 3b. TRACING=zipkin: the trace viewer starts next to the services (it is ready by the time they are); every
#     service exports every trace to it over OTLP, as it would to a collector in production.
if [ "${TRACING:-}" = zipkin ]; then
  start_trace_viewer || exit 1
  export MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT/v1/traces"
  export MANAGEMENT_TRACING_SAMPLING_PROBABILITY="${MANAGEMENT_TRACING_SAMPLING_PROBABILITY:-1.0}"
fi

# 4. The services. Without OPENAI_API_KEY the system runs offline: the realtime-emulator stands in for OpenAI,
#    the manager plans locally, chat composes without an LLM, and the agents use bundled sample data.
STARTED=()
if [ -z "${OPENAI_API_KEY:-}" ]; then
  export WEATHER_PROVIDER="${WEATHER_PROVIDER:-offline}" NEWS_PROVIDER="${NEWS_PROVIDER:-offline}"
  echo "No OPENAI_API_KEY: running offline (emulator upstream, WEATHER_PROVIDER=$WEATHER_PROVIDER, NEWS_PROVIDER=$NEWS_PROVIDER)."
fi
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
export MEMORY_STORE_URL="${MEMORY_STORE_URL:-http://127.0.0.1:8087}"
# GATEWAY_TLS=dev: the gateway serves https and wss with a development certificate made here (for clients that
# only speak wss, such as the openai npm package's realtime client).
SCHEME=http WS=ws
if [ "${GATEWAY_TLS:-}" = dev ]; then
  dev_certificate "$RUN/tls"
  export GATEWAY_TLS_CA="$RUN/tls/gateway-ca.pem"
  SCHEME=https WS=wss
fi
for entry in "${SERVICES[@]}"; do
  IFS=: read -r name port module <<< "$entry"
  if [ "$name" = realtime-emulator ] && [ -n "${OPENAI_API_KEY:-}" ]; then
    continue
  fi
  : > "$LOGS/$name.log"
  if [ "$name" = gateway ] && [ "$SCHEME" = https ]; then
    SPRING_PROFILES_ACTIVE=tls GATEWAY_TLS_KEYSTORE="file:$RUN/tls/gateway.p12" \
      GATEWAY_TLS_KEYSTORE_PASSWORD="$(cat "$RUN/tls/password")" start_service "$name" "$port" "$module"
  else
    start_service "$name" "$port" "$module"
  fi
  STARTED+=("$entry")
done

# 5. Wait until every service reports ready.
for entry in "${STARTED[@]}"; do
  IFS=: read -r name port module <<< "$entry"
  wait_ready "$name" "$port" 120 || { running "$name" && echo "$name not ready after 120 s"; exit 1; }
done
if [ "${TRACING:-}" = zipkin ]; then
  wait_trace_viewer 120 || exit 1
fi

echo
echo "Up in $(( $(date +%s) - started )) s. Logs: deploy/local/run/logs/   Stop: deploy/local/down.sh"
echo
printf '%-18s %-40s %s\n' "what" "URL" "metrics"
printf '%-18s %-40s %s\n' "web UI" "$SCHEME://127.0.0.1:8080/" "-"
printf '%-18s %-40s %s\n' "realtime API" "$WS://127.0.0.1:8080/v1/realtime" "-"
printf '%-18s %-40s %s\n' "kafka" "127.0.0.1:$KAFKA_PORT" "-"
if [ "${TRACING:-}" = zipkin ]; then
  printf '%-18s %-40s %s\n' "trace viewer" "http://127.0.0.1:$ZIPKIN_PORT/" "-"
fi
for entry in "${STARTED[@]}"; do
  IFS=: read -r name port module <<< "$entry"
  base="http://127.0.0.1:$port"
  [ "$name" = gateway ] && base="$SCHEME://127.0.0.1:$port"
  printf '%-18s %-40s %s\n' "$name" "$base/actuator/health" "$base/actuator/prometheus"
done
if [ "$SCHEME" = https ]; then
  echo
  echo "TLS with a development certificate: trust deploy/local/run/tls/gateway-ca.pem (Node: NODE_EXTRA_CA_CERTS=…)."
fi
echo
echo "Open $SCHEME://127.0.0.1:8080/ and ask: What's the weather in Paris and any news about France?"
echo "Or without a browser: deploy/local/ask.sh \"What's the weather in Paris and any news about France?\""
