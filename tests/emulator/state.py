"""The emulator's own state, beside moto's backends: outages, faults, counters."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from .request_info import AwsCall

READ_PREFIXES = ("Describe", "Get", "List", "Head", "Query", "Scan", "BatchGet", "Lookup", "Search")


def is_read(call: AwsCall) -> bool:
    """True for calls that only read state (used to tell reads from writes in counters)."""
    if call.action:
        return call.action.startswith(READ_PREFIXES)
    # REST services: the operation botocore's model routes the request to (Route 53's
    # ListTagsForResources is a POST and a read), else the HTTP method.
    from .iam_actions import operation

    name = operation(call)
    if name:
        return name.startswith(READ_PREFIXES)
    return call.method in ("GET", "HEAD")


FAULT_KINDS = ("throttle", "5xx", "mixed", "latency")


@dataclass
class FaultRule:
    """Answer a share of one service's requests with an error, as AWS does under load."""

    rate: float
    # "throttle": the service's throttling error; "5xx": 500 InternalFailure; "mixed": half each;
    # "latency": answered normally, latency_ms later (a slow dependency, as AWS FIS injects)
    kind: str = "throttle"
    latency_ms: float = 0.0
    # Only these actions of the service (empty: every action), as a fault experiment targets operations
    actions: tuple[str, ...] = ()


@dataclass
class EmulatorState:
    account_id: str = "123456789012"
    outages: set[str] = field(default_factory=set)
    faults: dict[str, FaultRule] = field(default_factory=dict)
    counters: Counter = field(default_factory=Counter)
    fault_sequence: Counter = field(default_factory=Counter)
    faults_injected: Counter = field(default_factory=Counter)
    seed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.initial_seed = self.seed

    def count(self, call: AwsCall) -> None:
        key = (call.service or "unknown", call.region or "global", call.action or call.method, is_read(call))
        with self.lock:
            self.counters[key] += 1

    def counters_report(self) -> dict:
        """Counters as JSON: a list of rows plus totals by service/region and by kind."""
        with self.lock:
            items = list(self.counters.items())
        rows = [
            {"service": s, "region": r, "action": a, "read": read, "count": n}
            for (s, r, a, read), n in sorted(items)
        ]
        by_service_region: Counter = Counter()
        reads = writes = 0
        for (service, region, _action, read), n in items:
            by_service_region[f"{service}/{region}"] += n
            if read:
                reads += n
            else:
                writes += n
        return {
            "rows": rows,
            "by_service_region": dict(sorted(by_service_region.items())),
            "reads": reads,
            "writes": writes,
            "total": reads + writes,
            "faults_injected": dict(self.faults_injected),
        }

    def fault_for(self, call: AwsCall) -> str | None:
        """The kind of error ("throttle" or "5xx") to answer ``call`` with, or None.

        Each roll comes from the seed and the call's place in its own (service, region, action)
        sequence rather than from one shared stream: the two regions of a deploy interleave their
        requests differently from run to run, but the n-th DescribeVpcs in us-east-2 meets the
        same fault every time, so a run under faults can be replayed.
        """
        rule = self.faults.get(call.service or "") or self.faults.get("*")
        if rule is None or rule.rate <= 0 or (rule.actions and call.action not in rule.actions):
            return None
        key = f"{call.service}/{call.region}/{call.action or call.method}"
        with self.lock:
            self.fault_sequence[key] += 1
            roll = random.Random(f"{self.seed}:{key}:{self.fault_sequence[key]}")
        if roll.random() >= rule.rate:
            return None
        kind = rule.kind
        if kind == "mixed":
            kind = "throttle" if roll.random() < 0.5 else "5xx"
        with self.lock:
            self.faults_injected[kind] += 1
        return kind

    def set_seed(self, seed: int) -> None:
        """Start the fault rolls over from ``seed`` (the same seed replays the same faults)."""
        with self.lock:
            self.seed = seed
            self.fault_sequence.clear()
            self.faults_injected.clear()

    def reset(self) -> None:
        with self.lock:
            self.outages.clear()
            self.faults.clear()
            self.counters.clear()
            self.fault_sequence.clear()
            self.faults_injected.clear()
            self.seed = self.initial_seed
