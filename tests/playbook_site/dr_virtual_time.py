"""Virtual time for the playbooks a test runs against the emulator.

sitecustomize.py imports it in ansible-playbook, its workers and every module process when
DR_VIRTUAL_TIME_URL names the emulator (tests/functional/ansible_run.py sets it). There a sleep of
SHORTEST seconds or more advances the emulator's clock by that much (POST /_dr/clock) and then
sleeps only REAL_SHARE seconds. Whatever waits for the emulator (a waiter's delay, amazon.aws's
pause after writing a route table or creating a security group, a retry back-off, a task's
until/delay loop over a deletion) then sees the same states in the same order, without the wall
time: everything that takes time in the emulator runs on that clock. Shorter sleeps (the
controller's poll intervals) stay real. With no emulator answering, a sleep is a real sleep.
Real time still bounds real work: Lambda runs and health-check probes, and the timeouts
computed from time.monotonic(), which this leaves alone.
"""

import os

SHORTEST = 0.5  # seconds; below this a sleep is a poll interval, not a wait worth skipping
REAL_SHARE = 0.02  # seconds actually slept per virtual sleep: a loop on a real-time deadline cannot spin hot

_URL = os.environ.get("DR_VIRTUAL_TIME_URL", "")

if _URL.startswith(("http://127.", "http://localhost")):
    import json
    import time
    import urllib.request

    _real_sleep = time.sleep

    def _virtual_sleep(seconds):
        if seconds < SHORTEST:
            return _real_sleep(seconds)
        request = urllib.request.Request(
            _URL.rstrip("/") + "/_dr/clock", data=json.dumps({"advance": float(seconds)}).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only (checked above)
                response.read()
        except (OSError, ValueError):
            return _real_sleep(seconds)
        return _real_sleep(REAL_SHARE)

    time.sleep = _virtual_sleep
