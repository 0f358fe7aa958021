"""Parse what an incoming AWS request is: service, region, action and parameters.

AWS clients sign every request with SigV4; the credential scope in the
Authorization header (or the X-Amz-Credential query parameter of a presigned
URL) names the signing service and region, which is exactly how AWS routes a
request to a regional endpoint.  The emulator serves every region from one
loopback port, so it reads the region from there.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")

# Signing names that differ from the names the emulator reports.
_SERVICE_ALIASES = {"email": "ses", "execute-api": "apigateway"}


@dataclass
class AwsCall:
    """One AWS API request as seen by the emulator's middleware."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    service: str | None = None
    region: str | None = None
    action: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    signing_name: str | None = None  # the credential scope's service, before aliasing (execute-api)

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back so moto can read it again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def parse_call(environ: dict[str, Any], body: bytes) -> AwsCall:
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    call = AwsCall(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=environ.get("PATH_INFO", "/"),
        query=query,
        headers=headers,
        body=body,
    )
    scope = _CREDENTIAL.search(headers.get("authorization", ""))
    if scope:
        call.region, call.service = scope.group(1), scope.group(2)
    elif "X-Amz-Credential" in query:
        parts = query["X-Amz-Credential"][0].split("/")
        if len(parts) >= 4:
            call.region, call.service = parts[2], parts[3]
    if call.service:
        call.signing_name = call.service
        call.service = _SERVICE_ALIASES.get(call.service, call.service)

    target = headers.get("x-amz-target")
    content_type = headers.get("content-type", "")
    if target:
        # JSON protocol (DynamoDB, Secrets Manager, KMS, CloudWatch Logs, ...)
        call.action = target.rsplit(".", 1)[-1]
        try:
            call.params = json.loads(body or b"{}")
        except ValueError:
            call.params = {}
    elif content_type.startswith("application/x-www-form-urlencoded") or (
        call.method == "GET" and "Action" in query
    ):
        # Query protocol (RDS, EC2, IAM, SNS, CloudWatch, ...)
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True) if body else query
        call.params = {key: values[0] for key, values in form.items()}
        call.action = call.params.get("Action")
    return call
