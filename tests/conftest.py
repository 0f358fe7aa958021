"""Shared pytest fixtures: one in-process emulator per test session on a free loopback port."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO = Path(__file__).resolve().parent.parent
# Make ansible_collections.payments.dr importable (collections/ holds a link to this repo).
sys.path.insert(0, str(REPO / "collections"))

from tests.emulator.control import EmulatorControl  # noqa: E402
from tests.emulator.server import Emulator  # noqa: E402

PRIMARY, DR = "us-east-1", "us-east-2"


@pytest.fixture(scope="session")
def emulator():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    server = Emulator(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def control(emulator):
    """Control client; the emulator is reset before each test that asks for it."""
    ctl = EmulatorControl(emulator.endpoint_url)
    ctl.reset()
    return ctl


@pytest.fixture
def aws(emulator, control):
    """aws("dynamodb", "us-east-2") -> a boto3 client on the emulator (few retries, fast failures)."""

    def make(service: str, region: str = PRIMARY, retries: int = 2):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=emulator.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": retries, "mode": "standard"}),
        )

    return make


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Fail closed when pytest-xdist's --dist loadgroup does not group: the tests of a shared stack
    would then build it once per worker (pytest 9.2 broke it silently for xdist 3.8)."""
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers run with --dist loadgroup
        return
    ungrouped = [item.nodeid for item in items if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if ungrouped:
        raise pytest.UsageError(f"--dist loadgroup did not group {ungrouped[0]} (and {len(ungrouped) - 1} more): "
                                "this pytest-xdist does not work with this pytest; see requirements-test.txt")


class StackSnapshots:
    """Stacks built once per test process and kept as emulator snapshots.

    ``restore(name, build)`` resets the emulator and runs ``build(control)`` the first time
    (then snapshots the result under ``name``); afterwards it restores that snapshot, so every
    test starts from the same freshly built stack whatever ran before it, in ~1 s instead of a
    deploy. ``base`` names a stack to build on (restored first).
    """

    def __init__(self, emulator) -> None:
        self.control = EmulatorControl(emulator.endpoint_url)
        self._built: dict = {}
        self._failed: dict[str, str] = {}

    def restore(self, name: str, build, base: tuple | None = None):
        if name in self._failed:  # one failed build fails its tests at once, not one deploy each
            pytest.fail(f"the {name!r} stack failed to build earlier in this run: {self._failed[name]}")
        if name in self._built:
            self.control.post("snapshots/restore", {"name": name})
            return self._built[name]
        if base is not None:
            self.restore(*base)
        else:
            self.control.reset()
        try:
            self._built[name] = build(self.control)
        except BaseException as error:
            self._failed[name] = str(error)[:2000]
            raise
        self.control.post("snapshots", {"name": name})
        return self._built[name]


@pytest.fixture(scope="session")
def stack_snapshots(emulator):
    return StackSnapshots(emulator)


def deploy_playbooks(*playbooks: str, settings: dict | None = None):
    """A ``build`` for StackSnapshots: run each playbook in turn, failing the test on any error;
    ``settings`` are emulator control calls made first ({"route53/settings": {...}})."""
    from tests.functional.ansible_run import run_playbook

    def build(control):
        for route, body in (settings or {}).items():
            control.post(route, body)
        for playbook in playbooks:
            run = run_playbook(playbook, control.endpoint_url, timeout=1800)
            assert run.rc == 0, f"{playbook}: {run.failures() or run.stdout[-4000:] + run.stderr[-2000:]}"
        return run

    return build


# site.yml once per test process: the tests on it share a worker (pytest -n, --dist loadgroup).
SITE = ("site", deploy_playbooks("site.yml", settings={"route53/settings": {"probe_interval": 3600}}))
site_group = pytest.mark.xdist_group(name="site")


@pytest.fixture
def site_stack(control, stack_snapshots):
    """The stack as site.yml deploys it (health checks probe only when a test asks); the
    PlaybookRun of that deploy."""
    return stack_snapshots.restore(*SITE)
