#!/usr/bin/env bash
# Offline validation of the deployment files: Dockerfile, .dockerignore, docker-compose.yml,
# .env.example and k8s/ against services/ (see scripts/validate_deploy.py for the checks).
# Needs python3 with PyYAML (Debian: apt-get install python3-yaml); uses kubectl (or kustomize),
# docker compose (or docker-compose) and shellcheck when installed. No Docker engine, cluster or
# network needed. Exits non-zero on any mismatch.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

for python in python3 /usr/bin/python3; do
    if command -v "$python" >/dev/null && "$python" -c 'import yaml' 2>/dev/null; then
        exec "$python" "$here/validate_deploy.py" "$@"
    fi
done
echo "error: validate-deploy needs python3 with PyYAML (Debian: apt-get install python3-yaml)" >&2
exit 2
