"""Helpers to run a module's main() with given args and a mocked boto3 client."""

from __future__ import annotations

from unittest.mock import MagicMock, patch

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.payments.dr.plugins.module_utils import dr_wait


class FakeTime:
    """Stands for ``time`` in dr_wait: sleeping advances the clock at once and is recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class ModuleExit(Exception):
    def __init__(self, result: dict, failed: bool = False):
        super().__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture
def fake_time(monkeypatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(dr_wait, "time", fake)
    return fake


@pytest.fixture
def run_module(monkeypatch, fake_time):
    """run_module(module, args, client) -> (result dict, failed flag); the module's waits use
    ``fake_time`` (no real sleep; ``fake_time.slept`` lists the delays)."""

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs)

    def fail_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)

    def run(module, args: dict, client: MagicMock, check_mode: bool = False, diff: bool = False):
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff,
                    region=args.get("region", "us-east-1"))
        with patch_module_args(args), patch.object(module.AnsibleAWSModule, "client", return_value=client):
            try:
                module.main()
            except ModuleExit as done:
                return done.result, done.failed
        raise AssertionError("module did not exit")

    return run
