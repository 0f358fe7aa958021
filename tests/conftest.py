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


# Longest first, so that no worker is left with a long playbook test while the other one idles.
# pytest-xdist hands out the groups of tests sharing a deployed stack first (--loadscope-reorder,
# its default, puts the scopes with the most tests first), then single tests in this order: the
# other playbook tests, the emulator's tests, then the unit tests (hundreds of short fillers).
def schedule_rank(item) -> int:
    path = item.nodeid.split("::")[0]
    if path.startswith("tests/unit/"):
        return 2
    return 1 if path.startswith("tests/functional/emulator/") else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run the tests in schedule_rank order (a stable sort: each file keeps its own order; the tests
    pass in any order, each one that needs a stack restores it). Then fail closed when
    pytest-xdist's --dist loadgroup does not group: the tests of a shared stack would build it
    once per worker (pytest 9.2 broke it silently for xdist 3.8)."""
    items.sort(key=schedule_rank)
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


def deploy_playbooks(*playbooks: str, settings: dict | None = None, extra_vars: dict | None = None):
    """A ``build`` for StackSnapshots: run each playbook in turn (with ``extra_vars``), failing the
    test on any error; ``settings`` are emulator control calls made first ({"route53/settings": {...}})."""
    from tests.functional.ansible_run import run_playbook

    def build(control):
        for route, body in (settings or {}).items():
            control.post(route, body)
        for playbook in playbooks:
            run = run_playbook(playbook, control.endpoint_url, extra_vars=extra_vars, timeout=1800)
            assert run.rc == 0, f"{playbook}: {run.failures() or run.stdout[-4000:] + run.stderr[-2000:]}"
        return run

    return build


# The seed of the injected faults (DR_FAULT_SEED replays or explores another one).
FAULT_SEED = int(os.environ.get("DR_FAULT_SEED", "20261129"))
SITE_FAULTS = {"rate": 0.1, "kind": "mixed"}  # a tenth of all calls: half throttling, half 500s


def build_site_under_faults(control):
    """site.yml deployed by the deployer principal (runner_iam.yml) under seeded faults on every
    service, then the faults turned off.

    One deploy serves both the fault test (that it converges: the counters in the snapshot say what
    it survived, and the seeded rolls go on from there for its rerun) and every test of the
    deployed stack, which then also proves the stack a faulty deploy leaves is the right one. Route
    53 health checks probe only when a test asks (their Lambda calls would take rolls in an order
    that depends on timing)."""
    from tests.functional import principals
    from tests.functional.ansible_run import run_playbook

    control.post("route53/settings", {"probe_interval": 3600})
    # As a user would: an administrator installs the runner principals, the deployer deploys.
    principals.install(control.endpoint_url)
    deployer = principals.credentials(control.endpoint_url, "deployer")
    control.inject_faults("*", SITE_FAULTS["rate"], kind=SITE_FAULTS["kind"], seed=FAULT_SEED)
    try:
        run = run_playbook("site.yml", control.endpoint_url, timeout=1800, extra_vars=deployer)
    finally:
        control.inject_faults("*", 0)
    assert run.rc == 0, (f"site.yml under faults (seed {FAULT_SEED}): "
                         f"{run.failures() or run.stdout[-4000:] + run.stderr[-2000:]}")
    return run


# site.yml once per test process: the tests on it share a worker (pytest -n, --dist loadgroup).
SITE = ("site", build_site_under_faults)
site_group = pytest.mark.xdist_group(name="site")


@pytest.fixture
def site_stack(control, stack_snapshots):
    """The stack as site.yml deploys it (under faults, see build_site_under_faults; none left on);
    the PlaybookRun of that deploy."""
    return stack_snapshots.restore(*SITE)
