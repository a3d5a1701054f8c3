# lib.sh — shared definitions for the Ferry test-bed scripts (sourced, not executed).
# Defines the state layout under $FERRY_TB, the fixed host -> index/IP mapping, URIs and
# small helpers. Every script in this directory sources it.

FERRY_TB=${FERRY_TB:-/var/tmp/ferry-testbed}
TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB_NET=${FERRY_TB_SUBNET:-198.51.100}          # TEST-NET-2, configured only inside our namespaces
# Prefix of the network namespaces: two test beds (e.g. CI's and a developer's) can run side by side
# when their FERRY_TB and FERRY_TB_NS differ (their 198.51.100.x networks never meet).
FERRY_TB_NS=${FERRY_TB_NS:-ferry}
[[ $FERRY_TB_NS =~ ^[a-z][a-z0-9]{0,11}$ ]] || { echo "[testbed] ERROR: bad FERRY_TB_NS '$FERRY_TB_NS'" >&2; exit 1; }
TB_FABRIC=$FERRY_TB_NS-fabric                   # netns holding the bridge
TB_HOSTS=$FERRY_TB/hosts                        # per-host state dirs
TB_GUEST=$FERRY_TB/guest                        # vmlinuz + initrd.img (same path on every host)
TB_SHARED=$FERRY_TB/shared                      # = /var/lib/ferry/shared on every host
TB_CONSOLES=$FERRY_TB/consoles                  # serial console logs (same path everywhere)
TB_DOMAINS=$FERRY_TB/domains                    # rendered domain XML
TB_IMAGES=$FERRY_TB/images                      # the base image every host's image store gets a copy of
TB_IMAGE=ferry-tiny                             # its name: server create --image ferry-tiny
export FERRY_TB FERRY_TB_NS

tb_log() { echo "[testbed] $*" >&2; }
tb_die() { echo "[testbed] ERROR: $*" >&2; exit 1; }
tb_need_root() { [ "$(id -u)" = 0 ] || tb_die "must run as root"; }

# netns of a host (host names are DNS-like: letters, digits, '-')
tb_netns() { echo "$FERRY_TB_NS-$1"; }
tb_check_name() {
  [[ $1 =~ ^[a-z][a-z0-9-]{0,30}$ ]] || tb_die "bad host name '$1' (use [a-z][a-z0-9-]*)"
}

# Fixed index per host name (persisted on first use): host-a..host-z -> 11..36, others -> first free 50..250.
tb_host_index() {
  local n=$1 f=$TB_HOSTS/$1/index i
  if [ -s "$f" ]; then cat "$f"; return; fi
  if [[ $n =~ ^host-([a-z])$ ]]; then
    i=$(( $(printf '%d' "'${BASH_REMATCH[1]}") - 97 + 11 ))
  else
    for i in $(seq 50 250); do
      grep -qx "$i" "$TB_HOSTS"/*/index 2>/dev/null || break
    done
  fi
  mkdir -p "$TB_HOSTS/$n"; echo "$i" > "$f"; echo "$i"
}
tb_host_ip() { echo "$TB_NET.$(tb_host_index "$1")"; }
tb_host_uuid() { printf 'feedf00d-0000-4000-8000-%012d' "$(tb_host_index "$1")"; }

# URI a client in the ROOT namespace uses for a host's libvirtd.
tb_uri() { echo "qemu+unix:///system?socket=$TB_HOSTS/$1/run/libvirt-sock"; }
# URI libvirtd daemons (and anything inside a host) use to reach a peer.
tb_peer_uri() { echo "qemu+tcp://$1/system"; }

tb_daemon_pid() { cat "$TB_HOSTS/$1/daemon.pid" 2>/dev/null || true; }
# alive = the pid exists, is not a zombie and is a libvirtd
tb_daemon_alive() {
  local p; p=$(tb_daemon_pid "$1"); [ -n "$p" ] || return 1
  [ "$(cat /proc/$p/comm 2>/dev/null)" = libvirtd ] || return 1
  ! grep -q '^State:.*Z' /proc/$p/status 2>/dev/null
}
tb_daemon_answers() { timeout 5 virsh -q -c "$(tb_uri "$1")" uri >/dev/null 2>&1; }

# every pid belonging to a host: its netns + every process in one of its recorded mount namespaces
tb_host_pids() {
  local h=$1 ns pids=""
  ns=$(tb_netns "$h")
  ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$ns" && pids=$(ip netns pids "$ns" 2>/dev/null || true)
  if [ -s "$TB_HOSTS/$h/mntns" ]; then
    pids="$pids $(find /proc -mindepth 3 -maxdepth 3 -path '/proc/[0-9]*/ns/mnt' -printf '%h %l\n' 2>/dev/null |
      awk 'NR==FNR{want[$0]=1; next} ($2 in want){split($1, a, "/"); print a[3]}' "$TB_HOSTS/$h/mntns" -)"
  fi
  echo $pids | tr ' ' '\n' | grep -vx "$$" | sort -un | tr '\n' ' '
}
# a pid that exists and is not a zombie (killed daemons/QEMUs can linger unreaped: their parent is pid 1)
tb_pid_alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

tb_now() { date +%s.%N; }
tb_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
