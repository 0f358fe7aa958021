"""Helpers to run a module's main() with given args and a mocked boto3 client."""

from __future__ import annotations

from unittest.mock import MagicMock, patch

import botocore.session
import pytest
from botocore import xform_name
from botocore.validate import ParamValidator
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


_SESSION = botocore.session.get_session()


def operations(service: str) -> dict:
    """snake_case operation name -> botocore OperationModel of one service."""
    model = _SESSION.get_service_model(service)
    return {xform_name(name): model.operation_model(name) for name in model.operation_names}


def model_errors(services: list[str], client: MagicMock) -> list[str]:
    """Every call a module made on the fake client that botocore's model of its services refuses:
    an operation none of them has, or parameters the operation does not take (misspelled, missing
    or of the wrong type). ``aws_retry`` is amazon.aws's retry switch, not a parameter."""
    known = {}
    for service in services:
        for name, operation in operations(service).items():
            known.setdefault(name, []).append(operation)
    errors = []
    for name, args, kwargs in client.method_calls:
        if "." in name or "(" in name or name == "get_waiter":
            continue  # a paginator's or a waiter's own methods
        if name == "get_paginator":
            if args[0] not in known:
                errors.append(f"get_paginator({args[0]!r}): no such operation in {services}")
            continue
        if name not in known:
            errors.append(f"{name}: no such operation in {services}")
            continue
        params = {k: v for k, v in kwargs.items() if k != "aws_retry"}
        reports = [ParamValidator().validate(params, op.input_shape) for op in known[name]]
        if all(r.has_errors() for r in reports):
            errors.append(f"{name}({params}): {reports[0].generate_report()}")
    return errors


def client_for(fake) -> MagicMock:
    """A MagicMock client whose calls are answered by ``fake``'s public methods of the same name."""
    client = MagicMock()
    for name in [n for n in dir(fake) if not n.startswith("_") and callable(getattr(fake, n))]:
        getattr(client, name).side_effect = getattr(fake, name)
    return client


def calls_made(client: MagicMock, names) -> list[str]:
    """Which of the operations ``names`` were called on ``client``, in the order of ``names``."""
    return [name for name in names if getattr(client, name).called]


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
        """Every call the module makes on ``client`` is checked against botocore's service model
        of the clients it asked for, so a misspelled operation or parameter fails the test."""
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff,
                    region=args.get("region", "us-east-1"))
        services = []

        def make_client(service, *_args, **_kwargs):
            services.append(service)
            return client

        with patch_module_args(args), patch.object(module.AnsibleAWSModule, "client", side_effect=make_client):
            try:
                module.main()
            except ModuleExit as done:
                errors = model_errors(services, client) if isinstance(client, MagicMock) else []
                assert not errors, "calls botocore's model refuses:\n" + "\n".join(errors)
                return done.result, done.failed
        raise AssertionError("module did not exit")

    return run
