"""CloudWatch metric alarm evaluation and SNS alarm actions, which moto never does.

moto stores alarms and datapoints, but an alarm stays in whatever state it was
created or set in.  ``POST /_dr/cloudwatch/evaluate`` (optionally
``{"region": R}``) evaluates every single-metric alarm of every region that is
up against moto's stored datapoints, as CloudWatch does:

- each of the last EvaluationPeriods periods (sliding windows of Period seconds
  ending now, so a datapoint just published counts at once) gets the alarm's
  Statistic or pNN ExtendedStatistic over the datapoints with the alarm's
  namespace, metric name, exact dimension set and (if set) unit;
- TreatMissingData: ``breaching``/``notBreaching`` fill empty periods, ``ignore``
  keeps the state when there is no data at all, ``missing`` (the default) goes to
  INSUFFICIENT_DATA then; with fewer datapoints than DatapointsToAlarm, all of the
  present ones must breach;
- ALARM when at least DatapointsToAlarm (default EvaluationPeriods) periods breach,
  else OK.

A state change is stored like SetAlarmState stores it (StateValue, StateReason,
StateReasonData in AWS's wording, history) and, when ActionsEnabled, published to
the SNS topics among the new state's actions (AlarmActions, OKActions,
InsufficientDataActions) in AWS's alarm notification format.  A new alarm, which
moto creates as OK "Unchecked", counts as INSUFFICIENT_DATA until its first
evaluation, as on AWS.  Metric-math, anomaly-detection and composite alarms are
left alone.  ``POST /_dr/cloudwatch/settings {"evaluation_interval": s}`` also
evaluates every s seconds in a daemon thread (default 0 = only on request).
"""

from __future__ import annotations

import json
import logging
import math
import operator
import threading
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

from ..errors import json_response
from .base import Extension, Response

if TYPE_CHECKING:
    from moto.cloudwatch.models import Alarm, MetricDatumBase

log = logging.getLogger(__name__)

_COMPARISONS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "GreaterThanThreshold": (operator.gt, "greater than"),
    "GreaterThanOrEqualToThreshold": (operator.ge, "greater than or equal to"),
    "LessThanThreshold": (operator.lt, "less than"),
    "LessThanOrEqualToThreshold": (operator.le, "less than or equal to"),
}
_UNCHECKED = "Unchecked: Initial alarm creation"  # moto's reason for a never-evaluated alarm


def _naive_utc(moment: datetime) -> datetime:
    """moto stores naive UTC timestamps; API-supplied ones may carry a zone."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _aws_time(moment: datetime) -> str:
    """CloudWatch's notification timestamps: 2024-01-31T12:00:00.000+0000."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _region_names() -> dict[str, str]:
    """us-east-2 -> "US East (Ohio)", from botocore's endpoint data (what notifications show)."""
    import botocore.session

    names: dict[str, str] = {}
    for partition in botocore.session.get_session().get_data("endpoints")["partitions"]:
        for region, info in partition["regions"].items():
            names[region] = info.get("description", region)
    return names


def _statistic(alarm: Alarm, datums: list[MetricDatumBase]) -> float | None:
    """The alarm's statistic over one period's datapoints (single values and statistic sets)."""
    singles = [d.value for d in datums if hasattr(d, "value")]
    sets = [d for d in datums if not hasattr(d, "value")]
    if alarm.extended_statistic:
        if not singles:
            return None
        # Nearest-rank percentile of the single values (statistic sets carry no distribution).
        ordered = sorted(singles)
        rank = math.ceil(float(alarm.extended_statistic[1:]) / 100 * len(ordered))
        return ordered[max(rank, 1) - 1]
    count = len(singles) + sum(s.sample_count for s in sets)
    if not count:
        return None
    total = sum(singles) + sum(s.sum for s in sets)
    return {
        "SampleCount": count,
        "Sum": total,
        "Average": total / count,
        "Minimum": min(singles + [s.min for s in sets]),
        "Maximum": max(singles + [s.max for s in sets]),
    }.get(alarm.statistic or "")


class CloudWatchAlarmEvaluator(Extension):
    name = "cloudwatch"
    state_attributes = ("evaluation_interval",)
    order = 60

    def __init__(self, emulator: Any) -> None:
        super().__init__(emulator)
        self.evaluation_interval = 0.0
        self._evaluating = threading.Lock()  # one evaluation round at a time
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._region_names: dict[str, str] | None = None

    def control_routes(self) -> dict[tuple[str, str], Callable[[dict, dict], Response]]:
        return {
            ("POST", "evaluate"): lambda body, query: json_response(
                200, {"evaluated": self.evaluate(body.get("region"))}),
            ("GET", "settings"): lambda body, query: json_response(
                200, {"evaluation_interval": self.evaluation_interval}),
            ("POST", "settings"): self._settings_route,
        }

    def reset(self) -> None:
        self.evaluation_interval = 0.0
        self._wake.set()

    def restore_state(self, state: dict) -> None:
        super().restore_state(state)
        self._wake.set()

    def paused(self):
        return self._evaluating

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(self, region: str | None = None) -> list[dict[str, Any]]:
        """Evaluate the alarms of ``region`` (default: every region that is up)."""
        from moto.backends import get_backend

        backends = get_backend("cloudwatch")[self.emulator.account_id]
        results = []
        with self._evaluating:
            # Only regions moto has created a backend for (iterating does not create any).
            for name, backend in list(backends.items()):
                if (region and name != region) or name in self.emulator.state.outages:
                    continue
                now = _naive_utc(datetime.now(timezone.utc))
                datums = backend.get_all_metrics()
                for alarm in list(backend.alarms.values()):
                    result = self._evaluate_alarm(alarm, datums, now)
                    if result is not None:
                        results.append(result)
        return results

    def _evaluate_alarm(self, alarm: Alarm, datums: list[MetricDatumBase], now: datetime) -> dict | None:
        if alarm.rule or alarm.metric_data_queries or not alarm.metric_name:
            return None  # composite and metric-math alarms are not evaluated here
        comparison = _COMPARISONS.get(alarm.comparison_operator)
        extended = alarm.extended_statistic
        if comparison is None or (extended and not extended[1:].replace(".", "", 1).isdigit()):
            return None  # anomaly-detection bands and trimmed/windowed statistics are not supported
        compare, words = comparison
        period = timedelta(seconds=int(alarm.period))
        periods = int(alarm.evaluation_periods)
        required = int(alarm.datapoints_to_alarm or periods)
        dimensions = {(d.name, d.value) for d in alarm.dimensions}
        matching = [d for d in datums
                    if d.namespace == alarm.namespace and d.name == alarm.metric_name
                    and {(x.name, x.value) for x in d.dimensions} == dimensions
                    and (not alarm.unit or d.unit == alarm.unit)]
        # (period start, value) from the most recent period back; value None = no data.
        points: list[tuple[datetime, float | None]] = []
        for index in range(periods):
            end = now - index * period
            start = end - period
            bucket = [d for d in matching if start < _naive_utc(d.timestamp) <= end]
            points.append((start, _statistic(alarm, bucket)))

        missing = alarm.treat_missing_data or "missing"
        evaluated: list[tuple[bool, datetime, float | None]] = []
        for start, value in points:
            if value is not None:
                evaluated.append((compare(value, float(alarm.threshold)), start, value))
            elif missing in ("breaching", "notBreaching"):
                evaluated.append((missing == "breaching", start, None))

        previous = "INSUFFICIENT_DATA" if alarm.state_reason == _UNCHECKED else alarm.state_value
        recent = [value for _, _, value in evaluated if value is not None]
        reason_data = {"version": "1.0", "queryDate": _aws_time(now), "startDate": _aws_time(points[-1][0]),
                       "statistic": extended or alarm.statistic, "period": int(alarm.period),
                       "recentDatapoints": recent, "threshold": float(alarm.threshold)}
        if not evaluated:
            if missing == "ignore" and previous == alarm.state_value:
                return None  # keep the state (a never-evaluated alarm still has none: INSUFFICIENT_DATA)
            state = "INSUFFICIENT_DATA"
            verb = "was" if periods == 1 else "were"
            reason = f"Insufficient Data: {_plural(periods, 'datapoint')} {verb} unknown."
        else:
            breaching = [(start, value) for hit, start, value in evaluated if hit]
            # With fewer datapoints than DatapointsToAlarm, every present one must breach.
            state = "ALARM" if len(breaching) >= min(required, len(evaluated)) else "OK"
            shown = breaching if state == "ALARM" else [(s, v) for hit, s, v in evaluated if not hit]
            listed = ", ".join(f"{v if v is not None else 'missing'} ({s.strftime('%d/%m/%y %H:%M:%S')})"
                               for s, v in shown)
            verb = "was" if len(shown) == 1 else "were"
            negation = "" if state == "ALARM" else "not "
            minimum = required if state == "ALARM" else len(evaluated) - required + 1
            # AWS's wording: "out of the last 1 datapoints" is always plural, "minimum 1 datapoint" is not.
            reason = (f"Threshold Crossed: {len(shown)} out of the last {len(evaluated)} datapoints "
                      f"[{listed}] {verb} {negation}{words} the threshold ({float(alarm.threshold)}) "
                      f"(minimum {_plural(max(minimum, 1), 'datapoint')} for {previous} -> {state} transition).")
        unchanged = {"region": alarm.region_name, "alarm": alarm.name, "state": state, "changed": False,
                     "notified": []}
        if state == alarm.state_value == previous:
            return unchanged
        alarm.update_state(reason, json.dumps(reason_data), state)
        if state == previous:
            return unchanged  # an unchecked alarm found without data: INSUFFICIENT_DATA all along
        notified = self._notify(alarm, previous) if alarm.actions_enabled else []
        return {"region": alarm.region_name, "alarm": alarm.name, "state": state, "previous": previous,
                "changed": True, "reason": reason, "notified": notified}

    # -- actions -------------------------------------------------------------------------------
    def _notify(self, alarm: Alarm, previous: str) -> list[str]:
        """Publish the state change to the SNS topics among the new state's actions."""
        from moto.core.exceptions import ServiceException

        actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions,
                   "INSUFFICIENT_DATA": alarm.insufficient_data_actions}[alarm.state_value]
        if self._region_names is None:
            self._region_names = _region_names()
        region_name = self._region_names.get(alarm.region_name, alarm.region_name)
        message = json.dumps(self._message(alarm, previous, region_name))
        subject = f'{alarm.state_value}: "{alarm.name}" in {region_name}'[:100]  # SNS's subject limit
        notified = []
        for arn in actions or []:
            parts = arn.split(":")
            if len(parts) < 6 or parts[2] != "sns" or parts[3] in self.emulator.state.outages:
                continue  # not an SNS action, or its region does not answer
            try:
                self.emulator.backend("sns", parts[3]).publish(message, arn=arn, subject=subject)
            except ServiceException as error:  # a missing or FIFO topic: AWS records a failed action, the alarm goes on
                log.warning("alarm %s: publishing to %s failed: %s", alarm.name, arn, error)
                continue
            notified.append(arn)
        return notified

    def _message(self, alarm: Alarm, previous: str, region_name: str) -> dict[str, Any]:
        trigger: dict[str, Any] = {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "StatisticType": "ExtendedStatistic" if alarm.extended_statistic else "Statistic",
            "Unit": alarm.unit,
            "Dimensions": [{"value": d.value, "name": d.name} for d in alarm.dimensions],
            "Period": int(alarm.period),
            "EvaluationPeriods": int(alarm.evaluation_periods),
            "DatapointsToAlarm": int(alarm.datapoints_to_alarm or alarm.evaluation_periods),
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": float(alarm.threshold),
            "TreatMissingData": alarm.treat_missing_data or "missing",
            "EvaluateLowSampleCountPercentile": alarm.evaluate_low_sample_count_percentile or "",
        }
        if alarm.extended_statistic:
            trigger["ExtendedStatistic"] = alarm.extended_statistic
        else:
            trigger["Statistic"] = (alarm.statistic or "").upper()
        return {
            "AlarmName": alarm.name,
            "AlarmDescription": alarm.description,
            "AWSAccountId": self.emulator.account_id,
            "AlarmConfigurationUpdatedTimestamp": _aws_time(alarm.configuration_updated_timestamp),
            "NewStateValue": alarm.state_value,
            "NewStateReason": alarm.state_reason,
            "StateChangeTime": _aws_time(alarm.state_updated_timestamp),
            "Region": region_name,
            "AlarmArn": alarm.alarm_arn,
            "OldStateValue": previous,
            "OKActions": list(alarm.ok_actions or []),
            "AlarmActions": list(alarm.alarm_actions or []),
            "InsufficientDataActions": list(alarm.insufficient_data_actions or []),
            "Trigger": trigger,
        }

    # -- periodic evaluation -----------------------------------------------------------------
    def _settings_route(self, body: dict, query: dict) -> Response:
        """{"evaluation_interval": seconds}; 0 stops the periodic evaluation."""
        interval = float(body["evaluation_interval"])
        if interval != 0 and not 0.1 <= interval <= 3600:
            raise ValueError("evaluation_interval must be 0 or within 0.1..3600 seconds")
        self.evaluation_interval = interval
        if interval and self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="cloudwatch-alarms", daemon=True)
            self._thread.start()
        self._wake.set()
        return json_response(200, {"evaluation_interval": self.evaluation_interval})

    def _loop(self) -> None:
        while True:
            if self._wake.wait(self.evaluation_interval or None):
                self._wake.clear()  # new settings or a reset: start a fresh interval
                continue
            try:
                self.evaluate()
            except Exception:  # noqa: BLE001 - keep evaluating; one bad alarm must not stop the thread
                log.exception("periodic alarm evaluation failed")


EXTENSIONS = [CloudWatchAlarmEvaluator]
