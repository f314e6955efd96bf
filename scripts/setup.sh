#!/usr/bin/env bash
# Installs what longtake needs on Debian 12 (only what is missing), links
# Google's common protos for buf, and installs the npm tools. Safe to re-run:
# a second run installs nothing and takes a second or two.
#
#   scripts/setup.sh            # build and run dependencies
#   scripts/setup.sh --test     # also what the tests need (PostgreSQL, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  libabsl-dev libsqlite3-dev libssl-dev nlohmann-json3-dev libjwt-dev
  libxxhash-dev  # XXH3 checksums of read model snapshots (header only)
  openssl  # scripts/make_dev_certs.sh (development and test certificates)
  libpqxx-dev libpq-dev
  libgtest-dev libgmock-dev clang-format-14
  golang-github-gogo-googleapis-dev grpc-proto
  nodejs npm
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql python3-grpcio python3-protobuf nghttp2-client sqlite3
             # a real Prometheus server scrapes both services' /metrics
             prometheus
             # The fuzz targets (scripts/build_fuzz.sh): clang and libFuzzer.
             clang-14 libclang-rt-14-dev
             protoc-gen-go protoc-gen-go-grpc
             # The Go example client, built offline in GOPATH mode. protobuf
             # 1.5 (not 1.3, which golang-google-grpc-dev would pull alone)
             # is the one that speaks to protoc-gen-go 1.28's messages.
             golang-go golang-google-grpc-dev golang-google-protobuf-dev
             golang-github-golang-protobuf-1-5-dev golang-google-genproto-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    # nodejs/npm may come from elsewhere (e.g. a preinstalled Node).
    if [[ "$p" == nodejs ]] && command -v node >/dev/null; then continue; fi
    if [[ "$p" == npm ]] && command -v npm >/dev/null; then continue; fi
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# buf needs Google's common protos inside the workspace (no registry here).
googleapis=/usr/share/gocode/src/github.com/gogo/googleapis/google
mkdir -p .deps/googleapis/google
for d in rpc type; do
  ln -sfn "$googleapis/$d" ".deps/googleapis/google/$d"
done

# npm tools (buf), pinned by package-lock.json.
if [[ ! -x node_modules/.bin/buf || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm tools"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# The offline Kubernetes manifest validator (deploy/k8s/validate).
if [[ "${1:-}" == "--test" ]]; then
  v=deploy/k8s/validate
  if [[ ! -d $v/node_modules || $v/package-lock.json -nt $v/node_modules/.package-lock.json ]]; then
    echo "setup: installing the manifest validator"
    npm ci --prefix "$v" --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi
