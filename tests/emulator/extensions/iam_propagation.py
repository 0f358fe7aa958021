"""IAM is eventually consistent: a role just created is not yet assumable by the services.

AWS ("Changes that I make are not always immediately visible", IAM User Guide troubleshooting;
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency)
warns that a new role can take seconds to reach every service. The calls that meet it first:

- Lambda CreateFunction / UpdateFunctionConfiguration naming the role: ``InvalidParameterValueException``
  "The role defined for the function cannot be assumed by Lambda."
  (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html, Errors);
- API Gateway UpdateAccount setting ``cloudwatchRoleArn``: ``BadRequestException`` "The role ARN does
  not have required permissions set to API Gateway".

moto accepts the role at once. Here a role created less than ``propagation_seconds`` ago (emulator
clock, default 5 s; ``POST /_dr/iam-propagation/settings``) is refused by those calls, so a deploy
must retry exactly that error, bounded. Roles that existed before a reset or a restored snapshot
count as propagated.
"""

from __future__ import annotations

import json
import re
import threading

from ..errors import error_response, json_response
from ..request_info import AwsCall
from .base import Extension, Response

DEFAULT_PROPAGATION_SECONDS = 5.0
_CREATE_FUNCTION = re.compile(r"^/2015-03-31/functions/?$")
_UPDATE_CONFIGURATION = re.compile(r"^/2015-03-31/functions/[^/]+/configuration/?$")


def role_name(arn: str) -> str:
    return (arn or "").rsplit("/", 1)[-1]


class IamPropagation(Extension):
    name = "iam-propagation"
    order = 30
    # The setting too: a reset restores the baseline snapshot, which must bring the default back.
    state_attributes = ("_created", "propagation_seconds")

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        self.propagation_seconds = DEFAULT_PROPAGATION_SECONDS
        self._created: dict[str, float] = {}  # role name -> emulator-clock time it was created

    def reset(self) -> None:
        with self._lock:
            self.propagation_seconds = DEFAULT_PROPAGATION_SECONDS
            self._created.clear()

    def control_routes(self):
        return {("GET", "settings"): self._settings_get, ("POST", "settings"): self._settings_post}

    def _settings_get(self, body: dict, query: dict) -> Response:
        return json_response(200, {"propagation_seconds": self.propagation_seconds})

    def _settings_post(self, body: dict, query: dict) -> Response:
        seconds = float(body["propagation_seconds"])
        if not 0 <= seconds <= 600:
            raise ValueError("propagation_seconds must be within 0..600")
        self.propagation_seconds = seconds
        return self._settings_get(body, query)

    def propagating(self, arn: str) -> bool:
        with self._lock:
            created = self._created.get(role_name(arn))
        return created is not None and self.emulator.clock.monotonic() - created < self.propagation_seconds

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service == "iam" and call.action == "CreateRole" and status == 200:
            with self._lock:
                self._created[call.param("RoleName", "")] = self.emulator.clock.monotonic()
        return None

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service == "lambda" and call.method in ("POST", "PUT") and (
                _CREATE_FUNCTION.match(call.path) or _UPDATE_CONFIGURATION.match(call.path)):
            role = self._json(call).get("Role")
            if role and self.propagating(role):
                return error_response(call, 400, "InvalidParameterValueException",
                                      "The role defined for the function cannot be assumed by Lambda.")
        if call.service == "apigateway" and call.method == "PATCH" and call.path.rstrip("/") == "/account":
            for operation in self._json(call).get("patchOperations", []):
                if operation.get("path") == "/cloudwatchRoleArn" and self.propagating(operation.get("value", "")):
                    return error_response(call, 400, "BadRequestException",
                                          "The role ARN does not have required permissions set to API Gateway")
        return None

    @staticmethod
    def _json(call: AwsCall) -> dict:
        try:
            return json.loads(call.body or b"{}")
        except ValueError:
            return {}


EXTENSIONS = [IamPropagation]
