#!/usr/bin/env bash
# CTest deploy.k8s_validate: renders deploy/k8s/overlays/{dev,prod} and
# validates every object (validate.mjs), compares the renderer with
# `kubectl kustomize` when kubectl is installed, then proves the check can
# fail: each broken copy of the manifests (in a temp dir) must be rejected
# with the expected message.
#
# Needs node and the npm packages of deploy/k8s/validate/package.json
# (kubernetes-models, yaml), installed in deploy/k8s/validate/node_modules or
# the repo's node_modules.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/deploy/k8s/validate
k8s=$repo/deploy/k8s

if ! (cd "$here" && node -e 'import("kubernetes-models/apps/v1/Deployment").then(() => import("yaml"))' 2>/dev/null); then
  echo "FAIL: npm packages kubernetes-models and yaml not found for $here;" >&2
  echo "      run: npm ci --prefix deploy/k8s/validate   (or scripts/setup.sh)" >&2
  exit 1
fi

compare=()
if command -v kubectl >/dev/null && kubectl kustomize "$k8s/overlays/dev" >/dev/null 2>&1; then
  compare=(--compare-kubectl)
else
  echo "note: kubectl kustomize not available; using render.mjs only"
fi
node "$here/validate.mjs" "${compare[@]}" "$k8s/overlays/dev" "$k8s/overlays/prod"

# ---- broken copies must fail ----
tmp=$(mktemp -d /tmp/longtake-k8s-validate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
# mutate NAME FILE PERL_EXPR EXPECTED_MESSAGE_REGEX
mutate() {
  local name=$1 file=$2 expr=$3 want=$4 copy="$tmp/$1"
  mkdir "$copy" && cp -r "$k8s/base" "$k8s/overlays" "$copy/"   # not validate/node_modules
  perl -0pi -e "$expr" "$copy/$file"
  if cmp -s "$k8s/$file" "$copy/$file"; then
    echo "FAIL [$name]: the mutation did not change $file (fix the test)" >&2
    failures=$((failures + 1)); return
  fi
  local out rc=0
  out=$(node "$here/validate.mjs" "$copy/overlays/dev" "$copy/overlays/prod" 2>&1) || rc=$?
  if [[ $rc -ne 1 ]]; then
    echo "FAIL [$name]: broken manifests were accepted (exit $rc)" >&2; echo "$out" >&2
    failures=$((failures + 1))
  elif ! grep -E -- "$want" <<<"$out" | grep -q '^FAIL'; then
    echo "FAIL [$name]: rejected, but without a message matching /$want/:" >&2; echo "$out" >&2
    failures=$((failures + 1))
  else
    echo "ok  rejects broken copy [$name]: $(grep -E -- "$want" <<<"$out" | grep -m1 '^FAIL' | sed "s|$copy/||" | cut -c1-150)"
  fi
}
mutate replicas-not-int overlays/prod/kustomization.yaml 's/count: 3/count: three/' 'spec/replicas must be integer'
mutate port-as-string base/catalog.yaml 's/containerPort: 50051/containerPort: "50051"/' 'containerPort.*(integer|must be)'
mutate probe-wrong-port base/catalog.yaml 's/(readinessProbe:\s+grpc:\s+port:) 50051/$1 50052/' 'readinessProbe.grpc.port 50052'
mutate probe-not-grpc base/watchlist.yaml 's/(livenessProbe:\s+)grpc:\s+port: 50052\s+service: \S+/${1}tcpSocket:\n              port: 50052/' 'livenessProbe must be a grpc probe'
mutate missing-secret-key base/config.yaml 's/catalog-store-url:/catalog-store:/' 'has no key catalog-store-url'
mutate writable-root base/watchlist.yaml 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' 'readOnlyRootFilesystem'
mutate runs-as-root base/catalog.yaml 's/runAsUser: 10001/runAsUser: 0/g' 'uid 10001'
mutate not-headless base/catalog.yaml 's/ *clusterIP: None\n//' 'must be headless'
mutate selector-typo base/watchlist.yaml 's/(kind: Service.*?selector:\s+app.kubernetes.io\/name:) watchlist/$1 watchlst/s' 'Service/watchlist: selector matches no'
mutate bad-api-version base/catalog.yaml 's/apiVersion: policy\/v1/apiVersion: policy\/v2/' 'unknown apiVersion'
mutate missing-pvc overlays/dev/catalog-sqlite-pvc.yaml 's/claimName: catalog-data/claimName: catalog-db/' 'PersistentVolumeClaim catalog-db not defined'
mutate two-volume-sources overlays/dev/watchlist-sqlite-pvc.yaml 's/\s+emptyDir: null//' 'exactly one source'
mutate yaml-syntax base/config.yaml 's/LONGTAKE_LOG_LEVEL: info/LONGTAKE_LOG_LEVEL: [info/' 'render failed'
mutate no-resources base/watchlist.yaml 's/limits:\s+cpu: "1"\s+memory: 512Mi\s+//' 'resources.limits.cpu missing'
mutate no-scrape-annotation base/watchlist.yaml 's/prometheus.io\/scrape: "true"/prometheus.io\/scrape: "false"/' 'prometheus.io/scrape must be "true"'
mutate scrape-wrong-port base/catalog.yaml 's/prometheus.io\/port: "9464"/prometheus.io\/port: "9090"/' 'prometheus.io/port 9090 is not the container port named metrics'
# TLS (prod): plaintext grpc probes, probes without the client certificate,
# and TLS files the Secret lacks must be caught.
mutate tls-grpc-probe overlays/prod/catalog-tls.yaml 's/(readinessProbe:\s+)grpc: null\s+/$1/' 'readinessProbe is a grpc probe, which speaks plaintext'
mutate tls-probe-no-cert overlays/prod/watchlist-tls.yaml 's/(livenessProbe:.*?)"--cert=[^"]*",\s*/$1/s' 'livenessProbe must pass --cert= and --key='
mutate tls-secret-key overlays/prod/secret-tls.yaml 's/tls\.key:/key.pem:/' 'Secret longtake-tls has no key tls.key'
mutate tls-not-secret overlays/prod/catalog-tls.yaml 's/mountPath: \/etc\/longtake\/tls/mountPath: \/etc\/longtake\/certs/' 'LONGTAKE_TLS_CERT /etc/longtake/tls/tls.crt is not in a mounted Secret'

if ((failures)); then
  echo "$failures mutation check(s) failed" >&2
  exit 1
fi
echo "deploy.k8s_validate: all checks passed"
