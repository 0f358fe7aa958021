"""The emulator's clock: real time plus an offset that only grows.

Everything the emulator makes take time (a global cluster switchover, a NAT gateway or a
recovery point being deleted, a table replica being created) is measured on this clock, so a
test advances it (POST /_dr/clock {"advance": seconds}) instead of sleeping. Lambda timeouts
and health-check intervals stay on real time: they bound real work.
"""

from __future__ import annotations

import threading
import time


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        return self._offset

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def time(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward (never back: deadlines already taken must hold)."""
        if not 0 <= seconds <= 86400:
            raise ValueError("advance must be within 0..86400 seconds")
        with self._lock:
            self._offset += seconds
            return self._offset
