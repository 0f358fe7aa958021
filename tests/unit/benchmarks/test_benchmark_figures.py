"""The benchmark's arithmetic on host_timer records: which tasks line up between two runs, and how
the parallel run's time splits into single-host tasks and shared tasks."""

from __future__ import annotations

from tests.benchmarks.run import host_seconds, parallel_breakdown, slowest_roles, task_times


def record(uuid, host, task, seconds, role="payments.dr.network", status="ok"):
    return {"uuid": uuid, "host": host, "role": role, "task": task, "seconds": seconds, "status": status}


def test_task_times_numbers_repeated_names_and_drops_skipped_hosts():
    records = [record("a", "primary", "Check", 0.1, role="payments.dr.preflight"),
               record("a", "dr", "Check", 0.2, role="payments.dr.preflight"),
               record("b", "primary", "Check", 0.3, role="payments.dr.preflight"),
               record("b", "dr", "Check", 0.4, role="payments.dr.preflight", status="skipped")]
    assert task_times(records) == {("payments.dr.preflight", "Check", 1): {"primary": 0.1, "dr": 0.2},
                                   ("payments.dr.preflight", "Check", 2): {"primary": 0.3}}


def test_parallel_breakdown_compares_shared_tasks_with_the_same_tasks_run_one_host_at_a_time():
    parallel = [record("p1", "primary", "VPC", 1.5), record("p1", "dr", "VPC", 1.2),
                record("p2", "primary", "Peering", 0.8), record("p2", "dr", "Peering", 0.0, status="skipped"),
                record("p3", "dr", "Accept", 0.5)]
    serial = [record("s1", "primary", "VPC", 1.0), record("s1", "dr", "VPC", 0.9),
              record("s2", "primary", "Peering", 0.7), record("s3", "dr", "Accept", 0.4)]
    rows = dict(parallel_breakdown(parallel, serial))
    assert rows["  parallel run: tasks of the primary host only / of the dr host only (s)"] == "0.8 / 0.5"
    shared = rows["  parallel run: tasks both hosts run, slower host (s) / same tasks one host at a time (s)"]
    assert shared.startswith("1.5 / 1.0 (x1.50 on ")


def test_slowest_roles_counts_a_task_once_at_its_slower_host():
    records = [record("a", "primary", "VPC", 1.0), record("a", "dr", "VPC", 2.0),
               record("b", "primary", "Key", 0.5, role="payments.dr.security")]
    assert slowest_roles(records) == [("payments.dr.network", 2.0, 1), ("payments.dr.security", 0.5, 1)]
    assert host_seconds(records, "dr") == 2.0
