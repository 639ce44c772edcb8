#!/usr/bin/env bash
# The operator's tool against the local run (or any cluster KAFKA_BOOTSTRAP_SERVERS names): a task's timeline, the
# agents and their lag, dead letters listed and replayed, and the ops page. Reads without a consumer group.
# Usage: deploy/local/mesh.sh timeline <task-or-conversation-id> | agents | dlt list [topic] |
#        dlt replay <topic>-dlt <partition>:<offset>... [--force] | page     (deploy/local/mesh.sh --help for all)
set -euo pipefail
source "$(dirname "$0")/common.sh"
pick_java
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
  running kafka || { echo "The system is not running; start it with deploy/local/up.sh (or set KAFKA_BOOTSTRAP_SERVERS)" >&2; exit 1; }
  export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
fi
if ! ls "$ROOT"/mesh-cli/target/mesh-cli-*-exec.jar >/dev/null 2>&1; then
  echo "Building mesh-cli (first run only)…" >&2
  (cd "$ROOT" && ./mvnw -B -ntp -q -pl mesh-cli -am -DskipTests package) >&2
fi
exec "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -jar "$(ls "$ROOT"/mesh-cli/target/mesh-cli-*-exec.jar | head -1)" "$@"
