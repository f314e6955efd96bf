#!/usr/bin/env bash
# Installs podman + helpers from the Debian archive and configures them for
# this kind of machine (no container registry, crun unusable, low ulimits).
# Idempotent: packages already installed are skipped, the config file is
# rewritten only when its content differs.
#
# Usage (as root):  deploy/scripts/install-podman.sh
# Env:  LONGTAKE_CONTAINERS_CONF  config path to write
#       (default /etc/containers/containers.conf.d/longtake.conf)
set -euo pipefail

conf="${LONGTAKE_CONTAINERS_CONF:-/etc/containers/containers.conf.d/longtake.conf}"
# dnsname: with podman's CNI network backend (Debian 12's default), containers
# on a user-defined network resolve each other's names only with this plugin.
pkgs=(podman buildah runc podman-compose debootstrap golang-github-containernetworking-plugin-dnsname)

if [[ $(id -u) -ne 0 ]]; then
  echo "install-podman.sh: must run as root" >&2
  exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
  # dpkg-query prints "install ok installed" only for fully installed packages.
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-podman.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}" \
    uidmap slirp4netns fuse-overlayfs containernetworking-plugins
else
  echo "install-podman.sh: packages already present"
fi

# crun fails on these machines; runc works. The default ulimits podman copies
# from the host (nofile 1M+) are refused inside the build sandbox, so cap them.
want=$(cat <<'CONF'
# Written by longtake deploy/scripts/install-podman.sh
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
CONF
)
mkdir -p "$(dirname "$conf")"
if [[ -f "$conf" && "$(cat "$conf")" == "$want" ]]; then
  echo "install-podman.sh: $conf up to date"
else
  printf '%s\n' "$want" > "$conf"
  echo "install-podman.sh: wrote $conf"
fi

# Show what podman actually uses, so a wrong config path is visible at once.
runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null || true)
echo "install-podman.sh: podman $(podman --version | awk '{print $3}'), OCI runtime: ${runtime:-unknown}"
if [[ "$runtime" != "runc" ]]; then
  echo "install-podman.sh: WARNING: runtime is not runc; is $conf read? (try CONTAINERS_CONF=$conf)" >&2
fi
