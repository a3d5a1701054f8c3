#!/usr/bin/env bash
# Starts Ferry's embedded Temporal server: the Temporal CLI's dev server (scripts/temporal-cli.sh
# builds it once) with its SQLite database in $FERRY_ENGINE_DIR, Ferry's search attributes, its Web
# UI bound to localhost, and the namespace's retention set. Returns once the frontend answers
# GetSystemInfo; on any failure prints one line naming the cause, exits 1 and leaves nothing running.
#
#   engine.sh PORT PID_FILE LOG_FILE      (run by scripts/cluster.sh start engine)
#
# The database lives exactly as long as the hosts it describes: $FERRY_HOSTS_GENERATION names them
# (an id made with the hosts, deleted with them). A database written for another generation describes
# hosts that no longer exist: it is said so and the server starts clean, never mixing the two.
set -euo pipefail
FERRY_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=$1 PID_FILE=$2 LOG=$3
UI_PORT=${FERRY_UI_PORT:-$((PORT + 1000))}
DIR=${FERRY_ENGINE_DIR:?}
GENERATION=${FERRY_HOSTS_GENERATION:?}
NAMESPACE=${FERRY_NAMESPACE:-default}
# How long closed moves stay visible (list, Web UI, history export); the dev server's default is 24 h.
RETENTION=${FERRY_RETENTION:-168h}
DB=$DIR/temporal.db
SEARCH_ATTRIBUTES=(InstanceId SourceHost DestHost MigrationType MigrationStatus)

die() { echo "engine: error: $*" >&2; exit 1; }

BIN=$("$FERRY_HOME/scripts/temporal-cli.sh") || exit 1

port_taken() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_taken "$PORT" && die "port $PORT is already in use: another Temporal server or process listens there (set FERRY_PORT)"
port_taken "$UI_PORT" && die "the Web UI's port $UI_PORT is already in use (set FERRY_UI_PORT)"

mkdir -p "$DIR" 2>/dev/null && [ -w "$DIR" ] || die "the database directory $DIR is not writable"
if [ -e "$DB" ] && [ "$(cat "$DIR/hosts-generation" 2>/dev/null)" != "$GENERATION" ]; then
  echo "engine: $DB describes hosts that no longer exist (they were torn down since): starting clean"
  rm -f "$DB" "$DB-wal" "$DB-shm"
fi
if [ -e "$DB" ] && [ ! -w "$DB" ]; then die "the database $DB is not writable"; fi
if [ -s "$DB" ] && [ "$(head -c 15 "$DB")" != "SQLite format 3" ]; then
  die "the database $DB is not an SQLite database (corrupt?): move it away or run cluster.sh down"
fi
echo "$GENERATION" > "$DIR/hosts-generation"

flags=()
for a in "${SEARCH_ATTRIBUTES[@]}"; do flags+=(--search-attribute "$a=Keyword"); done
# The Web UI can cancel and terminate moves: it is bound to localhost only.
setsid "$BIN" server start-dev --ip localhost --port "$PORT" --ui-ip localhost --ui-port "$UI_PORT" \
  --db-filename "$DB" --namespace "$NAMESPACE" --log-level warn "${flags[@]}" \
  >> "$LOG" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$PID_FILE"

fail() { # the server is not usable: stop it and say why in one line
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  local cause
  cause=$(grep -v '^\s*$' "$LOG" | grep -iE 'error|fail|unable|cannot' | tail -1 | cut -c1-300 || true)
  die "$1${cause:+: $cause} (log: $LOG)"
}

# Ready = the frontend answers GetSystemInfo (not a log line).
deadline=$((SECONDS + 60))
until "$BIN" operator cluster system --address "localhost:$PORT" > /dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || fail "the Temporal server exited during start-up"
  [ $SECONDS -lt $deadline ] || fail "the Temporal server did not answer on localhost:$PORT within 60 s"
  sleep 0.2
done
"$BIN" operator namespace update --address "localhost:$PORT" --namespace "$NAMESPACE" \
  --retention "$RETENTION" > /dev/null 2>> "$LOG" || fail "cannot set the retention of namespace $NAMESPACE"
echo "engine: Temporal server (pid $pid) on localhost:$PORT, Web UI http://localhost:$UI_PORT, database $DB, retention $RETENTION" >> "$LOG"
