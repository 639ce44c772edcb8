#!/usr/bin/env bash
# Fault scenarios against the real local system: starts it with up.sh, breaks one thing at a time, checks what a
# user would notice, prints one PASS/FAIL line per scenario and a summary, stops everything it started.
# Usage: deploy/local/chaos.sh [scenario…]   scenarios: agent-crash agent-failover manager-failover
#        broker-restart upstream-drop soak; no argument runs the five fault scenarios, `all` adds the soak.
# Exit status: 0 when every scenario passed, 1 otherwise, 2 when the system could not be started.
set -uo pipefail
source "$(dirname "$0")/common.sh"
pick_java
cd "$ROOT"

FAULTS=(agent-crash agent-failover manager-failover broker-restart upstream-drop)
case "${1:-}" in
  "") SCENARIOS=("${FAULTS[@]}") ;;
  all) SCENARIOS=("${FAULTS[@]}" soak) ;;
  -h|--help) sed -n 2,6p "$0"; exit 0 ;;
  *) SCENARIOS=("$@") ;;
esac

SOAK_SESSIONS="${SOAK_SESSIONS:-50}"
SOAK_TURNS="${SOAK_TURNS:-20}"
DEADLINE_MS=8000   # the gateway's TASK_DEADLINE
GRACE_MS=3000      # the gateway's grace after the deadline before it answers a call itself
QUESTION="What's the weather in Paris and any news about France?"
DRIVERS="$ROOT/deploy/local/chaos"
OUT="$RUN/chaos"

if running kafka; then
  echo "A local system is already running (deploy/local/run/pids); chaos.sh breaks processes, so it runs only its own." >&2
  echo "Stop it with deploy/local/down.sh first." >&2
  exit 2
fi
cleanup() {  # resume anything paused, end the clients still running, then stop every service and the broker
  local pidfile
  for pidfile in "$PIDS"/*.pid; do [ -f "$pidfile" ] && kill -CONT "$(cat "$pidfile")" 2>/dev/null; done
  for pid in $(jobs -p); do kill "$pid" 2>/dev/null; done
  "$ROOT/deploy/local/down.sh" > "$LOGS/chaos-down.log" 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$OUT" && mkdir -p "$OUT"
# Run copies of the jars, so a rebuild while the scenarios run cannot pull classes from under a running service;
# a jar is copied only once it has not changed for 10 s and its copy reads as a complete archive.
if [ -n "$(ls "$ROOT"/*/target/*-exec.jar 2>/dev/null)" ]; then
  rm -rf "$RUN/chaos-jars" && mkdir -p "$RUN/chaos-jars"
  for entry in "${SERVICES[@]}"; do
    module="${entry##*:}"
    for _ in $(seq 1 30); do
      jar=$(ls "$module"/target/"$module"-*-exec.jar 2>/dev/null | head -1)
      [ -n "$jar" ] || break
      if [ $(( $(date +%s) - $(stat -c %Y "$jar") )) -ge 10 ] && cp -p "$jar" "$RUN/chaos-jars/" \
          && cmp -s "$jar" "$RUN/chaos-jars/$(basename "$jar")" \
          && "$JAVA_HOME/bin/jar" tf "$RUN/chaos-jars/$(basename "$jar")" > /dev/null 2>&1; then
        break
      fi
      rm -f "$RUN/chaos-jars/$(basename "$jar")"
      sleep 2
    done
    ls "$RUN/chaos-jars/$module"-*-exec.jar > /dev/null 2>&1 || { echo "no stable $module jar (being rebuilt?)"; exit 2; }
  done
  export JARS_DIR="$RUN/chaos-jars"
fi
# The soak opens all its sessions from this one address; the gateway limits sessions per client (default 20).
export GATEWAY_MAX_SESSIONS_PER_CLIENT="${GATEWAY_MAX_SESSIONS_PER_CLIENT:-$(( ${SOAK_SESSIONS:-50} + 10 ))}"
# AGENT_SESSION_TIMEOUT_MS (optional) sets the agents' consumer session timeout, to measure agent-failover with it.
if [ -n "${AGENT_SESSION_TIMEOUT_MS:-}" ]; then
  export SPRING_KAFKA_CONSUMER_PROPERTIES_SESSION_TIMEOUT_MS="$AGENT_SESSION_TIMEOUT_MS"
  export SPRING_KAFKA_CONSUMER_PROPERTIES_HEARTBEAT_INTERVAL_MS="$(( AGENT_SESSION_TIMEOUT_MS / 3 ))"
fi
echo "Starting the system (deploy/local/up.sh, log in deploy/local/run/logs/chaos-up.log)…"
"$ROOT/deploy/local/up.sh" > "$OUT/up.log" 2>&1 || { cat "$OUT/up.log"; exit 2; }
cp "$OUT/up.log" "$LOGS/chaos-up.log"

# Services chaos.sh (re)starts get what up.sh gave them.
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
if [ -z "${OPENAI_API_KEY:-}" ]; then
  export WEATHER_PROVIDER="${WEATHER_PROVIDER:-offline}" NEWS_PROVIDER="${NEWS_PROVIDER:-offline}"
fi

passed=0; failed=0
pass() { echo "PASS $1: $2"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

driver() {  # driver <File.java> args…: a single-file program with the broker's jars (Jackson, Kafka clients)
  local file=$1; shift
  "$JAVA_HOME/bin/java" -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BROKER_LIB/*" "$DRIVERS/$file" "$@"
}
pid_of() { cat "$PIDS/$1.pid" 2>/dev/null; }
now_ms() { date +%s%3N; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2" | head -1; }   # field <name> <line>
seconds() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
wait_for_line() {  # wait_for_line <file> <pattern> <seconds>
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
assignments() { grep -c "partitions assigned: \[$2" "$LOGS/$1.log" 2>/dev/null; }   # assignments <service> <topic>
wait_assignment() {  # wait_assignment <service> <topic> <count before> <seconds>: a new non-empty assignment
  for _ in $(seq 1 $(( $4 * 10 ))); do
    [ "$(assignments "$1" "$2")" -gt "$3" ] && return 0
    sleep 0.1
  done
  return 1
}
one_turn() {  # one_turn <output file>: one delegated turn through the gateway; prints its TURN line
  driver RealtimeTurns.java turns --question "$QUESTION" --turn-timeout-s 25 > "$1" 2>&1
  grep '^TURN' "$1" | head -1
}

# 1. An agent dies with a subtask in flight: news-agent is paused (SIGSTOP) so the subtask the manager sends it
#    stays in flight on its partitions, the user asks, the agent is killed (-9) mid-task. The turn must end at the
#    deadline with a partial result naming news and an answer; after a restart the next turn is complete.
agent_crash() {
  local name=agent-crash out="$OUT/agent-crash.out" line before t0 restart_s
  kill -STOP "$(pid_of news-agent)"
  driver RealtimeTurns.java turns --question "$QUESTION" --turn-timeout-s 25 > "$out" 2>&1 &
  local client=$!
  sleep 3
  stop_service news-agent KILL
  wait "$client"
  line=$(grep '^TURN' "$out" | head -1)
  before=$(assignments news-agent news-requests)
  t0=$(now_ms)
  start_service news-agent 8083 news-agent
  if ! wait_ready news-agent 8083 120 > /dev/null || ! wait_assignment news-agent news-requests "$before" 120; then
    fail $name "news-agent did not come back with partitions after a restart; first turn: ${line:-none}"; return
  fi
  restart_s=$(( ($(now_ms) - t0) / 1000 ))
  local after
  after=$(one_turn "$OUT/agent-crash-after.out")
  local ms; ms=$(field ms "$line")
  if [[ "$line" == *status=partial* && "$line" == *news:timed_out* && "$line" == *weather:answered* \
        && "$line" == *answer=\"?*news* && -n "$ms" && "$ms" -le $((DEADLINE_MS + 2000)) \
        && "$after" == *status=complete* ]]; then
    pass $name "killed news-agent mid-task: partial result after ${ms} ms ($(field outcomes "$line")), the user got an answer naming it (\"$(sed -n 's/.*answer="\(.*\)"$/\1/p' <<< "$line" | grep -o '[^.]*news agent[^.]*' | head -1)\"); restarted, partitions back after ${restart_s} s, next turn complete in $(field ms "$after") ms ($(field outcomes "$after"))"
  else
    fail $name "turn during the crash: ${line:-none}; turn after restart: ${after:-none}"
  fi
}

# 2. Two replicas of news-agent, one paused and then killed (-9) while it holds subtasks: does the other one get
#    them (redelivery) before the deadline, and is every reply sent once?
agent_failover() {
  local name=agent-failover out="$OUT/agent-failover.out" before t0 redelivered_ms=-1 summary
  : > "$LOGS/news-agent-2.log"
  AGENT_INSTANCEID=news-agent-2 start_service news-agent-2 8085 news-agent
  if ! wait_ready news-agent-2 8085 120 > /dev/null || ! wait_assignment news-agent-2 news-requests 0 90; then
    fail $name "the second news-agent replica did not get partitions"; return
  fi
  sleep 3   # let the first replica finish the rebalance too
  before=$(assignments news-agent-2 news-requests)
  local paused; paused=$(now_ms)
  kill -STOP "$(pid_of news-agent)"
  driver KafkaTasks.java --request "Any news about France?" --watch-s 20 > "$out" 2>&1 &
  local client=$!
  wait_for_line "$out" '^PUBLISHED' 30
  sleep 1
  t0=$(now_ms)
  stop_service news-agent KILL
  wait "$client"
  # The survivor's next assignment, timed by its log line (the client above watched for 20 s meanwhile).
  if wait_assignment news-agent-2 news-requests "$before" 70; then
    local stamp; stamp=$(grep "partitions assigned: \[news-requests" "$LOGS/news-agent-2.log" | sed -n "$((before + 1))p" | cut -c1-24)
    redelivered_ms=$(( $(date -d "$stamp" +%s%3N) - t0 ))
  fi
  sleep 1
  summary=$(grep '^SUMMARY' "$out")
  local expired; expired=$(grep 'Subtask expired before it started' "$LOGS/news-agent-2.log" \
    | grep -c -F -f <(sed -n 's/^TASK id=\([^ ]*\).*/taskId=\1/p' "$out"))
  local partial; partial=$(field partial "$summary")
  local session_timeout; session_timeout=$(grep -m1 -o 'session.timeout.ms = [0-9]*' "$LOGS/news-agent-2.log" | grep -o '[0-9]*$')
  local evidence="redelivery to the other replica $([ "$redelivered_ms" -ge 0 ] && echo "$(seconds "$redelivered_ms") s after the kill -9 ($(seconds $(( redelivered_ms + t0 - paused ))) s after it was paused, i.e. stopped heartbeating)" || echo "not within 70 s of the kill -9"); $(field with_one_result "$summary")/$(field tasks "$summary") tasks one result, $(field complete "$summary") complete, ${partial:-?} partial, duplicate results $(field duplicate_results "$summary"), duplicate replies $(field duplicate_replies "$summary"), subtasks the survivor dropped as expired: $expired"
  if [ "$(field complete "$summary")" = "$(field tasks "$summary")" ] && [ "$(field duplicate_replies "$summary")" = 0 ] \
      && [ "$(field duplicate_results "$summary")" = 0 ] && [ -n "$summary" ]; then
    pass $name "$evidence"
  elif [ "$redelivered_ms" -lt 0 ] || [ "$redelivered_ms" -gt "$DEADLINE_MS" ]; then
    fail $name "redelivery cannot beat the ${DEADLINE_MS} ms deadline with these settings (agents' consumer session.timeout.ms=${session_timeout:-?}, classic group protocol: a killed replica's partitions move only when its session expires): $evidence; proposal: agents' spring.kafka.consumer.properties session.timeout.ms=6000 (the broker's default group.min.session.timeout.ms) and heartbeat.interval.ms=2000, measured with AGENT_SESSION_TIMEOUT_MS=6000"
  else
    fail $name "$evidence"
  fi
  start_service news-agent 8083 news-agent
  wait_ready news-agent 8083 120 > /dev/null
  stop_service news-agent-2 TERM
}

# 3. Two manager instances; the one that took tasks is killed (-9) mid-aggregation (news is paused, so every task
#    waits for it): exactly one result per task must reach agent-results.
manager_failover() {
  local name=manager-failover out="$OUT/manager-failover.out" summary
  : > "$LOGS/agent-manager-2.log"
  MANAGER_INSTANCE_ID=agent-manager-2 MANAGER_STATE_DIR="$RUN/agent-manager-2-state" \
    start_service agent-manager-2 8086 agent-manager
  if ! wait_ready agent-manager-2 8086 120 > /dev/null \
      || ! wait_for_line "$LOGS/agent-manager-2.log" 'State transition from REBALANCING to RUNNING' 90; then
    fail $name "the second manager instance did not start processing"; return
  fi
  sleep 3
  kill -STOP "$(pid_of news-agent)"
  driver KafkaTasks.java --request "$QUESTION" --watch-s 35 > "$out" 2>&1 &
  local client=$!
  wait_for_line "$out" '^PUBLISHED' 30
  sleep 1.5
  stop_service agent-manager KILL
  kill -CONT "$(pid_of news-agent)"
  wait "$client"
  summary=$(grep '^SUMMARY' "$out")
  local late; late=$(awk '/^TASK/ { for (i = 1; i <= NF; i++) if ($i ~ /^first_result_ms=/) { split($i, kv, "="); if (kv[2] > 9000) n++ } } END { print n + 0 }' "$out")
  local evidence="$(field with_one_result "$summary")/$(field tasks "$summary") tasks got exactly one result ($(field complete "$summary") complete, $(field partial "$summary") partial), duplicates $(field duplicate_results "$summary"), missing $(field missing "$summary"); $late of them finished by the surviving instance after the kill (result later than 9 s)"
  if [ -n "$summary" ] && [ "$(field with_one_result "$summary")" = "$(field tasks "$summary")" ]; then
    pass $name "$evidence"
  else
    fail $name "${evidence}; see $out"
  fi
  start_service agent-manager 8081 agent-manager
  wait_ready agent-manager 8081 120 > /dev/null
  stop_service agent-manager-2 TERM
}

# 4. The broker stops while a session is open and comes back: the turn during the outage must get a spoken failure
#    within deadline + grace, every service process must survive and be ready again, the next turn must work.
broker_restart() {
  local name=broker-restart out="$OUT/broker-restart.out" steps="$OUT/steps" entry svc port
  rm -rf "$steps" && mkdir -p "$steps"
  local pids_before="" ready=ok
  for entry in "${SERVICES[@]}"; do pids_before+="$(pid_of "${entry%%:*}") "; done
  driver RealtimeTurns.java turns --turns 3 --question "$QUESTION" --turn-timeout-s 30 --step-dir "$steps" > "$out" 2>&1 &
  local client=$!
  if ! wait_for_line "$out" 'turn=1 ' 40; then fail $name "no first turn: $(head -3 "$out")"; kill "$client"; return; fi
  stop_service kafka TERM
  cp "$LOGS/kafka.log" "$LOGS/kafka-before-restart.log"
  sleep 2
  touch "$steps/turn2"
  wait_for_line "$out" 'turn=2 ' 40
  local t0; t0=$(now_ms)
  start_kafka > "$OUT/kafka-restart.out" 2>&1 || ready="the broker did not restart: $(tail -3 "$OUT/kafka-restart.out")"
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r svc port _ <<< "$entry"
    wait_ready "$svc" "$port" 90 > /dev/null || ready="$svc not ready"
  done
  local ready_s=$(( ($(now_ms) - t0) / 1000 ))
  touch "$steps/turn3"
  wait "$client"
  local pids_after=""
  for entry in "${SERVICES[@]}"; do
    local pid; pid=$(pid_of "${entry%%:*}")
    kill -0 "$pid" 2>/dev/null && pids_after+="$pid " || pids_after+="dead "
  done
  local t1 t2 t3
  t1=$(grep 'turn=1 ' "$out"); t2=$(grep 'turn=2 ' "$out"); t3=$(grep 'turn=3 ' "$out")
  local ms2; ms2=$(field ms "$t2")
  if [[ "$t1" == *status=complete* && "$t2" == *status=failed* && "$t2" == *answer=\"?* && -n "$ms2" \
        && "$ms2" -le $((DEADLINE_MS + GRACE_MS)) && "$ready" == ok && "$pids_before" == "$pids_after" \
        && "$t3" == *status=complete* ]]; then
    pass $name "same session: turn before the outage complete; turn during the outage answered with a failure after ${ms2} ms ($(grep -o 'error="[^"]*"' <<< "$t2")); broker restarted, broker and all services ready ${ready_s} s after the restart began, with the same pids (no restarts); next turn complete in $(field ms "$t3") ms"
  else
    fail $name "ready: $ready after ${ready_s} s; pids before [$pids_before] after [$pids_after]; turn 1: ${t1:-none}; turn 2: ${t2:-none}; turn 3: ${t3:-none}"
  fi
}

# 5. The upstream realtime socket drops (the emulator is killed) while a session is open: the client must get an
#    error event upstream_closed and a clean close; a new session works once the emulator is back.
upstream_drop() {
  local name=upstream-drop out="$OUT/upstream-drop.out"
  driver RealtimeTurns.java hold > "$out" 2>&1 &
  local client=$!
  if ! wait_for_line "$out" '^READY' 40; then fail $name "no session: $(head -3 "$out")"; kill "$client"; return; fi
  stop_service realtime-emulator KILL
  wait "$client"
  local closed; closed=$(grep '^CLOSED' "$out")
  start_service realtime-emulator 8090 realtime-emulator
  wait_ready realtime-emulator 8090 120 > /dev/null
  local after; after=$(one_turn "$OUT/upstream-drop-after.out")
  local gateway_alive=no; running gateway && gateway_alive=yes
  if [[ "$closed" == *error_code=upstream_closed* && "$closed" == *close_code=1011* && "$gateway_alive" == yes \
        && "$after" == *status=complete* ]]; then
    pass $name "emulator killed (-9) under an open session: the client got an error event upstream_closed and close code 1011 (session ended $(field ms_after_ready "$closed") ms after it opened), gateway still up; emulator restarted, a new session's turn complete in $(field ms "$after") ms"
  else
    fail $name "session end: ${closed:-none}; gateway alive: $gateway_alive; new session after restart: ${after:-none}"
  fi
}

heap_after_gc() {  # the gateway's used heap in bytes after a forced full GC
  sleep 3   # let closed sessions finish closing
  "$JAVA_HOME/bin/jcmd" "$(pid_of gateway)" GC.run > /dev/null 2>&1
  sleep 2
  curl -fs http://127.0.0.1:8080/actuator/prometheus | awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ { sum += $NF } END { printf "%d\n", sum }'
}

# Soak: SOAK_SESSIONS concurrent sessions, each SOAK_TURNS delegated turns in a row; every turn must get a complete
# or partial result and an answer, and the gateway's heap after a full GC must not grow.
soak() {
  local name=soak out="$OUT/soak.out" before after t0 secs summary
  before=$(heap_after_gc)
  t0=$(now_ms)
  driver RealtimeTurns.java turns --sessions "$SOAK_SESSIONS" --turns "$SOAK_TURNS" --question "$QUESTION" \
    --turn-timeout-s 30 > "$out" 2>&1
  secs=$(( ($(now_ms) - t0) / 1000 ))
  after=$(heap_after_gc)
  # What holds on to memory: the biggest classes, and the gateway's open sessions, after the soak.
  "$JAVA_HOME/bin/jcmd" "$(pid_of gateway)" GC.class_histogram > "$OUT/soak-gateway-histogram.txt" 2>&1
  local active; active=$(curl -fs http://127.0.0.1:8080/actuator/prometheus | awk '/^gateway_sessions_active/ { print $NF }')
  local scheduled; scheduled=$(awk '$4 ~ /ScheduledFutureTask$/ { print $2 }' "$OUT/soak-gateway-histogram.txt" | head -1)
  summary=$(grep '^SUMMARY' "$out")
  local total ok growth limit complete partial
  total=$(field turns "$summary"); complete=$(field complete "$summary"); partial=$(field partial "$summary")
  ok=$(( ${complete:-0} + ${partial:-0} ))
  growth=$(( after - before ))
  limit=$(( before / 10 > 8388608 ? before / 10 : 8388608 ))   # 10 % or 8 MiB, whichever is larger
  local ooms; ooms=$(grep -c 'OutOfMemoryError' "$LOGS/gateway.log")
  local evidence="$SOAK_SESSIONS sessions x $SOAK_TURNS turns = $total turns in ${secs} s (MAX_MESSAGE_SIZE=${MAX_MESSAGE_SIZE:-16MB default}, gateway OutOfMemoryErrors logged: $ooms): $(field complete "$summary") complete, $(field partial "$summary") partial, $(field failed "$summary") failed, $(field lost "$summary") lost, $(field errors "$summary") session errors; gateway heap after full GC $((before / 1048576)) MiB before, $((after / 1048576)) MiB after ($before -> $after bytes) with ${active:-?} sessions open and ${scheduled:-0} ScheduledFutureTask objects alive (histogram: deploy/local/run/chaos/soak-gateway-histogram.txt)"
  if [ -n "$summary" ] && [ "$ok" = "$total" ] && [ "$(field lost "$summary")" = 0 ] \
      && [ "$(field errors "$summary")" = 0 ] && [ "$growth" -le "$limit" ]; then
    pass $name "$evidence"
  else
    fail $name "${evidence}; heap growth limit $((limit / 1048576)) MiB; see $out"
  fi
}

# Ready is not yet serving: wait until every agent's consumer holds partitions and the manager is processing.
gate_started=$(now_ms)
for agent in weather news chat; do
  wait_assignment "$agent-agent" "$agent-requests" 0 120 || { echo "$agent-agent got no partitions within 120 s"; exit 2; }
done
wait_for_line "$LOGS/agent-manager.log" 'State transition from REBALANCING to RUNNING' 120 \
  || { echo "agent-manager is not processing after 120 s"; exit 2; }
echo "System up; agents consuming $(seconds $(( $(now_ms) - gate_started ))) s after ready. Scenarios: ${SCENARIOS[*]}"

for scenario in "${SCENARIOS[@]}"; do
  case "$scenario" in
    agent-crash|agent-failover|manager-failover|broker-restart|upstream-drop|soak) "${scenario//-/_}" ;;
    *) fail "$scenario" "unknown scenario (known: ${FAULTS[*]} soak)" ;;
  esac
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
