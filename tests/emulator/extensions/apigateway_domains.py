"""A custom domain's base path mappings live and die with the domain, as on AWS.

moto keeps base path mappings apart from their domain: GetBasePathMappings on a domain that has
never had one fails (500, a KeyError) instead of answering an empty list, and DeleteDomainName
leaves the mappings behind, so a domain created again under the same name starts with the old
ones (to an API that may be gone) and refuses its empty base path. On AWS a new custom domain has
no mappings and a deleted one takes its mappings with it.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from ..request_info import AwsCall
from .base import Extension

_DOMAINS = "/domainnames"
_DOMAIN = re.compile(r"^/domainnames/(?P<domain>[^/]+)$")


class ApiGatewayDomainMappings(Extension):
    name = "apigateway-domains"
    order = 50

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "apigateway" or not 200 <= status < 300:
            return None
        mappings = self.emulator.backend("apigateway", call.region).base_path_mappings
        if call.method == "POST" and call.path == _DOMAINS:  # CreateDomainName
            mappings[json.loads(body)["domainName"]] = {}
        elif call.method == "DELETE" and _DOMAIN.match(call.path):  # DeleteDomainName
            mappings.pop(unquote(_DOMAIN.match(call.path)["domain"]), None)
        return None


EXTENSIONS = [ApiGatewayDomainMappings]
