"""The DR region's watch on the primary: a scheduled GET of the peer region's /health.

EventBridge invokes the DR function every minute with the constant input
``{"peer_probe": {"url": "https://<api>.execute-api.<peer>.amazonaws.com/prod/health",
"region": "<peer>"}}`` (``connect_url`` optional: send the request there, keeping the URL's host
in the Host header, for a test double or a proxy). The answer is published in the function's own
region as ``PaymentsDR`` ``PeerHealthy`` (1 when the peer answered 200, else 0) with the
dimensions ``FunctionName`` and ``ProbedRegion``, so an alarm in the DR region pages the DR topic
when the primary region goes dark, even though the primary's own alarms and topic went with it.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

NAMESPACE = "PaymentsDR"
METRIC = "PeerHealthy"
TIMEOUT_SECONDS = 5.0


class ProbeConfigError(ValueError):
    """The scheduled event does not say what to probe."""


@dataclass(frozen=True)
class Probe:
    url: str
    region: str
    connect_url: str | None = None

    @classmethod
    def from_event(cls, event: dict) -> Probe:
        spec = event.get("peer_probe")
        if not isinstance(spec, dict) or not isinstance(spec.get("url"), str) or not isinstance(spec.get("region"), str):
            raise ProbeConfigError("peer_probe needs a url and a region")
        if urlsplit(spec["url"]).scheme not in ("https", "http") or not urlsplit(spec["url"]).hostname:
            raise ProbeConfigError("peer_probe url must be an http(s) URL")
        return cls(url=spec["url"], region=spec["region"], connect_url=spec.get("connect_url") or None)


def is_probe_event(event: Any) -> bool:
    return isinstance(event, dict) and "peer_probe" in event


def check(probe: Probe, opener=urllib.request.urlopen) -> tuple[bool, int, float]:
    """GET the peer's health: (healthy, HTTP status or 0 when it did not answer, seconds)."""
    parts = urlsplit(probe.url)
    target = probe.connect_url.rstrip("/") + parts.path if probe.connect_url else probe.url
    request = urllib.request.Request(target, headers={"Host": parts.netloc, "User-Agent": "payments-dr-peer-probe/1.0"})
    started = time.perf_counter()
    try:
        with opener(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 - an http(s) URL, checked above
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError):
        status = 0
    return status == 200, status, time.perf_counter() - started


def publish(cloudwatch: Any, probe: Probe, healthy: bool) -> None:
    cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=[{
        "MetricName": METRIC, "Value": 1.0 if healthy else 0.0, "Unit": "Count",
        "Dimensions": [{"Name": "FunctionName", "Value": os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "unknown")},
                       {"Name": "ProbedRegion", "Value": probe.region}]}])
