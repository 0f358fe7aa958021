"""WSGI middleware in front of moto: control API, outages, faults, counters, extensions."""

from __future__ import annotations

import json
import time
import zlib
from typing import TYPE_CHECKING, Any, Callable, Iterable
from urllib.parse import parse_qs

from . import metrics
from .errors import error_response, json_response
from .extensions.base import Response
from .request_info import parse_call, read_body

if TYPE_CHECKING:
    from .server import Emulator

CONTROL_PREFIX = "/_dr/"

_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
            403: "Forbidden", 404: "Not Found", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _start(start_response: Callable, response: Response) -> list[bytes]:
    status, headers, body = response
    headers = dict(headers)
    headers["Content-Length"] = str(len(body))
    start_response(f"{status} {_REASONS.get(status, 'Status')}", list(headers.items()))
    return [body]


def _throttle_error(call) -> tuple[int, str]:
    """(status, code) a service throttles with: S3 503 SlowDown (a HEAD answer has no body, so
    the status is all a client sees), EC2 503 RequestLimitExceeded, Lambda and API Gateway
    429 TooManyRequestsException, JSON-protocol services ThrottlingException, others Throttling."""
    if call.service == "s3":
        return 503, "SlowDown"
    if call.service == "ec2":
        return 503, "RequestLimitExceeded"
    if call.service == "dynamodb" and call.action in metrics.DYNAMODB_DATA_PLANE:
        # On-demand and provisioned tables alike refuse excess reads and writes with this code.
        return 400, "ProvisionedThroughputExceededException"
    if call.service in ("lambda", "apigateway"):
        return 429, "TooManyRequestsException"
    if call.headers.get("x-amz-target"):
        return 400, "ThrottlingException"
    return 400, "Throttling"


class DRMiddleware:
    def __init__(self, emulator: Emulator, moto_app: Callable) -> None:
        self.emulator = emulator
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return _start(start_response, self._control(environ, path[len(CONTROL_PREFIX):]))

        with self.emulator.gate.request():
            return self._aws(environ, start_response)

    def _aws(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        body = read_body(environ)
        call = parse_call(environ, body)
        state = self.emulator.state
        if call.service:
            state.count(call)
            if call.region in state.outages:
                # What a client sees when a regional endpoint stops answering.
                return _start(start_response, error_response(
                    call, 503, "ServiceUnavailable", f"Region {call.region} is unavailable (emulated outage)"))
            kind = state.fault_for(call)
            if kind == "throttle":
                status, code = _throttle_error(call)
                metrics.throttled(self.emulator, call)
                return _start(start_response, error_response(call, status, code, "Rate exceeded (injected)"))
            if kind == "latency":
                rule = state.faults.get(call.service or "") or state.faults.get("*")
                time.sleep((rule.latency_ms if rule else 0) / 1000)
            elif kind is not None:
                return _start(start_response, error_response(call, 500, "InternalFailure", "Injected server error"))

        for extension in self.emulator.extensions:
            answer = extension.intercept(call)
            if answer is not None:
                return _start(start_response, answer)

        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = self.moto_app(environ, capture)
        try:
            payload = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status_code = int(captured["status"].split(" ", 1)[0])
        for extension in self.emulator.extensions:
            replaced = extension.after(call, status_code, payload)
            if replaced is not None:
                payload = replaced
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(payload))))
        # DynamoDB answers carry a CRC32 of the body; botocore retries when it does not match.
        headers = [(k, str(zlib.crc32(payload)) if k.lower() == "x-amz-crc32" else v) for k, v in headers]
        start_response(captured["status"], headers)
        return [payload]

    def _control(self, environ: dict[str, Any], route: str) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        raw = read_body(environ)
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            return json_response(400, {"error": "body must be JSON"})
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        handler = self.emulator.control_routes.get((method, route.rstrip("/")))
        if handler is None:
            return json_response(404, {"error": f"no control route {method} /_dr/{route}"})
        try:
            return handler(payload, query)
        except (KeyError, ValueError, TypeError) as exc:
            return json_response(400, {"error": f"{type(exc).__name__}: {exc}"})
