"""API Gateway TagResource / UntagResource / GetTags on REST APIs.

moto routes /tags/{arn} only for stages; a REST API's ARN
(arn:aws:apigateway:{region}::/restapis/{id}) holds slashes, so those calls
end in a 404. AWS answers them as documented: PUT (TagResource) and DELETE
(UntagResource, ?tagKeys=...) return 204, GET (GetTags) returns {"tags": {...}}.
"""

from __future__ import annotations

import json
import re

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_REST_API_TAGS = re.compile(r"^/tags/arn:aws[a-z-]*:apigateway:(?P<region>[a-z0-9-]+)::/restapis/(?P<api_id>[^/]+)$")


class ApiGatewayRestApiTags(Extension):
    name = "apigateway-tags"
    order = 50

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "apigateway":
            return None
        match = _REST_API_TAGS.match(call.path)
        if match is None:
            return None
        api = self.emulator.backend("apigateway", match["region"]).apis.get(match["api_id"])
        if api is None:
            return error_response(call, 404, "NotFoundException", "Invalid API identifier specified")
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
