#!/usr/bin/env bash
# Records Ferry's replay corpus from REAL runs: builds the code to record from, brings up an
# isolated cluster (own state dir, free port: engine + conductor + agents h1 h2 on libvirt test:///
# hosts, see scripts/cluster.sh), drives every flow through the `ferry` CLI, exports each
# workflow's history with `ferry history export`, and tears the cluster down. With --testbed the
# agents serve the REAL test bed instead (testbed/: host-a host-b host-c, a libvirtd each in its own
# namespaces, busybox TCG guests): the live-migration and evacuation flows, which test:/// hosts
# cannot run (no migration in that driver; a test:/// host's domains die with its agent). The histories go to
# workflows/src/test/resources/histories/<name>.json, one row each in histories/index.tsv;
# ReplayCorpusTest replays every row against today's workflow code. Never edit a history by hand.
#
#   scripts/record-histories.sh [options] [FLOW...]      (default: every flow, in order)
#     --source head|worktree|REF  code to record from (default head: the committed code, built
#                                 once per commit from `git archive` in $FERRY_RECORD_CACHE,
#                                 default ~/.cache/ferry-record; worktree: this checkout's jars,
#                                 rebuilt with `mvn install` when older than the sources)
#     --suffix S                  name files <name>S.json (e.g. -v2): keeps the histories of the
#                                 older code beside the new ones
#     --out DIR                   write there instead of the test resources
#     --keep                      leave the cluster up and the temp dir in place (debugging)
#     --testbed                   record the test-bed flows (root; default FERRY_TB
#                                 /var/tmp/ferry-record-testbed, FERRY_TB_NS ferryrec: set both to
#                                 keep beside other beds); the bed is set up and torn down
#     --list                      print the flows (of --testbed when given first) and exit
#
# Rows for the files written are replaced in index.tsv; other rows are kept. See CONTRIBUTING.md
# ("The replay corpus") for when to record and when NOT to re-record.
set -euo pipefail

FERRY_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$FERRY_HOME/workflows/src/test/resources/histories
SOURCE=head
SUFFIX=
KEEP=0
TESTBED=0

FLOWS=(
  continue_as_new          # first: the runs after continue-as-new then see the later flows
  resize_confirmed
  cold_migration_reverted
  resize_auto_confirmed
  stopped_cold_migration_confirmed
  resize_error_refused
  cold_migration_error_dead_destination
  adoption
  instance_deleted
  verify_resize_open
  cold_migration_cancelled
  resize_cancelled_in_verify_resize
  server_from_image
  server_from_unknown_image_refused
  entities_open            # last: the entities as the flows above left them, still running
)

# --testbed: in this order (each also runs alone: it creates what it needs). Guests are t1.nano
# (128 MiB) on shared storage, dirtying 2 MiB/s (FERRY_TB_DIRTY): a move capped at 1 MiB/s never
# converges by itself, so an abort or force-complete always finds it running.
TESTBED_FLOWS=(
  live_migration_completed
  live_migration_aborted     # cancelled while queued, while preparing, while running
  live_migration_force_completed
  live_migration_failed
  evacuation
  host_evacuation
  host_drain
  testbed_entities_open      # last: instance, host and placement records after the moves above
)
TB_HOSTS=(host-a host-b host-c)

die() { echo "record-histories: error: $*" >&2; exit 1; }
say() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }

while [ $# -gt 0 ]; do
  case $1 in
    --source) SOURCE=${2:?--source needs a value}; shift 2 ;;
    --suffix) SUFFIX=${2:?--suffix needs a value}; shift 2 ;;
    --out) OUT=$(mkdir -p "${2:?--out needs a dir}" && cd "$2" && pwd); shift 2 ;;
    --keep) KEEP=1; shift ;;
    --testbed) TESTBED=1; shift ;;
    --list)
      if [ "$TESTBED" = 1 ]; then printf '%s\n' "${TESTBED_FLOWS[@]}"; else printf '%s\n' "${FLOWS[@]}"; fi
      exit 0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
SELECTED=("$@")
if [ "$TESTBED" = 1 ]; then
  [ ${#SELECTED[@]} -gt 0 ] || SELECTED=("${TESTBED_FLOWS[@]}")
  for f in "${SELECTED[@]}"; do
    [[ " ${TESTBED_FLOWS[*]} " == *" $f "* ]] || die "'$f' is not a --testbed flow (--testbed --list)"
  done
  [ "$(id -u)" = 0 ] || die "--testbed needs root (namespaces, libvirtd)"
  export FERRY_TB=${FERRY_TB:-/var/tmp/ferry-record-testbed} FERRY_TB_NS=${FERRY_TB_NS:-ferryrec}
else
  [ ${#SELECTED[@]} -gt 0 ] || SELECTED=("${FLOWS[@]}")
  for f in "${SELECTED[@]}"; do
    [[ " ${TESTBED_FLOWS[*]} " != *" $f "* ]] || die "'$f' runs on the test bed: add --testbed"
  done
fi
command -v jq >/dev/null || die "jq is required (apt-get install jq)"

# ---- the code to record from --------------------------------------------------------------------

# A frozen copy of what the cluster runs ($RUN/home): engineers rebuilding /work/main meanwhile
# cannot swap a jar under a running JVM, and the histories say exactly which code made them.
build_home() {
  local home=$RUN/home
  case $SOURCE in
    worktree)
      local stale
      stale=$(find "$FERRY_HOME"/{workflows,activities,worker,starter-cli}/src/main "$FERRY_HOME/pom.xml" \
        "$FERRY_HOME"/*/pom.xml -newer "$FERRY_HOME/worker/target/ferry-worker-exec.jar" -print -quit \
        2>/dev/null || true)
      if [ ! -f "$FERRY_HOME/worker/target/ferry-worker-exec.jar" ] \
        || [ ! -f "$FERRY_HOME/starter-cli/target/ferry-cli-all.jar" ] || [ -n "$stale" ]; then
        say "building the worktree (jars missing or older than ${stale:-the sources})"
        (cd "$FERRY_HOME" && mvn -B -o -q -Dstyle.color=never install -DskipTests) >&2 || die "the worktree build failed"
      fi
      mkdir -p "$home/scripts" "$home/worker/target" "$home/starter-cli/target"
      cp "$FERRY_HOME/scripts/cluster.sh" "$home/scripts/"
      cp -r "$FERRY_HOME/testbed" "$home/"
      cp "$FERRY_HOME/ferry" "$home/"
      cp "$FERRY_HOME/worker/target/ferry-worker-exec.jar" "$home/worker/target/"
      cp "$FERRY_HOME/starter-cli/target/ferry-cli-all.jar" "$home/starter-cli/target/"
      local sha dirty=""
      sha=$(git -C "$FERRY_HOME" rev-parse --short HEAD)
      [ -z "$(git -C "$FERRY_HOME" status --porcelain -- workflows/src/main)" ] || dirty="+uncommitted"
      RECORDED_WITH="worktree@$sha$dirty" ;;
    *)
      local ref=$SOURCE; [ "$ref" = head ] && ref=HEAD
      local sha; sha=$(git -C "$FERRY_HOME" rev-parse --short "$ref^{commit}") || die "no commit $ref"
      # Built once per commit, kept in a cache: a commit's jars never change.
      home=${FERRY_RECORD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry-record}/$sha
      if [ ! -f "$home/worker/target/ferry-worker-exec.jar" ] \
        || [ ! -f "$home/starter-cli/target/ferry-cli-all.jar" ]; then
        say "building $ref ($sha) from git archive in $home (about 2-4 min on 2 busy cores)"
        rm -rf "$home"; mkdir -p "$home"
        git -C "$FERRY_HOME" archive --format=tar "$sha" | tar -x -C "$home"
        # package, never install: ~/.m2 keeps the worktree's artifacts that the others build on.
        # offline first; online when the local repository lacks something (a fresh machine)
        (cd "$home" && { mvn -B -o -q -Dstyle.color=never package -DskipTests -pl worker,starter-cli -am \
          || mvn -B -q -Dstyle.color=never package -DskipTests -pl worker,starter-cli -am; }) >&2 \
          || { rm -rf "$home"; die "the build of $ref failed (log above)"; }
      else
        say "using the jars of $ref ($sha) built before in $home"
      fi
      RECORDED_WITH="$sha" ;;
  esac
  HOME_DIR=$home
  CLI_JAR=$home/starter-cli/target/ferry-cli-all.jar
  # The harness is this checkout's cluster.sh (how test:/// hosts are set up: their preset domains,
  # their image store) over the frozen worker jar, so a flow that needs a newer set-up can record
  # older code; the test-bed scripts stay those of the code recorded from.
  CLUSTER_HOME=$RUN/cluster
  mkdir -p "$CLUSTER_HOME/scripts" "$CLUSTER_HOME/worker/target"
  # with the engine it starts: the Temporal server (engine.sh, and temporal-cli.sh that builds it)
  cp "$FERRY_HOME"/scripts/{cluster,engine,temporal-cli}.sh "$CLUSTER_HOME/scripts/"
  ln -s "$home/worker/target/ferry-worker-exec.jar" "$CLUSTER_HOME/worker/target/"
  ln -s "$home/testbed" "$CLUSTER_HOME/testbed"
}

# ---- the cluster and the CLI --------------------------------------------------------------------

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cluster() {
  if [ "$TESTBED" = 1 ]; then
    FERRY_TESTBED=1 FERRY_TB_DIRTY=2 FERRY_TB_DISKFILL=0 \
      FERRY_STATE_DIR=$RUN/state FERRY_PORT=$PORT "$CLUSTER_HOME/scripts/cluster.sh" "$@" >&2
  else
    FERRY_STATE_DIR=$RUN/state FERRY_PORT=$PORT "$CLUSTER_HOME/scripts/cluster.sh" "$@" >&2
  fi
}

# A test-bed script (of the code recorded from), on $FERRY_TB / $FERRY_TB_NS.
tb() { local s=$1; shift; "$HOME_DIR/testbed/$s" "$@" >&2; }

# `ferry --target localhost:$PORT ...`; stdout is the command's, errors go to stderr.
ferry() { "$HOME_DIR/ferry" --target "localhost:$PORT" "$@"; }
fjson() { ferry --output json "$@"; }

teardown() {
  local rc=$?
  if [ "$rc" != 0 ] && [ "$KEEP" != 1 ] && compgen -G "${STAGE:-/nonexistent}/*.json" >/dev/null; then
    local kept; kept=$(mktemp -d /tmp/ferry-record-partial.XXXXXX)
    cp "$STAGE"/* "$kept/"
    echo "record-histories: failed; the histories exported before the failure are in $kept (not merged)" >&2
  fi
  if [ "$KEEP" = 1 ]; then
    echo "record-histories: --keep: cluster up on localhost:${PORT:-?}, files in $RUN" >&2
    echo "  stop it: FERRY_STATE_DIR=$RUN/state FERRY_PORT=${PORT:-?} ${CLUSTER_HOME:-$FERRY_HOME}/scripts/cluster.sh down" >&2
    [ "$TESTBED" = 1 ] && echo "  and the bed: FERRY_TB=$FERRY_TB FERRY_TB_NS=$FERRY_TB_NS ${HOME_DIR:-$FERRY_HOME}/testbed/hosts-down.sh" >&2
  else
    agent_signal CONT all 2>/dev/null || true # a frozen agent (cold_migration_cancelled) stops at once
    [ -n "${PORT:-}" ] && [ -d "$RUN/state" ] && cluster down || true
    if [ "$TESTBED" = 1 ] && [ -n "${HOME_DIR:-}" ]; then tb hosts-down.sh --wipe || true; fi
    rm -rf "$RUN"
  fi
  exit $rc
}

server_id() { fjson server show "$1" | jq -r .id; }

create() { # name flavor host
  fjson server create --name "$1" --flavor "$2" --host "$3" | jq -e '.vmState == "ACTIVE"' >/dev/null \
    || die "server $1 did not become ACTIVE"
}

# Polls `migration show SERVER` until its move has status $2 and is final (or, with $4 = open,
# not final); prints the move id. Call it as `m=$(await_move ...)`: a failure then stops the script.
await_move() { # server status seconds [open]
  local deadline=$((SECONDS + $3)) view="" final=true
  [ "${4:-}" = open ] && final=false
  while [ $SECONDS -lt "$deadline" ]; do
    if view=$(fjson migration show "$1" 2>/dev/null) \
      && [ "$(jq -r '.status + "/" + (.finished|tostring)' <<<"$view")" = "$2/$final" ]; then
      jq -r .moveId <<<"$view"; return 0
    fi
    sleep 2
  done
  die "the move of $1 did not reach '$2' in $3 s; last: $(jq -c 'del(.log)' <<<"${view:-null}" 2>/dev/null)"
}

# Freezes (STOP) or thaws (CONT) a host's agent: calls to the host wait on its task queue (or in
# the frozen poller), and its test:/// domains live on (a killed agent loses them). HOST `all`:
# every agent.
agent_signal() { # STOP|CONT host
  local f
  for f in "$RUN"/state/pids/agent-*.pid; do
    [ -e "$f" ] || continue
    [ "$2" = all ] || [ "$f" = "$RUN/state/pids/agent-$2.pid" ] || continue
    kill -"$1" "$(cat "$f")"
  done
}

# The move's history holds the workflow cancel (the CancelWatch has it from now on).
await_cancel_requested() { # workflow-id seconds
  local deadline=$((SECONDS + $2))
  until ferry history export "$1" 2>/dev/null | jq -e \
    'any(.events[]; .eventType == "EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED")' >/dev/null; do
    [ $SECONDS -lt "$deadline" ] || die "no cancel request in the history of $1 after $2 s"
    sleep 1
  done
}

await_host_up() { # host seconds
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt "$deadline" ]; do
    [ "$(fjson host show "$1" 2>/dev/null | jq -r .record.status)" = UP ] && return 0
    sleep 1
  done
  die "host $1 not UP after $2 s"
}

# ---- exporting ----------------------------------------------------------------------------------

# Exports WORKFLOW-ID's latest run with `ferry history export` as NAME and indexes it.
export_history() { # name workflow-id categories shows
  local file=$1$SUFFIX.json
  ferry history export "$2" -o "$STAGE/$file" >/dev/null || die "export of $2 failed"
  index_row "$file" "$2" "$3" "$4"
}

# An earlier run (the one that continued as new) with `ferry history export --run-id`; code older
# than that option gets it with the same client call, fetchHistory(id, runId).toJson(true), from
# the CLI jar.
export_run() { # name workflow-id run-id categories shows
  local file=$1$SUFFIX.json src=$RUN/FetchRun.java
  if ferry history export --help | grep -q -- '--run-id'; then
    ferry history export "$2" --run-id "$3" -o "$STAGE/$file" >/dev/null \
      || die "export of $2 run $3 failed"
    index_row "$file" "$2" "$4" "$5"
    return 0
  fi
  if [ ! -f "$src" ]; then
    cat > "$src" <<'EOF'
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/** FetchRun TARGET WORKFLOW-ID RUN-ID FILE: one run's history, as `ferry history export` writes it. */
public class FetchRun {
  public static void main(String[] a) throws Exception {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(a[0]).build());
    try {
      String json = WorkflowClient.newInstance(stubs).fetchHistory(a[1], a[2]).toJson(true);
      Files.writeString(Path.of(a[3]), json);
    } finally {
      stubs.shutdownNow();
    }
  }
}
EOF
  fi
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$CLI_JAR" "$src" "localhost:$PORT" "$2" "$3" \
    "$STAGE/$file" || die "export of $2 run $3 failed"
  index_row "$file" "$2" "$4" "$5"
}

# Type and open/closed come from the history itself, never from what the flow expected.
index_row() { # file workflow-id categories shows
  local json=$STAGE/$1 type status
  type=$(jq -r '.events[0].workflowExecutionStartedEventAttributes.workflowType.name' "$json")
  case $(jq -r '.events[-1].eventType' "$json") in
    EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED|EVENT_TYPE_WORKFLOW_EXECUTION_FAILED|\
    EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED|EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED|\
    EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT|EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) status=closed ;;
    *) status=open ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$type" "$status" "$3" "$4" \
    "$(date -u +%Y-%m-%d) $RECORDED_WITH" >> "$STAGE/index.tsv"
  say "  $1: $type, $status, $(jq '.events | length' "$json") events"
}

continued_from() { # workflow-id -> the run this run continued from ("" if none)
  ferry history export "$1" | jq -r '.events[0].workflowExecutionStartedEventAttributes.continuedExecutionRunId // ""'
}

# ---- the flows: one function each; add one per new flow, then list it in FLOWS -----------------

# Host and placement records continue as new past 400 events (Entities.MAX_HISTORY_EVENTS).
# Each `host disable`/`enable` is an Update on host:<h> (~11 events) and a hostChanged signal to
# ferry-placement (~4 events): cycle both hosts until both host:h1 and ferry-placement continued.
said() { if [ -n "$1" ]; then echo "continued as new"; else echo "not yet"; fi; }

flow_continue_as_new() {
  local i host_prev="" placement_prev=""
  for i in $(seq 1 80); do
    for h in h1 h2; do
      ferry host disable "$h" --reason "replay corpus: continue-as-new cycle $i" >/dev/null
      ferry host enable "$h" >/dev/null
    done
    if [ $((i % 5)) = 0 ]; then
      host_prev=$(continued_from host:h1); placement_prev=$(continued_from ferry-placement)
      say "  cycle $i: host:h1 $(said "$host_prev"), ferry-placement $(said "$placement_prev")"
      [ -n "$host_prev" ] && [ -n "$placement_prev" ] && break
    fi
  done
  [ -n "$host_prev" ] && [ -n "$placement_prev" ] || die "no continue-as-new after $i cycles"
  # The runs that ended in continue-as-new; the runs they started are exported by entities_open.
  export_run host-h1-run-continued-as-new host:h1 "$host_prev" continue-as-new,host-closed \
    "host:h1's run that continued as new after ~400 events of disable/enable Updates (ends in ContinuedAsNew)"
  export_run placement-run-continued-as-new ferry-placement "$placement_prev" continue-as-new,placement-closed \
    "ferry-placement's first run: bootstrap, host registrations, host changes from the disable/enable cycles, then continue-as-new"
}

flow_resize_confirmed() {
  create rs-confirm m1.tiny h1
  fjson resize rs-confirm --flavor m1.small --host h2 --confirm-window 0 --wait >/dev/null
  ferry resize-confirm rs-confirm >/dev/null
  move=$(await_move rs-confirm confirmed 120)
  export_history resize-confirmed "move:$move" confirmed \
    "resize m1.tiny -> m1.small h1 -> h2 of a running server, confirmed by the operator (Update)"
}

flow_cold_migration_reverted() {
  create cm-revert m1.tiny h1
  fjson migrate cm-revert --host h2 --confirm-window 0 --wait >/dev/null
  ferry resize-revert cm-revert >/dev/null
  move=$(await_move cm-revert reverted 120)
  export_history cold-migration-reverted "move:$move" reverted \
    "cold migration h1 -> h2 of a running server, reverted by the operator: back on h1, restarted"
}

flow_resize_auto_confirmed() {
  create rs-auto m1.tiny h2
  fjson resize rs-auto --flavor m1.small --host h1 --confirm-window 2 --wait >/dev/null
  move=$(await_move rs-auto confirmed 120)
  export_history resize-auto-confirmed "move:$move" auto-confirmed \
    "resize m1.tiny -> m1.small h2 -> h1 with --confirm-window 2: the timer fires, auto-confirm"
}

# A SHUTOFF instance stays SHUTOFF: no power-on at the destination. legacy-off is a domain
# Ferry did not define, preset as shut off on h1 by cluster.sh.
flow_stopped_cold_migration_confirmed() {
  fjson server adopt h1 legacy-off >/dev/null
  fjson migrate legacy-off --host h2 --confirm-window 0 --wait >/dev/null
  ferry resize-confirm legacy-off >/dev/null
  move=$(await_move legacy-off confirmed 120)
  export_history cold-migration-stopped-confirmed "move:$move" \
    confirmed,shutoff "cold migration of an adopted SHUTOFF server h1 -> h2, confirmed: stays SHUTOFF, never powered on"
}

flow_resize_error_refused() {
  create rs-shrink m1.small h1
  ferry resize rs-shrink --flavor m1.tiny --confirm-window 0 --wait >/dev/null 2>&1 || true
  move=$(await_move rs-shrink error 120)
  export_history resize-error-refused "move:$move" error \
    "resize m1.small -> m1.tiny refused in pre-migrating (disk cannot shrink): error, nothing touched"
}

# The destination's agent dies just before the move starts (its host still counts as UP: its
# lease has 10 s left): define on h2 is never picked up, the move ends in error, compensates (the
# source restarts, h2 owes the removal on its cleanup list). Killing it right AFTER the move starts
# races a move that takes a second; killing it before is reliable. The agent then comes back and
# runs its cleanup list.
flow_cold_migration_error_dead_destination() {
  local attempt started=0
  create cm-dead m1.tiny h1
  for attempt in 1 2 3; do
    cluster kill agent-h2
    if ferry migrate cm-dead --host h2 --confirm-window 0 >/dev/null; then started=1; break; fi
    say "  attempt $attempt: refused (h2 counted DOWN before the move started); again"
    cluster start agent h2; await_host_up h2 60
  done
  [ $started = 1 ] || die "could not start a migration to h2 with its agent freshly killed"
  move=$(await_move cm-dead error 300)
  cluster start agent h2; await_host_up h2 90
  export_history cold-migration-error-dead-destination "move:$move" error,dead-host \
    "cold migration h1 -> h2 with h2's agent dead: define never picked up (ScheduleToStart), h2 unreachable, compensated, cleanup owed by h2: error"
}

flow_adoption() {
  fjson server adopt h1 legacy-vm >/dev/null
  export_history adoption "adopt:h1:legacy-vm" adoption \
    "server adopt h1 legacy-vm: tag the domain, admit it to placement, start its InstanceWorkflow child"
}

flow_instance_deleted() {
  create doomed t1.nano h2
  local id; id=$(server_id doomed)
  fjson server delete doomed >/dev/null
  export_history instance-deleted "instance:$id" instance-closed \
    "InstanceWorkflow: spawn on h2, then delete (Update): domain removed, placement told, closed"
}

flow_verify_resize_open() {
  create parked m1.tiny h1
  fjson resize parked --flavor m1.small --host h2 --confirm-window 0 --wait >/dev/null
  move=$(await_move parked finished 5 open)
  export_history resize-open-verify-resize "move:$move" verify-resize-open \
    "resize h1 -> h2 parked OPEN in VERIFY_RESIZE with confirm window 0: waits for the operator, no timer"
  create parked-timer m1.tiny h2
  fjson migrate parked-timer --host h1 --confirm-window 86400 --wait >/dev/null
  move=$(await_move parked-timer finished 5 open)
  export_history cold-migration-open-verify-resize-timer "move:$move" \
    verify-resize-open "cold migration h2 -> h1 parked OPEN in VERIFY_RESIZE with the 1-day auto-confirm timer running"
}

# Cancelled mid-move, before VERIFY_RESIZE: h2's agent frozen, the move stops cm-cancel on h1 and
# waits in post-migrating for h2 to take its define; `migration cancel` (it answers when the move
# has ended) is in the history, then h2 thaws: the define and power-on finish (a running host call
# is never interrupted), the next step boundary honours the cancel and the compensation undoes it.
flow_cold_migration_cancelled() {
  local cancel_pid
  create cm-cancel m1.tiny h1
  agent_signal STOP h2
  ferry migrate cm-cancel --host h2 --confirm-window 0 >/dev/null || die "migrate cm-cancel refused"
  move=$(await_move cm-cancel post-migrating 60 open)
  ferry migration cancel cm-cancel >"$RUN/cancel.out" 2>&1 &
  cancel_pid=$!
  await_cancel_requested "move:$move" 30
  agent_signal CONT h2
  wait "$cancel_pid" || die "migration cancel of cm-cancel failed: $(cat "$RUN/cancel.out")"
  await_move cm-cancel cancelled 120 >/dev/null
  [ "$(fjson server show cm-cancel | jq -r '.host + " " + .vmState')" = "h1 ACTIVE" ] \
    || die "cm-cancel is not back ACTIVE on h1 after the cancel"
  export_history cold-migration-cancelled "move:$move" cancelled \
    "cold migration h1 -> h2 cancelled by the operator (migration cancel) in post-migrating while h2's frozen agent held the define: define and power-on finish, then the compensation removes the copy on h2, restarts on h1, releases the claim: cancelled, closed as canceled"
}

# A cancel while parked in VERIFY_RESIZE is a revert.
flow_resize_cancelled_in_verify_resize() {
  create rs-cancel m1.tiny h2
  fjson resize rs-cancel --flavor m1.small --host h1 --confirm-window 0 --wait >/dev/null
  move=$(await_move rs-cancel finished 5 open)
  ferry migration cancel rs-cancel >/dev/null || die "migration cancel of rs-cancel failed"
  await_move rs-cancel reverted 120 >/dev/null
  export_history resize-cancelled-in-verify-resize "move:$move" cancel-reverted \
    "resize m1.tiny -> m1.small h2 -> h1 parked in VERIFY_RESIZE (confirm window 0), cancelled by the operator (migration cancel): reverted, back on h2, closed as canceled"
}

# The root disk made from the base image `tiny` of h1's image store (cluster.sh presets it).
flow_server_from_image() {
  fjson server create --name img1 --flavor m1.tiny --host h1 --image tiny \
    | jq -e '.vmState == "ACTIVE" and .baseImage == "tiny" and (.diskPath | length > 0)' >/dev/null \
    || die "server img1 was not built ACTIVE from image tiny"
  local id; id=$(server_id img1)
  export_history server-from-image "instance:$id" instance-open,image \
    "InstanceWorkflow of img1 created with --image tiny on h1: root disk copied from the host's image store (build-from-image), defined, powered on; idle"
}

# An image h1 does not have: the build is refused, nothing created, the admission withdrawn. The
# instance's id is in placement's history (the admission); the server is gone from its index.
flow_server_from_unknown_image_refused() {
  local id
  if ferry server create --name img-missing --flavor m1.tiny --host h1 --image no-such-image \
    >"$RUN/refused.out" 2>&1; then
    die "server img-missing was created from an image h1 does not have"
  fi
  grep -q "was not created: build refused on h1: no base image no-such-image" "$RUN/refused.out" \
    || die "img-missing failed, not as refused: $(cat "$RUN/refused.out")"
  id=$(ferry history export ferry-placement | jq -r '.events[]
    | select(.eventType == "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED")
    | .workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input
    | select(.name == "admit") | .args.payloads[0].data | @base64d | fromjson
    | select(.name == "img-missing") | .instanceId' | tail -1)
  [ -n "$id" ] || die "no admission of img-missing in placement's history"
  export_history server-from-unknown-image-refused "instance:$id" instance-closed,image-refused \
    "InstanceWorkflow of img-missing created with --image no-such-image on h1: the agent refuses (UNKNOWN_IMAGE), placement forgets it, the record ends DELETED with its buildRefusal: closed"
}

flow_entities_open() {
  local id
  if id=$(server_id rs-confirm 2>/dev/null); then
    export_history instance-open-after-moves "instance:$id" instance-open \
      "InstanceWorkflow mid-run: spawned, resized and confirmed (lock taken and released), idle"
  fi
  if id=$(server_id parked 2>/dev/null); then
    export_history instance-open-locked "instance:$id" instance-open \
      "InstanceWorkflow mid-run holding its lock: its resize waits in VERIFY_RESIZE"
  fi
  if id=$(server_id cm-dead 2>/dev/null); then
    export_history instance-open-after-error "instance:$id" instance-open \
      "InstanceWorkflow mid-run after a move that ended in error (dead destination), lock released"
  fi
  if id=$(server_id legacy-vm 2>/dev/null); then
    export_history instance-open-adopted "instance:$id" instance-open,adoption \
      "InstanceWorkflow of an adopted domain (a child of AdoptionWorkflow, parent closed), idle"
  fi
  local cont
  cont=$(continued_from host:h1)
  export_history host-h1-open "host:h1" "host-open${cont:+,continue-as-new}" \
    "HostWorkflow h1 mid-run${cont:+, the run after continue-as-new (from $cont)}: lease held, moves' slots/cleanup untouched"
  cont=$(continued_from host:h2)
  export_history host-h2-open "host:h2" "host-open${cont:+,continue-as-new}" \
    "HostWorkflow h2 mid-run${cont:+ (continued as new from $cont)}: lease lost (agent killed) -> DOWN, cleanup owed, agent back -> UP, cleanup done"
  cont=$(continued_from ferry-placement)
  export_history placement-open ferry-placement "placement-open${cont:+,continue-as-new}" \
    "PlacementWorkflow mid-run${cont:+, the run after continue-as-new (from $cont)}: claims, swaps, releases, admits, host changes"
}

# ---- the test-bed flows (--testbed) --------------------------------------------------------------

host_of() { fjson server show "$1" | jq -r .host; }
exists() { ferry server show "$1" >/dev/null 2>&1; }

# A server with a 32M disk on shared storage (live migration and evacuation without a disk copy).
create_shared() { # name host
  fjson server create --name "$1" --flavor t1.nano --host "$2" --disk-size 32M --shared \
    | jq -e '.vmState == "ACTIVE"' >/dev/null || die "server $1 did not become ACTIVE on $2"
}

# The test-bed hosts but the given ones, in order.
hosts_but() { local h; for h in "${TB_HOSTS[@]}"; do [[ " $* " == *" $h "* ]] || echo "$h"; done; }

# A host no server runs on (there is one: the flows keep at most two servers between them).
empty_host() {
  local used h; used=$(fjson server list | jq -r '.[].host' | sort -u | tr '\n' ' ')
  for h in "${TB_HOSTS[@]}"; do [[ " $used " == *" $h "* ]] || { echo "$h"; return 0; }; done
  die "no empty test-bed host (servers on: $used)"
}

# NAME exists (created on HOST if not) and runs on HOST (live-migrated there if elsewhere).
ensure_on() { # name host
  if ! exists "$1"; then create_shared "$1" "$2"; return 0; fi
  [ "$(host_of "$1")" = "$2" ] && return 0
  ferry live-migrate "$1" --host "$2" --wait >/dev/null || die "could not bring $1 to $2"
  await_move "$1" completed 120 >/dev/null
}

await_host() { # host status seconds
  local deadline=$((SECONDS + $3)) now=""
  while [ $SECONDS -lt "$deadline" ]; do
    now=$(fjson host show "$1" 2>/dev/null | jq -r .record.status) && [ "$now" = "$2" ] && return 0
    sleep 1
  done
  die "host $1 is ${now:-unknown}, not $2, after $3 s"
}

# `migration show` says the move waits for an outbound slot on its source.
await_queued() { # server seconds
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt "$deadline" ]; do
    ferry migration show "$1" 2>/dev/null | grep -q 'waiting for an outbound slot' && return 0
    sleep 1
  done
  die "the live migration of $1 is not queued for a slot after $2 s"
}

# Power loss of HOST (libvirtd, guests and agent), then DOWN once its lease is lost.
kill_host() { tb host-kill.sh "$1"; await_host "$1" DOWN 120; }

# HOST boots again (daemon), its agent starts, destroys stale copies, registers: UP.
revive_host() { tb host-revive.sh "$1"; cluster start agent "$1"; await_host "$1" UP 120; }

# The instance records the evacuation MOVE as `completed` (the old host destroyed its copy).
await_evacuation_completed() { # server move seconds
  local deadline=$((SECONDS + $3))
  until fjson server show "$1" | jq -e --arg m "$2" \
    '.moves[] | select(.moveId == $m and .status == "completed")' >/dev/null; do
    [ $SECONDS -lt "$deadline" ] || die "the evacuation $2 of $1 never became completed"; sleep 2
  done
}

# The items of a finished host evacuation / drain (its result), one "moveId name" a line.
host_moves_items() { # workflow-id
  ferry history export "$1" \
    | jq -r '.events[-1].workflowExecutionCompletedEventAttributes.result.payloads[0].data' \
    | base64 -d | jq -r '.items[] | select(.moveId != null) | .moveId + " " + .name'
}

flow_live_migration_completed() {
  ensure_on lm1 host-a
  local dst; dst=$(hosts_but host-a | head -1)
  ferry live-migrate lm1 --host "$dst" --wait >/dev/null || die "live migration of lm1 failed"
  move=$(await_move lm1 completed 120)
  export_history live-migration-completed "move:$move" live-completed \
    "live migration host-a -> $dst of a running guest on shared storage: queued, preparing, running, post-migrating, completed"
}

# lm1 runs a live migration capped at 1 MiB/s (never converges: the guest dirties 2 MiB/s) that
# holds its source's only outbound slot; lm2, on the same source, queues behind it.
#  1. lm2 queued -> abort: cancelled from QUEUED.
#  2. lm2 queued again; the agent of lm2's destination is killed; lm1 aborted (cancelled from
#     RUNNING): lm2 gets the slot, its pre_live_migration waits for the dead agent (PREPARING);
#     abort lm2 (the Update answers when the move ends), restart the agent within the 60 s
#     ScheduleToStart: the prepare runs, the abort wins, cancelled from PREPARING.
flow_live_migration_aborted() {
  local src d1 d2 m_running m_queued m_preparing abort_pid
  if exists lm1; then src=$(host_of lm1); else src=host-a; fi
  ensure_on lm1 "$src"
  ensure_on lm2 "$src"
  d1=$(hosts_but "$src" | head -1); d2=$(hosts_but "$src" "$d1" | head -1)
  ferry live-migrate lm1 --host "$d1" --bandwidth 1 >/dev/null
  m_running=$(await_move lm1 running 120 open)
  ferry live-migrate lm2 --host "$d2" >/dev/null
  await_queued lm2 60
  m_queued=$(await_move lm2 queued 5 open)
  ferry live-migration abort lm2 >/dev/null || die "abort of queued lm2 refused"
  await_move lm2 cancelled 60 >/dev/null

  ferry live-migrate lm2 --host "$d2" >/dev/null
  await_queued lm2 60
  cluster kill "agent-$d2"
  ferry live-migration abort lm1 >/dev/null || die "abort of running lm1 refused"
  await_move lm1 cancelled 120 >/dev/null
  m_preparing=$(await_move lm2 preparing 30 open)
  ferry live-migration abort lm2 >"$RUN/abort-preparing.out" 2>&1 &
  abort_pid=$!
  sleep 2
  cluster start agent "$d2"
  wait "$abort_pid" || die "abort of preparing lm2 failed: $(cat "$RUN/abort-preparing.out")"
  await_move lm2 cancelled 60 >/dev/null
  await_host "$d2" UP 60

  export_history live-migration-cancelled-queued "move:$m_queued" live-cancelled,aborted-queued \
    "live migration of lm2 $src -> $d2 queued for $src's only outbound slot (held by lm1's move), aborted by the operator while queued: cancelled, nothing touched"
  export_history live-migration-cancelled-preparing "move:$m_preparing" live-cancelled,aborted-preparing \
    "live migration of lm2 $src -> $d2 granted the slot when lm1's move ended, aborted while pre_live_migration waited for $d2's restarting agent: cancelled after the prepare, rolled back"
  export_history live-migration-cancelled-running "move:$m_running" live-cancelled,aborted-running \
    "live migration of lm1 $src -> $d1 at 1 MiB/s (never converges), aborted by the operator while the libvirt job ran: job cancelled, guest stays on $src, cancelled"
}

flow_live_migration_force_completed() {
  local src dst
  if exists lm1; then src=$(host_of lm1); else src=host-a; fi
  ensure_on lm1 "$src"
  dst=$(hosts_but "$src" | head -1)
  ferry live-migrate lm1 --host "$dst" --bandwidth 1 --post-copy >/dev/null
  move=$(await_move lm1 running 120 open)
  sleep 2
  ferry live-migration force-complete lm1 >/dev/null || die "force-complete of lm1 refused"
  await_move lm1 completed 180 >/dev/null
  export_history live-migration-force-completed-post-copy "move:$move" live-completed,force-completed \
    "live migration of lm1 $src -> $dst at 1 MiB/s with post-copy permitted, force-completed by the operator: running-post-copy, switched over, completed"
}

# The destination's QEMU dies during the job (SIGKILL by its libvirt pid file): the source's job
# fails, the guest still runs on the source, the destination is rolled back: failed.
flow_live_migration_failed() {
  local src dst pidfile pid
  if exists lm2; then src=$(host_of lm2); else src=host-b; fi
  ensure_on lm2 "$src"
  dst=$(hosts_but "$src" | head -1)
  ferry live-migrate lm2 --host "$dst" --bandwidth 1 >/dev/null
  move=$(await_move lm2 running 120 open)
  sleep 2
  pidfile=$FERRY_TB/hosts/$dst/run/qemu/lm2.pid
  pid=$(cat "$pidfile" 2>/dev/null) || die "no incoming QEMU for lm2 on $dst ($pidfile)"
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ] || die "pid $pid of $pidfile is no QEMU"
  kill -KILL "$pid"
  say "  killed lm2's incoming QEMU on $dst (pid $pid)"
  await_move lm2 failed 180 >/dev/null
  export_history live-migration-failed-rolled-back "move:$move" live-failed,rolled-back \
    "live migration of lm2 $src -> $dst: the destination's QEMU killed during the job, the job fails, the guest keeps running on $src, the destination rolled back: failed"
}

# evac1 alone on a host; the host loses power; evacuation (fenced confirmed-off) rebuilds it on
# another host from the shared disk (done); the host returns, its agent destroys the stale copy
# and the instance records the evacuation `completed`.
flow_evacuation() {
  local failed target id
  failed=$(empty_host); target=$(hosts_but "$failed" | head -1)
  create_shared evac1 "$failed"
  id=$(server_id evac1)
  kill_host "$failed"
  ferry evacuate evac1 --host "$target" --fence confirmed-off --wait >/dev/null \
    || die "evacuation of evac1 failed"
  move=$(await_move evac1 done 120)
  revive_host "$failed"
  await_evacuation_completed evac1 "$move" 120
  export_history evacuation-done "move:$move" evacuation-done \
    "evacuation of evac1 from $failed (host killed: DOWN, fenced confirmed-off) to $target, rebuilt from its shared disk: done"
  export_history instance-open-evacuated "instance:$id" instance-open,evacuation-completed \
    "InstanceWorkflow of evac1: created, evacuated (done), then completed once $failed's agent destroyed the stale copy on return; idle"
  fjson server delete evac1 >/dev/null
}

flow_host_evacuation() {
  local failed item n=0
  failed=$(empty_host)
  create_shared hev1 "$failed"; create_shared hev2 "$failed"
  kill_host "$failed"
  ferry host evacuate "$failed" --fence confirmed-off --wait >/dev/null \
    || die "host evacuation of $failed failed"
  revive_host "$failed"
  export_history host-evacuation-done "host-evacuation:$failed" host-evacuation \
    "host evacuation of killed $failed (fenced confirmed-off): one evacuation per server (hev1, hev2), each rebuilt elsewhere: done"
  while read -r move name; do
    n=$((n + 1))
    export_history "host-evacuation-child-$n" "move:$move" evacuation-done \
      "evacuation of $name started by the host evacuation of $failed (a child of $name's InstanceWorkflow): done"
  done < <(host_moves_items "host-evacuation:$failed")
  for item in hev1 hev2; do fjson server delete "$item" >/dev/null; done
}

flow_host_drain() {
  local host item n=0
  host=$(empty_host)
  create_shared dr1 "$host"; create_shared dr2 "$host"
  ferry host drain "$host" --wait >/dev/null || die "drain of $host failed"
  export_history host-drain-done "host-drain:$host" host-drain \
    "host drain of UP $host: disabled, then its servers (dr1, dr2) live-migrated off one at a time: done"
  while read -r move name; do
    n=$((n + 1))
    export_history "host-drain-child-$n" "move:$move" live-completed \
      "live migration of $name off $host started by the host drain (placement picks the destination): completed"
  done < <(host_moves_items "host-drain:$host")
  for item in dr1 dr2; do fjson server delete "$item" >/dev/null; done
  ferry host enable "$host" >/dev/null
}

# What else happened to a test-bed host, as its own history says (for the index's sentence).
said_of() {
  local json; json=$(ferry history export "host:$1")
  [ "$(jq '[.events[] | select(.eventType == "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED")
      | .workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest
      | select(.input.name == "acquireSlot") | .meta.updateId] as $asks
    | [.events[] | select(.eventType == "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED")
      | .workflowExecutionUpdateCompletedEventAttributes
      | select(.meta.updateId as $u | $asks | index($u))
      | .outcome.success.payloads[0].data // empty | @base64d | select(. == "false")] | length' \
    <<<"$json")" -gt 0 ] && printf '; a move queued for its slot (acquireSlot answered false)'
  jq -e '[.events[] | select(.eventType == "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED")
    | .workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.name] | index("setEnabled")' \
    <<<"$json" >/dev/null && printf '; disabled by a drain, enabled again'
  [ "$(jq '[.events[] | select(.eventType == "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED")
    | .workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.name
    | select(. == "register")] | length' <<<"$json")" -gt 1 ] && printf '; agent restarted or host revived (registered again)'
  return 0
}

flow_testbed_entities_open() {
  local id h
  if id=$(server_id lm1 2>/dev/null); then
    export_history testbed-instance-open-live-migrated "instance:$id" instance-open \
      "InstanceWorkflow of lm1 on the test bed: live migrations completed, cancelled and force-completed as children, idle"
  fi
  for h in "${TB_HOSTS[@]}"; do
    export_history "testbed-host-$h-open" "host:$h" host-open \
      "HostWorkflow $h on the test bed mid-run after the flows recorded with it: agent registration, outbound live-migration slots$(said_of "$h")"
  done
  export_history testbed-placement-open ferry-placement placement-open \
    "PlacementWorkflow on the test bed mid-run: claims of live migrations, evacuations, a host evacuation and a drain"
}

# ---- main ---------------------------------------------------------------------------------------

for f in "${SELECTED[@]}"; do
  declare -F "flow_$f" >/dev/null || die "unknown flow '$f' (--list shows them)"
done

RUN=$(mktemp -d /tmp/ferry-record.XXXXXX)
STAGE=$RUN/histories
mkdir -p "$STAGE"
: > "$STAGE/index.tsv"
trap teardown EXIT
trap 'exit 130' INT TERM
SECONDS=0
move=""
build_home
PORT=$(free_port)
if [ "$TESTBED" = 1 ]; then
  say "test bed ${TB_HOSTS[*]} in $FERRY_TB (namespaces $FERRY_TB_NS-*)"
  # Empty hosts: nothing left on them by an earlier run (its domains, disks, consoles).
  tb hosts-down.sh --wipe; rm -rf "${FERRY_TB:?}/shared" "$FERRY_TB/consoles" "$FERRY_TB/domains"
  tb install.sh; tb guest-build.sh; tb hosts-up.sh "${TB_HOSTS[@]}"
  say "cluster on localhost:$PORT, state in $RUN/state, one agent inside each test-bed host"
  cluster up "${TB_HOSTS[@]}"
else
  say "cluster on localhost:$PORT, state in $RUN/state"
  cluster up h1 h2
fi
for f in "${SELECTED[@]}"; do
  say "flow $f"
  "flow_$f"
done

# Merge: the files written replace their namesakes and their rows; other rows stay.
mkdir -p "$OUT"
header=$'file\tworkflow_id\tworkflow_type\tstatus\tcategories\tshows\trecorded'
{
  echo "$header"
  if [ -f "$OUT/index.tsv" ]; then
    tail -n +2 "$OUT/index.tsv" | awk -F'\t' 'NR==FNR { fresh[$1]=1; next } !($1 in fresh)' \
      "$STAGE/index.tsv" -
  fi
  cat "$STAGE/index.tsv"
} > "$RUN/index.merged"
(head -1 "$RUN/index.merged"; tail -n +2 "$RUN/index.merged" | sort -t$'\t' -k1,1) > "$RUN/index.sorted"
cp "$STAGE"/*.json "$OUT/"
mv "$RUN/index.sorted" "$OUT/index.tsv"
say "wrote $(($(wc -l < "$STAGE/index.tsv"))) histories to $OUT (index: $OUT/index.tsv) in $SECONDS s"
