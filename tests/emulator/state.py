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
    return call.method in ("GET", "HEAD")


@dataclass
class FaultRule:
    """Answer a share of one service's requests with an error, as AWS does under load."""

    rate: float
    kind: str = "throttle"  # "throttle" -> 400 Throttling, "5xx" -> 500 InternalFailure


@dataclass
class EmulatorState:
    account_id: str = "123456789012"
    outages: set[str] = field(default_factory=set)
    faults: dict[str, FaultRule] = field(default_factory=dict)
    counters: Counter = field(default_factory=Counter)
    seed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

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
        }

    def fault_for(self, call: AwsCall) -> FaultRule | None:
        rule = self.faults.get(call.service or "") or self.faults.get("*")
        if rule is None or rule.rate <= 0:
            return None
        with self.lock:
            roll = self.random.random()
        return rule if roll < rule.rate else None

    def reset(self) -> None:
        with self.lock:
            self.outages.clear()
            self.faults.clear()
            self.counters.clear()
            self.random = random.Random(self.seed)
