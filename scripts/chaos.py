#!/usr/bin/env python3
"""Signed Stripe webhook bursts and the end-of-run check for scripts/chaos.sh (standard library only).

    chaos.py burst SCENARIO COUNT     send COUNT customer.created events through the gateway, retrying each
                                      like Stripe does (any non-2xx or no answer: try again, up to 10 min)
    chaos.py check SCENARIO... COUNT  compare what the platform holds with what was sent
"""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

STATE = os.environ["PLATFORM_STATE"]
GATEWAY = os.environ.get("CHAOS_GATEWAY", "http://127.0.0.1:5080")
PSQL = os.environ["CHAOS_PSQL"].split()


def secret(name):
    with open(os.path.join(STATE, "secrets.env"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(name + "="):
                return line.split("=", 1)[1].strip()
    raise SystemExit(f"{name} not in {STATE}/secrets.env")


def event(scenario, i):
    customer = f"cus_chaos_{scenario}_{i}"
    body = {
        "id": f"evt_chaos_{scenario}_{i}", "object": "event", "api_version": "2024-06-20",
        "created": int(time.time()), "livemode": False, "pending_webhooks": 1, "type": "customer.created",
        "data": {"object": {"id": customer, "object": "customer", "email": f"chaos.{scenario}.{i}@example.com",
                            "name": f"Chaos {scenario} {i}", "created": int(time.time()), "metadata": {}}},
    }
    return json.dumps(body, separators=(",", ":"))


def send(args):
    scenario, i, key = args
    body = event(scenario, i)
    attempts, statuses, deadline = 0, {}, time.time() + 600
    while time.time() < deadline:
        attempts += 1
        t = str(int(time.time()))
        sig = hmac.new(key.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
        request = urllib.request.Request(f"{GATEWAY}/webhooks/stripe/demo", data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/json", "Stripe-Signature": f"t={t},v1={sig}"})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                return attempts, statuses, True
        except urllib.error.HTTPError as e:
            statuses[e.code] = statuses.get(e.code, 0) + 1
        except (urllib.error.URLError, OSError, TimeoutError):
            statuses["no answer"] = statuses.get("no answer", 0) + 1
        time.sleep(min(1.0 * attempts, 5.0))
    return attempts, statuses, False


def burst(scenario, count):
    key = secret("Connectors__Stripe__Workspaces__demo__WebhookSecret")
    started = time.time()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, [(scenario, i, key) for i in range(count)]))
    statuses = {}
    for _, s, _ in results:
        for k, v in s.items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
    delivered = sum(1 for r in results if r[2])
    retried = sum(1 for r in results if r[0] > 1)
    print(f"    burst {scenario}: {count} webhooks in {time.time() - started:.0f} s, {delivered} accepted, "
          f"{retried} needed retries; answers: {json.dumps(statuses, sort_keys=True)}")
    return 0 if delivered == count else 1


def sql(query):
    out = subprocess.run(PSQL + ["-c", query], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return [line.split("|") for line in out.stdout.strip().splitlines() if line]


def dead_letters():
    key = secret("PLATFORM_API_KEY")
    request = urllib.request.Request(f"{GATEWAY}/api/dead-letters", headers={"X-Api-Key": key})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def check(scenarios, count):
    expected = len(scenarios) * count
    like = " or ".join(f"external_id like 'cus\\_chaos\\_{s}\\_%'" for s in scenarios)
    deadline = time.time() + int(os.environ.get("CHAOS_SETTLE_SECONDS", "300"))
    while True:
        linked = sql(f'select count(*) from "identity-resolution".records where ({like}) and client_id is not null')
        if linked and int(linked[0][0]) >= expected or time.time() > deadline:
            break
        time.sleep(3)
    raw = sql(f'select count(*), count(distinct external_id) from "connector-stripe".raw_records where {like}')
    records = sql(f'select count(*), count(distinct external_id), count(client_id), count(distinct client_id) '
                  f'from "identity-resolution".records where {like}')
    raw_rows, raw_distinct = (int(raw[0][0]), int(raw[0][1])) if raw else (0, 0)
    rec_rows, rec_distinct, rec_linked, clients = (int(x) for x in records[0]) if records else (0, 0, 0, 0)
    c360 = sql('select count(*) from aggregation.customer_360 where client_id in (select client_id from '
               f'"identity-resolution".records where {like})')
    overview = dead_letters()
    dead = overview.get("totalDeadLettered", -1)
    print(f"    sent {expected} customers; connector-stripe staged {raw_rows} rows ({raw_distinct} distinct); "
          f"identity-resolution holds {rec_rows} records ({rec_distinct} distinct, {rec_linked} linked) in {clients} clients; "
          f"aggregation customer_360 rows for them: {c360[0][0] if c360 else 'not checked'}; "
          f"dead-lettered messages: {dead}")
    for q in overview.get("queues", []):
        if q.get("deadLettered"):
            print(f"      {q['service']}: {q['deadLettered']} in {q['errorQueue']}")
    # A customer is lost if it is missing at any step: not staged, not linked, or without a client of its own.
    lost = max(0, expected - raw_distinct, expected - rec_linked, expected - clients)
    duplicated = (raw_rows - raw_distinct) + (rec_rows - rec_distinct) + max(0, clients - expected)
    print(f"{len(scenarios)} scenarios, {lost} records lost, {duplicated} duplicated"
          + ("" if dead == 0 else f", {dead} messages left in _error queues"))
    return 0 if lost == 0 and duplicated == 0 and dead == 0 else 1


if __name__ == "__main__":
    if sys.argv[1] == "burst":
        sys.exit(burst(sys.argv[2], int(sys.argv[3])))
    if sys.argv[1] == "check":
        sys.exit(check(sys.argv[2:-1], int(sys.argv[-1])))
    raise SystemExit(__doc__)
