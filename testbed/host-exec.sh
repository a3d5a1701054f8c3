#!/bin/bash
# host-exec.sh NAME -- CMD... — runs CMD inside host NAME's mount + UTS namespaces (its /run/libvirt,
# /etc/hosts, /var/lib/ferry/{local,shared}, hostname) but in the ROOT network namespace, so it reaches
# localhost services (Temporal on :7233) and qemu:///system is that host's libvirtd. Execs: $$ = CMD's pid.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || tb_die "usage: host-exec.sh NAME -- CMD..."
h=$1; shift
[ "${1:-}" = -- ] && shift
[ $# -ge 1 ] || tb_die "usage: host-exec.sh NAME -- CMD..."
tb_daemon_alive "$h" || tb_die "host $h is down (no live libvirtd; run hosts-up.sh $h)"
p=$(tb_daemon_pid "$h")
wd=/; [ -d "/proc/$p/root$PWD" ] && wd=$PWD
exec nsenter -t "$p" -m -u --wd="$wd" -- "$@"
