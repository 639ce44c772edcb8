#!/usr/bin/env bash
# Stops exactly what up.sh started: a training run making start-up archives (see common.sh), the services, then
# the broker.
set -uo pipefail
source "$(dirname "$0")/common.sh"

stop() {
  local name=$1 pid
  [ -f "$PIDS/$name.pid" ] || return 0
  pid=$(cat "$PIDS/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid"
}

stop_training
for (( i=${#SERVICES[@]}-1; i>=0; i-- )); do
  stop "${SERVICES[$i]%%:*}"
done
# Anything else started next to them (e.g. by chaos.sh: a second replica), then the broker.
for pidfile in "$PIDS"/*.pid; do
  name=$(basename "$pidfile" .pid)
  [ -f "$pidfile" ] && [ "$name" != kafka ] && [ "$name" != training ] && stop "$name"
done
stop kafka
