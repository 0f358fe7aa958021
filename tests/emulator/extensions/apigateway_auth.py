"""Who may invoke a deployed method: SigV4 (AWS_IAM) authentication and the API's resource policy.

Used by apigateway_dataplane for every stage request, as API Gateway decides
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html):

- a method with ``AWS_IAM`` needs a SigV4 ``Authorization`` header, else 403 "Missing Authentication
  Token"; the credential must be scoped to ``execute-api`` and to the API's region; the access key
  must be one IAM or STS issued (or the emulator's root key, ``testing``/``testing``), else 403 "The
  security token included in the request is invalid."; the signature is recomputed with the secret
  issued for that key (botocore's SigV4), a mismatch is 403 "The request signature we calculated does
  not match the signature you provided...";
- the caller's identity policies and the API's resource policy are then evaluated for
  ``execute-api:Invoke`` on ``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}``:
  an explicit Deny in either refuses; in the API's account an Allow in either lets the caller in; a
  caller of another account needs both. A refusal is 403 ``{"Message": "User: <arn> is not authorized
  to perform: execute-api:Invoke on resource: <arn>"}`` (AccessDeniedException);
- a method with no authorization on an API with a resource policy needs that policy's explicit Allow
  for an anonymous caller (``Principal: "*"``), else the same 403 for ``anonymous``.

The resource policy in force is the one deployed (CreateDeployment snapshots it, as a stage serves
what was deployed); abbreviated resources (``execute-api:/stage/METHOD/path``) are expanded to the
API's ARN, as API Gateway does when it saves a policy. Condition keys given: ``aws:PrincipalArn``,
``aws:PrincipalAccount``, ``aws:SourceIp``, ``aws:username``, ``aws:userid`` (not modelled: VPC
endpoint keys, ``aws:SecureTransport``).
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import quote, urlencode

from ..iam_policies import Caller, evaluate

ROOT_ACCESS_KEY = "testing"
ROOT_SECRET_KEY = "testing"
_AUTH = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
                   r"(?P<service>[^/]+)/aws4_request,\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]+)$")
SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your "
                      "AWS Secret Access Key and signing method. Consult the service documentation for details.")


def answer(status: int, error_type: str, body: dict[str, str], request_id: str) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": error_type,
               "x-amzn-RequestId": request_id or str(uuid.uuid4())}
    return status, headers, json.dumps(body).encode()


def expand(document: dict, api_arn: str) -> dict:
    """The policy with abbreviated resources (``execute-api:/...``) expanded to the API's ARN."""
    def full(value: str) -> str:
        return api_arn + value[len("execute-api:"):] if value.startswith("execute-api:/") else value

    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    expanded = []
    for statement in statements:
        statement = dict(statement)
        for key in ("Resource", "NotResource"):
            if isinstance(statement.get(key), str):
                statement[key] = full(statement[key])
            elif isinstance(statement.get(key), list):
                statement[key] = [full(v) for v in statement[key]]
        expanded.append(statement)
    return dict(document, Statement=expanded)


def parse_policy(policy: str | None) -> dict | None:
    """The API's policy document (moto keeps the string as given; API Gateway returns it escaped)."""
    if not policy:
        return None
    for text in (policy, policy.replace('\\"', '"')):
        try:
            document = json.loads(text)
        except ValueError:
            continue
        if isinstance(document, str):
            return parse_policy(document)
        return document if isinstance(document, dict) else None
    return None


class Authorizer:
    """Authenticates and authorizes one stage request (see the module's docstring)."""

    def __init__(self, emulator) -> None:
        self.emulator = emulator

    def _iam(self):
        from .iam_authorization import IamAuthorization

        return next(e for e in self.emulator.extensions if isinstance(e, IamAuthorization))

    def check(self, call, region: str, api: Any, authorization_type: str, policy: str | None, stage: str,
              path: str, request_id: str) -> tuple[int, dict[str, str], bytes] | None:
        """None when the request may go on, else API Gateway's refusal (``path``: the resource path in the stage)."""
        account = self.emulator.account_id
        api_arn = f"arn:aws:execute-api:{region}:{account}:{api.id}"
        method_arn = f"{api_arn}/{stage}/{call.method}/{path.lstrip('/')}"
        document = parse_policy(policy)
        document = expand(document, api_arn) if document else None
        source_ip = (call.headers.get("x-forwarded-for") or "127.0.0.1").split(",")[0].strip()
        if authorization_type != "AWS_IAM":
            if document is None:
                return None
            caller = Caller(arn=None, context={"aws:SourceIp": source_ip})
            if evaluate([document], "execute-api:Invoke", method_arn, caller.context, caller=caller) == "Allow":
                return None
            return self._denied("anonymous", method_arn, False, request_id)

        caller, refusal = self.authenticate(call, region, request_id)
        if refusal is not None:
            return refusal
        identity_documents = caller.context.pop("_policies")
        context = dict(caller.context, **{"aws:SourceIp": source_ip})
        if caller.arn.endswith(":root") and caller.account == account:
            identity = "Allow"  # the account's root user: every action of its account
        else:
            identity = evaluate(identity_documents, "execute-api:Invoke", method_arn, context)
        resource = (evaluate([document], "execute-api:Invoke", method_arn, context, caller=caller)
                    if document else None)
        same_account = caller.account == account
        allowed = "Deny" not in (identity, resource) and (
            (same_account and "Allow" in (identity, resource)) or identity == resource == "Allow")
        if not caller.arn.endswith(":root"):
            self._iam().record(caller.arn, "execute-api:Invoke", method_arn, allowed)
        if allowed:
            return None
        return self._denied(caller.arn, method_arn, "Deny" in (identity, resource), request_id)

    def authenticate(self, call, region: str, request_id: str) -> tuple[Caller | None, Any]:
        header = call.headers.get("authorization", "")
        if not header:
            return None, answer(403, "MissingAuthenticationTokenException", {"message": "Missing Authentication Token"},
                                request_id)
        found = _AUTH.match(header.strip())
        if found is None or "x-amz-date" not in call.headers:
            message = ("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, "
                       "and the request an 'X-Amz-Date' header.")
            return None, answer(403, "IncompleteSignatureException", {"message": message}, request_id)
        if found["service"] != "execute-api":
            return None, answer(403, "InvalidSignatureException", {
                "message": "Credential should be scoped to correct service: 'execute-api'. "}, request_id)
        if found["region"] != region:
            return None, answer(403, "InvalidSignatureException", {
                "message": f"Credential should be scoped to a valid region, not '{found['region']}'. "}, request_id)
        token = call.headers.get("x-amz-security-token", "")
        principal = self._iam().identify(found["key"], token)
        account = self.emulator.account_id
        if principal is not None:
            caller = Caller(arn=principal["arn"], account=account, role_arn=principal["role_arn"],
                            context={"_policies": principal["policies"]})
            secret = principal["secret"]
        elif found["key"] == ROOT_ACCESS_KEY:
            caller = Caller(arn=f"arn:aws:iam::{account}:root", account=account, context={"_policies": []})
            secret = ROOT_SECRET_KEY
        else:
            return None, answer(403, "UnrecognizedClientException",
                                {"message": "The security token included in the request is invalid."}, request_id)
        if self.signature(call, found, secret, token) != found["sig"]:
            return None, answer(403, "InvalidSignatureException", {"message": SIGNATURE_MISMATCH}, request_id)
        caller.context.update({"aws:PrincipalArn": caller.principal_arn, "aws:PrincipalAccount": account,
                               "aws:userid": found["key"]})
        if ":user/" in caller.arn:
            caller.context["aws:username"] = caller.arn.rsplit("/", 1)[-1]
        return caller, None

    @staticmethod
    def signature(call, found: re.Match, secret: str, token: str) -> str:
        """SigV4 of the request as received, with ``secret`` (botocore's canonical request)."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        signed = found["signed"].split(";")
        headers = {name: call.headers[name] for name in signed if name in call.headers}
        pairs = sorted((k, v) for k, values in call.query.items() for v in values)
        url = "https://%s%s%s" % (call.headers.get("host", ""), quote(call.path or "/", safe="/~"),
                                  ("?" + urlencode(pairs, quote_via=quote, safe="-_.~")) if pairs else "")
        request = AWSRequest(method=call.method, url=url, data=call.body or b"", headers=headers)
        request.context["timestamp"] = call.headers["x-amz-date"]
        auth = SigV4Auth(Credentials(found["key"], secret, token or None), "execute-api", found["region"])
        canonical = auth.canonical_request(request)
        return auth.signature(auth.string_to_sign(request, canonical), request)

    @staticmethod
    def _denied(who: str, method_arn: str, explicit: bool, request_id: str):
        message = f"User: {who} is not authorized to perform: execute-api:Invoke on resource: {method_arn}"
        if explicit:
            message += " with an explicit deny"
        return answer(403, "AccessDeniedException", {"Message": message}, request_id)
