"""GetMetricStatistics and GetMetricData match a metric's dimensions exactly, as CloudWatch does.

CloudWatch treats each unique combination of dimensions as a separate metric: a query (or an
alarm) for ``{DBClusterIdentifier: x}`` does not see datapoints published with
``{DBClusterIdentifier: x, SourceRegion: us-east-1}``, and one for ``{TableName: t}`` does not
see ``ThrottledRequests`` published per ``{TableName: t, Operation: PutItem}``. moto 5.2.5 keeps
every datapoint whose dimensions *include* the requested ones (the right rule for ListMetrics'
filter, the wrong one for reading statistics), so a reader or an alarm on the wrong dimension set
finds data on the emulator and nothing on AWS. Here a read gets only the datapoints whose
dimension set equals the requested one; ListMetrics keeps moto's filter. The alarm evaluator
(cloudwatch_alarms) already matches exactly.

GetMetricData requests that use metric math are left to moto (an expression refers to other
queries' results), each MetricStat-only query is read on its own with the exact match.
"""

from __future__ import annotations

import threading
from typing import Any

from .base import Extension

_exact = threading.local()  # (namespace, metric name, frozenset of dimensions) while a read runs
_installed = threading.Lock()
_INSTALLED: list[bool] = []


def _dimension_set(dimensions: list[dict[str, str]] | None) -> frozenset[tuple[str, str | None]]:
    return frozenset((d["Name"], d.get("Value")) for d in dimensions or [])


def _install() -> None:
    """Wrap moto's CloudWatch backend once per process (every emulator in it shares the class)."""
    from moto.cloudwatch.models import CloudWatchBackend

    with _installed:
        if _INSTALLED:
            return
        all_metrics = CloudWatchBackend.get_all_metrics
        statistics = CloudWatchBackend.get_metric_statistics
        metric_data = CloudWatchBackend.get_metric_data

        def get_all_metrics(self: Any) -> list:
            metrics = all_metrics(self)
            wanted = getattr(_exact, "wanted", None)
            if wanted is None:
                return metrics
            namespace, name, dimensions = wanted
            return [md for md in metrics if md.namespace != namespace or md.name != name
                    or frozenset((d.name, d.value) for d in md.dimensions) == dimensions]

        def get_metric_statistics(self: Any, namespace: str, metric_name: str, start_time: Any, end_time: Any,
                                  period: int, stats: list[str], dimensions: list[dict[str, str]],
                                  unit: str | None = None) -> list:
            _exact.wanted = (namespace, metric_name, _dimension_set(dimensions))
            try:
                return statistics(self, namespace, metric_name, start_time, end_time, period, stats, dimensions, unit)
            finally:
                _exact.wanted = None

        def get_metric_data(self: Any, queries: list[dict[str, Any]], start_time: Any, end_time: Any,
                            scan_by: str = "TimestampAscending") -> list:
            if any("MetricStat" not in query for query in queries):
                return metric_data(self, queries, start_time, end_time, scan_by)
            results = []
            for query in queries:
                metric = query["MetricStat"]["Metric"]
                _exact.wanted = (metric["Namespace"], metric["MetricName"], _dimension_set(metric.get("Dimensions")))
                try:
                    results.extend(metric_data(self, [query], start_time, end_time, scan_by))
                finally:
                    _exact.wanted = None
            return results

        CloudWatchBackend.get_all_metrics = get_all_metrics
        CloudWatchBackend.get_metric_statistics = get_metric_statistics
        CloudWatchBackend.get_metric_data = get_metric_data
        _INSTALLED.append(True)


class ExactMetricDimensions(Extension):
    name = "cloudwatch-dimensions"

    def __init__(self, emulator: Any) -> None:
        super().__init__(emulator)
        _install()


EXTENSIONS = [ExactMetricDimensions]
