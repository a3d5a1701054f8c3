#!/bin/bash
# hosts-up.sh [NAME...] — starts simulated compute hosts (default: host-a host-b host-c): one libvirtd
# per host in its own network + mount + UTS namespaces, own host_uuid, on a bridge 198.51.100.0/24 that
# exists only inside our namespaces. Idempotent; re-running for a host whose daemon died restarts it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tb_need_root

HOSTS=("$@"); [ ${#HOSTS[@]} -gt 0 ] || HOSTS=(host-a host-b host-c)
for h in "${HOSTS[@]}"; do tb_check_name "$h"; done
if [ ! -x /usr/sbin/libvirtd ] || ! getent passwd libvirt-qemu >/dev/null; then "$TB_DIR/install.sh"; fi
mkdir -p "$TB_HOSTS" "$TB_SHARED" "$TB_CONSOLES" "$TB_DOMAINS" "$TB_IMAGES" \
  /var/lib/ferry/local /var/lib/ferry/shared /var/lib/ferry/images

# The base image each host's image store (/var/lib/ferry/images, private per host) holds a copy of:
# Ferry makes root disks from it (server create --image) and rebuilds an evacuated host-local disk
# from it. 64 MiB qcow2, no FERRYDISK marker (so a guest fills its new disk at first boot), and a
# known pattern in its last 16 MiB, past anything the guest writes (diskfill <= 47): a rebuilt disk
# can be compared with the image there.
IMG=$TB_IMAGES/$TB_IMAGE.qcow2
if [ ! -f "$IMG" ]; then
  qemu-img create -q -f raw "$IMG.raw" 64M
  { yes "FERRY-BASE-IMAGE $TB_IMAGE" || true; } | head -c 16M \
    | dd of="$IMG.raw" bs=1M seek=48 conv=notrunc status=none # yes ends by SIGPIPE: not a failure
  qemu-img convert -f raw -O qcow2 "$IMG.raw" "$IMG.tmp" && rm -f "$IMG.raw" && mv "$IMG.tmp" "$IMG"
fi

# fixed index per host (persisted), then /etc/hosts for the hosts. Rewritten IN PLACE (same inode) so
# that hosts already running, which have it bind-mounted over /etc/hosts, see newly added peers.
for h in "${HOSTS[@]}"; do tb_host_index "$h" >/dev/null; done
{
  echo "127.0.0.1 localhost"
  for f in "$TB_HOSTS"/*/index; do n=$(basename "$(dirname "$f")"); echo "$TB_NET.$(cat "$f") $n"; done
} > "$TB_HOSTS/etc-hosts.new"
[ -f "$TB_HOSTS/etc-hosts" ] || : > "$TB_HOSTS/etc-hosts"
cat "$TB_HOSTS/etc-hosts.new" > "$TB_HOSTS/etc-hosts"; rm -f "$TB_HOSTS/etc-hosts.new"

netns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

# fabric: a bridge inside its own netns
if ! netns_exists "$TB_FABRIC"; then
  ip netns add "$TB_FABRIC"
  ip -n "$TB_FABRIC" link set lo up
  ip -n "$TB_FABRIC" link add br0 type bridge
  ip -n "$TB_FABRIC" link set br0 up
fi

STARTED=()
for h in "${HOSTS[@]}"; do
  i=$(tb_host_index "$h"); IP=$(tb_host_ip "$h"); UUID=$(tb_host_uuid "$h"); NS=$(tb_netns "$h")
  D=$TB_HOSTS/$h
  mkdir -p "$D"/{etc,run,lib/images,log,cache,local,images}
  [ -f "$D/images/$TB_IMAGE.qcow2" ] || cp --sparse=always "$IMG" "$D/images/$TB_IMAGE.qcow2"
  cat > "$D/etc/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 1
listen_addr = "$IP"
auth_tcp = "none"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_rw_perms = "0777"
host_uuid = "$UUID"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
keepalive_interval = 2
keepalive_count = 3
CONF
  cat > "$D/etc/qemu.conf" <<CONF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
migration_address = "$IP"
migration_host = "$IP"
migration_port_min = 49152
migration_port_max = 49215
CONF
  # network: netns with eth0 = one end of a veth whose other end (p<i>) is on the fabric bridge.
  # Both ends are created directly inside the namespaces: no interface ever shows in the root netns.
  if ! netns_exists "$NS"; then
    ip netns add "$NS"
    ip -n "$NS" link set lo up
  fi
  if ! ip -n "$NS" link show eth0 >/dev/null 2>&1; then
    ip -n "$TB_FABRIC" link del "p$i" 2>/dev/null || true
    ip -n "$TB_FABRIC" link add "p$i" type veth peer name eth0 netns "$NS"
    ip -n "$TB_FABRIC" link set "p$i" master br0 up
    ip -n "$NS" addr add "$IP/24" dev eth0
    ip -n "$NS" link set eth0 up
  fi

  if tb_daemon_alive "$h"; then
    if tb_daemon_answers "$h"; then echo "$h: already running (pid $(tb_daemon_pid "$h"))"; continue; fi
    tb_die "$h: libvirtd pid $(tb_daemon_pid "$h") is alive but does not answer on $(tb_uri "$h")"
  fi
  # No process left in this host = it was powered off: this start is a boot, so volatile /run is empty.
  # Otherwise (only libvirtd died, QEMUs still run) keep /run so the new daemon reattaches to them.
  if [ -z "$(tb_host_pids "$h")" ]; then
    find "$D/run" -mindepth 1 -delete
  else
    rm -f "$D/run/libvirt-sock" "$D/run/libvirt-sock-ro" "$D/run/libvirt-admin-sock" "$D/run/libvirtd.pid"
  fi
  # ip netns exec -> unshare (mount + uts) -> hostname + bind mounts -> exec libvirtd (same pid)
  setsid ip netns exec "$NS" unshare --mount --uts --propagation private -- /bin/sh -ec "
    hostname '$h'
    mount --bind '$TB_HOSTS/etc-hosts' /etc/hosts
    mount --bind '$D/etc' /etc/libvirt
    mount --bind '$D/run' /run/libvirt
    mount --bind '$D/lib' /var/lib/libvirt
    mount --bind '$D/log' /var/log/libvirt
    mount --bind '$D/cache' /var/cache/libvirt
    mount --bind '$D/local' /var/lib/ferry/local
    mount --bind '$D/images' /var/lib/ferry/images
    mount --bind '$TB_SHARED' /var/lib/ferry/shared
    exec /usr/sbin/libvirtd --listen -f /etc/libvirt/libvirtd.conf -p /run/libvirt/libvirtd.pid" \
    >> "$D/daemon.out" 2>&1 < /dev/null &
  echo $! > "$D/daemon.pid"
  STARTED+=("$h")
done

# wait until each started daemon answers, record its pid + mount namespace, warm up domcapabilities
WARM=()
for h in "${STARTED[@]}"; do
  D=$TB_HOSTS/$h
  for _ in $(seq 1 150); do tb_daemon_answers "$h" && break; sleep 0.1; done
  if ! tb_daemon_answers "$h"; then
    tail -5 "$D/daemon.out" >&2 || true; tail -20 "$D/log/libvirtd.log" >&2 || true
    tb_die "$h: libvirtd did not come up"
  fi
  p=$(cat "$D/run/libvirtd.pid" 2>/dev/null || cat "$D/daemon.pid")
  [ "$(cat /proc/$p/comm 2>/dev/null)" = libvirtd ] || tb_die "$h: cannot find the libvirtd pid"
  echo "$p" > "$D/daemon.pid"
  # only this boot's namespace: a dead one's number is reused by the kernel, and an older entry could
  # then make host-kill.sh / hosts-down.sh kill another bed's processes
  readlink /proc/$p/ns/mnt > "$D/mntns"
  # blocks until the daemon has probed QEMU's capabilities (first start ~2-4 s), so the first domain
  # start / incoming migration is not slowed down by it
  # (and `capabilities` probes every installed emulator binary: ~4 s on the first call otherwise)
  { virsh -q -c "$(tb_uri "$h")" domcapabilities --virttype qemu >/dev/null
    virsh -q -c "$(tb_uri "$h")" capabilities >/dev/null; } &
  WARM+=($!)
done
[ ${#WARM[@]} -eq 0 ] || wait "${WARM[@]}"

for h in "${HOSTS[@]}"; do
  echo "$h: pid=$(tb_daemon_pid "$h") ip=$(tb_host_ip "$h") uuid=$(tb_host_uuid "$h") peer=$(tb_peer_uri "$h") uri=$(tb_uri "$h")"
done
