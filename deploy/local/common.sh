# Shared by up.sh, down.sh and ask.sh. Everything the local run makes lives under deploy/local/run/.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/deploy/local/run"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
BROKER_LIB="$RUN/broker-lib"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"

# name:port:module, in start order (the realtime-emulator only runs when no OPENAI_API_KEY is set)
SERVICES=(
  "realtime-emulator:8090:realtime-emulator"
  "agent-manager:8081:agent-manager"
  "weather-agent:8082:weather-agent"
  "news-agent:8083:news-agent"
  "chat-agent:8084:chat-agent"
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
