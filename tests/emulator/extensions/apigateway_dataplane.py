"""API Gateway REST API data plane: invoke deployed stages over plain HTTP.

moto's execute-api emulation works only in decorator mode (in server mode such
a request ends up in S3's NoSuchBucket) and ignores AWS_PROXY, so this
extension answers stage requests itself.  Three addressings, all on the
emulator's port:

- ``Host: {api_id}.execute-api.{region}.amazonaws.com`` with path ``/{stage}/{resource...}``;
- ``Host: {custom domain}`` with path ``/{base path}/{resource...}``: the request reaches the
  region whose regional domain name public DNS answers for the host (Route 53's records and
  health checks, as a client's resolver would see them), then the domain's base path mapping
  picks the API and stage, as API Gateway does ("Working with API mappings for REST APIs");
- ``/restapis/{api_id}/{stage}/_user_request_/{resource...}`` (LocalStack's form, handy for curl).

A request is routed as API Gateway does: the stage's deployment (resources and
methods are snapshotted at CreateDeployment, so undeployed changes do not
apply), the most specific resource (literal, then ``{param}``, then
``{proxy+}``) with the method or ANY, else 403 "Missing Authentication
Token".  Who may call a method is decided as API Gateway does (apigateway_auth: SigV4 verified with
the secret IAM/STS issued, identity and resource policies for execute-api:Invoke).  AWS_PROXY integrations build the proxy event (format 1.0), run the
function through the Lambda runtime extension in-process and map the proxy
result; a malformed result is 502.  The function must grant
lambda:InvokeFunction to apigateway.amazonaws.com for the method's source ARN
(or the integration must carry credentials), else 500, as on AWS.  MOCK
integrations answer from their integration responses (templates are not
evaluated as VTL).

Each request that reaches an existing stage publishes AWS/ApiGateway Count, 4XXError, 5XXError
and Latency under {ApiName} and {ApiName, Stage}, as API Gateway does.

An OpenAPI import (PutRestApi, ImportRestApi) also applies what moto's import skips:
each operation's ``security`` (OpenAPI 3 ``components.securitySchemes``): a scheme with
``x-amazon-apigateway-authtype: awsSigv4`` makes the method AWS_IAM, a ``cognito_user_pools``
one COGNITO_USER_POOLS, a ``token``/``request`` ``x-amazon-apigateway-authorizer`` CUSTOM; and
the document's ``x-amazon-apigateway-policy``, the API's resource policy (abbreviated resources
expanded), as the API Gateway extensions to OpenAPI define them.  CreateDeployment snapshots the
policy with the routes: a policy change serves only once redeployed, as on AWS.

Unsigned requests leave the core knowing neither service nor region:
the region is the host name's or the API's, the request is counted as service
"execute-api", and an API in a region that is down answers 503.
"""

from __future__ import annotations

import base64
import dataclasses
import fnmatch
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from .. import metrics
from ..request_info import AwsCall
from .apigateway_auth import Authorizer, expand
from .base import Extension, Response
from .lambda_runtime import InvokeError, LambdaRuntime, lambda_permits

EXECUTE_API_HOST = re.compile(
    r"^(?P<api>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com\.?(?::\d+)?$")
_USER_REQUEST = re.compile(r"^/restapis/(?P<api>[^/]+)/(?P<stage>[^/]+)/_user_request_(?P<path>/.*)?$")
_DEPLOYMENTS = re.compile(r"^/restapis/(?P<api>[^/]+)/deployments/?$")
_PUT_API = re.compile(r"^/restapis/(?P<api>[^/]+)/?$")
_AUTH_TYPES = {"awssigv4": "AWS_IAM", "cognito_user_pools": "COGNITO_USER_POOLS"}
_LAMBDA_URI = re.compile(
    r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/(?P<function>[^/]+)/invocations/?$")
_FUNCTION_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):\d{12}:function:(?P<name>[^:]+)(?::(?P<qualifier>[^:]+))?$")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")
_PROXY_RESULT_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
DEFAULT_INTEGRATION_TIMEOUT_MS = 29000


@dataclass
class IntegrationResponseSpec:
    status_code: str
    selection_pattern: str | None
    templates: dict[str, Any]
    parameters: dict[str, str]


@dataclass
class IntegrationSpec:
    type: str
    uri: str | None
    credentials: str | None
    timeout_ms: int
    request_templates: dict[str, Any]
    responses: list[IntegrationResponseSpec]


@dataclass
class MethodSpec:
    http_method: str
    authorization_type: str
    api_key_required: bool
    integration: IntegrationSpec | None


@dataclass
class Route:
    """One resource of a deployment: its path and methods."""

    resource_id: str
    path: str
    methods: dict[str, MethodSpec]

    @property
    def segments(self) -> list[str]:
        return [part for part in self.path.split("/") if part]


def _routes_of(api: Any) -> list[Route]:
    """Freeze an API's resources and methods into routes (what a deployment serves)."""
    routes = []
    for resource in list(api.resources.values()):
        methods = {}
        for verb, method in list(resource.resource_methods.items()):
            integration = method.method_integration
            spec = None
            if integration is not None:
                spec = IntegrationSpec(
                    type=integration.integration_type, uri=integration.uri, credentials=integration.credentials,
                    timeout_ms=int(integration.timeout_in_millis or DEFAULT_INTEGRATION_TIMEOUT_MS),
                    request_templates=dict(integration.request_templates or {}),
                    responses=[IntegrationResponseSpec(str(r.status_code), r.selection_pattern,
                                                       dict(r.response_templates or {}),
                                                       dict(r.response_parameters or {}))
                               for r in (integration.integration_responses or {}).values()])
            methods[verb] = MethodSpec(verb, method.authorization_type or "NONE", bool(method.api_key_required), spec)
        routes.append(Route(resource.id, resource.get_path(), methods))
    return routes


def _match_segments(template: list[str], parts: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for index, segment in enumerate(template):
        if segment.startswith("{") and segment.endswith("+}"):
            rest = parts[index:]
            if not rest:
                return None
            params[segment[1:-2]] = "/".join(rest)
            return params
        if index >= len(parts):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            params[segment[1:-1]] = parts[index]
        elif segment != parts[index]:
            return None
    return params if len(parts) == len(template) else None


def match_route(routes: list[Route], path: str, method: str) -> tuple[Route, MethodSpec, dict[str, str]] | None:
    """The most specific resource for ``path`` that has ``method`` (or ANY)."""
    parts = [part for part in path.split("/") if part]
    best: tuple[tuple[int, ...], Route, MethodSpec, dict[str, str]] | None = None
    for route in routes:
        spec = route.methods.get(method) or route.methods.get("ANY")
        if spec is None:
            continue
        params = _match_segments(route.segments, parts)
        if params is None:
            continue
        # Literal segments beat {param}, which beats {proxy+}, position by position.
        rank = tuple(2 if s.endswith("+}") else 1 if s.startswith("{") else 0 for s in route.segments)
        if best is None or rank < best[0]:
            best = (rank, route, spec, params)
    return None if best is None else best[1:]


def _gateway_answer(status: int, message: str, error_type: str, request_id: str = "") -> Response:
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": error_type,
               "x-amzn-RequestId": request_id or str(uuid.uuid4())}
    return status, headers, json.dumps({"message": message}).encode()


def _title_case(header: str) -> str:
    return "-".join(part.capitalize() for part in header.split("-"))


class ApiGatewayDataPlane(Extension):
    name = "execute-api"
    state_attributes = ("_deployments", "_policies")
    order = 20

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        self._deployments: dict[tuple[str, str, str], list[Route]] = {}
        self._policies: dict[tuple[str, str, str], str | None] = {}  # the resource policy each deployment serves
        self._authorizer = Authorizer(emulator)

    # -- extension interface -------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        host = call.headers.get("host", "").lower()
        by_host = EXECUTE_API_HOST.match(host)
        if by_host is not None and not call.path.startswith("/@connections"):  # WebSocket management: moto's
            stage, _slash, rest = call.path.lstrip("/").partition("/")
            domain = host.split(":", 1)[0].rstrip(".")
            return self.dispatch(call, by_host["api"], by_host["region"], stage, "/" + rest, domain)
        by_path = _USER_REQUEST.match(call.path)
        if by_path is not None:
            return self.dispatch(call, by_path["api"], None, by_path["stage"], by_path["path"] or "/", None)
        if (call.service is None or call.signing_name == "execute-api") and host:
            return self._custom_domain(call, host.split(":", 1)[0].rstrip("."))
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service == "apigateway" and status in (200, 201) and (
                (call.method == "PUT" and _PUT_API.match(call.path))
                or (call.method == "POST" and call.path.rstrip("/") == "/restapis" and "mode" in call.query)):
            self._import_extensions(call, body)
            return None
        # Snapshot what CreateDeployment deployed: a stage serves that, not later edits.
        match = _DEPLOYMENTS.match(call.path)
        if call.service != "apigateway" or call.method != "POST" or not match or status not in (200, 201):
            return None
        from moto.core.exceptions import JsonRESTError

        api = self.emulator.backend("apigateway", call.region).apis.get(match["api"])
        try:
            deployment_id = json.loads(body).get("id")
            routes = _routes_of(api) if api is not None else None
        except (ValueError, AttributeError, JsonRESTError):  # no snapshot: the stage serves the live API
            return None
        if deployment_id and routes is not None:
            with self._lock:
                self._deployments[(call.region, api.id, deployment_id)] = routes
                self._policies[(call.region, api.id, deployment_id)] = api.policy
        return None

    def _import_extensions(self, call: AwsCall, body: bytes) -> None:
        """Apply the document's security requirements and resource policy, which moto's import skips."""
        try:
            document = json.loads(call.body or b"{}")
            api = self.emulator.backend("apigateway", call.region).apis.get(json.loads(body).get("id"))
        except (ValueError, AttributeError):  # a YAML document: moto's import alone
            return
        if api is None or not isinstance(document, dict):
            return
        schemes = (document.get("components") or {}).get("securitySchemes") or {}
        for path, item in (document.get("paths") or {}).items():
            resource = api.get_resource_for_path(path)
            for verb, operation in (item or {}).items():
                method = resource.resource_methods.get(verb.upper()) if resource is not None else None
                if method is None or not isinstance(operation, dict):
                    continue
                kinds = []
                for requirement in operation.get("security", document.get("security")) or []:
                    for name in requirement:
                        scheme = schemes.get(name) or {}
                        authorizer = scheme.get("x-amazon-apigateway-authorizer") or {}
                        kind = _AUTH_TYPES.get(str(scheme.get("x-amazon-apigateway-authtype", "")).lower())
                        kinds.append(kind or ("CUSTOM" if authorizer.get("type") in ("token", "request") else
                                              "COGNITO_USER_POOLS" if authorizer.get("type") == "cognito_user_pools"
                                              else None))
                method.authorization_type = next((k for k in kinds if k), "NONE")
        policy = document.get("x-amazon-apigateway-policy")
        if isinstance(policy, dict):
            api.policy = json.dumps(expand(policy, f"arn:aws:execute-api:{call.region}:{api.account_id}:{api.id}"))

    def reset(self) -> None:
        with self._lock:
            self._deployments.clear()
            self._policies.clear()

    # -- routing -------------------------------------------------------------------------
    def locate(self, api_id: str) -> str | None:
        """The region whose API Gateway holds ``api_id``."""
        from moto.backends import get_backend

        for region, backend in list(dict.items(get_backend("apigateway")[self.emulator.account_id])):
            if api_id in backend.apis:
                return region
        return None

    def _custom_domain(self, call: AwsCall, name: str) -> Response | None:
        """A request to a custom domain: the region its DNS answer reaches, then the base path mapping."""
        from moto.backends import get_backend

        from .route53_dataplane import Route53DataPlane

        holders = {region: backend.domain_names[name]
                   for region, backend in list(dict.items(get_backend("apigateway")[self.emulator.account_id]))
                   if name in backend.domain_names}
        if not holders:
            return None
        # The emulator stands in for the network: the request reaches the regional endpoint that
        # public DNS (the hosted zones, with their health checks) answers for the name.
        dns = next(e for e in self.emulator.extensions if isinstance(e, Route53DataPlane))
        answer = dns.resolve(name, "A", public_only=True)
        targets = [value.rstrip(".").lower() for value in (answer or {}).get("values", [])]
        reached = [region for region, domain in holders.items()
                   if any(t == domain.regional_domain_name.lower() or f".{region}." in f".{t}." for t in targets)]
        if not reached and answer is None and len(holders) == 1:
            reached = list(holders)
        if not reached:
            return _gateway_answer(403, "Forbidden", "ForbiddenException")
        region = reached[0]
        mappings = self.emulator.backend("apigateway", region).base_path_mappings.get(name, {})
        first, _slash, rest = call.path.lstrip("/").partition("/")
        mapping, path = mappings.get(unquote(first)) if first else None, "/" + rest
        if mapping is None:
            mapping, path = mappings.get("(none)"), call.path or "/"
        if mapping is None:
            return _gateway_answer(403, "Forbidden", "ForbiddenException")
        stage = mapping.stage
        if stage is None:  # a mapping without a stage serves every stage: the next segment names it
            stage, _slash, rest = path.lstrip("/").partition("/")
            path = "/" + rest
        return self.dispatch(call, mapping.rest_api_id, region, stage, path, name)

    def dispatch(self, call: AwsCall, api_id: str, region: str | None, stage_name: str, path: str,
                 domain: str | None) -> Response:
        """Answer a stage request and publish its AWS/ApiGateway metrics."""
        started = time.monotonic()
        answer = self._dispatch(call, api_id, region, stage_name, path, domain)
        self._publish(api_id, region or self.locate(api_id), stage_name, answer[0], time.monotonic() - started)
        return answer

    def _publish(self, api_id: str, region: str | None, stage_name: str, status: int, seconds: float) -> None:
        """Count, 4XXError, 5XXError and Latency of one request, for {ApiName} and {ApiName, Stage}, as
        API Gateway publishes them for a request that reached an existing stage."""
        if region is None or region in self.emulator.state.outages:
            return
        api = self.emulator.backend("apigateway", region).apis.get(api_id)
        if api is None or stage_name not in api.stages:
            return
        metrics.publish(self.emulator, region, "AWS/ApiGateway", {
            "Count": (1, "Count"), "4XXError": (1 if 400 <= status < 500 else 0, "Count"),
            "5XXError": (1 if status >= 500 else 0, "Count"), "Latency": (seconds * 1000, "Milliseconds")},
            [{"ApiName": api.name}, {"ApiName": api.name, "Stage": stage_name}])

    def _dispatch(self, call: AwsCall, api_id: str, region: str | None, stage_name: str, path: str,
                  domain: str | None) -> Response:
        region = region or self.locate(api_id)
        if region is None:
            return _gateway_answer(403, "Forbidden", "ForbiddenException")
        if call.service is None:  # a signed request was already counted (and outage-checked) by the core
            self.emulator.state.count(dataclasses.replace(call, service="execute-api", region=region, action=None))
        if region in self.emulator.state.outages:
            return _gateway_answer(503, f"Region {region} is unavailable (emulated outage)", "ServiceUnavailable")
        backend = self.emulator.backend("apigateway", region)
        api = backend.apis.get(api_id)
        if api is None or api.disableExecuteApiEndpoint:
            return _gateway_answer(403, "Forbidden", "ForbiddenException")
        stage = api.stages.get(stage_name)
        if stage is None:
            return _gateway_answer(403, "Missing Authentication Token", "MissingAuthenticationTokenException")
        with self._lock:
            routes = self._deployments.get((region, api_id, stage.deployment_id))
            policy = self._policies.get((region, api_id, stage.deployment_id), api.policy)
        if routes is None:  # a deployment this emulator did not see being created: serve the live definition
            routes, policy = _routes_of(api), api.policy
        found = match_route(routes, path, call.method)
        if found is None:
            return _gateway_answer(403, "Missing Authentication Token", "MissingAuthenticationTokenException")
        route, method, path_params = found
        request_id = str(uuid.uuid4())
        refusal = self._authorizer.check(call, region, api, method.authorization_type, policy, stage.name, path,
                                         request_id)
        if refusal is not None:
            return refusal
        # Lambda and Cognito authorizers are not run; such a method refuses a request with no credentials.
        if method.authorization_type in ("CUSTOM", "COGNITO_USER_POOLS") and "authorization" not in call.headers:
            return _gateway_answer(401, "Unauthorized", "UnauthorizedException", request_id)
        if method.api_key_required:
            key = call.headers.get("x-api-key")
            if not any(k.value == key and k.enabled for k in list(backend.keys.values())):
                return _gateway_answer(403, "Forbidden", "ForbiddenException", request_id)
        integration = method.integration
        context = _RequestContext(region, api, stage, route, method, path, path_params, request_id,
                                  domain or f"{api_id}.execute-api.{region}.amazonaws.com")
        # OpenAPI imports may spell the type in lower case (x-amazon-apigateway-integration), which
        # API Gateway accepts as the same type.
        integration_type = (integration.type or "").upper() if integration is not None else None
        if integration_type == "AWS_PROXY":
            return self._lambda_proxy(call, context, integration)
        if integration_type == "MOCK":
            return self._mock(call, integration, request_id)
        # No integration, or a type the emulator does not run (HTTP, AWS, HTTP_PROXY: they would leave loopback).
        return _gateway_answer(500, "Internal server error", "InternalServerErrorException", request_id)

    # -- AWS_PROXY -------------------------------------------------------------------------
    def _lambda_proxy(self, call: AwsCall, ctx: _RequestContext, integration: IntegrationSpec) -> Response:
        internal_error = _gateway_answer(500, "Internal server error", "InternalServerErrorException", ctx.request_id)
        uri = _STAGE_VARIABLE.sub(lambda m: ctx.stage.variables.get(m[1], ""), integration.uri or "")
        target = _LAMBDA_URI.match(uri)
        function = _FUNCTION_ARN.match(target["function"]) if target else None
        if function is None or function["region"] in self.emulator.state.outages:
            return internal_error
        if integration.credentials is None and not self._permitted(function, ctx.source_arn):
            return internal_error  # "Invalid permissions on Lambda function", as API Gateway logs it
        runtime = next(e for e in self.emulator.extensions if isinstance(e, LambdaRuntime))
        event = json.dumps(self._proxy_event(call, ctx)).encode()
        outcome: dict[str, Any] = {}

        def invoke() -> None:
            try:
                outcome["result"] = runtime.invoke(function["region"], function["name"], function["qualifier"], event)
            except InvokeError as err:
                outcome["error"] = err

        # The function keeps running past the integration timeout, as on AWS; only the answer is 504.
        worker = threading.Thread(target=invoke, daemon=True)
        worker.start()
        worker.join(integration.timeout_ms / 1000)
        if worker.is_alive():
            return _gateway_answer(504, "Endpoint request timed out", "IntegrationTimeout", ctx.request_id)
        if "error" in outcome:
            return internal_error
        result = outcome["result"]
        if result.function_error:
            return _gateway_answer(502, "Internal server error", "InternalServerErrorException", ctx.request_id)
        answer = self._proxy_answer(result.body)
        if answer is None:  # "Malformed Lambda proxy response"
            return _gateway_answer(502, "Internal server error", "InternalServerErrorException", ctx.request_id)
        status, headers, body = answer
        headers.setdefault("Content-Type", "application/json")
        headers.update({"x-amzn-RequestId": ctx.request_id, "x-amz-apigw-id": ctx.extended_request_id})
        return status, headers, body

    def _permitted(self, function: re.Match, source_arn: str) -> bool:
        """Does the function's resource policy let API Gateway invoke it for ``source_arn``?"""
        return lambda_permits(self.emulator, function["region"], function["name"], "apigateway.amazonaws.com", source_arn)

    def _proxy_event(self, call: AwsCall, ctx: _RequestContext) -> dict[str, Any]:
        """API Gateway's Lambda proxy event, payload format 1.0."""
        headers = {_title_case(k): v for k, v in call.headers.items()}
        headers.update({"Host": ctx.domain, "X-Forwarded-For": headers.get("X-Forwarded-For", "127.0.0.1"),
                        "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https",
                        "X-Amzn-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"})
        query = {k: v for k, v in call.query.items() if v}
        body, is_base64 = None, False
        if call.body:
            content_type = call.headers.get("content-type", "").split(";")[0].strip()
            binary = any(fnmatch.fnmatchcase(content_type, t) for t in ctx.api.binaryMediaTypes or [])
            try:
                body = base64.b64encode(call.body).decode() if binary else call.body.decode("utf-8")
                is_base64 = binary
            except UnicodeDecodeError:
                body, is_base64 = base64.b64encode(call.body).decode(), True
        now = datetime.now(timezone.utc)
        source_ip = headers["X-Forwarded-For"].split(",")[0].strip()
        return {
            "resource": ctx.route.path,
            "path": ctx.path,
            "httpMethod": call.method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": ctx.path_params or None,
            "stageVariables": dict(ctx.stage.variables) or None,
            "requestContext": {
                "resourceId": ctx.route.resource_id,
                "resourcePath": ctx.route.path,
                "httpMethod": call.method,
                "extendedRequestId": ctx.extended_request_id,
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "path": f"/{ctx.stage.name}{ctx.path}",
                "accountId": self.emulator.account_id,
                "protocol": "HTTP/1.1",
                "stage": ctx.stage.name,
                "domainPrefix": ctx.domain.split(".", 1)[0],
                "requestTimeEpoch": int(now.timestamp() * 1000),
                "requestId": ctx.request_id,
                "identity": {
                    "cognitoIdentityPoolId": None, "accountId": None, "cognitoIdentityId": None, "caller": None,
                    "sourceIp": source_ip, "principalOrgId": None, "accessKey": None,
                    "cognitoAuthenticationType": None, "cognitoAuthenticationProvider": None, "userArn": None,
                    "userAgent": call.headers.get("user-agent"), "user": None,
                },
                "domainName": ctx.domain,
                "apiId": ctx.api.id,
            },
            "body": body,
            "isBase64Encoded": is_base64,
        }

    @staticmethod
    def _proxy_answer(payload: bytes) -> tuple[int, dict[str, str], bytes] | None:
        """Map a proxy result to (status, headers, body); None when it is malformed."""
        try:
            result = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(result, dict) or set(result) - _PROXY_RESULT_KEYS:
            return None
        status = result.get("statusCode")
        if isinstance(status, str) and status.isdigit():
            status = int(status)
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            return None
        single, multi = result.get("headers") or {}, result.get("multiValueHeaders") or {}
        body = result.get("body")
        if not isinstance(single, dict) or not isinstance(multi, dict) or not isinstance(body, (str, type(None))):
            return None
        merged: dict[str, list[str]] = {}
        for key, values in multi.items():
            if not isinstance(values, list):
                return None
            merged[key] = [str(v) for v in values]
        for key, value in single.items():
            if isinstance(value, (dict, list)):
                return None
            merged.setdefault(key, [str(value)])  # multiValueHeaders win for the same name
        data = (body or "").encode()
        if result.get("isBase64Encoded"):
            try:
                data = base64.b64decode(body or "", validate=True)
            except ValueError:
                return None
        return status, {k: ", ".join(v) for k, v in merged.items()}, data

    # -- MOCK --------------------------------------------------------------------------------
    @staticmethod
    def _mock(call: AwsCall, integration: IntegrationSpec, request_id: str) -> Response:
        templates = integration.request_templates
        content_type = call.headers.get("content-type", "application/json").split(";")[0].strip()
        template = templates.get(content_type) or templates.get("application/json") or ""
        try:
            status = int(json.loads(template).get("statusCode", 200)) if template else 200
        except (ValueError, AttributeError, TypeError):
            status = 200
        chosen = next((r for r in integration.responses
                       if r.selection_pattern and re.fullmatch(r.selection_pattern, str(status))), None)
        chosen = chosen or next((r for r in integration.responses if not r.selection_pattern), None)
        if chosen is None:  # "No match for output mapping and no default output mapping"
            return _gateway_answer(500, "Internal server error", "InternalServerErrorException", request_id)
        headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id}
        for name, value in chosen.parameters.items():
            if name.startswith("method.response.header.") and value.startswith("'") and value.endswith("'"):
                headers[name[len("method.response.header."):]] = value[1:-1]
        body = chosen.templates.get("application/json") or next(iter(chosen.templates.values()), None) or ""
        return int(chosen.status_code), headers, body.encode()


@dataclass
class _RequestContext:
    region: str
    api: Any
    stage: Any
    route: Route
    method: MethodSpec
    path: str
    path_params: dict[str, str]
    request_id: str
    domain: str

    @property
    def extended_request_id(self) -> str:
        return base64.b32encode(uuid.UUID(self.request_id).bytes[:10]).decode()[:16]

    @property
    def source_arn(self) -> str:
        """The ARN API Gateway invokes Lambda with: api/stage/METHOD/resource-path."""
        verb = "*" if self.method.http_method == "ANY" else self.method.http_method
        return (f"arn:aws:execute-api:{self.region}:{self.api.account_id}:"
                f"{self.api.id}/{self.stage.name}/{verb}{self.route.path}")


EXTENSIONS = [ApiGatewayDataPlane]
