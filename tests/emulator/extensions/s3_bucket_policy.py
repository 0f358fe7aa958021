"""S3 bucket policies evaluated as AWS does: a statement applies only when its conditions hold.

moto 5.2.5 checks a bucket's policy on every object request (``FakeBucket.get_permission``)
but answers DENIED for *any* statement whose Condition does not hold - a Deny that does not
apply, or an Allow, alike - and it has no request context to evaluate conditions with.  A
bucket carrying the usual TLS-only statement (Deny ``s3:*`` when ``aws:SecureTransport`` is
``false``) therefore refuses every object request.  AWS evaluates the statement instead:

- a statement applies when its action, resource and principal match and every condition
  holds; an explicit Deny that applies refuses the request (403 ``AccessDenied``), an Allow
  that applies permits it, anything else is left to the caller's IAM permissions;
- a condition on a key the request does not carry is false, except for the negated operators
  (``StringNotEquals``, ``StringNotLike``, ``ArnNotEquals``, ``ArnNotLike``), the ``...IfExists``
  forms and ``Null``, which hold;
- principals other than ``*`` cannot be told apart here (the emulator has no caller identity),
  so statements naming one are left out, as moto does.

The request context knows ``aws:SecureTransport``.  The emulator's loopback HTTP endpoint
stands for AWS's HTTPS endpoint (only the endpoint and credentials differ from AWS), so it is
``true`` by default; ``POST /_dr/s3-policy/transport {"secure": false}`` makes the emulator
answer as AWS does to plain-HTTP requests.  Operators not listed above are treated as
holding, which keeps moto's refusal for statements this module cannot evaluate.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from moto.iam.access_control import PermissionResult
from moto.s3.models import FakeBucket

from ..errors import json_response
from ..request_info import AwsCall
from .base import ControlHandler, Extension, Response

_NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike")
_ACCESS_DENIED = b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _like(pattern: str, value: str) -> bool:
    """IAM wildcard match: ``*`` any run of characters, ``?`` one character, case-sensitive."""
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _operator_holds(operator: str, expected: list[str], actual: str | None) -> bool:
    base = operator.split(":")[-1]  # ForAnyValue:/ForAllValues: prefixes: one value per key here
    if_exists = base.endswith("IfExists")
    base = base[: -len("IfExists")] if if_exists else base
    if base == "Null":
        return (actual is None) == (str(expected[0]).lower() == "true")
    if actual is None:
        return if_exists or base in _NEGATED
    expected = [str(value) for value in expected]
    if base == "Bool":
        return actual.lower() in [value.lower() for value in expected]
    if base in ("StringEquals", "ArnEquals"):
        return actual in expected
    if base == "StringEqualsIgnoreCase":
        return actual.lower() in [value.lower() for value in expected]
    if base in ("StringLike", "ArnLike"):
        return any(_like(value, actual) for value in expected)
    if base in ("StringNotEquals", "ArnNotEquals"):
        return actual not in expected
    if base == "StringNotEqualsIgnoreCase":
        return actual.lower() not in [value.lower() for value in expected]
    if base in ("StringNotLike", "ArnNotLike"):
        return not any(_like(value, actual) for value in expected)
    return True  # not modelled: keep moto's (refusing) behaviour


class S3BucketPolicy(Extension):
    name = "s3-policy"
    state_attributes = ("secure_transport",)
    order = 40

    def __init__(self, emulator: Any) -> None:
        super().__init__(emulator)
        self.secure_transport = True
        extension = self

        def get_permission(bucket: FakeBucket, action: str, resource: str) -> PermissionResult:
            return extension.permission(bucket.policy, action, resource)

        FakeBucket.get_permission = get_permission  # moto's object-request check consults it

    # -- evaluation ------------------------------------------------------------------
    def context(self) -> dict[str, str]:
        return {"aws:securetransport": "true" if self.secure_transport else "false"}

    def permission(self, policy: bytes | str | None, action: str, resource: str) -> PermissionResult:
        if not policy:
            return PermissionResult.NEUTRAL
        document = json.loads(policy.decode() if isinstance(policy, bytes) else policy)
        result = PermissionResult.NEUTRAL
        for statement in _as_list(document.get("Statement")):
            if not self._applies(statement, action, resource):
                continue
            if statement.get("Effect") == "Deny":
                return PermissionResult.DENIED
            result = PermissionResult.PERMITTED
        return result

    def _applies(self, statement: dict, action: str, resource: str) -> bool:
        principal = statement.get("Principal")
        if principal not in ("*", {"AWS": "*"}) and not (
                isinstance(principal, dict) and _as_list(principal.get("AWS")) == ["*"]):
            return False
        if "NotAction" in statement:
            if any(_like(p.lower(), action.lower()) for p in _as_list(statement["NotAction"])):
                return False
        elif not any(_like(p.lower(), action.lower()) for p in _as_list(statement.get("Action"))):
            return False
        if "NotResource" in statement:
            if any(_like(p, resource) for p in _as_list(statement["NotResource"])):
                return False
        elif not any(_like(p, resource) for p in _as_list(statement.get("Resource"))):
            return False
        context = self.context()
        for operator, keys in (statement.get("Condition") or {}).items():
            for key, expected in keys.items():
                if not _operator_holds(operator, _as_list(expected), context.get(key.lower())):
                    return False
        return True

    # -- AWS-shaped refusal ------------------------------------------------------------
    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        # moto refuses with an empty 403; S3 says AccessDenied.
        if call.service == "s3" and status == 403 and not body and call.method != "HEAD":
            return _ACCESS_DENIED
        return None

    # -- control API ---------------------------------------------------------------
    def control_routes(self) -> dict[tuple[str, str], ControlHandler]:
        return {
            ("GET", "transport"): lambda body, query: json_response(200, {"secure": self.secure_transport}),
            ("POST", "transport"): self._transport_route,
        }

    def _transport_route(self, body: dict, query: dict) -> Response:
        """{"secure": bool}: the value of aws:SecureTransport in every request's context."""
        if not isinstance(body.get("secure"), bool):
            raise ValueError("secure must be true or false")
        self.secure_transport = body["secure"]
        return json_response(200, {"secure": self.secure_transport})

    def reset(self) -> None:
        self.secure_transport = True


EXTENSIONS = [S3BucketPolicy]
