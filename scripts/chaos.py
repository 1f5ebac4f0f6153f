#!/usr/bin/env python3
"""Signed Stripe webhook bursts and the end-of-run check for scripts/chaos.sh (standard library only).

    chaos.py burst SCENARIO COUNT     send COUNT people (customer.created, then charge.succeeded of 19.90 BRL) through
                                      the gateway, retrying each like Stripe does (any non-2xx or no answer: try again,
                                      up to 10 min)
    chaos.py backfill SCENARIO        a full Stripe sync (customers, charges) of a workspace of its own, connected through
                                      the API to a fresh simulator account (so every scenario's backfill stages all of
                                      its records during the fault), followed until it ends; its run id is kept for the check
    chaos.py check SCENARIO... COUNT  compare what the platform holds with what was sent and with the simulator
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
SIMULATOR = os.environ.get("CHAOS_SIMULATOR", "http://127.0.0.1:5901")
BACKFILL_SIZE = int(os.environ.get("CHAOS_BACKFILL_SIZE", "300"))  # customers (and charges) per scenario's account
STREAMS = ["customers", "charges"]
CHARGE_CENTS = 1990
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


def charge_event(scenario, i):
    customer = f"cus_chaos_{scenario}_{i}"
    body = {
        "id": f"evt_chaos_charge_{scenario}_{i}", "object": "event", "api_version": "2024-06-20",
        "created": int(time.time()), "livemode": False, "pending_webhooks": 1, "type": "charge.succeeded",
        "data": {"object": {"id": f"ch_chaos_{scenario}_{i}", "object": "charge", "amount": CHARGE_CENTS,
                            "amount_captured": CHARGE_CENTS, "amount_refunded": 0, "currency": "brl", "customer": customer,
                            "created": int(time.time()), "paid": True, "captured": True, "refunded": False,
                            "disputed": False, "status": "succeeded", "description": "Chaos",
                            "billing_details": {"email": f"chaos.{scenario}.{i}@example.com", "name": f"Chaos {scenario} {i}"},
                            "metadata": {}}},
    }
    return json.dumps(body, separators=(",", ":"))


def send(args):
    scenario, i, key = args
    first = deliver(event(scenario, i), key)
    second = deliver(charge_event(scenario, i), key)
    statuses = dict(first[1])
    for k, v in second[1].items():
        statuses[k] = statuses.get(k, 0) + v
    return first[0] + second[0], statuses, first[2] and second[2]


def deliver(body, key):
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
    retried = sum(1 for r in results if r[0] > 2)  # two webhooks per person
    print(f"    burst {scenario}: {count} people ({2 * count} webhooks) in {time.time() - started:.0f} s, {delivered} accepted, "
          f"{retried} needed retries; answers: {json.dumps(statuses, sort_keys=True)}")
    return 0 if delivered == count else 1


def api(method, path, body=None):
    request = urllib.request.Request(f"{GATEWAY}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-Api-Key": secret("PLATFORM_API_KEY"), "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def workspace_of(scenario):
    return f"chaos-{scenario}".lower()


def key_of(scenario):
    return f"sk_test_chaos_{scenario}"


def connect(scenario):
    """A simulator Stripe account of its own for the scenario, and a workspace connected to it through the API."""
    body = json.dumps({"source": "stripe", "credential": key_of(scenario), "seed": sum(scenario.encode()) % 10_000,
                       "size": BACKFILL_SIZE}).encode()
    request = urllib.request.Request(f"{SIMULATOR}/_simulator/accounts", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60):
        pass
    workspace = workspace_of(scenario)
    api("PUT", f"/api/workspaces/{workspace}", {"name": f"Chaos {scenario}"})
    api("PUT", f"/api/workspaces/{workspace}/sources/stripe", {"apiKey": key_of(scenario), "webhookSecret": f"whsec_{scenario}"})


def backfill(scenario):
    """Starts a full sync and follows it; the gateway or orchestrator may be down for a moment, so calls are retried."""
    deadline, run, status, connected = time.time() + 900, None, "not started", False
    while time.time() < deadline:
        try:
            if not connected:
                connect(scenario)
                connected = True
            if run is None:
                run = api("POST", "/api/syncs", {"workspaceId": workspace_of(scenario), "source": "stripe", "mode": "full",
                                                 "streams": STREAMS})["id"]
                with open(os.path.join(STATE, f"chaos-run-{scenario}"), "w", encoding="utf-8") as f:
                    f.write(run)
            status = api("GET", f"/api/syncs/{run}")
            if status["status"] in ("succeeded", "failed", "cancelled"):
                break
        except (urllib.error.URLError, OSError, TimeoutError, KeyError, ValueError):
            pass
        time.sleep(2)
    state = status["status"] if isinstance(status, dict) else status
    staged = status.get("recordsStaged", 0) if isinstance(status, dict) else 0
    reason = status.get("error") if isinstance(status, dict) else None
    print(f"    backfill {scenario}: workspace {workspace_of(scenario)}, run {run} {state}, {staged} new rows staged"
          + (f" ({reason})" if reason else ""))
    return 0 if state == "succeeded" else 1


def simulator_ids(resource, key):
    """Every id a simulator Stripe account lists for a resource: the source's own truth."""
    ids, after = [], None
    while True:
        url = f"{SIMULATOR}/v1/{resource}?limit=100" + (f"&starting_after={after}" if after else "")
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
        for attempt in range(20):
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    page = json.load(response)
                break
            except urllib.error.HTTPError as e:
                if e.code != 429 or attempt == 19:
                    raise
                time.sleep(1)
        ids += [o["id"] for o in page["data"]]
        if not page.get("has_more") or not page["data"]:
            return ids
        after = page["data"][-1]["id"]


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
    like = " or ".join(f"external_id like 'cus\\_chaos\\_{s}\\_%' or external_id like 'ch\\_chaos\\_{s}\\_%'" for s in scenarios)
    settle_started = time.time()
    deadline = settle_started + int(os.environ.get("CHAOS_SETTLE_SECONDS", "300"))
    # Settled: every record linked in identity resolution and every person's sale in customer_sales (aggregation
    # works through its queues after identity, and after a restart it has a backlog).
    while True:
        linked = sql(f'select count(*) from "identity-resolution".records where ({like}) and client_id is not null')
        counted = sql('select count(*) from aggregation.customer_sales where client_id in '
                      f'(select client_id from "identity-resolution".records where {like})')
        if (linked and int(linked[0][0]) >= 2 * expected and counted and int(counted[0][0]) >= expected) or time.time() > deadline:
            break
        time.sleep(3)
    print(f"    settled after {time.time() - settle_started:.0f} s")
    raw = sql(f'select count(*), count(distinct external_id) from "connector-stripe".raw_records where {like}')
    records = sql(f'select count(*), count(distinct external_id), count(client_id), count(distinct client_id) '
                  f'from "identity-resolution".records where {like}')
    raw_rows, raw_distinct = (int(raw[0][0]), int(raw[0][1])) if raw else (0, 0)
    rec_rows, rec_distinct, rec_linked, clients = (int(x) for x in records[0]) if records else (0, 0, 0, 0)
    c360 = sql('select count(*) from aggregation.customer_360 where client_id in (select client_id from '
               f'"identity-resolution".records where {like})')
    overview = dead_letters()
    dead = overview.get("totalDeadLettered", -1)
    print(f"    sent {expected} people ({2 * expected} records); connector-stripe staged {raw_rows} rows ({raw_distinct} distinct); "
          f"identity-resolution holds {rec_rows} records ({rec_distinct} distinct, {rec_linked} linked) in {clients} clients; "
          f"aggregation customer_360 rows for them: {c360[0][0] if c360 else 'not checked'}; "
          f"dead-lettered messages: {dead}")
    # Sales: every chaos charge counted once, in its person's client, in customer_sales.
    sales = sql('select count(*), coalesce(sum(s.total_sales), 0), count(*) filter (where s.total_sales = 1 and s.total_revenue = '
                f'{CHARGE_CENTS / 100:.2f}) from aggregation.customer_sales s where s.currency = \'BRL\' and s.client_id in '
                f'(select client_id from "identity-resolution".records where {like})')
    sale_rows, sale_count, sale_right = (int(x) for x in sales[0]) if sales else (0, 0, 0)
    print(f"    customer_sales: {sale_rows} BRL rows for those clients, {sale_count} sales counted, {sale_right} with exactly one "
          f"sale of {CHARGE_CENTS / 100:.2f}")
    # Backfills: each run succeeded, and every customer and charge the simulator lists is staged, once per version.
    runs = []
    for s_ in scenarios:
        path = os.path.join(STATE, f"chaos-run-{s_}")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                runs.append(f.read().strip())
    failed_runs = [r for r in runs if api("GET", f"/api/syncs/{r}")["status"] != "succeeded"]
    listed = stored = backfill_lost = backfill_dup = 0
    for s_ in scenarios:
        truth = set()
        for resource in STREAMS:
            truth |= set(simulator_ids(resource, key_of(s_)))
        staged = sql('select external_id, count(*), count(distinct (payload_hash, canonical_hash)) from "connector-stripe".raw_records '
                     f"where workspace_id = '{workspace_of(s_)}' and (external_id like 'cus\\_%' or external_id like 'ch\\_%') "
                     "group by external_id") or []
        staged_ids = {row[0] for row in staged}
        listed += len(truth)
        stored += len(truth & staged_ids)
        backfill_lost += len(truth - staged_ids)
        backfill_dup += sum(int(row[1]) - int(row[2]) for row in staged)
    print(f"    backfills: {len(runs)} runs, {len(runs) - len(failed_runs)} succeeded; the simulator accounts list {listed} customers "
          f"and charges, {stored} of them staged, {backfill_dup} staged twice")
    for q in overview.get("queues", []):
        if q.get("deadLettered"):
            print(f"      {q['service']}: {q['deadLettered']} in {q['errorQueue']}")
    # A customer is lost if it is missing at any step: not staged, not linked, or without a client of its own.
    # Each person is two records (customer, charge) and one client with one sale.
    lost = max(0, 2 * expected - raw_distinct, 2 * expected - rec_linked, expected - clients, expected - sale_right) + backfill_lost
    duplicated = (raw_rows - raw_distinct) + (rec_rows - rec_distinct) + max(0, clients - expected) \
        + max(0, sale_count - expected) + backfill_dup
    print(f"{len(scenarios)} scenarios, {lost} records lost, {duplicated} duplicated"
          + ("" if dead == 0 else f", {dead} messages left in _error queues"))
    return 0 if lost == 0 and duplicated == 0 and dead == 0 and not failed_runs else 1


if __name__ == "__main__":
    if sys.argv[1] == "burst":
        sys.exit(burst(sys.argv[2], int(sys.argv[3])))
    if sys.argv[1] == "backfill":
        sys.exit(backfill(sys.argv[2]))
    if sys.argv[1] == "check":
        sys.exit(check(sys.argv[2:-1], int(sys.argv[-1])))
    raise SystemExit(__doc__)
