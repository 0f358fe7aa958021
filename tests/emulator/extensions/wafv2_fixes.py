"""AWS WAF (wafv2) web ACLs protecting API Gateway stages, as AWS answers.

moto 5.2.5 differs from AWS here:
- ``ListResourcesForWebACL`` is not implemented. AWS lists the resources a web ACL protects, of
  ``ResourceType`` (``APPLICATION_LOAD_BALANCER`` when not given, as the API reference says:
  https://docs.aws.amazon.com/waf/latest/APIReference/API_ListResourcesForWebACL.html).
- ``AssociateWebACL`` of a resource that does not exist succeeds; AWS refuses with
  ``WAFNonexistentItemException``. A resource is protected by one web ACL at most: associating it
  with another moves it (moto lists it under both). An API Gateway stage ARN is
  ``arn:aws:apigateway:{region}::/restapis/{api-id}/stages/{stage}``.
- ``DeleteWebACL`` of a web ACL still associated with a resource succeeds; AWS refuses with
  ``WAFAssociatedItemException`` (disassociate first).
- ``PutLoggingConfiguration`` accepts any destination; AWS requires a CloudWatch Logs log group (or
  S3 bucket, Firehose stream) whose name starts with ``aws-waf-logs-``
  (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html), else
  ``WAFInvalidParameterException``; the web ACL must exist (``WAFNonexistentItemException``).
- A deleted stage (or API) leaves no association behind, as AWS drops it with the resource.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_STAGE_ARN = re.compile(r"^arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]+)::/restapis/(?P<api>[^/]+)/stages/(?P<stage>[^/]+)$")
_RESOURCE_TYPES = {
    "APPLICATION_LOAD_BALANCER": re.compile(r":elasticloadbalancing:.*:loadbalancer/app/"),
    "API_GATEWAY": re.compile(r":apigateway:.*/restapis/.+/stages/"),
    "APPSYNC": re.compile(r":appsync:"),
    "COGNITO_USER_POOL": re.compile(r":cognito-idp:"),
    "APP_RUNNER_SERVICE": re.compile(r":apprunner:"),
    "VERIFIED_ACCESS_INSTANCE": re.compile(r":ec2:.*:verified-access-instance/"),
    "AMPLIFY": re.compile(r":amplify:"),
}
_LOG_DESTINATION = re.compile(
    r"^arn:aws[a-z-]*:(?:logs:[a-z0-9-]+:\d{12}:log-group:(?P<group>[^:]+)(?::\*)?|s3:::(?P<bucket>[^/]+)(?:/.*)?|"
    r"firehose:[a-z0-9-]+:\d{12}:deliverystream/(?P<stream>.+))$")


def _json(payload: Any) -> Response:
    return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(payload).encode()


class Wafv2Fixes(Extension):
    name = "wafv2"
    order = 40

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "wafv2":
            return None
        handler = {"ListResourcesForWebACL": self._list_resources, "AssociateWebACL": self._associate,
                   "DeleteWebACL": self._delete, "PutLoggingConfiguration": self._put_logging}.get(call.action or "")
        if handler is None:
            return None
        self._forget_deleted_stages(call.region)
        return handler(call)

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service == "wafv2" and call.action == "GetWebACLForResource":
            self._forget_deleted_stages(call.region)
        return None

    # -- helpers -------------------------------------------------------------------------------
    def _backend(self, region: str):
        return self.emulator.backend("wafv2", region)

    def _stage_exists(self, arn: str) -> bool:
        found = _STAGE_ARN.match(arn)
        if found is None:
            return False
        api = self.emulator.backend("apigateway", found["region"]).apis.get(found["api"])
        return api is not None and found["stage"] in api.stages

    def _forget_deleted_stages(self, region: str) -> None:
        for acl in list(self._backend(region).wacls.values()):
            acl.associated_resources[:] = [arn for arn in acl.associated_resources
                                           if not _STAGE_ARN.match(arn) or self._stage_exists(arn)]

    # -- calls ---------------------------------------------------------------------------------
    def _list_resources(self, call: AwsCall) -> Response:
        acl = self._backend(call.region).wacls.get(call.param("WebACLArn", ""))
        if acl is None:
            return error_response(call, 400, "WAFNonexistentItemException",
                                  "AWS WAF couldn't perform the operation because your resource doesn't exist.")
        kind = call.param("ResourceType") or "APPLICATION_LOAD_BALANCER"
        pattern = _RESOURCE_TYPES.get(kind)
        if pattern is None:
            return error_response(call, 400, "WAFInvalidParameterException",
                                  f"The parameter ResourceType has an invalid value: {kind}")
        return _json({"ResourceArns": [arn for arn in acl.associated_resources if pattern.search(arn)]})

    def _associate(self, call: AwsCall) -> Response | None:
        backend = self._backend(call.region)
        acl_arn, resource = call.param("WebACLArn", ""), call.param("ResourceArn", "")
        if acl_arn not in backend.wacls or (_STAGE_ARN.match(resource) and not self._stage_exists(resource)):
            return error_response(call, 400, "WAFNonexistentItemException",
                                  "AWS WAF couldn't perform the operation because your resource doesn't exist.")
        for acl in backend.wacls.values():  # one web ACL per resource: moved, not listed twice
            while resource in acl.associated_resources:
                acl.associated_resources.remove(resource)
        return None  # moto associates it

    def _delete(self, call: AwsCall) -> Response | None:
        for acl in self._backend(call.region).wacls.values():
            if acl.name == call.param("Name") and acl.id == call.param("Id") and acl.associated_resources:
                return error_response(call, 400, "WAFAssociatedItemException",
                                      "AWS WAF couldn't perform the operation because your resource is being used "
                                      "by another resource or it's associated with another resource.")
        return None

    def _put_logging(self, call: AwsCall) -> Response | None:
        configuration = call.param("LoggingConfiguration") or {}
        if configuration.get("ResourceArn") not in self._backend(call.region).wacls:
            return error_response(call, 400, "WAFNonexistentItemException",
                                  "AWS WAF couldn't perform the operation because your resource doesn't exist.")
        for destination in configuration.get("LogDestinationConfigs") or []:
            found = _LOG_DESTINATION.match(destination)
            name = found and (found["group"] or found["bucket"] or found["stream"])
            if not name or not name.startswith("aws-waf-logs-"):
                return error_response(call, 400, "WAFInvalidParameterException",
                                      "Error reason: The ARN isn't valid. A valid ARN begins with arn: and includes "
                                      "other information separated by colons or slashes., field: LOG_DESTINATION, "
                                      f"parameter: {destination}")
        return None


EXTENSIONS = [Wafv2Fixes]
