"""Resource Groups Tagging API GetResources for the services moto leaves out.

AWS documents that GetResources "supports all resource types" (IAM users and
roles excepted). moto 5.2.5 answers it only from backends that implement its
tagging mixin, which API Gateway, Route 53 and CloudTrail do not, so a REST API,
a hosted zone, a health check or a trail tagged for an environment is invisible
to a "what is still tagged" audit. This extension adds them to the last page of
moto's answer, with the same TagFilters (AND of keys, OR of values) and
ResourceTypeFilters ("service" or "service:type") semantics and ARNs in AWS's
documented forms:

- ``arn:aws:apigateway:REGION::/restapis/ID`` and ``.../restapis/ID/stages/NAME``
  (resource types apigateway:restapis, apigateway:restapis/stages), in their region;
- ``arn:aws:route53:::hostedzone/ID`` and ``arn:aws:route53:::healthcheck/ID``
  (route53:hostedzone, route53:healthcheck): global, reported in us-east-1 only;
- ``arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME`` (cloudtrail:trail), in the
  trail's home region.

Only resources that exist are reported (moto keeps a deleted zone's tags), and
never ones without tags (as moto does for its own backends).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from moto.core.resource_tagging import TaggedResource, make_tag_matcher, match_resource_type

from ..request_info import AwsCall
from .base import Extension

GLOBAL_HOME = "us-east-1"


class TaggingApiCoverage(Extension):
    name = "tagging-coverage"
    order = 60

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "tagging" or call.action != "GetResources" or status != 200 or not call.region:
            return None
        answer = json.loads(body or b"{}")
        if answer.get("PaginationToken"):
            return None  # extra resources go on the last page only
        matches = make_tag_matcher(call.param("TagFilters"))
        types = call.param("ResourceTypeFilters")
        arns = set(call.param("ResourceARNList") or [])
        extra = [
            {"ResourceARN": r.arn, "Tags": [{"Key": k, "Value": v} for k, v in r.tags.items()]}
            for r in self._resources(call.region)
            if r.tags and matches(r.tags) and match_resource_type(r.resource_type, types)
            and (not arns or r.arn in arns)
        ]
        if not extra:
            return None
        answer["ResourceTagMappingList"] = answer.get("ResourceTagMappingList", []) + extra
        return json.dumps(answer).encode()

    def _resources(self, region: str) -> Iterator[TaggedResource]:
        yield from self._rest_apis(region)
        yield from self._trails(region)
        if region == GLOBAL_HOME:
            yield from self._route53()

    def _rest_apis(self, region: str) -> Iterator[TaggedResource]:
        for api in self.emulator.backend("apigateway", region).apis.values():
            arn = f"arn:aws:apigateway:{region}::/restapis/{api.id}"
            yield TaggedResource(arn, dict(api.tags or {}), "apigateway:restapis")
            for stage in api.stages.values():
                yield TaggedResource(f"{arn}/stages/{stage.name}", dict(stage.tags or {}),
                                     "apigateway:restapis/stages")

    def _trails(self, region: str) -> Iterator[TaggedResource]:
        backend = self.emulator.backend("cloudtrail", region)
        for trail in backend.trails.values():
            tags = backend.tagging_service.list_tags_for_resource(trail.arn)["TagsList"]
            yield TaggedResource(trail.arn, {t["Key"]: t["Value"] for t in tags}, "cloudtrail:trail")

    def _route53(self) -> Iterator[TaggedResource]:
        backend = self.emulator.backend("route53", "global")
        for zone_id in backend.zones:
            yield TaggedResource(f"arn:aws:route53:::hostedzone/{zone_id}",
                                 dict(backend.resource_tags.get(zone_id, {})), "route53:hostedzone")
        for check_id in backend.health_checks:
            yield TaggedResource(f"arn:aws:route53:::healthcheck/{check_id}",
                                 dict(backend.resource_tags.get(check_id, {})), "route53:healthcheck")


EXTENSIONS = [TaggingApiCoverage]
