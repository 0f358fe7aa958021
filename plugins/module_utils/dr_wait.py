# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Polling waits shared by the payments.dr modules.

botocore ships no waiters for global clusters, table replicas or global
failovers, so the modules poll a describe call until a condition holds, with a
deadline the user controls through ``wait_timeout``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time


class WaitTimeout(Exception):
    """Raised when a condition did not hold before the deadline; the message says what was awaited."""


def wait_for(fetch, ready, timeout, delay=5, description="resource", sleep=None, clock=None):
    """Call ``fetch()`` until ``ready(result)`` is true; return that result.

    ``fetch`` may return None (resource not found yet); ``ready`` gets whatever it returns.
    Raises WaitTimeout after ``timeout`` seconds, naming ``description`` and the last state.
    ``sleep`` and ``clock`` default to this module's ``time`` at call time, so a test can swap it.
    """
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    while True:
        result = fetch()
        if ready(result):
            return result
        if clock() >= deadline:
            raise WaitTimeout("timed out after %ss waiting for %s (last state: %r)" % (timeout, description, result))
        sleep(min(delay, max(deadline - clock(), 0)))


def module_wait(module, fetch, ready, description, delay=5):
    """wait_for with the module's ``wait_timeout``; a timeout fails the module with its message."""
    try:
        return wait_for(fetch, ready, module.params["wait_timeout"], delay=delay, description=description)
    except WaitTimeout as e:
        module.fail_json(msg=str(e))
