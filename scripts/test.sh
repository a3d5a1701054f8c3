#!/usr/bin/env bash
# The one command that runs every test: unit and replay tests, libvirt integration tests against
# test:/// hosts, and the end-to-end suite of separate processes driven through the CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-deps.sh
exec mvn -B -ntp verify "$@"
