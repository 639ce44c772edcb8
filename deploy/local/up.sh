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
  echo "Already running (Kafka pid $(cat "$PIDS/kafka.pid")): open http://127.0.0.1:$(( 8080 + PORT_OFFSET ))/ or stop it with deploy/local/down.sh."
  exit 0
fi

case "${TRACING:-}" in
  ""|zipkin) ;;
  *) echo "TRACING is '$TRACING': leave it unset, or set TRACING=zipkin for a trace viewer." >&2; exit 2 ;;
esac

# Every port must be free: another checkout's system may be running (then set LOCAL_PORT_OFFSET, e.g. 100).
for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" $(for entry in "${SERVICES[@]}"; do IFS=: read -r _ p _ <<< "$entry"; echo $(( p + PORT_OFFSET )); done); do
  if port_in_use "$port"; then
    echo "Port $port is in use (another system running from another checkout?); stop it, or set LOCAL_PORT_OFFSET." >&2
    exit 1
  fi
done

started=$(now_ms)

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
broker_properties "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$DATA" > "$RUN/server.properties"
if [ ! -f "$DATA/meta.properties" ]; then
  format_storage "$RUN/server.properties" "$LOGS/kafka-format.log" || exit 1
fi
echo "Starting Kafka on 127.0.0.1:$KAFKA_PORT…"
kafka_from=$(now_ms)
start_kafka || exit 1
kafka_ready=$(now_ms)

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
# The manager keeps the embeddings of the agents' card texts here between starts: a warm start learns the cards
# without running the sentence model over them again (about 4 of the manager's CPU seconds; requests are never kept).
export MANAGER_CARD_EMBEDDINGS="${MANAGER_CARD_EMBEDDINGS:-$RUN/manager-card-embeddings.bin}"
# … and the skill models its local planner trained on those cards: a warm start with the same cards trains nothing
# (about 1.5 of the manager's CPU seconds, between the agents' first heartbeats and the manager planning with them).
export MANAGER_SKILL_MODELS="${MANAGER_SKILL_MODELS:-$RUN/manager-skill-models.bin}"
export MEMORY_STORE_URL="${MEMORY_STORE_URL:-http://127.0.0.1:$(( 8087 + PORT_OFFSET ))}"
if [ "$PORT_OFFSET" != 0 ] && [ -z "${OPENAI_API_KEY:-}" ]; then
  export REALTIME_UPSTREAM_URL="${REALTIME_UPSTREAM_URL:-ws://127.0.0.1:$(( 8090 + PORT_OFFSET ))/v1/realtime}"
fi
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
  port=$(( port + PORT_OFFSET ))
  entry="$name:$port:$module"
  : > "$LOGS/$name.log"
  if [ "$name" = gateway ] && [ "$SCHEME" = https ]; then
    SPRING_PROFILES_ACTIVE=tls GATEWAY_TLS_KEYSTORE="file:$RUN/tls/gateway.p12" \
      GATEWAY_TLS_KEYSTORE_PASSWORD="$(cat "$RUN/tls/password")" start_service "$name" "$port" "$module"
  else
    start_service "$name" "$port" "$module"
  fi
  STARTED+=("$entry")
done

# 5. Wait until every service reports ready, all at once, noting when each became ready and the CPU time its JVM
#    had used by then (in $RUN/startup.tsv, which benchmarks/run.sh --local reads), then until the manager plans
#    with every agent.
services_from=$(now_ms)
printf 'what\tready_ms\tcpu_ms\tarchive\n' > "$RUN/startup.tsv"
printf 'kafka\t%d\t%d\t-\n' $(( kafka_ready - kafka_from )) "$(cpu_ms "$(cat "$PIDS/kafka.pid")")" >> "$RUN/startup.tsv"
waiting=("${STARTED[@]}")
while [ ${#waiting[@]} -gt 0 ]; do
  still=()
  ready_now=" $(ready_ports "${waiting[@]}" | tr '\n' ' ') " round=$(now_ms)
  for entry in "${waiting[@]}"; do
    IFS=: read -r name port module <<< "$entry"
    if [[ "$ready_now" == *" $port "* ]]; then
      archive=no
      [ -f "$APPS/$module/archive" ] && [ "${LOCAL_ARCHIVES:-on}" = on ] && archive=yes
      printf '%s\t%d\t%d\t%s\n' "$name" $(( round - services_from )) "$(cpu_ms "$(cat "$PIDS/$name.pid")")" \
        "$archive" >> "$RUN/startup.tsv"
    elif ! running "$name"; then
      echo "$name exited:"; tail -30 "$LOGS/$name.log"; exit 1
    elif [ $(( round - services_from )) -gt $(( ${LOCAL_READY_TIMEOUT:-300} * 1000 )) ]; then
      echo "$name not ready after ${LOCAL_READY_TIMEOUT:-300} s"; exit 1
    else
      still+=("$entry")
    fi
  done
  waiting=("${still[@]}")
  [ ${#waiting[@]} -eq 0 ] || sleep 0.2
done
# Ready is not yet usable: the manager plans with an agent once it has read its card from the registry and its
# local planner has learned it, which it logs as "Agent '<name>' is live". Wait for that for every agent started.
for entry in "${STARTED[@]}"; do
  IFS=: read -r name port module <<< "$entry"
  [[ "$module" == *-agent ]] || continue
  until grep -q "Agent '${module%-agent}' is live" "$LOGS/agent-manager.log" 2>/dev/null; do
    if [ $(( $(now_ms) - services_from )) -gt $(( ${LOCAL_READY_TIMEOUT:-300} * 1000 )) ]; then
      echo "the manager has not planned with ${module%-agent} after ${LOCAL_READY_TIMEOUT:-300} s"; exit 1
    fi
    sleep 0.2
  done
done
if [ "${TRACING:-}" = zipkin ]; then
  wait_trace_viewer 120 || exit 1
fi
printf 'agents-live\t%d\t%d\t-\n' $(( $(now_ms) - services_from )) "$(cpu_ms "$(cat "$PIDS/agent-manager.pid")")" \
  >> "$RUN/startup.tsv"
up_ms=$(( $(now_ms) - started ))
printf 'total\t%d\t-\t-\n' "$up_ms" >> "$RUN/startup.tsv"

# 6. Services without an archive yet get one for their next start, made in the background (see common.sh).
modules=()
for entry in "${STARTED[@]}"; do modules+=("${entry##*:}"); done
[ "${LOCAL_ARCHIVES:-on}" = on ] && start_training "${modules[@]}"

echo
printf 'Up in %.1f s (Kafka %.1f s, then the services: %s).\n' "$(ms_to_s "$up_ms")" \
  "$(ms_to_s $(( kafka_ready - kafka_from )))" \
  "$(awk -F'\t' 'NR > 2 && $1 != "total" && $1 != "agents-live" { printf "%s%s %.1f s", sep, $1, $2 / 1000; sep = ", " }
  $1 == "agents-live" { live = $2 / 1000 } END { printf ", all agents planned with %.1f s", live }' "$RUN/startup.tsv")"
if [ -f "$PIDS/training.pid" ]; then
  echo "First start of this build: archives for a faster next start are being made in the background (a few minutes: a training system starts and stops at low priority)."
fi
echo "Logs: deploy/local/run/logs/   Stop: deploy/local/down.sh"
echo
printf '%-18s %-40s %s\n' "what" "URL" "metrics"
printf '%-18s %-40s %s\n' "web UI" "$SCHEME://127.0.0.1:$(( 8080 + PORT_OFFSET ))/" "-"
printf '%-18s %-40s %s\n' "realtime API" "$WS://127.0.0.1:$(( 8080 + PORT_OFFSET ))/v1/realtime" "-"
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
echo "Open $SCHEME://127.0.0.1:$(( 8080 + PORT_OFFSET ))/ and ask: What's the weather in Paris and any news about France?"
echo "Or without a browser: deploy/local/ask.sh \"What's the weather in Paris and any news about France?\""
