#!/bin/bash
# install.sh — idempotent, as root: installs the Debian packages the test bed needs (libvirt, QEMU,
# busybox, ...), creates the libvirt-qemu user/group a root libvirtd insists on, and fetches the
# Debian cloud kernel .deb (extracted under $FERRY_TB/cache/kernel, never installed). < 2 s when done.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tb_need_root

# QEMU >= 9.0: older releases lose guest memory writes during a live migration under TCG (the
# dirty-bitmap sync cleared bits without resetting the TCG TLB), which corrupts a migrated guest
# now and then (a kernel oops on the destination). Debian 12 ships 7.2; its backports carry 10.x.
QEMU_MIN=1:9.0
QEMU_PKGS=(qemu-system-x86 qemu-utils)
BPO_SOURCE=/etc/apt/sources.list.d/ferry-bookworm-backports.sources
PKGS=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt0 cpio busybox-static
      iproute2 util-linux gzip coreutils procps)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }
version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

missing=()
for p in "${PKGS[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${QEMU_PKGS[@]}"; do
  if ! installed "$p" || ! dpkg --compare-versions "$(version "$p")" ge "$QEMU_MIN"; then
    missing+=("$p/bookworm-backports")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$BPO_SOURCE"
    tb_log "added the bookworm-backports apt source ($BPO_SOURCE) for QEMU >= $QEMU_MIN"
    stale_index=1
  fi
  tb_log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # another apt-get (a parallel install on this machine) holds the dpkg lock: wait for it
  APT=(apt-get -o DPkg::Lock::Timeout=600)
  if [ "${stale_index:-0}" = 1 ]; then "${APT[@]}" update -qq; fi
  if ! "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/tmp/ferry-tb-apt.log 2>&1; then
    tb_log "apt-get install failed, running apt-get update and retrying"
    "${APT[@]}" update -qq
    "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/tmp/ferry-tb-apt.log 2>&1 \
      || { cat /tmp/ferry-tb-apt.log >&2; tb_die "apt-get install failed"; }
  fi
  for p in "${QEMU_PKGS[@]}"; do
    dpkg --compare-versions "$(version "$p")" ge "$QEMU_MIN" \
      || tb_die "$p $(version "$p") is older than $QEMU_MIN after the install"
  done
  tb_log "installed: ${missing[*]}"
fi

# a privileged libvirtd resolves its compiled-in default qemu user before reading qemu.conf
if ! getent group libvirt-qemu >/dev/null; then groupadd -r libvirt-qemu; tb_log "created group libvirt-qemu"; fi
if ! getent passwd libvirt-qemu >/dev/null; then
  useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
  tb_log "created user libvirt-qemu"
fi

# guest kernel: Debian cloud kernel image, extracted (not installed)
K=$FERRY_TB/cache/kernel
if ! ls "$K"/boot/vmlinuz-* >/dev/null 2>&1; then
  KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$KPKG" ]; then
    apt-get update -qq
    KPKG=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  fi
  [ -n "$KPKG" ] || tb_die "cannot resolve the image package of linux-image-cloud-amd64"
  tb_log "downloading guest kernel $KPKG (extracted, not installed)"
  mkdir -p "$FERRY_TB/cache/debs" && rm -rf "$K.tmp"
  (cd "$FERRY_TB/cache/debs" && rm -f linux-image-*.deb && apt-get download -q "$KPKG" >/dev/null 2>&1) \
    || tb_die "apt-get download $KPKG failed"
  dpkg-deb -x "$FERRY_TB"/cache/debs/"$KPKG"_*.deb "$K.tmp"
  rm -rf "$K" && mv "$K.tmp" "$K"
  tb_log "guest kernel: $(ls "$K"/boot/vmlinuz-*)"
fi
# empty mount points in the root fs; only bind-mounted over inside the hosts' mount namespaces
mkdir -p /var/lib/ferry/local /var/lib/ferry/shared /run/libvirt /var/lib/libvirt /var/log/libvirt \
         /var/cache/libvirt /etc/libvirt
tb_log "install ok ($(virsh --version 2>/dev/null | sed 's/^/libvirt /'), $(qemu-system-x86_64 --version | head -1))"
