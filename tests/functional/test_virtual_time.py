"""tests/playbook_site/dr_virtual_time.py: the playbooks a test runs sleep on the emulator's clock."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.functional.ansible_run import REPO, play, run_playbook, virtual_time_env

SLEEPER = "import time; time.sleep({seconds})"


def run_sleeper(tmp_path, endpoint_url, seconds, program="module.py"):
    """Run a script called ``program`` that sleeps ``seconds`` under the test environment; its wall time."""
    script = tmp_path / program
    script.write_text(SLEEPER.format(seconds=seconds))
    started = time.monotonic()
    subprocess.run([sys.executable, str(script)], env=dict(os.environ, **virtual_time_env(endpoint_url)),
                   check=True, timeout=120, cwd=REPO)
    return time.monotonic() - started


def test_a_module_sleep_advances_the_emulator_clock_instead_of_waiting(emulator, control, tmp_path):
    before = control.get("clock")["offset"]
    wall = run_sleeper(tmp_path, emulator.endpoint_url, 45)
    assert wall < 10, wall
    assert control.get("clock")["offset"] - before == pytest.approx(45)


def test_short_sleeps_stay_real_and_leave_the_clock_alone(emulator, control, tmp_path):
    before = control.get("clock")["offset"]
    assert run_sleeper(tmp_path, emulator.endpoint_url, 0.3) >= 0.3
    assert control.get("clock")["offset"] == before


def test_an_until_delay_loop_of_a_playbook_advances_the_clock(emulator, control):
    """The controller's waits too: three attempts with a 30 s delay cost no minute and a half."""
    tasks = [{"name": "Wait for what never comes", "ansible.builtin.debug": {"msg": "waiting"},
              "register": "waited", "until": "false", "retries": 3, "delay": 30, "ignore_errors": True}]
    before = control.get("clock")["offset"]
    started = time.monotonic()
    run = run_playbook(play(tasks, hosts="primary", preflight=False), emulator.endpoint_url)
    assert run.rc == 0 and run.results("Wait for what never comes")["attempts"] == 3
    assert time.monotonic() - started < 30
    # ansible-core sleeps the delay after every failed attempt, the last one included.
    # The offset is a float: 215.67 - 125.67 is not exactly 90.
    assert control.get("clock")["offset"] - before == pytest.approx(90)


def test_without_an_emulator_a_sleep_is_real(tmp_path):
    closed = "http://127.0.0.1:9"  # discard port: nothing listens there
    assert run_sleeper(tmp_path, closed, 1) >= 1
