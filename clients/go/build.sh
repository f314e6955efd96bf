#!/usr/bin/env bash
# Builds the Go example client offline, in GOPATH mode, against Debian's Go
# packages (golang-go, golang-google-grpc-dev, golang-google-protobuf-dev,
# golang-github-golang-protobuf-1-5-dev, golang-google-genproto-dev under
# /usr/share/gocode) and the stubs from scripts/gen-stubs.sh:
#
#   clients/go/build.sh GEN_DIR OUTPUT     # GEN_DIR as given to gen-stubs.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gen=$(cd "$1" && pwd)
output=$2
[[ -d $gen/go/longtake ]] || { echo "go build: no Go stubs in $gen/go (scripts/gen-stubs.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The stubs' go_package is longtake/gen/go/...: give them that import path.
mkdir -p "$work/src/longtake/gen" "$work/src/longtake-example"
ln -s "$gen/go" "$work/src/longtake/gen/go"
cp "$here/example/main.go" "$work/src/longtake-example/"
cd "$work/src/longtake-example"
GOPATH="$work:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOPROXY=off \
  GOCACHE=${GOCACHE:-$HOME/.cache/go-build} go build -o "$output" .
