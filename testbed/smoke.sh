#!/bin/bash
# smoke.sh — proves the test bed end to end and prints timings: install, guest build, 3 hosts, a guest
# with a shared qcow2 disk on host-a, p2p live migration to host-b with heartbeat continuity, graceful
# ACPI shutdown, power loss of host-b + revive, teardown. Exit 0 only if every check passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tb_need_root

VM=${SMOKE_VM:-ferry-smoke}
DISK=/var/lib/ferry/shared/$VM.qcow2            # path inside the hosts (= $TB_SHARED/$VM.qcow2)
CONSOLE=$TB_CONSOLES/$VM.log
PASS=0 FAIL=0
T0=$(tb_now)
step() { echo; echo "== [$(tb_since "$T0")s] $*"; }
ok()   { PASS=$((PASS+1)); echo "  PASS: $*"; }
bad()  { FAIL=$((FAIL+1)); echo "  FAIL: $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
timed() { local s; s=$(tb_now); "$@"; LAST=$(tb_since "$s"); }
A=$(tb_uri host-a) B=$(tb_uri host-b) C=$(tb_uri host-c)
state() { virsh -c "$1" domstate "$VM" 2>/dev/null | head -1; }
wait_for() {  # wait_for SECS CMD... : polls every 0.1 s
  local n=$(( $1 * 10 )); shift
  for _ in $(seq 1 $n); do "$@" && return 0; sleep 0.1; done; return 1
}
hb_at_least() { grep -qE "^HEARTBEAT $1 " <(tail -n +"$2" "$CONSOLE" 2>/dev/null); }
last_hb() { grep -oE '^HEARTBEAT [0-9]+' "$CONSOLE" | tail -1 | cut -d' ' -f2; }
finish() {
  rc=$?
  if [ "${SMOKE_KEEP:-0}" != 1 ]; then "$TB_DIR/hosts-down.sh" >/dev/null 2>&1 || true; fi
  echo; echo "timings: ${TIMINGS:-}"
  echo "$PASS passed, $FAIL failed"
  [ $FAIL = 0 ] && [ $rc = 0 ] || exit 1
}
trap finish EXIT
TIMINGS=""
t() { TIMINGS="$TIMINGS $1=${LAST}s"; echo "  ($1 took ${LAST}s)"; }

step "install"
timed "$TB_DIR/install.sh"; t install
step "guest build"
timed "$TB_DIR/guest-build.sh"; t guest_build
step "hosts up: host-a host-b host-c"
timed "$TB_DIR/hosts-up.sh" host-a host-b host-c; t hosts_up
for h in host-a host-b host-c; do
  check "$h: libvirtd answers, hostname=$h" [ "$(virsh -q -c "$(tb_uri $h)" hostname)" = "$h" ]
  check "$h: host-exec sees its own libvirtd and hostname" \
    [ "$("$TB_DIR/host-exec.sh" $h -- virsh -q -c qemu:///system hostname)/$("$TB_DIR/host-exec.sh" $h -- hostname)" = "$h/$h" ]
done
check "host uuids differ" [ "$(for h in host-a host-b host-c; do virsh -c "$(tb_uri $h)" capabilities | grep -m1 '<uuid>'; done | sort -u | wc -l)" = 3 ]
probe=probe-$$
"$TB_DIR/host-exec.sh" host-a -- sh -c "touch /var/lib/ferry/shared/$probe /var/lib/ferry/local/$probe"
check "shared dir is shared (host-a file seen on host-c)" "$TB_DIR/host-exec.sh" host-c -- test -e /var/lib/ferry/shared/$probe
check "local dir is private (host-a file not seen on host-c)" "$TB_DIR/host-exec.sh" host-c -- test ! -e /var/lib/ferry/local/$probe
rm -f "$TB_SHARED/$probe" "$TB_HOSTS/host-a/local/$probe"

step "define + start $VM on host-a (128 MiB, dirty 8 MiB/s, shared qcow2 disk)"
for h in host-a host-b host-c; do   # leftovers of an interrupted run
  virsh -q -c "$(tb_uri $h)" destroy "$VM" >/dev/null 2>&1 || true
  virsh -q -c "$(tb_uri $h)" undefine "$VM" >/dev/null 2>&1 || true
done
rm -f "$CONSOLE" "$TB_SHARED/$VM.qcow2"
"$TB_DIR/guest-define.sh" host-a "$VM" 128 --dirty 8 --disk "$DISK" --disk-size 64M
check "qcow2 disk created on shared storage" [ -f "$TB_SHARED/$VM.qcow2" ]
check "no autostart" bash -c "virsh -c '$A' dominfo '$VM' | grep -q 'Autostart: *disable'"
s=$(tb_now); virsh -q -c "$A" start "$VM" >/dev/null
check "guest prints its boot banner" wait_for 60 grep -q '^FERRY-GUEST boot' "$CONSOLE"
LAST=$(tb_since "$s"); t start_to_boot_banner
check "guest prints 3 heartbeats" wait_for 60 hb_at_least 3 1
LAST=$(tb_since "$s"); t start_to_3_heartbeats
check "boot banner with mem_kib and the virtio disk" grep -qE '^FERRY-GUEST boot mem_kib=[0-9]+ vcpus=1 .*disks=vda' "$CONSOLE"

step "live migration host-a -> host-b (p2p)"
before=$(last_hb); line=$(wc -l < "$CONSOLE")
# --unsafe: libvirt only trusts NFS/GFS2/Ceph/... as shared; our shared dir is a bind mount of ext4
timed virsh -c "$A" migrate --live --p2p --persistent --undefinesource --unsafe "$VM" "$(tb_peer_uri host-b)"; t migrate_wall
virsh -c "$B" domjobinfo "$VM" --completed 2>/dev/null | grep -E 'Time elapsed:|Total downtime' | sed 's/^/  /'
check "running on host-b" [ "$(state "$B")" = running ]
check "gone from host-a" [ -z "$(state "$A")" ]
check "persistent on host-b" bash -c "virsh -c '$B' dominfo '$VM' | grep -q 'Persistent: *yes'"
check "heartbeat keeps counting after migration" wait_for 10 hb_at_least $((before + 3)) "$line"
check "guest healthy and continuous across the migration" \
  "$TB_DIR/guest-health.sh" "$CONSOLE" --expect-continuous --since-line "$line" --min-heartbeats 3 --max-age 5

step "graceful shutdown (ACPI power button) on host-b"
s=$(tb_now); virsh -q -c "$B" shutdown "$VM" >/dev/null
check "shut off within 15 s" wait_for 15 bash -c "[ \"\$(virsh -c '$B' domstate '$VM' 2>/dev/null | head -1)\" = 'shut off' ]"
LAST=$(tb_since "$s"); t graceful_shutdown
check "guest logged FERRY-GUEST poweroff" grep -q '^FERRY-GUEST poweroff' "$CONSOLE"
check "whole console healthy (no oops, continuous)" "$TB_DIR/guest-health.sh" "$CONSOLE" --expect-continuous

step "power loss of host-b with the guest running + an agent in its namespace"
line=$(wc -l < "$CONSOLE")
virsh -q -c "$B" start "$VM" >/dev/null
check "guest restarts on host-b from the shared disk" wait_for 60 hb_at_least 2 "$line"
"$TB_DIR/host-exec.sh" host-b -- sleep 1000 </dev/null >/dev/null 2>&1 &
AGENT=$!; disown "$AGENT"
sleep 0.3
check "agent runs in host-b's mount namespace" [ "$(readlink /proc/$AGENT/ns/mnt)" = "$(readlink /proc/$(tb_daemon_pid host-b)/ns/mnt)" ]
QEMU=""
for p in $(ip netns pids "$(tb_netns host-b)"); do
  if [ "$(cat /proc/$p/comm 2>/dev/null)" = qemu-system-x86 ]; then QEMU=$p; fi
done
timed "$TB_DIR/host-kill.sh" host-b; t host_kill
check "agent killed" bash -c ". '$TB_DIR/lib.sh'; ! tb_pid_alive $AGENT"
check "qemu killed" bash -c ". '$TB_DIR/lib.sh'; [ -n '$QEMU' ] && ! tb_pid_alive '$QEMU'"
check "host-b libvirtd unreachable" bash -c "! timeout 5 virsh -q -c '$B' uri >/dev/null 2>&1"
check "host-a unaffected" [ "$(virsh -q -c "$A" hostname)" = host-a ]
timed "$TB_DIR/host-revive.sh" host-b; t host_revive
st=$(virsh -c "$B" domstate "$VM" --reason 2>/dev/null | head -1 || true); echo "  state on revived host-b: $st"
check "guest is 'shut off' on the revived host-b" [ "${st%% (*}" = "shut off" ]
check "undefine on host-b" virsh -q -c "$B" undefine "$VM"
check "host-b is empty" [ -z "$(virsh -q -c "$B" list --all --name)" ]

step "teardown"
pids=$(for h in host-a host-b host-c; do tb_host_pids "$h"; done)
echo "  harness processes before teardown: $(echo $pids | wc -w)"
timed "$TB_DIR/hosts-down.sh"; t hosts_down
left=""; for p in $pids; do if tb_pid_alive "$p"; then left="$left $p"; fi; done
check "no harness processes left" [ -z "$left" ]
check "no harness namespaces left" bash -c "! ip netns list | grep -q '^$FERRY_TB_NS-'"
rm -f "$TB_SHARED/$VM.qcow2"
