#!/usr/bin/env bash
# Installs what Ferry needs on a fresh Debian machine: libvirt's client library (libvirt-java
# loads libvirt.so.0 through JNA; test:/// hosts need nothing else), plus Java 17 and Maven when
# missing, and Chromium with its driver (the Web UI's browser test); then the Temporal CLI that
# runs the embedded Temporal server (scripts/temporal-cli.sh: built once from the Go module proxy,
# about 8 min, cached by version). Idempotent and quiet when everything is there.
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q 'libvirt.so.0' || need+=(libvirt0)
command -v virsh >/dev/null || need+=(libvirt-clients)
command -v xmllint >/dev/null || need+=(libxml2-utils) # GuestTemplateTest: libvirt's schema check
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
# WebUiBrowserIT drives the Temporal Web UI in headless Chromium through Debian's chromedriver
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install-deps: need root to apt-get install ${need[*]}" >&2; exit 1; }
  echo "install-deps: apt-get install ${need[*]}"
  # waits for the dpkg lock when another apt-get runs on this machine (e.g. the test bed's install)
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# unless only Temporal's Java test server will be used (FERRY_ENGINE=java-test-server)
if [ "${FERRY_ENGINE:-temporal}" = temporal ]; then
  "$(dirname "${BASH_SOURCE[0]}")/temporal-cli.sh" > /dev/null
fi
