"""API Gateway TagResource / UntagResource / GetTags on REST APIs and custom domain names.

moto routes /tags/{arn} only for stages; a REST API's ARN
(arn:aws:apigateway:{region}::/restapis/{id}) or a domain name's
(arn:aws:apigateway:{region}::/domainnames/{name}) holds slashes, so those calls
end in a 404. AWS answers them as documented: PUT (TagResource) and DELETE
(UntagResource, ?tagKeys=...) return 204, GET (GetTags) returns {"tags": {...}}.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_TAGGED = re.compile(r"^/tags/arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]+)::/"
                     r"(?P<kind>restapis|domainnames)/(?P<id>[^/]+)$")


class ApiGatewayRestApiTags(Extension):
    name = "apigateway-tags"
    order = 50

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "apigateway":
            return None
        match = _TAGGED.match(unquote(call.path))
        if match is None:
            return None
        backend = self.emulator.backend("apigateway", match["region"])
        if match["kind"] == "restapis":
            api = backend.apis.get(match["id"])
            missing = "Invalid API identifier specified"
        else:
            api = backend.domain_names.get(match["id"])
            missing = "Invalid domain name identifier specified"
        if api is None:
            return error_response(call, 404, "NotFoundException", missing)
        if call.method == "GET":
            return 200, {"Content-Type": "application/json"}, json.dumps({"tags": api.tags or {}}).encode()
        if call.method == "PUT":
            api.tags = dict(api.tags or {}, **json.loads(call.body or b"{}").get("tags", {}))
            return 204, {}, b""
        if call.method == "DELETE":
            for key in call.query.get("tagKeys", []):
                (api.tags or {}).pop(key, None)
            return 204, {}, b""
        return None


EXTENSIONS = [ApiGatewayRestApiTags]
