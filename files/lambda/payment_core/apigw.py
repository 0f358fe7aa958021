"""API Gateway REST (v1) Lambda proxy events in, proxy responses out."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

MAX_BODY_BYTES = 16 * 1024

BASE_HEADERS = {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


class BodyError(Exception):
    """The request body cannot be read at all (HTTP 400)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def route(event: Any) -> tuple[str, str]:
    """(method, path) of a proxy event: the resource template, or the path behind a {proxy+} resource."""
    if not isinstance(event, dict):
        return "", ""
    method = str(event.get("httpMethod") or "").upper()
    resource = event.get("resource")
    path = resource if isinstance(resource, str) and "{" not in resource else event.get("path")
    path = path if isinstance(path, str) else ""
    return method, (path.rstrip("/") or "/")


def header(event: dict, name: str) -> list[str]:
    """All values of a header, matched case-insensitively (multiValueHeaders first, then headers)."""
    wanted = name.lower()
    for source, multi in (("multiValueHeaders", True), ("headers", False)):
        headers = event.get(source)
        if not isinstance(headers, dict):
            continue
        values: list[str] = []
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == wanted:
                values.extend(value if multi and isinstance(value, list) else [value])
        values = [value for value in values if isinstance(value, str)]
        if values:
            return values
    return []


def body_bytes(event: dict) -> bytes:
    """The raw body (base64-decoded when API Gateway says so), at most MAX_BODY_BYTES."""
    body = event.get("body")
    if body is None or body == "":
        raise BodyError("BODY_REQUIRED", "a JSON object body is required")
    if not isinstance(body, str):
        raise BodyError("INVALID_BODY", "the body must be a string")
    if event.get("isBase64Encoded"):
        if len(body) > (MAX_BODY_BYTES + 2) // 3 * 4:
            raise BodyError("BODY_TOO_LARGE", f"the body exceeds {MAX_BODY_BYTES} bytes")
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BodyError("INVALID_BODY", "the body is not valid base64") from None
    else:
        if len(body) > MAX_BODY_BYTES:  # cheap early exit: each character is at least one byte
            raise BodyError("BODY_TOO_LARGE", f"the body exceeds {MAX_BODY_BYTES} bytes")
        raw = body.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BODY_BYTES:
        raise BodyError("BODY_TOO_LARGE", f"the body exceeds {MAX_BODY_BYTES} bytes")
    return raw


def respond(status: int, payload: dict, headers: dict[str, str] | None = None) -> dict:
    return {
        "statusCode": status,
        "headers": {**BASE_HEADERS, **(headers or {})},
        "body": json.dumps(payload, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def respond_raw(status: int, body: str, headers: dict[str, str] | None = None) -> dict:
    """A response whose JSON body was serialised earlier (idempotent replays return it verbatim)."""
    return {"statusCode": status, "headers": {**BASE_HEADERS, **(headers or {})}, "body": body,
            "isBase64Encoded": False}


def error(status: int, code: str, message: str, request_id: str | None, *,
          field_errors: list[dict] | None = None, headers: dict[str, str] | None = None) -> dict:
    payload: dict[str, Any] = {"error": code, "message": message}
    if field_errors is not None:
        payload["fieldErrors"] = field_errors
    if request_id:
        payload["requestId"] = request_id
    return respond(status, payload, headers)
