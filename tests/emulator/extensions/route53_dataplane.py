"""Route 53 data plane: health checks that really probe, and DNS answers that follow them.

moto stores health checks and record sets but never probes anything, and its
GetHealthCheckStatus always reports success.  Here a daemon thread probes every
health check each ``probe_interval`` seconds (``POST /_dr/route53/settings``,
default 1 s; ``POST /_dr/route53/probe`` probes all now, for deterministic tests):

- HTTP/HTTPS/HTTP_STR_MATCH/HTTPS_STR_MATCH/TCP endpoints.  An execute-api host
  name is answered in-process by the API Gateway data plane (API Gateway only
  listens on HTTPS port 443, and not at all while its region is down).  Any
  other target must be a loopback address (or ``localhost``) and is probed over
  a real socket; everything else counts as unreachable.  The emulator never
  opens a connection to a non-loopback address.
- FailureThreshold consecutive results flip the status; Inverted inverts it;
  Disabled stops probing and counts as healthy (then Inverted) as AWS documents.
- CALCULATED: healthy when at least HealthThreshold children are healthy.
- CLOUDWATCH_METRIC: unhealthy while the alarm is in ALARM; an alarm in
  INSUFFICIENT_DATA (or in a region that is down) follows InsufficientDataHealthStatus.

GetHealthCheckStatus answers the last observations in AWS's shape, and every
round publishes AWS/Route53 HealthCheckStatus (1/0, dimension HealthCheckId)
into CloudWatch us-east-1.  ``GET /_dr/route53/resolve?name=...&type=A`` answers
as Route 53's resolvers do for simple, failover (primary when healthy, else a
healthy secondary, else primary), weighted, multivalue and alias records.

Route 53's control plane lives in us-east-1 (the core refuses its API calls
during that region's outage); probes and resolve keep working in any outage,
like Route 53's data plane.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import re
import socket
import ssl
import threading
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from ..errors import error_response, json_response
from ..request_info import AwsCall
from .apigateway_dataplane import EXECUTE_API_HOST, ApiGatewayDataPlane
from .base import Extension, Response

log = logging.getLogger(__name__)

_STATUS_PATH = re.compile(r"^/2013-04-01/healthcheck/(?P<id>[^/]+)/status/?$")
_HEALTHCHECK_WRITE = re.compile(r"^/2013-04-01/healthcheck(?:/[^/]+)?/?$")
_NS = "{https://route53.amazonaws.com/doc/2013-04-01/}"
_REGION_IN_NAME = re.compile(r"\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.")
# Regions Route 53 runs health checkers in (the default when a check names none).
CHECKER_REGIONS = ("us-east-1", "us-west-1", "us-west-2", "eu-west-1",
                   "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1")
SEARCH_BYTES = 5120  # Route 53 searches the first 5,120 bytes of the body for SearchString
PROBE_TIMEOUT = 2.0
DEFAULT_INTERVAL = 1.0
USER_AGENT = "Amazon-Route53-Health-Check-Service (ref {ref}; report http://amzn.to/1vsZADi)"
TIMED_OUT = ("Failure: Connection timed out. The endpoint or the internet connection is down, or requests are "
             "being blocked by your firewall. See https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
             "dns-failover-router-firewall-rules.html")


@dataclass
class Probe:
    ok: bool
    report: str


@dataclass
class CheckState:
    """What Route 53 remembers of one health check between probes."""

    measured: bool = True  # after FailureThreshold, before Inverted/Disabled
    successes: int = 0
    failures: int = 0
    report: str | None = None
    checked: datetime | None = None


@dataclass
class ExtraConfig:
    """HealthCheckConfig fields moto does not keep."""

    alarm_region: str | None = None
    alarm_name: str | None = None
    insufficient_data: str = "LastKnownStatus"
    port_given: bool = False


@dataclass
class Settings:
    probe_interval: float = DEFAULT_INTERVAL


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _http_probe_result(status: int, body: bytes, search: str | None) -> Probe:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    if not 200 <= status < 400:
        return Probe(False, f"Failure: HTTP Status Code {status}, {reason}")
    if search is not None and search.encode() not in body[:SEARCH_BYTES]:
        return Probe(False, f"Failure: HTTP Status Code {status}, {reason}. The response body did not contain "
                            f"the search string in its first {SEARCH_BYTES} bytes")
    return Probe(True, f"Success: HTTP Status Code {status}, {reason}")


class Route53DataPlane(Extension):
    name = "route53"
    state_attributes = ("settings", "_states", "_extra")
    order = 30

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self.settings = Settings()
        self._lock = threading.Lock()  # guards the dicts below
        self._probe_lock = threading.Lock()  # one probing round at a time
        self._states: dict[str, CheckState] = {}
        self._extra: dict[str, ExtraConfig] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- extension interface -------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        self._ensure_thread()  # lazily: an Emulator that never serves a request starts no prober
        match = _STATUS_PATH.match(call.path)
        if call.service != "route53" or call.method != "GET" or match is None:
            return None
        return self._status_response(call, match["id"])

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        # Keep AlarmIdentifier, InsufficientDataHealthStatus and whether Port was given.
        if (call.service == "route53" and call.method == "POST" and status in (200, 201)
                and _HEALTHCHECK_WRITE.match(call.path) and call.body):
            try:
                request, answer = ET.fromstring(call.body), ET.fromstring(body)
            except ET.ParseError:
                return None
            check_id = answer.findtext(f".//{_NS}HealthCheck/{_NS}Id")
            config = request.find(f"{_NS}HealthCheckConfig")
            config = request if config is None else config  # UpdateHealthCheck has the fields at the top
            if check_id:
                with self._lock:
                    extra = self._extra.setdefault(check_id, ExtraConfig())
                    if config.find(f"{_NS}AlarmIdentifier") is not None:
                        extra.alarm_region = config.findtext(f"{_NS}AlarmIdentifier/{_NS}Region")
                        extra.alarm_name = config.findtext(f"{_NS}AlarmIdentifier/{_NS}Name")
                    extra.insufficient_data = config.findtext(
                        f"{_NS}InsufficientDataHealthStatus") or extra.insufficient_data
                    extra.port_given = extra.port_given or config.find(f"{_NS}Port") is not None
        return None

    def control_routes(self):
        return {
            ("GET", "settings"): lambda body, query: json_response(200, vars(self.settings)),
            ("POST", "settings"): self._settings_route,
            ("POST", "probe"): self._probe_route,
            ("GET", "status"): lambda body, query: json_response(200, {"health_checks": self.report()}),
            ("GET", "resolve"): self._resolve_route,
            ("GET", "dns-query"): self._dns_json_route,
        }

    def reset(self) -> None:
        with self._lock:
            self._states.clear()
            self._extra.clear()
            self.settings = Settings()
        self._wake.set()

    def restore_state(self, state: dict) -> None:
        with self._lock:
            super().restore_state(state)
        self._wake.set()

    def paused(self):
        return self._probe_lock

    # -- probing ---------------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="route53-health-checkers", daemon=True)
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            if self._wake.wait(self.settings.probe_interval):
                self._wake.clear()  # new settings or a reset: start a fresh interval, no round now
                continue
            try:
                self.probe_all()
            except Exception:  # noqa: BLE001 - e.g. a reset racing a round; the next round starts clean
                log.exception("health check round failed")

    def _backend(self) -> Any:
        return self.emulator.backend("route53", "global")

    def probe_all(self) -> None:
        """One round of every health checker: probe, apply thresholds, publish metrics."""
        with self._probe_lock:
            checks = dict(self._backend().health_checks)
            with self._lock:
                for gone in set(self._states) - set(checks):
                    del self._states[gone]
            for check in checks.values():
                if check.disabled or check.type_ == "CALCULATED":
                    continue
                if check.type_ == "CLOUDWATCH_METRIC":
                    self._observe_alarm(check)
                else:
                    self._record(check, self._probe(check))
            metrics = []
            for check in checks.values():
                metrics.append(self._metric("HealthCheckStatus", check.id, 1.0 if self.healthy(check.id) else 0.0))
                if check.type_ == "CALCULATED":
                    count = sum(self.healthy(child) for child in check.children or [])
                    metrics.append(self._metric("ChildHealthCheckHealthyCount", check.id, float(count)))
            if metrics:
                self.emulator.backend("cloudwatch", "us-east-1").put_metric_data("AWS/Route53", metrics)

    @staticmethod
    def _metric(name: str, check_id: str, value: float) -> dict[str, Any]:
        return {"MetricName": name, "Dimensions": [{"Name": "HealthCheckId", "Value": check_id}],
                "Value": value, "Unit": "None"}

    def _record(self, check: Any, probe: Probe) -> None:
        threshold = int(check.failure_threshold or 3)
        with self._lock:
            state = self._states.setdefault(check.id, CheckState())
            if probe.ok:
                state.successes, state.failures = state.successes + 1, 0
                if state.successes >= threshold:
                    state.measured = True
            else:
                state.failures, state.successes = state.failures + 1, 0
                if state.failures >= threshold:
                    state.measured = False
            state.report, state.checked = probe.report, datetime.now(timezone.utc)

    def _observe_alarm(self, check: Any) -> None:
        with self._lock:
            extra = self._extra.get(check.id, ExtraConfig())
        alarm = None
        if extra.alarm_region and extra.alarm_region not in self.emulator.state.outages:
            alarm = self.emulator.backend("cloudwatch", extra.alarm_region).alarms.get(extra.alarm_name)
        value = alarm.state_value if alarm is not None else "INSUFFICIENT_DATA"
        with self._lock:
            state = self._states.setdefault(check.id, CheckState())
            if value == "ALARM":
                state.measured = False
            elif value == "OK":
                state.measured = True
            elif extra.insufficient_data in ("Healthy", "Unhealthy"):
                state.measured = extra.insufficient_data == "Healthy"
            verdict = "Success" if state.measured else "Failure"
            state.report = f"{verdict}: CloudWatch alarm {extra.alarm_name} is in state {value}"
            state.checked = datetime.now(timezone.utc)

    def _probe(self, check: Any) -> Probe:
        kind = check.type_ or ""
        secure = kind.startswith("HTTPS")
        with self._lock:
            extra = self._extra.get(check.id, ExtraConfig())
        port = int(check.port) if extra.port_given or kind == "TCP" else (443 if secure else 80)
        fqdn = (check.fqdn or "").rstrip(".").lower()
        search = check.search_string if kind.endswith("_STR_MATCH") else None
        path = check.resource_path or "/"
        if check.ip_address:
            if not _is_loopback(check.ip_address):
                return Probe(False, TIMED_OUT)  # the emulator never leaves loopback
            return self._socket_probe(kind, check.ip_address, port, fqdn or check.ip_address, path, search)
        if EXECUTE_API_HOST.match(fqdn):
            return self._execute_api_probe(kind, fqdn, port, path, search)
        if fqdn == "localhost":
            return self._socket_probe(kind, "127.0.0.1", port, fqdn, path, search)
        return Probe(False, f"Failure: DNS resolution failed for {fqdn} (the emulator resolves only "
                            "execute-api host names and localhost)")

    def _execute_api_probe(self, kind: str, fqdn: str, port: int, path: str, search: str | None) -> Probe:
        region = EXECUTE_API_HOST.match(fqdn)["region"]
        # API Gateway answers HTTPS on 443 only; a region that is down answers nothing.
        if region in self.emulator.state.outages or port != 443 or not (kind.startswith("HTTPS") or kind == "TCP"):
            return Probe(False, TIMED_OUT)
        if kind == "TCP":
            return Probe(True, "Success: TCP connection established")
        dataplane = next(e for e in self.emulator.extensions if isinstance(e, ApiGatewayDataPlane))
        resource, _, query = path.partition("?")
        call = AwsCall(method="GET", path=resource or "/", query=parse_qs(query, keep_blank_values=True),
                       headers={"host": fqdn, "user-agent": USER_AGENT.format(ref=uuid.uuid4())}, body=b"")
        answer = dataplane.intercept(call)
        if answer is None:
            return Probe(False, TIMED_OUT)
        return _http_probe_result(answer[0], answer[2], search)

    @staticmethod
    def _socket_probe(kind: str, address: str, port: int, host: str, path: str, search: str | None) -> Probe:
        if not _is_loopback(address):  # the one guard every real connection passes
            return Probe(False, TIMED_OUT)
        try:
            if kind == "TCP":
                with socket.create_connection((address, port), timeout=PROBE_TIMEOUT):
                    return Probe(True, "Success: TCP connection established")
            if kind.startswith("HTTPS"):
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE  # Route 53 does not validate certificates
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    address, port, timeout=PROBE_TIMEOUT, context=context)
            else:
                conn = http.client.HTTPConnection(address, port, timeout=PROBE_TIMEOUT)
            try:
                conn.request("GET", path, headers={"Host": host, "User-Agent": USER_AGENT.format(ref=uuid.uuid4())})
                response = conn.getresponse()
                return _http_probe_result(response.status, response.read(SEARCH_BYTES), search)
            finally:
                conn.close()
        except ConnectionRefusedError:
            return Probe(False, "Failure: Connection refused. The endpoint is not accepting connections on "
                                f"port {port}")
        except (OSError, http.client.HTTPException):
            return Probe(False, TIMED_OUT)

    # -- health ------------------------------------------------------------------------------
    def healthy(self, check_id: str, seen: frozenset[str] = frozenset()) -> bool:
        """The status Route 53 acts on: thresholds applied, then Disabled, then Inverted."""
        check = self._backend().health_checks.get(check_id)
        if check is None or check_id in seen:
            return True
        if check.disabled:
            status = True
        elif check.type_ == "CALCULATED":
            children = check.children or []
            status = sum(self.healthy(c, seen | {check_id}) for c in children) >= int(check.health_threshold or 0)
        else:
            with self._lock:
                state = self._states.get(check_id)
            status = state.measured if state is not None else True
        return status != bool(check.inverted)

    def report(self) -> list[dict[str, Any]]:
        rows = []
        for check in list(self._backend().health_checks.values()):
            with self._lock:
                state = self._states.get(check.id, CheckState())
            rows.append({"id": check.id, "type": check.type_, "healthy": self.healthy(check.id),
                         "measured": state.measured, "report": state.report,
                         "checked": state.checked.isoformat() if state.checked else None})
        return rows

    def _status_response(self, call: AwsCall, check_id: str) -> Response:
        check = self._backend().health_checks.get(check_id)
        if check is None:
            return error_response(call, 404, "NoSuchHealthCheck", f"A health check with id {check_id} does not exist.")
        if check.type_ == "CALCULATED":
            return error_response(call, 400, "InvalidInput",
                                  "GetHealthCheckStatus does not report the status of a calculated health check.")
        with self._lock:
            state = self._states.get(check_id)
        observations = []
        if state is not None and state.report is not None and state.checked is not None:
            checked = state.checked.strftime("%Y-%m-%dT%H:%M:%S.") + f"{state.checked.microsecond // 1000:03d}Z"
            regions = [r for r in (check.regions or CHECKER_REGIONS) if r not in self.emulator.state.outages]
            for index, region in enumerate(regions):
                # Placeholder checker addresses: one per checker region.
                observations.append(
                    f"<HealthCheckObservation><Region>{escape(region)}</Region>"
                    f"<IPAddress>15.177.{index * 8}.1</IPAddress><StatusReport>"
                    f"<Status>{escape(state.report)}</Status><CheckedTime>{checked}</CheckedTime>"
                    f"</StatusReport></HealthCheckObservation>")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
                f"<HealthCheckObservations>{''.join(observations)}</HealthCheckObservations>"
                "</GetHealthCheckStatusResponse>")
        return 200, {"Content-Type": "text/xml", "x-amzn-RequestId": str(uuid.uuid4())}, body.encode()

    # -- DNS answers ---------------------------------------------------------------------------
    def resolve(self, name: str, record_type: str, depth: int = 0,
                public_only: bool = False) -> dict[str, Any] | None:
        """Route 53's answer for name/type from the hosted zones, or None (NXDOMAIN/NODATA);
        ``public_only`` answers as the internet sees it (private zones answer only inside their VPCs)."""
        wanted = name.rstrip(".").lower()
        zones = [z for z in list(self._backend().zones.values())
                 if (wanted == z.name.rstrip(".").lower() or wanted.endswith("." + z.name.rstrip(".").lower()))
                 and not (public_only and z.private_zone)]
        if not zones or depth > 8:
            return None
        zone = max(zones, key=lambda z: (len(z.name), not z.private_zone))  # most specific, public first
        named = [r for r in list(zone.rrsets) if r.name.rstrip(".").lower() == wanted]
        answer_type = record_type
        candidates = [r for r in named if r.type == record_type]
        if not candidates and record_type != "CNAME":  # a CNAME answers any type
            answer_type = "CNAME"
            candidates = [r for r in named if r.type == "CNAME"]
        if not candidates:
            return None
        chosen = self._choose(candidates, depth)
        values: list[str] = []
        if any(r.multi_value_answer for r in candidates):
            # Multivalue: up to eight healthy records (all of them if none is healthy).
            pool = [r for r in candidates if self._record_healthy(r, depth)] or candidates
            for record in pool[:8]:
                values.extend(self._values(record, answer_type, depth))
        else:
            values = self._values(chosen, answer_type, depth)
        return {"name": wanted + ".", "type": answer_type, "values": values,
                "set_identifier": chosen.set_identifier, "failover": chosen.failover, "ttl": chosen.ttl,
                "alias": bool(chosen.alias_target), "healthy": self._record_healthy(chosen, depth)}

    def _choose(self, candidates: list[Any], depth: int) -> Any:
        failover = [r for r in candidates if r.failover]
        if failover:
            primary = next((r for r in failover if r.failover == "PRIMARY"), None)
            secondary = next((r for r in failover if r.failover == "SECONDARY"), None)
            for record in (primary, secondary):
                if record is not None and self._record_healthy(record, depth):
                    return record
            return primary or secondary  # both unhealthy: Route 53 answers the primary
        healthy = [r for r in candidates if self._record_healthy(r, depth)] or candidates
        weighted = [r for r in healthy if r.weight is not None]
        if weighted:  # deterministic stand-in for the weighted draw: the heaviest record
            return max(weighted, key=lambda r: int(r.weight))
        return healthy[0]

    def _record_healthy(self, record: Any, depth: int) -> bool:
        if record.health_check_id and not self.healthy(record.health_check_id):
            return False
        alias = record.alias_target or {}
        if str(alias.get("EvaluateTargetHealth", "false")).lower() != "true":
            return True
        target = alias.get("DNSName", "")
        inner = self.resolve(target, record.type, depth + 1)
        if inner is not None:
            return inner["healthy"]
        # An AWS endpoint outside the hosted zones: unhealthy while its region is down.
        region = _REGION_IN_NAME.search("." + target.rstrip(".").lower() + ".")
        return region is None or region[1] not in self.emulator.state.outages

    def _values(self, record: Any, answer_type: str, depth: int) -> list[str]:
        if not record.alias_target:
            return list(record.records)
        target = record.alias_target.get("DNSName", "")
        inner = self.resolve(target, answer_type, depth + 1)
        return inner["values"] if inner is not None else [target]

    # -- control routes ------------------------------------------------------------------------
    def _settings_route(self, body: dict, query: dict) -> Response:
        """{"probe_interval": seconds}"""
        interval = float(body["probe_interval"])
        if not 0.05 <= interval <= 3600:
            raise ValueError("probe_interval must be within 0.05..3600 seconds")
        self.settings.probe_interval = interval
        self._wake.set()
        return json_response(200, vars(self.settings))

    def _probe_route(self, body: dict, query: dict) -> Response:
        self.probe_all()
        return json_response(200, {"health_checks": self.report()})

    def _resolve_route(self, body: dict, query: dict) -> Response:
        """GET ?name=api.example.com&type=A"""
        name, record_type = query["name"], query.get("type", "A").upper()
        answer = self.resolve(name, record_type)
        if answer is None:
            return json_response(404, {"error": f"no {record_type} record for {name}", "name": name,
                                       "type": record_type, "values": []})
        answer.pop("healthy")
        return json_response(200, answer)

    def _dns_json_route(self, body: dict, query: dict) -> Response:
        """DNS-over-HTTPS JSON API (application/dns-json), as public resolvers answer it:
        GET ?name=api.example.com&type=CNAME -> {"Status": 0, "Question": [...], "Answer": [...]}.
        Lets clients resolve the hosted zones' names the way they would through a real resolver."""
        name, record_type = query["name"], query.get("type", "A").upper()
        if record_type not in _DNS_TYPES:
            raise ValueError(f"type must be one of {sorted(_DNS_TYPES)}")
        question = [{"name": name.rstrip(".") + ".", "type": _DNS_TYPES[record_type]}]
        answer = self.resolve(name, record_type)
        if answer is None:
            return json_response(200, {"Status": 3, "Question": question, "Answer": []})  # NXDOMAIN
        records = [{"name": answer["name"], "type": _DNS_TYPES.get(answer["type"], 0), "TTL": int(answer["ttl"] or 0),
                    "data": value} for value in answer["values"]]
        return json_response(200, {"Status": 0, "Question": question, "Answer": records})


# RR type numbers of the DNS wire format, which the DNS JSON API reports.
_DNS_TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33, "CAA": 257}

EXTENSIONS = [Route53DataPlane]
