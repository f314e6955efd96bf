#!/usr/bin/env bash
# Makes a local CA and the certificates longtake needs for TLS and mTLS in
# development and tests (openssl only, EC P-256, valid 825 days):
#
#   scripts/make_dev_certs.sh DIR [--san DNS:name|IP:addr]... [--ca-name NAME]
#                                 [--readable-keys]
#
# writes into DIR (created if needed):
#   ca.crt ca.key          the CA (reused when DIR already has one, so the
#                          server and client certificates can be renewed)
#   server.crt server.key  SAN localhost, 127.0.0.1, ::1, the compose and
#                          Kubernetes service names (catalog,
#                          catalog-headless, watchlist, and their
#                          .longtake.svc(.cluster.local) forms), plus --san;
#                          serverAuth and clientAuth, so a pod can present
#                          its own certificate to the catalogue and probes
#   client.crt client.key  CN longtake-client, clientAuth: the CLI's --cert
#
# Keys are mode 0600; --readable-keys makes them 0644 so a container user
# (uid 10001) can read them through a bind mount (compose). These are
# development certificates: never use them in production.
#
# Then, for example:
#   longtake-catalog --tls-cert=DIR/server.crt --tls-key=DIR/server.key \
#     --tls-client-ca=DIR/ca.crt
#   longtake --ca DIR/ca.crt --cert DIR/client.crt --key DIR/client.key films list
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}
[[ $# -ge 1 && $1 != -* ]] || usage
dir=$1
shift
ca_name="longtake development CA"
readable=0
sans=(DNS:localhost IP:127.0.0.1 IP:::1)
for name in catalog catalog-headless watchlist; do
  sans+=("DNS:$name" "DNS:$name.longtake.svc" "DNS:$name.longtake.svc.cluster.local")
done
while [[ $# -gt 0 ]]; do
  case $1 in
    --san) [[ $# -ge 2 ]] || usage; sans+=("$2"); shift 2 ;;
    --ca-name) [[ $# -ge 2 ]] || usage; ca_name=$2; shift 2 ;;
    --readable-keys) readable=1; shift ;;
    *) usage ;;
  esac
done
command -v openssl >/dev/null || { echo "make_dev_certs: openssl not found (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$dir"
cd "$dir"
umask 077
days=825
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ -s ca.crt && -s ca.key ]]; then
  echo "make_dev_certs: reusing the CA in $dir"
else
  newkey ca.key
  openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=$ca_name" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt 2>/dev/null
fi

# sign NAME CN EXTENSIONS: NAME.key and NAME.crt signed by the CA.
sign() {
  local name=$1 cn=$2 ext=$3
  newkey "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$tmp/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$tmp/$name.ext"
  openssl x509 -req -in "$tmp/$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -CAserial "$tmp/ca.srl" -sha256 -days "$days" -extfile "$tmp/$name.ext" \
    -out "$name.crt" 2>/dev/null
}
san_list=$(IFS=,; echo "${sans[*]}")
sign server longtake "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$san_list"
sign client longtake-client "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

chmod 0644 ca.crt server.crt client.crt
if ((readable)); then chmod 0644 server.key client.key; fi
openssl verify -CAfile ca.crt server.crt client.crt >/dev/null
echo "make_dev_certs: wrote ca.crt server.crt server.key client.crt client.key in $dir"
