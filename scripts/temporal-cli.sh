#!/usr/bin/env bash
# Prints the path of the Temporal CLI that runs Ferry's embedded Temporal server (`temporal server
# start-dev`: Temporal Server and Web UI in one process, SQLite), building it once when missing.
#
# The CLI is not packaged for Debian, npm or Maven Central here, so it is built from the Go module
# proxy: `go install github.com/temporalio/cli/cmd/temporal@$VERSION` (about 8 min on 2 cores). The
# version is pinned: v1.9.1 cannot be installed (its go.mod replaces a module with a directory the
# module zip lacks). The binary is cached by version outside any Ferry state directory
# ($FERRY_CACHE_DIR, default ~/.cache/ferry), so `cluster.sh down` never deletes it.
# It needs Go >= 1.25 (the CLI's go.mod): the machine's Go when new enough, else the Go toolchain
# module fetched through the same proxy. Never commit the binary or its sources.
set -euo pipefail
VERSION=${FERRY_TEMPORAL_CLI_VERSION:-v1.5.1}
GO_NEEDED=1.25.0
CACHE=${FERRY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}
DIR=$CACHE/temporal-cli/$VERSION
BIN=$DIR/temporal

die() { echo "temporal-cli: error: $*" >&2; exit 1; }

has_version() { [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "temporal version ${VERSION#v} "; }
if has_version; then echo "$BIN"; exit 0; fi

mkdir -p "$DIR" || die "cannot create the cache directory $DIR"
exec 9> "$DIR/.lock"
flock 9 # a second caller waits for the first one's build instead of building again
if has_version; then echo "$BIN"; exit 0; fi

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

# A Go that can build the CLI: the machine's when new enough, else the toolchain module from the proxy.
GO=$(command -v go || true)
go_version=$([ -n "$GO" ] && "$GO" env GOVERSION 2>/dev/null | sed 's/^go//' || true)
if [ -z "$GO" ] || ! version_ge "${go_version:-0}" "$GO_NEEDED"; then
  proxy=${GOPROXY:-https://proxy.golang.org}; proxy=${proxy%%,*}
  [ "$proxy" != direct ] && [ "$proxy" != off ] || proxy=https://proxy.golang.org
  toolchain=$CACHE/go$GO_NEEDED
  if [ ! -x "$toolchain/bin/go" ]; then
    command -v curl >/dev/null && command -v unzip >/dev/null ||
      die "no Go >= $GO_NEEDED here (found: ${go_version:-none}), and curl/unzip to fetch one are missing"
    echo "temporal-cli: fetching the Go $GO_NEEDED toolchain from $proxy" >&2
    zip=$CACHE/go$GO_NEEDED.zip
    curl -fsSL -o "$zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go$GO_NEEDED.linux-amd64.zip" ||
      die "cannot fetch the Go $GO_NEEDED toolchain from $proxy"
    rm -rf "$toolchain.tmp" && mkdir -p "$toolchain.tmp"
    unzip -q "$zip" -d "$toolchain.tmp" && rm -f "$zip"
    # the module zip holds golang.org/toolchain@.../{bin,pkg,src}; its files lose their x bit
    mv "$toolchain.tmp"/golang.org/toolchain@*/ "$toolchain" && rm -rf "$toolchain.tmp"
    chmod +x "$toolchain"/bin/* "$toolchain"/pkg/tool/*/*
  fi
  GO=$toolchain/bin/go
fi

echo "temporal-cli: building the Temporal CLI $VERSION with $("$GO" env GOVERSION) (once; about 8 min on 2 cores)" >&2
tmp=$(mktemp -d "$DIR/build.XXXXXX")
# the release's version string (a plain `go install` reports 0.0.0-DEV)
ldflags="-X github.com/temporalio/cli/temporalcli.Version=${VERSION#v}"
if ! GOBIN=$tmp GOTOOLCHAIN=local GOFLAGS=-mod=mod "$GO" install -ldflags "$ldflags" \
  "github.com/temporalio/cli/cmd/temporal@$VERSION" \
  > "$DIR/build.log" 2>&1; then
  rm -rf "$tmp"
  die "building the Temporal CLI $VERSION failed (log: $DIR/build.log): $(tail -1 "$DIR/build.log")"
fi
mv "$tmp/temporal" "$BIN" && rm -rf "$tmp"
has_version || die "the built $BIN does not report version $VERSION"
echo "$BIN"
