#!/usr/bin/env bash
# Checks how deploy/scripts/build-base-image.sh finds the Debian mirror in apt
# sources (one-line and deb822 formats), using fixture apt dirs; builds nothing
# and needs neither podman nor root.
# Usage: deploy/tests/mirror_detection_test.sh   (also run by CTest)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script="$here/../../deploy/scripts/build-base-image.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

expect() {  # expect NAME WANTED_SUBSTRING OUTPUT
  if [[ "$3" != *"$2"* ]]; then
    echo "FAIL $1: wanted '$2' in:"; echo "$3" | sed 's/^/    /'; failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}
reject() {  # reject NAME UNWANTED_SUBSTRING OUTPUT
  if [[ "$3" == *"$2"* ]]; then
    echo "FAIL $1: did not want '$2' in:"; echo "$3" | sed 's/^/    /'; failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}
run() { LONGTAKE_APT_ETC="$1" "$script" --print-sources 2>&1; }

# deb822: a disabled stanza and a deb-src stanza come first and must be skipped;
# *.disabled files are not read by apt and must not be read here either.
d="$tmp/deb822"; mkdir -p "$d/sources.list.d"
cat >"$d/sources.list.d/debian.sources" <<'S'
# comment
Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main

Types: deb
# inner comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main
S
printf 'Types: deb\nURIs: http://ignored.example/debian\nSuites: bookworm\nComponents: main\n' \
  >"$d/sources.list.d/other.sources.disabled"
out=$(run "$d")
expect "deb822 mirror" "mirror: http://mirror.example/debian" "$out"
expect "deb822 suites kept together" "Suites: bookworm bookworm-updates" "$out"
expect "deb822 components kept" "Components: main contrib" "$out"
expect "deb822 security copied" "URIs: http://security.example/debian-security" "$out"
reject "deb822 disabled stanza skipped" "disabled.example" "$out"
reject "deb822 deb-src skipped" "src.example" "$out"
reject "*.disabled file skipped" "ignored.example" "$out"

# One-line format with options, comments and a non-Debian repo listed first.
d="$tmp/oneline"; mkdir -p "$d/sources.list.d"
cat >"$d/sources.list" <<'S'
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://mirror2.example/debian bookworm main
deb http://mirror2.example/debian bookworm-updates main
S
echo 'deb https://vendor.example/apt stable main' >"$d/sources.list.d/vendor.list"
out=$(run "$d")
expect "one-line mirror (options stripped)" "mirror: http://mirror2.example/debian" "$out"
reject "one-line comment skipped" "commented.example" "$out"
reject "one-line non-bookworm repo not copied" "vendor.example" "$out"

# No bookworm source at all: the script must fail and say so.
d="$tmp/none"; mkdir -p "$d/sources.list.d"
echo 'deb http://x.example/debian trixie main' >"$d/sources.list"
if out=$(run "$d"); then
  echo "FAIL no-mirror: exit status 0"; failures=$((failures + 1))
else
  expect "no-mirror message" "set LONGTAKE_DEBIAN_MIRROR" "$out"
fi

# Override wins over the sources.
out=$(LONGTAKE_DEBIAN_MIRROR=http://override.example/debian run "$d")
expect "override mirror" "mirror: http://override.example/debian" "$out"

for s in "$here"/../../deploy/scripts/*.sh; do
  if bash -n "$s"; then echo "ok   syntax $(basename "$s")"; else echo "FAIL syntax $s"; failures=$((failures + 1)); fi
done

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
