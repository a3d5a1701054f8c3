#!/usr/bin/env bash
# Runs Ferry's processes on this machine, each with its own log and pid file: the engine (a real
# Temporal server: the Temporal CLI's dev server on $FERRY_PORT, its Web UI on localhost:$FERRY_PORT+1000,
# its SQLite database under the state dir; scripts/engine.sh), the conductor, and one host agent per
# host. Hosts are libvirt test:/// hosts, or with FERRY_TESTBED=1 the real libvirt daemons of
# testbed/ (hosts-up.sh first): each agent then runs inside its host's mount and UTS namespaces
# (testbed/host-exec.sh) with the arguments testbed/agent-args.sh prints.
#
#   cluster.sh up [HOST...]        engine + conductor + agents (default hosts: h1 h2)
#   cluster.sh start engine|conductor|agent HOST
#   cluster.sh kill conductor|agent-HOST|engine     SIGKILL (a crash)
#   cluster.sh stop conductor|agent-HOST|engine     SIGTERM (graceful)
#   cluster.sh ui                  where the Temporal Web UI shows Ferry's moves
#   cluster.sh status | down     down also deletes the engine's database with the hosts it describes
# FERRY_ENGINE=java-test-server runs Temporal's Java test server instead (in memory, no visibility,
# no Web UI; sticky caching off against it).
set -euo pipefail
FERRY_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${FERRY_STATE_DIR:-$FERRY_HOME/.ferry}
PORT=${FERRY_PORT:-7233}
ENGINE=${FERRY_ENGINE:-temporal}
JAR=$FERRY_HOME/worker/target/ferry-worker-exec.jar
JAVA_OPTS=${FERRY_JAVA_OPTS:--Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
mkdir -p "$STATE/logs" "$STATE/pids" "$STATE/hosts"

die() { echo "cluster.sh: error: $*" >&2; exit 1; }
[ -f "$JAR" ] || die "$JAR is missing; build first: mvn -B -q package -DskipTests"

alive() { local f=$STATE/pids/$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

wait_for_log() { # name pattern seconds
  local log=$STATE/logs/$1.log deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    grep -q "$2" "$log" 2>/dev/null && return 0
    alive "$1" || { tail -20 "$log" >&2; die "$1 exited during start-up (log: $log)"; }
    sleep 0.2
  done
  tail -20 "$log" >&2; die "$1 not ready after $3 s (log: $log)"
}

# A (re)started process gets a fresh log, which its start-up wait reads; earlier ones are kept.
fresh_log() {
  [ -s "$STATE/logs/$1.log" ] && cat "$STATE/logs/$1.log" >> "$STATE/logs/$1.log.earlier"
  : > "$STATE/logs/$1.log"
}

launch() { # name args...
  local name=$1; shift
  alive "$name" && { echo "$name already running (pid $(cat "$STATE/pids/$name.pid"))"; return 0; }
  fresh_log "$name"
  # shellcheck disable=SC2086
  setsid ${LAUNCH_PREFIX:-} java $JAVA_OPTS -jar "$JAR" --ferry.temporal.target=localhost:$PORT \
    "${STICKY[@]}" "$@" \
    >> "$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE/pids/$name.pid"
}

# A test:/// host's image store: its instances directory, holding the base image `tiny` (16 MiB,
# a volume definition: the test driver keeps no bytes, and clones only within one pool).
TEST_DISKS=/var/lib/ferry/local

node_xml() { # host -> a test:/// node definition: its own CPUs, memory, image and preset domains
  local host=$1 f=$STATE/hosts/$1/node.xml
  mkdir -p "$STATE/hosts/$host"
  {
    echo "<node><cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets>"
    echo "<cores>8</cores><threads>2</threads><active>16</active></cpu><memory>33554432</memory>"
    echo "<pool type='dir'><name>ferry-var-lib-ferry-local</name><target><path>$TEST_DISKS</path></target>"
    echo "<volume type='file'><name>tiny.qcow2</name><capacity unit='MiB'>16</capacity>"
    echo "<target><format type='qcow2'/></target></volume></pool>"
    if [ "$host" = h1 ]; then # two domains Ferry did not define, for `server adopt`
      echo "<domain type='test'><name>legacy-vm</name><uuid>aaaaaaaa-0000-4000-8000-000000000001</uuid>"
      echo "<memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>"
      echo "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>legacy-off</name>"
      echo "<test:runstate>5</test:runstate><uuid>aaaaaaaa-0000-4000-8000-000000000002</uuid>"
      echo "<memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>"
    fi
    echo "</node>"
  } > "$f"
  echo "$f"
}

# Sticky workflow caching is the production setting; the Java test server strands a killed worker's
# sticky queue forever, so it is off against that one.
STICKY=()
[ "$ENGINE" = java-test-server ] && STICKY=(--ferry.temporal.sticky=false)

# The hosts the engine's database describes: a generation id made with them and deleted with them
# (test:/// hosts: their node definitions here; the test bed: its hosts directory).
hosts_generation_file() {
  if [ "${FERRY_TESTBED:-0}" = 1 ]; then echo "${FERRY_TB:-/var/tmp/ferry-testbed}/hosts/generation"
  else echo "$STATE/hosts/generation"; fi
}

start() {
  case $1 in
    engine)
      case $ENGINE in
        temporal)
          local gen; gen=$(hosts_generation_file)
          mkdir -p "$(dirname "$gen")"
          [ -s "$gen" ] || cat /proc/sys/kernel/random/uuid > "$gen"
          alive engine && { echo "engine already running (pid $(cat "$STATE/pids/engine.pid"))"; return 0; }
          fresh_log engine
          FERRY_ENGINE_DIR=$STATE/engine FERRY_HOSTS_GENERATION=$(cat "$gen") \
            "$FERRY_HOME/scripts/engine.sh" "$PORT" "$STATE/pids/engine.pid" "$STATE/logs/engine.log" ;;
        java-test-server)
          launch engine --ferry.role=engine --ferry.engine.port="$PORT"
          wait_for_log engine "listening on localhost:$PORT" 60 ;;
        *) die "unknown FERRY_ENGINE '$ENGINE' (temporal or java-test-server)" ;;
      esac ;;
    conductor)
      local fencing=() d
      if [ "${FERRY_TESTBED:-0}" = 1 ]; then
        # libvirt-destroy fencing runs on the conductor: it reaches each bed host's libvirtd by its
        # unix socket from the root namespace (testbed/lib.sh tb_uri). The hosts are those the bed
        # has when the conductor starts (hosts-up.sh first).
        for d in "${FERRY_TB:-/var/tmp/ferry-testbed}"/hosts/*/; do
          [ -f "$d/index" ] || continue
          fencing+=("--ferry.fencing.libvirt-uris.$(basename "$d")=qemu+unix:///system?socket=${d%/}/run/libvirt-sock")
        done
      fi
      launch conductor --ferry.role=conductor "${fencing[@]}"
      wait_for_log conductor "Ferry conductor polling" 90 ;;
    agent)
      local host=$2 xml
      if [ "${FERRY_TESTBED:-0}" = 1 ]; then
        local args; mapfile -t args < <("$FERRY_HOME/testbed/agent-args.sh" "$host")
        LAUNCH_PREFIX="$FERRY_HOME/testbed/host-exec.sh $host --" launch "agent-$host" "${args[@]}"
        wait_for_log "agent-$host" "Ferry host agent $host" 90; return
      fi
      if [ ! -f "$STATE/hosts/$host/node.xml" ]; then xml=$(node_xml "$host"); else xml=$STATE/hosts/$host/node.xml; fi
      launch "agent-$host" --ferry.role=agent --ferry.host.name="$host" \
        --ferry.host.libvirt-uri="test://$xml" --ferry.host.vcpus=16 --ferry.host.memory-mb=16384 \
        --ferry.host.disk-gb=200 --ferry.host.disk.local-dir="$TEST_DISKS" \
        --ferry.host.disk.images-dir="$TEST_DISKS"
      wait_for_log "agent-$host" "Ferry host agent $host" 90 ;;
    *) die "unknown process '$1'" ;;
  esac
}

signal() { # SIG name
  local f=$STATE/pids/$2.pid
  [ -f "$f" ] || die "no pid file for $2"
  local pid; pid=$(cat "$f")
  kill "-$1" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

case ${1:-} in
  up)
    shift; hosts=("$@"); [ ${#hosts[@]} -gt 0 ] || hosts=(h1 h2)
    start engine; start conductor
    for h in "${hosts[@]}"; do start agent "$h"; done
    echo "Ferry is up: engine localhost:$PORT, conductor, agents ${hosts[*]} (logs: $STATE/logs)"
    [ "$ENGINE" = temporal ] && echo "Temporal Web UI: http://localhost:${FERRY_UI_PORT:-$((PORT + 1000))}"
    true ;;
  start) shift; start "$@" ;;
  ui)
    [ "$ENGINE" = temporal ] || die "the Java test server has no Web UI"
    ui=http://localhost:${FERRY_UI_PORT:-$((PORT + 1000))}/namespaces/${FERRY_NAMESPACE:-default}
    echo "Temporal Web UI (localhost only: it can cancel moves): $ui/workflows"
    echo "  Ferry's moves:   $ui/workflows?query=$(printf %s 'MigrationType IS NOT NULL' | sed 's/ /%20/g')"
    echo "  one move:        ./ferry migration show SERVER prints its id; open $ui/workflows/move:<id>"
    echo "  or search:       InstanceId='<server id>', SourceHost='<host>', MigrationStatus='finished'" ;;
  kill) signal KILL "$2" ;;
  stop) signal TERM "$2" ;;
  status)
    for f in "$STATE"/pids/*.pid; do
      [ -e "$f" ] || continue
      n=$(basename "$f" .pid); if alive "$n"; then echo "$n running (pid $(cat "$f"))"; else echo "$n dead"; fi
    done ;;
  down)
    for f in "$STATE"/pids/agent-*.pid "$STATE"/pids/conductor.pid "$STATE"/pids/engine.pid; do
      [ -e "$f" ] && signal TERM "$(basename "$f" .pid)"
    done
    # the database describes these hosts: it goes with them (a test bed's hosts go with hosts-down.sh)
    rm -rf "$STATE/hosts" "$STATE/engine"; echo "Ferry is down" ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
