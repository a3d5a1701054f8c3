#!/bin/bash
# host-kill.sh NAME — "pulls the power plug" of a host: SIGKILL to every process in its network
# namespace (libvirtd, QEMU guests) and in its mount namespaces (e.g. an agent started by host-exec.sh).
# Namespaces, config and disks stay: host-revive.sh NAME (or hosts-up.sh NAME) boots it again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tb_need_root
[ $# -eq 1 ] || tb_die "usage: host-kill.sh NAME"
h=$1; [ -d "$TB_HOSTS/$h" ] || tb_die "unknown host $h"
pids=$(tb_host_pids "$h")
if [ -n "${pids// /}" ]; then
  tb_log "killing $h: pids $pids"
  kill -9 $pids 2>/dev/null || true
fi
for _ in $(seq 1 100); do [ -z "$(tb_host_pids "$h" | tr -d ' ')" ] && break; sleep 0.05; done
left=$(tb_host_pids "$h")
[ -z "${left// /}" ] || tb_die "$h: processes survived SIGKILL: $left"
tb_log "$h is off"
