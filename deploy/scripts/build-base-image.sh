#!/usr/bin/env bash
# Builds a local stand-in for the Docker Hub image debian:bookworm-slim with
# debootstrap from this machine's own Debian mirror, so Containerfiles that say
# `FROM debian:bookworm-slim` (or docker.io/library/debian:bookworm-slim) build
# here unchanged with no container registry reachable.
#
# Usage (as root):  deploy/scripts/build-base-image.sh [--force | --print-sources]
#   --force          rebuild even if the image already exists (default: skip, ~0 s)
#   --print-sources  print the mirror and the image's debian.sources, build nothing
# Env:  LONGTAKE_DEBIAN_MIRROR  mirror URL to use instead of the one in
#       /etc/apt/sources.list{,.d/*.list,.d/*.sources}
#       LONGTAKE_APT_ETC        apt config dir to read (default /etc/apt; tests)
#
# Tags written (same image ID):
#   docker.io/library/debian:bookworm-slim   what `FROM debian:bookworm-slim` resolves to
#   localhost/debian:bookworm-slim           explicit local name
set -euo pipefail

suite=bookworm
tags=(docker.io/library/debian:bookworm-slim localhost/debian:bookworm-slim)
apt_etc="${LONGTAKE_APT_ETC:-/etc/apt}"
mode=build
case "${1:-}" in
  "") ;;
  --force) mode=force ;;
  --print-sources) mode=print ;;
  *) echo "usage: $0 [--force | --print-sources]" >&2; exit 2 ;;
esac

log() { echo "build-base-image.sh: $*"; }
start=$(date +%s)

# Print "URI SUITE COMPONENTS..." for every enabled binary (deb) source of the
# host, from both the one-line format and the deb822 (.sources) format.
host_sources() {
  local f
  for f in "$apt_etc/sources.list" "$apt_etc"/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    # deb [opts] URI SUITE COMP...
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 {
      line = $2 " " $3; for (i = 4; i <= NF; i++) line = line " " $i; print line }'
  done
  for f in "$apt_etc"/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk '
      function flush(  i, j, nu, ns, u, s) {
        if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no") {
          nu = split(uris, u, " "); ns = split(suites, s, " ")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i] " " s[j] " " comps
        }
        types = uris = suites = comps = ""; enabled = "yes"; key = ""
      }
      BEGIN { enabled = "yes" }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]/ { next }   # continuation lines (e.g. inline keys): ignored
      {
        k = tolower($1); sub(/:$/, "", k); v = $0; sub(/^[^:]*:[[:space:]]*/, "", v)
        if (k == "types") types = v; else if (k == "uris") uris = v
        else if (k == "suites") suites = v; else if (k == "components") comps = v
        else if (k == "enabled") enabled = v
      }
      END { flush() }' "$f"
  done
}

sources=$(host_sources | awk -v s="$suite" '$2 ~ ("^" s "([-/]|$)")' | awk '!seen[$0]++')
mirror="${LONGTAKE_DEBIAN_MIRROR:-$(awk -v s="$suite" '$2 == s { print $1; exit }' <<<"$sources")}"
if [[ -z "$mirror" ]]; then
  log "no '$suite' mirror found in $apt_etc/sources.list*; set LONGTAKE_DEBIAN_MIRROR" >&2
  exit 1
fi

# deb822 debian.sources for the image: the host's bookworm* entries grouped by
# mirror, so RUN apt-get in builds reaches the same mirrors as the host.
image_sources() {
  local entries="$sources"
  [[ -n "${LONGTAKE_DEBIAN_MIRROR:-}" ]] && entries="$mirror $suite main
$mirror $suite-updates main"
  awk '{ key = $1 "|" $3; for (i = 4; i <= NF; i++) key = key " " $i
         if (key in suites) suites[key] = suites[key] " " $2; else suites[key] = $2 }
       END { for (k in suites) { split(k, p, "|")
         printf "Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n",
                p[1], suites[k], (p[2] == "" ? "main" : p[2]) } }' <<<"$entries"
}

if [[ $mode == print ]]; then
  echo "mirror: $mirror"
  image_sources
  exit 0
fi

if [[ $mode == build ]] && podman image exists "${tags[0]}"; then
  # Make sure every tag exists even if only the first one survived.
  for t in "${tags[@]:1}"; do podman image exists "$t" || podman tag "${tags[0]}" "$t"; done
  log "${tags[0]} already present, skipping ($(( $(date +%s) - start )) s)"
  exit 0
fi
log "mirror: $mirror"

work=$(mktemp -d /var/tmp/longtake-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -30 "$work/debootstrap.log" >&2
  exit 1
}

# Make the rootfs look like the Docker "slim" image: apt sources in deb822
# form (copied from the host, so RUN apt-get reaches the same mirror), no docs
# or man pages installed later, no apt caches left in layers.
rm -f "$rootfs/etc/apt/sources.list"
image_sources >"$rootfs/etc/apt/sources.list.d/debian.sources"

cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
CFG
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
CFG
cat >"$rootfs/etc/apt/apt.conf.d/docker-no-languages" <<'CFG'
Acquire::Languages "none";
CFG
cat >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests" <<'CFG'
Apt::AutoRemove::SuggestsImportant "false";
CFG
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
       "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
       "$rootfs"/var/log/*.log "$rootfs"/tmp/* "$rootfs"/var/tmp/*
: >"$rootfs/etc/machine-id"
rm -f "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf"   # podman provides these at run time

tar --numeric-owner -C "$rootfs" -c . |
  podman import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "debootstrap --variant=minbase $suite from $mirror" - "${tags[0]}" >/dev/null
for t in "${tags[@]:1}"; do podman tag "${tags[0]}" "$t"; done

log "built ${tags[*]} ($(podman image inspect --format '{{.Size}}' "${tags[0]}" | awk '{printf "%.0f MB", $1/1e6}')) in $(( $(date +%s) - start )) s"
