#!/bin/bash
# demo.sh — what `./demo` runs on the real test bed (as root): Ferry's engine, conductor and one host
# agent per simulated host (host-a, host-b, host-c: a libvirtd each, in its own namespaces), a tiny
# QEMU guest with a host-local disk, and the flows through the `ferry` CLI: create, cold migration
# with a real disk copy, confirm, resize (the guest sees its new memory), revert. `./demo down`
# stops Ferry and tears the test bed down. State: $FERRY_TB (set by ./demo).
set -euo pipefail
cd "$(dirname "$0")/.."
. testbed/lib.sh
HOSTS=(host-a host-b host-c)
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
console_of() { ./ferry --output json server show "$1" | sed -n 's/^  "id" : "\([^"]*\)".*/\1/p' | head -1; }
show_console() { # id since-line: the guest's own words since that line (boot, disk check)
  echo "-- guest console ($TB_CONSOLES/$1.log) --"
  tail -n +"$(( $2 + 1 ))" "$TB_CONSOLES/$1.log" | tr -d '\r' | grep -E '^FERRY-GUEST|^HEARTBEAT [0-9]+ ' | grep -vE '^HEARTBEAT ([4-9]|[0-9]{2,}) ' || true
}
wait_console() { # id since-line regex
  for _ in $(seq 1 600); do tail -n +"$(( $2 + 1 ))" "$TB_CONSOLES/$1.log" 2>/dev/null | tr -d '\r' | grep -qE "$3" && return 0; sleep 0.2; done
  echo "demo: the guest did not print /$3/ in 120 s" >&2; return 1
}
lines() { wc -l < "$TB_CONSOLES/$1.log"; }

pkgs="libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients busybox-static cpio, and QEMU >= 9.0 (qemu-system-x86 qemu-utils) from bookworm-backports"
say "The real test bed. When missing, this installs: $pkgs (apt-get, about 120 MB), Java 17 and"
cat <<EOF
   Maven; it downloads the Debian cloud kernel .deb (27 MB, extracted under $FERRY_TB/cache, not
   installed) and builds a busybox guest. It creates: ${HOSTS[*]}, each a libvirtd in network
   namespace $FERRY_TB_NS-<host> (bridge in $FERRY_TB_NS-fabric, addresses 198.51.100.0/24 that
   exist only there), state in $FERRY_TB; Ferry's engine (a Temporal server on localhost:7233, Web UI
   on localhost:8233; the Temporal CLI is built once when missing, about 8 min), conductor and one agent
   per host (logs in .ferry/logs); one guest 'web1'. Everything stays up: ./demo down removes it.
EOF
scripts/install-deps.sh
testbed/install.sh
mvn -B -q -ntp package -DskipTests
testbed/guest-build.sh

say "Test bed: ${HOSTS[*]} (a libvirtd each, own namespaces and host UUID)"
testbed/hosts-up.sh "${HOSTS[@]}" | sed 's/ uri=.*//'
mkdir -p .ferry && echo testbed > .ferry/demo-mode
say "Starting the engine (Temporal server on localhost:7233), the conductor and one agent per host, each agent inside its host"
FERRY_TESTBED=1 FERRY_TB_DISKFILL=16 scripts/cluster.sh up "${HOSTS[@]}"

say "Hosts"
run ./ferry host list
say "Boot a guest on host-a with a 64 MiB host-local disk (it writes 16 MiB of data + a checksum at first boot)"
./ferry server delete web1 >/dev/null 2>&1 || true
run ./ferry server create --name web1 --flavor t1.nano --host host-a --disk-size 64M
id=$(console_of web1)
wait_console "$id" 0 '^FERRY-GUEST disk wrote'
wait_console "$id" 0 '^HEARTBEAT 3 '
show_console "$id" 0
run virsh -c "$(tb_uri host-a)" list --all

say "Cold-migrate it to host-b: stop, stream the disk host-a -> host-b through libvirt, start; it waits in VERIFY_RESIZE"
n=$(lines "$id")
run ./ferry migrate web1 --host host-b --wait
wait_console "$id" "$n" '^FERRY-GUEST disk (ok|CORRUPT)'
show_console "$id" "$n"
run qemu-img compare -U "$TB_HOSTS/host-a/local/$id.qcow2" "$TB_HOSTS/host-b/local/$id.qcow2"
run ./ferry resize-confirm web1
run ls "$TB_HOSTS/host-a/local" "$TB_HOSTS/host-b/local"
run ./ferry migration show web1

say "Resize it to t1.micro (192 MiB) on host-c: the guest boots with more memory; then revert"
n=$(lines "$id")
run ./ferry resize web1 --flavor t1.micro --host host-c --wait
wait_console "$id" "$n" '^FERRY-GUEST disk (ok|CORRUPT)'
show_console "$id" "$n"
n=$(lines "$id")
run ./ferry resize-revert web1
wait_console "$id" "$n" '^FERRY-GUEST disk (ok|CORRUPT)'
show_console "$id" "$n"
run ./ferry server show web1
run testbed/guest-health.sh "$TB_CONSOLES/$id.log"

say "Bad input is refused with a reason and changes nothing"
run ./ferry resize-confirm web1 || true
run ./ferry server create --name web2 --flavor t1.nano --host nowhere || true

say "Every move is in the Temporal Web UI"
FERRY_TESTBED=1 scripts/cluster.sh ui
say "Done. Ferry and the test bed keep running: try ./ferry --help, virsh -c '$(tb_uri host-b)' list; stop with ./demo down"
