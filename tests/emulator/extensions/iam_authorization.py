"""IAM authorization of the requests an IAM principal signs, and the log of the actions each uses.

moto authorizes nothing in server mode unless ``INITIAL_NO_AUTH_ACTION_COUNT`` is set for the whole
server, and then only with resource ``*`` for most services. Here:

- a request signed with the access key of an IAM user, or with the credentials of an assumed role
  (STS AssumeRole), is allowed only when one of the principal's policies (inline and attached, the
  user's groups' too) allows its IAM action and none denies it: IAM's evaluation of identity-based
  policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
  The action is the one the Service Authorization Reference names (tests/emulator/iam_actions.py);
- a call that hands a role to a service (Lambda's function role, API Gateway's logs role, an S3
  replication role, a backup selection's role, a flow log's delivery role, RDS's monitoring role)
  also needs ``iam:PassRole`` (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html);
- AWS WAF calls also need the other services' actions AWS WAF's guide lists: ``apigateway:SetWebACL``
  to associate a web ACL with (or disassociate it from) an API Gateway stage, and
  ``logs:CreateLogDelivery``, ``logs:PutResourcePolicy``, ``logs:DescribeResourcePolicies``,
  ``logs:DescribeLogGroups`` to log a web ACL to CloudWatch Logs
  (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html);
- an EventBridge PutRule with Tags also needs ``events:TagResource``, as the PutRule reference says
  of its Tags parameter (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html);
- denied requests get AWS's answer: 403, ``AccessDenied`` (``AccessDeniedException`` for JSON
  services, ``UnauthorizedOperation`` for EC2), naming the principal and the action;
- any other key (the emulator's ``testing`` keys) is the account's root user: everything is allowed
  (and not logged);
- execute-api requests are left to apigateway_dataplane (apigateway_auth), which authorizes them with
  the same evaluation and logs ``execute-api:Invoke`` here;
- every request of an IAM principal is logged with its action under the principal (``GET /_dr/iam/actions``, ``?principal=``
  a role's ARN gathers its sessions; ``POST /_dr/iam/actions/reset``), so a test compares a policy
  with what the runs used.

Resources: IAM requests are matched on the role, instance profile or managed policy they name, and
``iam:PassRole`` on the role passed; other services' requests name no resource here, so an Allow
scoped to resources applies to them and a Deny scoped to resources does not. Not modelled: condition
keys, permissions boundaries, SCPs, session policies, resource-based policies.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from typing import Any

from ..errors import error_response, json_response
from ..iam_actions import ALWAYS_ALLOWED, iam_action, iam_resource
from ..iam_policies import evaluate
from ..request_info import AwsCall
from .base import Extension, Response

_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")
_LAMBDA_FUNCTION = re.compile(r"^/2015-03-31/functions(/[^/]+/configuration)?/?$")
_XML_ROLE = re.compile(rb"<Role>([^<]+)</Role>")


class IamAuthorization(Extension):
    name = "iam"
    order = 5  # before any extension answers a request itself
    state_attributes = ()

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        self._actions: dict[str, set[str]] = defaultdict(set)
        self._denials: list[dict[str, str]] = []  # what was refused, for a test's failure message
        # (access key, session token) -> principal with its parsed policies; any IAM write forgets them all.
        self._principals: dict[tuple[str, str], dict[str, Any] | None] = {}

    # The log survives resets and snapshot restores (a test reads what the session's earlier runs
    # of a principal used); POST /_dr/iam/actions/reset clears it. The principals' cache does not.
    def reset(self) -> None:
        with self._lock:
            self._principals.clear()

    def restore_state(self, state: dict[str, Any]) -> None:
        self.reset()

    def control_routes(self):
        return {("GET", "actions"): self._actions_route, ("POST", "actions/reset"): self._reset_route,
                ("GET", "denied"): lambda body, query: json_response(200, {"denied": list(self._denials)})}

    def _actions_route(self, body: dict, query: dict) -> Response:
        with self._lock:
            wanted = query.get("principal")
            found = {principal: sorted(actions) for principal, actions in self._actions.items()
                     if wanted is None or principal == wanted or principal.startswith(wanted + "/")}
        return json_response(200, {"actions": found})

    def _reset_route(self, body: dict, query: dict) -> Response:
        with self._lock:
            self._actions.clear()
            self._denials.clear()
        return json_response(200, {"actions": {}})

    # -- authorization -------------------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        # execute-api requests are the data plane's to authorize (apigateway_dataplane: the method's
        # authorization type and the API's resource policy decide, with the same evaluation).
        if not call.service or call.signing_name == "execute-api":
            return None
        principal = self._principal(call)
        if principal is None:  # the root user: allowed, and not logged (most requests of the tests)
            return None
        action = iam_action(call) or f"{call.service}:<unknown {call.method} {call.path}>"
        passed = self._passed_role(call)
        needed = [(action, iam_resource(call, self.emulator.account_id))] + ([("iam:PassRole", passed)] if passed else [])
        needed += [(extra, None) for extra in self._also_needed(call)]
        with self._lock:
            self._actions[principal["arn"]].update(wanted for wanted, _resource in needed)
        for wanted, resource in needed:
            if wanted not in ALWAYS_ALLOWED and not self._allowed(principal["policies"], wanted, resource):
                with self._lock:
                    self._denials.append({"principal": principal["arn"], "action": wanted, "resource": resource or ""})
                return self._denied(call, principal["arn"], wanted)
        return None

    def record(self, principal: str, action: str, resource: str, allowed: bool) -> None:
        """Log an action a principal asked for outside this extension (execute-api:Invoke, by the data plane)."""
        with self._lock:
            self._actions[principal].add(action)
            if not allowed:
                self._denials.append({"principal": principal, "action": action, "resource": resource})

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service == "iam" and not (call.action or "").startswith(("Get", "List")):
            with self._lock:
                self._principals.clear()
        return None

    def _principal(self, call: AwsCall) -> dict[str, Any] | None:
        """The IAM user or assumed role that signed ``call``, with its policy documents (cached until
        the next IAM write); None for the root user."""
        found = _ACCESS_KEY.search(call.headers.get("authorization", ""))
        key_id = found.group(1) if found else (call.query.get("X-Amz-Credential", [""])[0].split("/")[0] or None)
        return self.identify(key_id, call.headers.get("x-amz-security-token", "")) if key_id else None

    def identify(self, key_id: str, token: str = "") -> dict[str, Any] | None:
        """The IAM user or assumed-role session an access key (with its session token) belongs to:
        ``arn``, ``role_arn`` (a session's role), ``secret`` (the secret key issued with it) and its
        policy documents; None when IAM and STS issued no such key (the root user's)."""
        with self._lock:
            if (key_id, token) in self._principals:
                return self._principals[(key_id, token)]
        principal = self._lookup(key_id, token)
        with self._lock:
            self._principals[(key_id, token)] = principal
        return principal

    def _lookup(self, key_id: str, token: str) -> dict[str, Any] | None:
        from moto.iam.access_control import AssumedRoleAccessKey, CreateAccessKeyFailure, IAMPolicy, IAMUserAccessKey

        for kind in (IAMUserAccessKey, AssumedRoleAccessKey):
            headers = {"X-Amz-Security-Token": token} if (token or kind is AssumedRoleAccessKey) else {}
            try:
                identity = kind(self.emulator.account_id, "aws", key_id, headers)
            except (CreateAccessKeyFailure, KeyError):
                continue
            policies = [IAMPolicy(policy)._policy_json for policy in identity.collect_policies()]
            role_arn = (f"arn:aws:iam::{self.emulator.account_id}:role/{identity._owner_role_name}"
                        if kind is AssumedRoleAccessKey else None)
            return {"arn": identity.arn, "role_arn": role_arn, "secret": identity._secret_access_key,
                    "policies": policies}
        return None

    @staticmethod
    def _allowed(policies: list[dict], action: str, resource: str | None) -> bool:
        return evaluate(policies, action, resource, conditions=False) == "Allow"

    @staticmethod
    def _also_needed(call: AwsCall) -> list[str]:
        """Actions a call needs besides its own (AWS WAF's, as its guide lists them; EventBridge's
        tag-on-create)."""
        if call.service == "events" and call.action == "PutRule" and call.param("Tags"):
            return ["events:TagResource"]
        if call.service != "wafv2":
            return []
        if call.action in ("AssociateWebACL", "DisassociateWebACL") and ":apigateway:" in call.param("ResourceArn", ""):
            return ["apigateway:SetWebACL"]
        destinations = (call.param("LoggingConfiguration") or {}).get("LogDestinationConfigs") or []
        if call.action == "PutLoggingConfiguration" and any(":logs:" in d for d in destinations):
            return ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups"]
        return []

    @staticmethod
    def _passed_role(call: AwsCall) -> str | None:
        """The ARN of the role ``call`` hands to a service, if it hands one."""
        body = call.body or b""
        document = {}
        if body[:1] == b"{":
            try:
                document = json.loads(body)
            except ValueError:
                document = {}
        if call.service == "lambda" and call.method in ("POST", "PUT") and _LAMBDA_FUNCTION.match(call.path):
            return document.get("Role")
        if call.service == "apigateway" and call.method == "PATCH" and call.path.rstrip("/") == "/account":
            return next((op.get("value") for op in document.get("patchOperations", [])
                         if op.get("path") == "/cloudwatchRoleArn"), None)
        if call.service == "s3" and call.method == "PUT" and "replication" in call.query:
            found = _XML_ROLE.search(body)
            return found.group(1).decode() if found else None
        if call.service == "backup" and call.method == "PUT" and "/selections" in call.path:
            return (document.get("BackupSelection") or {}).get("IamRoleArn")
        if call.service == "ec2" and call.action == "CreateFlowLogs":
            return call.param("DeliverLogsPermissionArn")
        if call.service == "rds" and call.action in ("CreateDBInstance", "ModifyDBInstance"):
            return call.param("MonitoringRoleArn")
        return None

    @staticmethod
    def _denied(call: AwsCall, principal: str, action: str) -> Response:
        message = (f"User: {principal} is not authorized to perform: {action} because no identity-based policy "
                   f"allows the {action} action")
        if call.service == "ec2":
            code = "UnauthorizedOperation"
        elif call.headers.get("x-amz-target") or call.service in ("lambda", "apigateway", "backup"):
            code = "AccessDeniedException"
        else:
            code = "AccessDenied"
        return error_response(call, 403, code, message)


EXTENSIONS = [IamAuthorization]
