from __future__ import annotations

import pytest

from ansible_collections.payments.dr.plugins.module_utils.dr_wait import WaitTimeout, wait_for


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_wait_for_returns_first_ready_result():
    states = iter(["creating", "creating", "available"])
    clock = FakeClock()
    result = wait_for(lambda: next(states), lambda s: s == "available", timeout=60, delay=5,
                      sleep=clock.sleep, clock=clock)
    assert result == "available"
    assert clock.now == 10


def test_wait_for_times_out_naming_what_it_awaited():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match="replica us-east-2.*'CREATING'"):
        wait_for(lambda: "CREATING", lambda s: s == "ACTIVE", timeout=12, delay=5,
                 description="replica us-east-2", sleep=clock.sleep, clock=clock)
    assert clock.now == 12


def test_module_wait_fails_the_module_with_the_timeout_message(monkeypatch):
    from ansible_collections.payments.dr.plugins.module_utils import dr_wait

    class Module:
        params = {"wait_timeout": 0}

        def fail_json(self, msg):
            raise RuntimeError(msg)

    monkeypatch.setattr(dr_wait.time, "sleep", lambda seconds: None)
    assert dr_wait.module_wait(Module(), lambda: "ACTIVE", lambda s: s == "ACTIVE", "table t") == "ACTIVE"
    with pytest.raises(RuntimeError, match="waiting for table t"):
        dr_wait.module_wait(Module(), lambda: "CREATING", lambda s: s == "ACTIVE", "table t")
