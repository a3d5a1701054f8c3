#!/bin/bash
# guest-build.sh — builds the test guest into $FERRY_TB/guest/: vmlinuz (Debian cloud kernel) and
# initrd.img (busybox initramfs: boot banner, HEARTBEAT n each second, dirty=N MiB/s, clean power-off
# on the ACPI power button). Skips when both outputs exist and are newer than this script.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tb_need_root

SELF=$(readlink -f "$0")
if [ "${1:-}" != --force ] && [ "$TB_GUEST/vmlinuz" -nt "$SELF" ] && [ "$TB_GUEST/initrd.img" -nt "$SELF" ]; then
  tb_log "guest up to date: $TB_GUEST/{vmlinuz,initrd.img}"; exit 0
fi
"$TB_DIR/install.sh"

K=$FERRY_TB/cache/kernel
VMLINUZ=$(ls "$K"/boot/vmlinuz-* | head -1)
KVER=${VMLINUZ##*/vmlinuz-}
BB=/bin/busybox                                 # from busybox-static: no shared libraries
[ -x "$BB" ] || tb_die "$BB not found (busybox-static)"
W=$FERRY_TB/cache/initrd-build
rm -rf "$W" && mkdir -p "$W"/{bin,sbin,proc,sys,dev,tmp,etc/acpi/PWRF,lib/modules/$KVER}
cp "$BB" "$W/bin/busybox"
for a in $("$W/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$W/bin/$a"; done

# kernel modules the guest loads: ACPI power button + evdev (for acpid), virtio disk support
WANT=(button evdev virtio_pci virtio_blk)
declare -A seen=()
add_mod() {
  local name=$1 f deps d
  [ -n "${seen[$name]:-}" ] && return 0
  seen[$name]=1
  f=$(find "$K/lib/modules/$KVER/kernel" -name "$name.ko" -o -name "${name//_/-}.ko" | head -1)
  [ -n "$f" ] || { tb_log "module $name not found (built in?)"; return 0; }
  deps=$(tr '\0' '\n' < "$f" | sed -n 's/^depends=//p' | tr ',' ' ')
  for d in $deps; do add_mod "$d"; done
  mkdir -p "$W/lib/modules/$KVER/$(dirname "${f#"$K/lib/modules/$KVER/"}")"
  cp "$f" "$W/lib/modules/$KVER/${f#"$K/lib/modules/$KVER/"}"
}
for m in "${WANT[@]}"; do add_mod "$m"; done
"$W/bin/busybox" depmod -b "$W" "$KVER"

# ACPI power button -> busybox acpid -> this handler
cat > "$W/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "FERRY-GUEST poweroff" > /dev/console
sync
poweroff -f
EOF
chmod +x "$W/etc/acpi/PWRF/00000080"

cat > "$W/init" <<'EOF'
#!/bin/sh
# Ferry test guest: PID 1 of a busybox initramfs.
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs -o mode=1777 tmp /tmp
modprobe -a button evdev virtio_pci virtio_blk 2>/dev/null
DIRTY=0 FILL=0
for a in $(cat /proc/cmdline); do case $a in dirty=*) DIRTY=${a#dirty=};; diskfill=*) FILL=${a#diskfill=};; esac; done
MEM=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)
CPUS=$(grep -c '^processor' /proc/cpuinfo)
DISKS=$(cd /sys/block 2>/dev/null && ls -d vd* 2>/dev/null | tr '\n' ',' | sed 's/,$//')
echo "FERRY-GUEST boot mem_kib=$MEM vcpus=$CPUS dirty_mib=$DIRTY disks=${DISKS:-none}"
# power button: acpid reads /dev/input/event* and runs /etc/acpi/PWRF/00000080
acpid -c /etc/acpi -l /dev/null
# disk check: sector 0 of vda holds "FERRYDISK id=<uuid> mib=<N> md5=<sum of MiB 1..N>". Found:
# the data is read back and checked (FERRY-GUEST disk ok|CORRUPT). Not found and diskfill=N > 0:
# N MiB of random data are written once (first boot only), then the marker. So a disk that was
# copied to another host proves itself at the next boot there, and is never written again.
if [ -b /dev/vda ]; then
  ( M=$(dd if=/dev/vda bs=512 count=1 2>/dev/null | tr -d '\000' | head -1)
    case $M in
      FERRYDISK\ *)
        ID=${M#*id=}; ID=${ID%% *}; N=${M#*mib=}; N=${N%% *}; SUM=${M#*md5=}; SUM=${SUM%% *}
        GOT=$(dd if=/dev/vda bs=1M skip=1 count="$N" 2>/dev/null | md5sum | cut -d' ' -f1)
        if [ "$GOT" = "$SUM" ]; then echo "FERRY-GUEST disk ok id=$ID mib=$N md5=$GOT"
        else echo "FERRY-GUEST disk CORRUPT id=$ID mib=$N md5=$GOT expected=$SUM"; fi ;;
      *)
        if [ "$FILL" -gt 0 ]; then
          ID=$(cat /proc/sys/kernel/random/uuid)
          dd if=/dev/urandom of=/dev/vda bs=1M seek=1 count="$FILL" conv=fsync 2>/dev/null
          SUM=$(dd if=/dev/vda bs=1M skip=1 count="$FILL" 2>/dev/null | md5sum | cut -d' ' -f1)
          printf 'FERRYDISK id=%s mib=%s md5=%s \n' "$ID" "$FILL" "$SUM" | dd of=/dev/vda conv=fsync,notrunc 2>/dev/null
          sync
          echo "FERRY-GUEST disk wrote id=$ID mib=$FILL md5=$SUM"
        fi ;;
    esac ) &
fi
# memory dirtier: rewrites DIRTY MiB of random (incompressible) data once every second
if [ "$DIRTY" -gt 0 ]; then
  dd if=/dev/urandom of=/tmp/src bs=1M count=$DIRTY 2>/dev/null
  # every 30 rounds it reports the achieved rate: FERRY-GUEST dirty mib=<MiB rewritten> secs=<elapsed>
  cs() { sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1\2/' /proc/uptime; }
  ( n=0; s0=$(cs)
    while true; do
      t0=$(cs)
      dd if=/tmp/src of=/tmp/ballast bs=1M conv=notrunc 2>/dev/null
      t1=$(cs); n=$((n+1))
      left=$(( 100 - (t1 - t0) )); [ $left -gt 0 ] && usleep $(( left * 10000 ))
      if [ $n = 30 ]; then
        s1=$(cs); printf 'FERRY-GUEST dirty mib=%d secs=%d.%02d\n' $((30*DIRTY)) $(( (s1-s0)/100 )) $(( (s1-s0)%100 )); n=0; s0=$s1
      fi
    done ) &
fi
# heartbeat: counter + RTC wall clock (the CMOS RTC follows host time even while the VM is paused,
# so gaps in rtc= show real stalls such as a long migration downtime)
i=0
while true; do
  i=$((i+1))
  echo "HEARTBEAT $i rtc=$(cat /sys/class/rtc/rtc0/since_epoch 2>/dev/null || echo 0)"
  sleep 1
done
EOF
chmod +x "$W/init"

mkdir -p "$TB_GUEST"
(cd "$W" && find . | cpio -o -H newc --quiet | gzip -1) > "$TB_GUEST/initrd.img.tmp"
cp "$VMLINUZ" "$TB_GUEST/vmlinuz.tmp"
mv "$TB_GUEST/vmlinuz.tmp" "$TB_GUEST/vmlinuz"; mv "$TB_GUEST/initrd.img.tmp" "$TB_GUEST/initrd.img"
echo "$KVER" > "$TB_GUEST/kernel-version"
tb_log "guest built: $TB_GUEST/vmlinuz ($KVER), $TB_GUEST/initrd.img ($(du -k "$TB_GUEST/initrd.img" | cut -f1) KiB)"
