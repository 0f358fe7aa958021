"""API Gateway stage logging needs the account's CloudWatch Logs role, as on AWS.

API Gateway writes access and execution logs with a role set once per account and region
(UpdateAccount ``/cloudwatchRoleArn``; "Set up CloudWatch logging for REST APIs in API Gateway",
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html). Without it AWS
refuses to turn logging on: ``BadRequestException`` "CloudWatch Logs role ARN must be set in account
settings to enable logging". moto logs nothing and accepts the settings. Here, in a region whose
account has no role:

- UpdateStage replacing ``/accessLogSettings/...`` or setting a ``/*/*/logging/loglevel`` other than
  OFF is refused with that error (CreateStage takes no log settings);
- UpdateAccount with a role API Gateway cannot assume (its trust policy does not name
  ``apigateway.amazonaws.com``, or the role does not exist) is refused: "The role ARN does not have
  required permissions set to API Gateway".
"""

from __future__ import annotations

import json
import re

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_STAGE = re.compile(r"^/restapis/[^/]+/stages/[^/]+/?$")
NO_ROLE = "CloudWatch Logs role ARN must be set in account settings to enable logging"
CANNOT_ASSUME = "The role ARN does not have required permissions set to API Gateway"


def _enables_logging(operation: dict) -> bool:
    path, value = operation.get("path", ""), str(operation.get("value", ""))
    if operation.get("op") in ("replace", "add") and path.startswith("/accessLogSettings"):
        return True
    return path.endswith("/logging/loglevel") and value.upper() != "OFF"


class ApiGatewayAccount(Extension):
    name = "apigateway-account"
    order = 50

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "apigateway" or call.region in self.emulator.state.outages:
            return None
        try:
            request = json.loads(call.body or b"{}")
        except ValueError:
            return None
        if call.method == "PATCH" and call.path.rstrip("/") == "/account":
            for operation in request.get("patchOperations", []):
                if operation.get("path") == "/cloudwatchRoleArn" and not self._assumable(operation.get("value", "")):
                    return error_response(call, 400, "BadRequestException", CANNOT_ASSUME)
            return None
        wants_logging = call.method == "PATCH" and _STAGE.match(call.path) and any(
            _enables_logging(op) for op in request.get("patchOperations", []))
        if wants_logging and not self.emulator.backend("apigateway", call.region).account.cloudwatch_role_arn:
            return error_response(call, 400, "BadRequestException", NO_ROLE)
        return None

    def _assumable(self, arn: str) -> bool:
        from moto.iam.models import iam_backends

        name = (arn or "").rsplit("/", 1)[-1]
        backend = iam_backends[self.emulator.account_id]["global"]
        role = next((r for r in list(backend.roles.values()) if r.name == name), None)
        if role is None:
            return False
        try:
            trust = json.loads(role.assume_role_policy_document)
        except (TypeError, ValueError):
            return False
        statements = trust.get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        for statement in statements:
            services = (statement.get("Principal") or {}).get("Service", [])
            services = [services] if isinstance(services, str) else services
            if statement.get("Effect") == "Allow" and "apigateway.amazonaws.com" in services:
                return True
        return False


EXTENSIONS = [ApiGatewayAccount]
