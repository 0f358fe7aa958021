"""Benchmark callback: how long each host spent in each task, written as JSON when the run ends.

Enabled only by the benchmark (ANSIBLE_CALLBACKS_ENABLED=host_timer, ANSIBLE_CALLBACK_PLUGINS pointing
here), with HOST_TIMER_FILE naming the output. A record is one (host, task) with the seconds
from the runner starting that host's task to its result; with forks=1 the hosts run one at a time,
so a host's records add up to the time its region alone needed.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: host_timer
type: aggregate
short_description: per-host task durations for the benchmark
description: Writes (host, role, task, seconds) records to the file named by HOST_TIMER_FILE.
requirements:
  - enabled in the callbacks list
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "host_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._started: dict[tuple[str, str], float] = {}
        self._records: list[dict] = []

    def v2_runner_on_start(self, host, task) -> None:
        self._started[(host.get_name(), task._uuid)] = time.monotonic()

    def _done(self, result, status: str) -> None:
        host, task = result._host.get_name(), result._task
        started = self._started.pop((host, task._uuid), None)
        if started is None:
            return
        role = task._role.get_name() if task._role else ""
        self._records.append({"host": host, "uuid": task._uuid, "role": role, "task": task.get_name(), "action": task.action,
                              "status": status, "seconds": round(time.monotonic() - started, 3)})

    def v2_runner_on_ok(self, result) -> None:
        self._done(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False) -> None:
        self._done(result, "failed")

    def v2_runner_on_skipped(self, result) -> None:
        self._done(result, "skipped")

    def v2_runner_on_unreachable(self, result) -> None:
        self._done(result, "unreachable")

    def v2_playbook_on_stats(self, stats) -> None:
        path = os.environ.get("HOST_TIMER_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self._records, handle)
