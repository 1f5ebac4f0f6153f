#!/usr/bin/env bash
# ./platform chaos: fault injection against the real services on this machine, on servers of its own
# (PostgreSQL 56432, RabbitMQ 5674, state under .platform/chaos; ./platform chaos sets that up), so restarting
# them never disturbs anyone else's. Each scenario runs during a burst of signed Stripe webhooks sent through
# the gateway the way Stripe sends them (retrying until a 2xx); at the end it checks, from what was sent,
# that every customer was staged once, resolved once into one client each, and that no message is left in an
# _error queue, and prints "N scenarios, N records lost, N duplicated".
#
#   ./platform chaos [--count N] [--keep]     N webhooks per scenario (default 200); --keep leaves it running
#   ./platform chaos --down                   stops what --keep left running
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
: "${PLATFORM_STATE:?run it as ./platform chaos}"
P="$ROOT/platform"
COUNT=200 KEEP=0
while (($#)); do
    case $1 in
        --count) COUNT=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --down) exec "$P" down ;;
        *) echo "usage: ./platform chaos [--count N] [--keep]" >&2; exit 2 ;;
    esac
done

psql_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)
export PGPASSWORD=platform
export CHAOS_PSQL="$psql_bin -h 127.0.0.1 -p $PLATFORM_PG_PORT -U platform -d platform -qAtX"
say() { printf '==> %s\n' "$*"; }

for port in 5080 5101 5102 5103 5201 5301 5401 5901; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [[ ! -f $PLATFORM_STATE/pids/gateway.pid ]]; then
        echo "error: port $port is taken (another ./platform up?); chaos starts the services on their usual ports" >&2; exit 1
    fi
done

mkdir -p "$PLATFORM_STATE"
say "starting a separate PostgreSQL ($PLATFORM_PG_PORT), RabbitMQ ($PLATFORM_RABBIT_PORT) and every service (state: ${PLATFORM_STATE#"$ROOT"/})"
"$P" up >"$PLATFORM_STATE.up.log" 2>&1 || { tail -n 30 "$PLATFORM_STATE.up.log"; exit 1; }
# Start from nothing: earlier chaos customers would be counted again.
$CHAOS_PSQL -c "delete from \"connector-stripe\".webhook_events where event_id like 'evt_chaos%'" >/dev/null 2>&1 || true

pid_of() { tr -dc '0-9' <"$PLATFORM_STATE/pids/$1.pid"; }
burst() { python3 "$ROOT/scripts/chaos.py" burst "$1" "$COUNT"; }
backfill() { python3 "$ROOT/scripts/chaos.py" backfill "$1"; }
scenarios=()

say "starting identity-resolution instances 2-4 (4 in all, one queue, competing consumers)"
for i in 2 3 4; do "$P" start "identity-resolution#$i" | sed 's/^/    /'; done
run="r$(date +%H%M%S)"

scenario() {  # NAME DESCRIPTION FAULT-FUNCTION
    local name="${run}$1"
    say "scenario $1: $2"
    backfill "$name" & local sync=$!
    burst "$name" & local sender=$!
    sleep 3
    "$3"
    wait "$sender" || echo "    (some webhooks were never accepted)"
    wait "$sync" || echo "    (the backfill did not succeed)"
    scenarios+=("$name")
}

fault_postgres() { echo "    stopping PostgreSQL for 20 s"; "$P" restart-server postgres 20 | sed 's/^/    /'; }
fault_rabbitmq() { echo "    stopping RabbitMQ for 20 s"; "$P" restart-server rabbitmq 20 | sed 's/^/    /'; }
fault_kill_connector() {
    echo "    kill -9 connector-stripe (pid $(pid_of connector-stripe)) mid-burst, restart after 5 s"
    kill -9 "$(pid_of connector-stripe)"; sleep 5; "$P" start connector-stripe | sed 's/^/    /'
}
fault_kill_identity() {
    echo "    kill -9 identity-resolution (pid $(pid_of identity-resolution)) and instance 3 (pid $(pid_of 'identity-resolution#3')) mid-batch, 2 of 4 left; restart after 5 s"
    kill -9 "$(pid_of identity-resolution)" "$(pid_of 'identity-resolution#3')"; sleep 5
    "$P" start identity-resolution | sed 's/^/    /'; "$P" start 'identity-resolution#3' | sed 's/^/    /'
}
fault_consumer_down() {
    echo "    aggregation stopped while its queues fill, started again after 30 s"
    local pid; pid=$(pid_of aggregation)
    kill -TERM "$pid"
    # A graceful stop may take a while (in-flight batches finish); the queues fill meanwhile, the restart waits for it.
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    sleep 30; "$P" start aggregation | sed 's/^/    /'
}

scenario postgres "restart PostgreSQL during a webhook burst" fault_postgres
scenario rabbitmq "restart RabbitMQ during a webhook burst" fault_rabbitmq
scenario killconnector "kill -9 a connector mid-burst" fault_kill_connector
scenario killidentity "kill -9 two of four identity-resolution instances mid-batch" fault_kill_identity
scenario consumerdown "fill a consumer's queues while it is down, then start it" fault_consumer_down

say "waiting for the pipeline to settle, then checking"
rc=0
python3 "$ROOT/scripts/chaos.py" check "${scenarios[@]}" "$COUNT" || rc=$?
if ((KEEP)); then
    say "left running; stop it with: ./platform chaos --down"
else
    "$P" down >/dev/null 2>&1 || true
fi
exit "$rc"
