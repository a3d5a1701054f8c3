#!/bin/bash
# guest-define.sh HOST NAME MEM_MIB [--vcpus N] [--dirty N] [--disk PATH [--disk-size SIZE]] [--start]
#                 [--print-xml] — renders domain.xml.tmpl (TCG, direct kernel boot, console=ttyS0, serial
# console appended to $FERRY_TB/consoles/NAME.log, optional virtio qcow2 disk) and defines it on HOST.
# PATH is a path as seen INSIDE the hosts (e.g. /var/lib/ferry/shared/NAME.qcow2); it is created
# (qemu-img, inside HOST's mount namespace) when missing. Never sets autostart.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
usage() { tb_die "usage: guest-define.sh HOST NAME MEM_MIB [--vcpus N] [--dirty N] [--disk PATH [--disk-size SIZE]] [--start] [--print-xml]"; }
[ $# -ge 3 ] || usage
H=$1 NAME=$2 MEM=$3; shift 3
VCPUS=1 DIRTY=0 DISK="" DISK_SIZE=64M START=0 PRINT=0
while [ $# -gt 0 ]; do
  case $1 in
    --vcpus) VCPUS=$2; shift 2;;
    --dirty) DIRTY=$2; shift 2;;
    --disk) DISK=$2; shift 2;;
    --disk-size) DISK_SIZE=$2; shift 2;;
    --start) START=1; shift;;
    --print-xml) PRINT=1; shift;;
    *) usage;;
  esac
done
[[ $NAME =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || tb_die "bad domain name '$NAME'"
[[ $MEM =~ ^[0-9]+$ && $VCPUS =~ ^[0-9]+$ && $DIRTY =~ ^[0-9]+$ ]] || usage
[ -f "$TB_GUEST/vmlinuz" ] && [ -f "$TB_GUEST/initrd.img" ] || tb_die "guest not built: run guest-build.sh"
mkdir -p "$TB_CONSOLES" "$TB_DOMAINS"
CONSOLE=$TB_CONSOLES/$NAME.log
DISK_XML=""
if [ -n "$DISK" ]; then
  [[ $DISK = /* ]] || tb_die "--disk needs an absolute path (as seen inside the host)"
  DISK_XML="    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='$DISK'/>
      <target dev='vda' bus='virtio'/>
    </disk>"
fi
XML=$(sed -e "s|@NAME@|$NAME|g" -e "s|@MEM@|$MEM|g" -e "s|@VCPUS@|$VCPUS|g" -e "s|@DIRTY@|$DIRTY|g" \
          -e "s|@GUEST_DIR@|$TB_GUEST|g" -e "s|@CONSOLE@|$CONSOLE|g" "$TB_DIR/domain.xml.tmpl" \
      | awk -v disk="$DISK_XML" '/^@DISK@$/{ if (disk != "") print disk; next } {print}')
echo "$XML" > "$TB_DOMAINS/$NAME.xml"
if [ $PRINT = 1 ]; then echo "$XML"; exit 0; fi

if [ -n "$DISK" ]; then
  "$TB_DIR/host-exec.sh" "$H" -- sh -c '[ -e "$1" ] || { mkdir -p "$(dirname "$1")" && qemu-img create -q -f qcow2 "$1" "$2"; }' \
    sh "$DISK" "$DISK_SIZE"
fi
virsh -q -c "$(tb_uri "$H")" define "$TB_DOMAINS/$NAME.xml" >/dev/null
tb_log "defined $NAME on $H (mem=${MEM}MiB vcpus=$VCPUS dirty=${DIRTY}MiB/s disk=${DISK:-none} console=$CONSOLE)"
if [ $START = 1 ]; then virsh -q -c "$(tb_uri "$H")" start "$NAME" >/dev/null; tb_log "started $NAME on $H"; fi
