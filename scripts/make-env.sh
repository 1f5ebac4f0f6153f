#!/usr/bin/env bash
# Writes .env for docker-compose.yml from .env.example: fresh random passwords, an operator API key
# (only its SHA-256 goes into .env; the key is printed once), random webhook secrets for workspace
# "demo", and the source simulator's demo-account credentials, so `docker compose up` works end to
# end against the simulator. Refuses to overwrite an existing .env. Usage: scripts/make-env.sh [FILE]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
example="$ROOT/.env.example"
target="$ROOT/${1:-.env}"

[[ -f $example ]] || { echo "error: $example is missing" >&2; exit 1; }
[[ ! -e $target ]] || { echo "error: $target exists; remove it first to generate a new one" >&2; exit 1; }

random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

key=$(random_hex 32)
declare -A values=(
    [POSTGRES_PASSWORD]=$(random_hex 24)
    [RABBITMQ_PASSWORD]=$(random_hex 24)
    [PLATFORM_INTERNAL_AUTH_KEY]=$(random_hex 32)
    [GATEWAY_API_KEY_SHA256]=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
    [STRIPE_DEMO_WEBHOOK_SECRET]=whsec_$(random_hex 24)
    [HOTMART_DEMO_HOTTOK]=$(random_hex 24)
    [PLOOMES_DEMO_VALIDATION_KEY]=$(random_hex 24)
    # The simulator's demo accounts (services/source-simulator/appsettings.json, Simulator:Accounts):
    # fake credentials that only the simulator accepts. Replace them when using the real APIs.
    [STRIPE_DEMO_API_KEY]=sk_test_simulator_demo
    [HOTMART_DEMO_CLIENT_ID]=hotmart-demo-client
    [HOTMART_DEMO_CLIENT_SECRET]=hotmart-demo-secret
    [PLOOMES_DEMO_USER_KEY]=ploomes-demo-key
)

umask 077
while IFS= read -r line || [[ -n $line ]]; do
    name=${line%%=*}
    if [[ $line != \#* && $line == *=* && -n ${values[$name]:-} ]]; then
        printf '%s=%s\n' "$name" "${values[$name]}"
    else
        printf '%s\n' "$line"
    fi
done <"$example" >"$target"

echo "wrote ${target#"$ROOT"/} (mode 600; do not commit it)"
echo "operator API key (shown once, .env keeps only its SHA-256): $key"
echo "webhook secrets of workspace \"demo\" (for the simulator's POST /_simulator/webhooks): see ${target#"$ROOT"/}"
echo "  curl -H \"X-Api-Key: $key\" \"http://localhost:8080/api/clients?workspaceId=demo\""
