"""EventBridge scheduled rules invoke their Lambda targets, which moto never does.

moto stores rules with a ScheduleExpression and their targets, but nothing runs them. Here a rule
runs as EventBridge runs it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html):

- ``rate(N minute|minutes|hour|hours|day|days)`` rules of the default bus that are ENABLED are due
  every N units of the emulator's clock, the first time one period after PutRule (or EnableRule); ``cron(...)`` rules are not run
  (their next time needs a calendar, which no test here needs);
- a due rule sends each target the scheduled event (``{"version": "0", "id", "detail-type":
  "Scheduled Event", "source": "aws.events", "account", "time", "region", "resources": [rule ARN],
  "detail": {}}``) or the target's constant ``Input`` instead, as EventBridge does;
- a Lambda target is invoked only when the function's resource-based policy lets
  ``events.amazonaws.com`` invoke it for the rule's ARN (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions),
  in the rule's region; otherwise, or when the function is missing, the invocation fails;
- each run publishes ``AWS/Events`` ``TriggeredRules``, ``Invocations`` and ``FailedInvocations``
  (dimension ``RuleName``; https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html).

EventBridge invokes Lambda asynchronously; the emulator waits for each invocation so a test
knows its effect has happened when the run returns. Runs happen on ``POST /_dr/events/run``
(``{"region": R}`` optional): a test advances the clock and asks, as the other timed behaviours
do. A region that is down runs nothing.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from typing import Any

from .. import metrics
from ..errors import json_response
from .base import Extension, Response
from .lambda_runtime import InvokeError, LambdaRuntime, lambda_permits

_RATE = re.compile(r"^rate\((?P<value>\d+) (?P<unit>minutes?|hours?|days?)\)$")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_FUNCTION_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):\d{12}:function:(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?$")


def rate_seconds(expression: str | None) -> int | None:
    """Seconds between runs of a rate() expression, None for anything else (cron, patterns)."""
    match = _RATE.match(expression or "")
    if match is None:
        return None
    value = int(match["value"])
    if value < 1 or (value == 1) != (not match["unit"].endswith("s")):
        return None  # EventBridge refuses "rate(1 minutes)" and "rate(5 minute)"
    return value * _SECONDS[match["unit"].rstrip("s")]


class ScheduledRules(Extension):
    name = "events"
    state_attributes = ("_next",)
    order = 70

    def __init__(self, emulator: Any) -> None:
        super().__init__(emulator)
        self._next: dict[str, float] = {}  # rule ARN -> emulator clock (monotonic) of its next run

    def control_routes(self):
        return {("POST", "run"): lambda body, query: json_response(200, {"runs": self.run(body.get("region"))})}

    def reset(self) -> None:
        self._next = {}

    def after(self, call: Any, status: int, body: bytes) -> bytes | None:
        """A schedule starts when its rule is created or enabled: the first run is one period later."""
        if call.service != "events" or status != 200 or call.action not in ("PutRule", "EnableRule") or not call.region:
            return None
        from moto.core.exceptions import JsonRESTError

        try:
            rule = self.emulator.backend("events", call.region).describe_rule(call.param("Name", ""), None)
        except JsonRESTError:
            return None
        period = rate_seconds(rule.scheduled_expression)
        if period is not None and (call.action == "EnableRule" or rule.arn not in self._next):
            self._next[rule.arn] = self.emulator.clock.monotonic() + period
        return None

    def run(self, region: str | None = None) -> list[dict[str, Any]]:
        """Run every due scheduled rule (of ``region``, else of every region that is up)."""
        from moto.backends import get_backend

        now = self.emulator.clock.monotonic()
        runs = []
        for name, backend in list(get_backend("events")[self.emulator.account_id].items()):
            if (region and name != region) or name in self.emulator.state.outages:
                continue
            bus = backend.event_buses.get("default")
            for rule in list(bus.rules.values()) if bus else []:
                period = rate_seconds(rule.scheduled_expression)
                if period is None or rule.state != "ENABLED":
                    self._next.pop(rule.arn, None)
                    continue
                due = self._next.setdefault(rule.arn, now + period)
                if now < due:
                    continue
                self._next[rule.arn] = now + period
                runs.append(self._run_rule(name, rule))
        return runs

    def _run_rule(self, region: str, rule: Any) -> dict[str, Any]:
        event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
                 "account": self.emulator.account_id, "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "region": region, "resources": [rule.arn], "detail": {}}
        invoked, failed = [], []
        for target in rule.targets:
            payload = target.get("Input") or json.dumps(event)
            (invoked if self._invoke(region, rule.arn, target["Arn"], payload) else failed).append(target["Id"])
        metrics.publish(self.emulator, region, "AWS/Events", {
            "TriggeredRules": (1, "Count"), "Invocations": (len(invoked) + len(failed), "Count"),
            "FailedInvocations": (len(failed), "Count")}, [{"RuleName": rule.name}])
        return {"region": region, "rule": rule.name, "invoked": invoked, "failed": failed}

    def _invoke(self, region: str, rule_arn: str, target_arn: str, payload: str) -> bool:
        function = _FUNCTION_ARN.match(target_arn)
        if function is None or function["region"] != region:
            return False  # other target types are not run here; Lambda targets live in the rule's region
        if not lambda_permits(self.emulator, region, function["name"], "events.amazonaws.com", rule_arn):
            return False
        runtime = next(e for e in self.emulator.extensions if isinstance(e, LambdaRuntime))
        try:
            runtime.invoke(region, function["name"], function["qualifier"], payload.encode())
        except InvokeError:
            return False
        return True


EXTENSIONS = [ScheduledRules]
