#!/usr/bin/env bash
# Asks the running system one question through Kafka, as the gateway would, and prints the agents' answers.
# Usage: deploy/local/ask.sh "What's the weather in Paris and any news about France?"
set -euo pipefail
source "$(dirname "$0")/common.sh"
pick_java
[ $# -gt 0 ] || { echo "usage: $0 \"question\"" >&2; exit 2; }
running kafka || { echo "The system is not running; start it with deploy/local/up.sh" >&2; exit 1; }
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}"
exec "$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BROKER_LIB/*" \
  "$ROOT/deploy/local/Ask.java" "$@"
