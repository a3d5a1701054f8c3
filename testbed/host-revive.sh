#!/bin/bash
# host-revive.sh NAME — boots a host again after host-kill.sh (or restarts a crashed libvirtd):
# only the daemon is started; guests that were running are not restarted (they show "shut off").
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: host-revive.sh NAME" >&2; exit 1; }
exec "$(dirname "$0")/hosts-up.sh" "$1"
