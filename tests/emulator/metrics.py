"""Service metrics the emulator publishes into CloudWatch as AWS services do (vended metrics).

AWS services publish their metrics under their own namespace (``AWS/Lambda``...) with documented
dimension sets; CloudWatch treats every dimension combination as a separate metric, so a service
that publishes a metric under several sets publishes one datapoint per set. Each extension that
models an event (an invocation, a request, a throttle) calls ``publish`` with every dimension set
AWS documents for it.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def publish(emulator: Any, region: str, namespace: str, values: dict[str, tuple[float, str]],
            dimension_sets: list[dict[str, str]]) -> None:
    """Put ``values`` ({metric name: (value, unit)}) once for each dimension set, stamped now, in
    ``region``'s CloudWatch. A region that is down publishes nothing (its services are not running)."""
    from moto.core.utils import utcnow

    if region in emulator.state.outages or not values:
        return
    now = utcnow()  # moto keeps naive UTC timestamps
    data = [{"MetricName": name, "Value": float(value), "Unit": unit, "Timestamp": now,
             "Dimensions": [{"Name": key, "Value": str(val)} for key, val in dimensions.items()]}
            for dimensions in dimension_sets for name, (value, unit) in values.items()]
    try:
        emulator.backend("cloudwatch", region).put_metric_data(namespace, data)
    except Exception:  # noqa: BLE001 - a metric must never turn a served request into an error
        log.exception("publishing %s metrics in %s failed", namespace, region)


# The item and query operations DynamoDB publishes ThrottledRequests for (per TableName, Operation).
DYNAMODB_DATA_PLANE = frozenset({
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
    "TransactGetItems", "TransactWriteItems"})


def _tables(call: Any) -> list[str]:
    """The tables a DynamoDB data-plane request reads or writes."""
    params = call.params or {}
    if params.get("TableName"):
        return [params["TableName"]]
    if call.action in ("BatchGetItem", "BatchWriteItem"):
        return sorted((params.get("RequestItems") or {}).keys())
    tables = set()
    for item in params.get("TransactItems") or []:
        for operation in (item or {}).values():
            if isinstance(operation, dict) and operation.get("TableName"):
                tables.add(operation["TableName"])
    return sorted(tables)


def throttled(emulator: Any, call: Any) -> None:
    """A throttled request, as the service's metrics count it (DynamoDB: ThrottledRequests per
    table and operation, in the table's region)."""
    if call.service == "dynamodb" and call.action in DYNAMODB_DATA_PLANE and call.region:
        publish(emulator, call.region, "AWS/DynamoDB", {"ThrottledRequests": (1, "Count")},
                [{"TableName": table, "Operation": call.action} for table in _tables(call)])
