"""Deploy and failover benchmarks on a fresh emulator; prints a table (not a test).

    python -m tests.benchmarks.run [--payments-seconds 5]

Measures, in one run:
- site.yml wall time for both regions (forks=10, the regions in parallel) and serially (forks=1);
  one region alone is the serial run less the time the DR host's tasks took in it (the primary
  region does the most, the global resources included), so both/one shows how parallel the regions are;
- the no-op rerun: wall time, changed count, the deploy's own AWS requests by service/region and
  reads vs writes (Route 53's health probes paused meanwhile), and the roles it spends its time in
  (per task, the slower host's time);
- failover.yml planned and unplanned (primary region down) with the failover delay at 0: per-step
  seconds from the runbook's own report, and failback.yml;
- payments per second through one region's API, and the payments that fail while an unplanned
  failover runs: their share, and how long after the outage the last one failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """A fresh emulator in its own process, as `make demo` runs it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", str(self.port)],
                                        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("health")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("emulator did not start")

    def call(self, method: str, route: str, payload: dict | None = None):
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(f"{self.url}/_dr/{route}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return json.loads(answer.read())

    def get(self, route: str):
        return self.call("GET", route)

    def post(self, route: str, payload: dict | None = None):
        return self.call("POST", route, payload or {})

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def playbook(emulator: Emulator, name: str, *extra: str, forks: int = 10,
             timings: Path | None = None) -> tuple[float, dict, str]:
    """Run a root playbook; returns (seconds, recap totals, stdout). With ``timings``, the host_timer
    callback writes there how long each host spent in each task."""
    env = dict(os.environ, DR_EMULATOR_PORT=str(emulator.port), ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               ANSIBLE_FORKS=str(forks), ANSIBLE_NOCOLOR="1")
    if timings:
        env.update(ANSIBLE_CALLBACKS_ENABLED="host_timer", HOST_TIMER_FILE=str(timings),
                   ANSIBLE_CALLBACK_PLUGINS=str(Path(__file__).resolve().parent / "callback_plugins"))
    started = time.monotonic()
    proc = subprocess.run([str(BIN / "ansible-playbook"), name, "-i", "inventories/local", *extra],
                          cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    totals = {"ok": 0, "changed": 0, "failed": 0}
    for line in proc.stdout.splitlines():
        if ": ok=" in line:
            for field in line.split(":", 1)[1].split():
                key, _sep, value = field.partition("=")
                if key in totals:
                    totals[key] += int(value)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"{name} {' '.join(extra)} failed (rc {proc.returncode})")
    return seconds, totals, proc.stdout


def host_seconds(records: list[dict], host: str) -> float:
    return sum(r["seconds"] for r in records if r["host"] == host)


def tasks_by_uuid(records: list[dict], *, ran_only: bool = False) -> dict[str, tuple[str, str, dict[str, float]]]:
    """{task uuid: (role, task name, {host: seconds})}, in the order the tasks ran; with ``ran_only``,
    without the hosts that skipped the task (and without the tasks every host skipped)."""
    tasks: dict[str, tuple[str, str, dict[str, float]]] = {}
    for record in records:
        if ran_only and record["status"] == "skipped":
            continue
        _role, _name, hosts = tasks.setdefault(record["uuid"], (record["role"] or "(play)", record["task"], {}))
        hosts[record["host"]] = record["seconds"]
    return tasks


def slowest_roles(records: list[dict], top: int = 8) -> list[tuple[str, float, int]]:
    """(role, seconds, tasks) of the roles a parallel run spent longest in: per task, the slower host."""
    roles: dict[str, list[float]] = {}
    for role, _name, hosts in tasks_by_uuid(records).values():
        roles.setdefault(role, []).append(max(hosts.values()))
    ranked = sorted(((role, sum(times), len(times)) for role, times in roles.items()), key=lambda r: -r[1])
    return ranked[:top]


def task_times(records: list[dict]) -> dict[tuple[str, str, int], dict[str, float]]:
    """{(role, task, n): {host: seconds}} for the tasks a host ran (not skipped); n counts repeats of
    a name (preflight runs in every stage), so two runs of one playbook line up task by task."""
    seen: dict[tuple[str, str], int] = {}
    keyed = {}
    for role, name, hosts in tasks_by_uuid(records, ran_only=True).values():
        seen[(role, name)] = seen.get((role, name), 0) + 1
        keyed[(role, name, seen[(role, name)])] = hosts
    return keyed


def parallel_breakdown(parallel: list[dict], serial: list[dict]) -> list[tuple[str, str]]:
    """Why both regions take longer than one: the tasks only one host runs (global resources and the
    cross-region steps, which wait on the other region) and, for the tasks both hosts run, how much
    slower a host's task is when the other host runs at the same time (the cores are shared)."""
    parallel_tasks, serial_tasks = task_times(parallel), task_times(serial)
    single = {"primary": 0.0, "dr": 0.0}
    together = alone = 0.0
    for key, hosts in parallel_tasks.items():
        if len(hosts) == 1:
            host, seconds = next(iter(hosts.items()))
            single[host] = single.get(host, 0.0) + seconds
        elif len(serial_tasks.get(key, {})) == len(hosts):
            together += max(hosts.values())
            alone += max(serial_tasks[key].values())
    return [
        ("  parallel run: tasks of the primary host only / of the dr host only (s)",
         f"{single['primary']:.1f} / {single['dr']:.1f}"),
        ("  parallel run: tasks both hosts run, slower host (s) / same tasks one host at a time (s)",
         f"{together:.1f} / {alone:.1f} (x{together / max(alone, 0.001):.2f} on {os.cpu_count()} cores)"),
    ]


def newest_report(prefix: str) -> dict:
    reports = sorted((REPO / "reports").glob(f"{prefix}*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(reports[-1].read_text())


def api_host(emulator: Emulator, region: str, role: str) -> str:
    import boto3

    client = boto3.client("apigateway", region_name=region, endpoint_url=emulator.url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    api = next(a for a in client.get_rest_apis()["items"] if a["name"] == f"payments-api-{role}-local")
    return f"{api['id']}.execute-api.{region}.amazonaws.com"


def send_payment(emulator: Emulator, host: str, key: str) -> int:
    body = json.dumps({"amount": "10.00", "currency": "USD", "customerId": "cus_bench00000001"}).encode()
    request = urllib.request.Request(f"{emulator.url}/prod/validate", data=body, method="POST",
                                     headers={"Host": host, "Content-Type": "application/json",
                                              "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def resolve_api(emulator: Emulator) -> str:
    """The host a payment is sent to: the failover name itself (its custom domain serves it in the
    region its alias records reach)."""
    return "api.payments.local.example.com"


def payments_per_second(emulator: Emulator, host: str, seconds: float, threads: int = 4) -> float:
    done = []
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        count = 0
        while time.monotonic() < deadline:
            if send_payment(emulator, host, f"bench-{index}-{count}") in (200, 201):
                count += 1
        done.append(count)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(done) / seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments-seconds", type=float, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    scratch = Path(tempfile.mkdtemp(prefix="dr-bench-"))
    serial = Emulator()
    try:
        serial_seconds, _totals, _out = playbook(serial, "site.yml", forks=1, timings=scratch / "serial.json")
    finally:
        serial.stop()
    serial_records = json.loads((scratch / "serial.json").read_text())

    emulator = Emulator()
    try:
        emulator.post("rds/settings", {"failover_delay": 0})
        first, first_totals, _out = playbook(emulator, "site.yml", timings=scratch / "first.json")
        # The rerun's requests are the deploy's own: Route 53's health probes (API Gateway, Lambda and
        # its DynamoDB reads, every second) are paused while it runs, then resumed for the failovers.
        emulator.post("route53/settings", {"probe_interval": 3600})
        emulator.post("counters/reset")
        second, second_totals, _out = playbook(emulator, "site.yml", timings=scratch / "rerun.json")
        counters = emulator.get("counters")
        emulator.post("route53/settings", {"probe_interval": 1})
        one_region = serial_seconds - host_seconds(serial_records, "dr")
        rows += [
            ("site.yml, both regions in parallel (s)", f"{first:.1f}"),
            ("site.yml, both regions serially (forks=1) (s)", f"{serial_seconds:.1f}"),
            ("  of which primary host tasks / dr host tasks (s)",
             f"{host_seconds(serial_records, 'primary'):.1f} / {host_seconds(serial_records, 'dr'):.1f}"),
            ("one region alone = serial less the dr host's tasks (s)", f"{one_region:.1f}"),
            ("both regions / one region", f"{first / one_region:.2f}"),
            *parallel_breakdown(json.loads((scratch / "first.json").read_text()), serial_records),
            ("first run changed", str(first_totals["changed"])),
            ("no-op rerun (s)", f"{second:.1f}"),
            ("no-op rerun / first run", f"{second / first:.2f}"),
            ("no-op rerun changed", str(second_totals["changed"])),
            ("no-op rerun AWS requests: reads / writes", f"{counters['reads']} / {counters['writes']}"),
        ]
        rows += [(f"  requests {key}", str(value)) for key, value in counters["by_service_region"].items()]
        rows += [(f"  no-op rerun time in role {role}", f"{seconds:.1f} s over {tasks} tasks")
                 for role, seconds, tasks in slowest_roles(json.loads((scratch / "rerun.json").read_text()))]
        writes = sorted({(r["service"], r["action"]) for r in counters["rows"] if not r["read"]})
        if writes:
            rows.append(("  write calls in the no-op run", ", ".join(f"{s}:{a}" for s, a in writes)))

        host = api_host(emulator, "us-east-1", "primary")
        rows.append(("payments/s through the us-east-1 API (4 clients)",
                     f"{payments_per_second(emulator, host, args.payments_seconds):.1f}"))

        for mode, runbook in (("planned", "failover.yml"), ("planned", "failback.yml")):
            seconds, _t, _out = playbook(emulator, runbook, "-e", f"mode={mode}")
            report = newest_report(runbook.split(".")[0])
            rows.append((f"{runbook} {mode}: wall (s) / runbook RTO (s)", f"{seconds:.1f} / {report['rto_seconds']}"))
            rows += [(f"  step {s['step']}", f"{s['seconds']:.2f}") for s in report["steps"]]

        # Unplanned: payments keep flowing through the API name while the primary region is lost. A
        # payment to the lost region fails at once, so the failed share depends on the load; what
        # counts is how long payments failed: from the outage to the last failed payment.
        outcomes: list[tuple[float, int]] = []
        stop = threading.Event()

        def load() -> None:
            count = 0
            while not stop.is_set():
                status = send_payment(emulator, resolve_api(emulator), f"bench-outage-{count}")
                outcomes.append((time.monotonic(), status))
                count += 1

        loader = threading.Thread(target=load)
        loader.start()
        time.sleep(1)
        outage = time.monotonic()
        emulator.post("outage", {"region": "us-east-1", "down": True})
        emulator.post("route53/probe")
        seconds, _t, _out = playbook(emulator, "failover.yml", "-e", "mode=unplanned")
        stop.set()
        loader.join()
        report = newest_report("failover")
        failures = [at for at, status in outcomes if status not in (200, 201)]
        rows.append(("failover.yml unplanned: wall (s) / runbook RTO (s)", f"{seconds:.1f} / {report['rto_seconds']}"))
        rows += [(f"  step {s['step']}", f"{s['seconds']:.2f}") for s in report["steps"]]
        rows.append(("payments failed during the unplanned failover",
                     f"{len(failures)} of {len(outcomes)} ({100.0 * len(failures) / max(len(outcomes), 1):.1f}%)"))
        rows.append(("  payments failed from the outage until (s)",
                     f"{max(failures) - outage:.1f}" if failures else "none failed"))
    finally:
        emulator.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)}  value")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
