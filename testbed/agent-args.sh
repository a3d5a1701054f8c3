#!/bin/bash
# agent-args.sh NAME — prints, one per line, the Spring arguments of the Ferry host agent of test-bed
# host NAME (scripts/cluster.sh starts it with `testbed/host-exec.sh NAME -- java -jar ... <these>`):
#   - libvirt-uri: the host's unix socket (opened by the agent itself, and by a peer's agent that
#     streams a disk to it: the same path in every mount namespace); migration-uri: qemu+tcp://NAME
#   - new guests: direct kernel boot of the test guest, console logs in $FERRY_TB/consoles/<id>.log
# Tunables (environment): FERRY_TB_DIRTY (guest dirty MiB/s, default 0), FERRY_TB_DISKFILL (MiB of
# random data a new guest writes to its disk at first boot, default 16), FERRY_TB_COPY_MIBPS (cap on
# a disk copy, MiB/s, default 0 = none), FERRY_TB_HOST_MEMORY_MB (inventory, default 4096).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || tb_die "usage: agent-args.sh NAME"
h=$1; tb_check_name "$h"
cat <<ARGS
--ferry.role=agent
--ferry.host.name=$h
--ferry.host.libvirt-uri=$(tb_uri "$h")
--ferry.host.migration-uri=$(tb_peer_uri "$h")
--ferry.host.vcpus=8
--ferry.host.memory-mb=${FERRY_TB_HOST_MEMORY_MB:-4096}
--ferry.host.disk-gb=100
--ferry.host.guest.kernel=$TB_GUEST/vmlinuz
--ferry.host.guest.initrd=$TB_GUEST/initrd.img
--ferry.host.guest.cmdline=loglevel=5 panic=-1 dirty=${FERRY_TB_DIRTY:-0} diskfill=${FERRY_TB_DISKFILL:-16}
--ferry.host.guest.console-dir=$TB_CONSOLES
--ferry.host.disk.local-dir=/var/lib/ferry/local
--ferry.host.disk.shared-dir=/var/lib/ferry/shared
--ferry.host.disk.images-dir=/var/lib/ferry/images
--ferry.host.disk.copy-max-mib-per-second=${FERRY_TB_COPY_MIBPS:-0}
ARGS
