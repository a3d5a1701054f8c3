#!/bin/bash
# hosts-down.sh [--wipe] — tears down only what hosts-up.sh started: the processes of every host it
# recorded (netns + mount namespaces), the hosts' network namespaces (with their veths) and the fabric.
# Idempotent. --wipe also deletes the per-host state dirs (disks in shared/ and the guest build stay).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tb_need_root
[ -d "$TB_HOSTS" ] || { tb_log "nothing to tear down"; exit 0; }
for d in "$TB_HOSTS"/*/; do
  [ -f "$d/index" ] || continue
  h=$(basename "$d")
  pids=$(tb_host_pids "$h")
  [ -z "${pids// /}" ] || { tb_log "$h: killing $pids"; kill -9 $pids 2>/dev/null || true; }
done
for d in "$TB_HOSTS"/*/; do
  [ -f "$d/index" ] || continue
  h=$(basename "$d")
  for _ in $(seq 1 100); do [ -z "$(tb_host_pids "$h" | tr -d ' ')" ] && break; sleep 0.05; done
  ns=$(tb_netns "$h")
  if ip netns list | awk '{print $1}' | grep -qx "$ns"; then ip netns del "$ns"; tb_log "deleted netns $ns"; fi
  rm -f "$d/daemon.pid" "$d/mntns"
done
if ip netns list | awk '{print $1}' | grep -qx "$TB_FABRIC"; then ip netns del "$TB_FABRIC"; tb_log "deleted netns $TB_FABRIC"; fi
if [ "${1:-}" = --wipe ]; then rm -rf "$TB_HOSTS"; tb_log "wiped $TB_HOSTS"; fi
tb_log "down"
