#!/usr/bin/env bash
# Offline validation of the deployment files (run by .ci/run; no Docker engine, cluster or network needed):
#  1. docker-compose.yml and k8s/ are exactly what scripts/deploy_manifest.py generates from the folders
#     under services/ (a service added, renamed or removed without regenerating fails here);
#  2. when kubectl (or kustomize) is installed, k8s/ and the demo overlay build, the simulator only in the demo;
#  3. when python3 has PyYAML, every YAML file parses; when `docker compose` exists, the compose file is valid.
# Exits non-zero on any mismatch.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

python3 scripts/deploy_manifest.py --check

build() {
    if command -v kubectl >/dev/null 2>&1; then kubectl kustomize "$1"
    elif command -v kustomize >/dev/null 2>&1; then kustomize build "$1"
    else return 3; fi
}
base=$(mktemp) demo=$(mktemp)
trap 'rm -f "$base" "$demo"' EXIT
if build k8s >"$base" 2>/dev/null || [[ $? -ne 3 ]]; then
    build k8s >"$base" || { echo "error: kustomize build k8s failed" >&2; exit 1; }
    build k8s/overlays/demo >"$demo" || { echo "error: kustomize build k8s/overlays/demo failed" >&2; exit 1; }
    if grep -q 'name: source-simulator$' "$base"; then
        echo "error: the source simulator is in the production build of k8s/ (it belongs in overlays/demo only)" >&2; exit 1
    fi
    grep -q 'name: source-simulator$' "$demo" || { echo "error: the demo overlay has no source simulator" >&2; exit 1; }
    echo "k8s/ and k8s/overlays/demo build ($(grep -c '^kind: Deployment' "$base") Deployments in production, $(grep -c '^kind: Deployment' "$demo") in demo)"
else
    echo "kubectl/kustomize not installed: kustomize builds not checked"
fi

if python3 -c 'import yaml' 2>/dev/null; then
    python3 - <<'PY'
import glob, sys, yaml
files = glob.glob("k8s/**/*.yaml", recursive=True) + ["docker-compose.yml"]
for f in files:
    try:
        list(yaml.safe_load_all(open(f, encoding="utf-8")))
    except yaml.YAMLError as e:
        sys.exit(f"error: {f} is not valid YAML: {e}")
print(f"{len(files)} YAML files parse")
PY
fi
python3 -c 'import json; json.load(open("k8s/base/monitoring/grafana-dashboard.json"))' ||
    { echo "error: k8s/base/monitoring/grafana-dashboard.json is not valid JSON" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then
    POSTGRES_PASSWORD=x RABBITMQ_PASSWORD=x GATEWAY_API_KEY_SHA256=x docker compose -f docker-compose.yml config -q
    echo "docker-compose.yml is valid"
fi
echo "deploy validation passed"
