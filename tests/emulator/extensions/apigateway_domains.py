"""API Gateway custom domains as AWS runs them: issued certificates only, mappings that live and
die with their domain, and the domain's own regional hosted zone.

moto differs from AWS here:
- CreateDomainName takes any certificate ARN, or none. AWS ("Setting up a regional custom domain
  name in API Gateway", API Gateway Developer Guide) needs an ACM certificate in the domain's own
  region, ISSUED, whose names cover the domain (a wildcard covers one label): anything else is a
  BadRequestException and nothing is created. A name that already exists is refused too (moto
  overwrites it, dropping its mappings' target).
- UpdateDomainName (PATCH) is not implemented; here it replaces the certificate (checked as on
  create) and the security policy.
- Every domain gets CloudFront's hosted zone id as its regional hosted zone; AWS answers the
  API Gateway zone of the region ("Amazon API Gateway endpoints and quotas", AWS General
  Reference), which an alias record must name.
- GetBasePathMappings on a domain that never had one fails (500, a KeyError) instead of answering
  an empty list, and DeleteDomainName leaves the mappings behind, so a domain created again under
  the same name starts with the old ones. On AWS a new custom domain has no mappings and a deleted
  one takes its mappings with it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any
from urllib.parse import unquote

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_DOMAINS = "/domainnames"
_DOMAIN = re.compile(r"^/domainnames/(?P<domain>[^/]+)/?$")
_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):certificate/.+$")
# API Gateway's regional endpoints' hosted zones ("Amazon API Gateway endpoints and quotas").
REGIONAL_HOSTED_ZONES = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
}


def covers(names: list[str], domain: str) -> bool:
    """Does a certificate for ``names`` cover ``domain``? A wildcard stands for exactly one label."""
    domain = domain.lower().rstrip(".")
    for name in names:
        name = name.lower().rstrip(".")
        if name == domain or (name.startswith("*.") and fnmatch.fnmatchcase(domain, name)
                              and domain.count(".") == name.count(".")):
            return True
    return False


class ApiGatewayCustomDomains(Extension):
    name = "apigateway-domains"
    order = 50

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "apigateway" or call.region in self.emulator.state.outages:
            return None
        if call.method == "POST" and call.path == _DOMAINS:
            return self._create(call)
        match = _DOMAIN.match(call.path)
        if call.method == "PATCH" and match:
            return self._update(call, unquote(match["domain"]))
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "apigateway" or not 200 <= status < 300:
            return None
        backend = self.emulator.backend("apigateway", call.region)
        if call.method == "POST" and call.path == _DOMAINS:  # CreateDomainName
            answer = json.loads(body)
            backend.base_path_mappings[answer["domainName"]] = {}
            domain = backend.domain_names[answer["domainName"]]
            domain.regional_hosted_zone_id = REGIONAL_HOSTED_ZONES.get(call.region, domain.regional_hosted_zone_id)
            return json.dumps(domain.to_json()).encode()
        if call.method == "DELETE" and _DOMAIN.match(call.path):  # DeleteDomainName
            backend.base_path_mappings.pop(unquote(_DOMAIN.match(call.path)["domain"]), None)
        return None

    # -- CreateDomainName / UpdateDomainName ---------------------------------------------------
    def _create(self, call: AwsCall) -> Response | None:
        request = json.loads(call.body or b"{}")
        name = request.get("domainName", "")
        if name in self.emulator.backend("apigateway", call.region).domain_names:
            return error_response(call, 409, "ConflictException", "The domain name you provided already exists.")
        types = (request.get("endpointConfiguration") or {}).get("types") or ["EDGE"]
        if "REGIONAL" in types:
            refusal = self._certificate_refusal(call, name, request.get("regionalCertificateArn"))
            if refusal is not None:
                return refusal
        return None

    def _update(self, call: AwsCall, name: str) -> Response:
        backend = self.emulator.backend("apigateway", call.region)
        domain = backend.domain_names.get(name)
        if domain is None:
            return error_response(call, 404, "NotFoundException", "Invalid domain name identifier specified")
        operations = json.loads(call.body or b"{}").get("patchOperations", [])
        for operation in operations:
            if operation.get("op") != "replace" or operation.get("path") not in ("/regionalCertificateArn",
                                                                                 "/securityPolicy"):
                return error_response(call, 400, "BadRequestException",
                                      f"Invalid patch path {operation.get('path')!r} for op {operation.get('op')!r}")
            if operation["path"] == "/regionalCertificateArn":
                refusal = self._certificate_refusal(call, name, operation.get("value"))
                if refusal is not None:
                    return refusal
        for operation in operations:
            if operation["path"] == "/regionalCertificateArn":
                domain.regional_certificate_arn = operation["value"]
            else:
                domain.security_policy = operation["value"]
        return 200, {"Content-Type": "application/json"}, json.dumps(domain.to_json()).encode()

    def _certificate_refusal(self, call: AwsCall, name: str, arn: str | None) -> Response | None:
        from moto.acm.exceptions import CertificateNotFound

        from .acm_dns_validation import AcmDnsValidation

        def refuse(message: str) -> Response:
            return error_response(call, 400, "BadRequestException", message)

        match = _CERTIFICATE_ARN.match(arn or "")
        if match is None or match["region"] != call.region:
            return refuse(f"Invalid certificate ARN: {arn}. Certificate must be in '{call.region}'.")
        for extension in self.emulator.extensions:
            if isinstance(extension, AcmDnsValidation):
                extension.validate_pending(call.region)  # DNS published since the last ACM call counts
        try:
            bundle = self.emulator.backend("acm", call.region).get_certificate(arn)
        except CertificateNotFound:
            return refuse(f"Certificate {arn} not found in account {self.emulator.account_id}.")
        if bundle.status != "ISSUED":
            return refuse(f"Certificate {arn} in account {self.emulator.account_id} is not yet issued "
                          f"(status {bundle.status}).")
        names: list[Any] = list(bundle.sans or []) + ([bundle.common_name] if bundle.common_name else [])
        if not covers(names, name):
            return refuse("The domain name to be created is not covered by the provided certificate.")
        return None


EXTENSIONS = [ApiGatewayCustomDomains]
