"""AWS-shaped error answers, in the wire format of the caller's protocol.

botocore picks its error parser by the service's protocol, so an error must be
JSON for JSON-protocol services (DynamoDB, KMS, ...), an <ErrorResponse> for
query-protocol services (RDS, EC2, ...), and an <Error> document for REST-XML
services (S3, Route 53).  A wrong shape would make the modules see garbage
instead of the error code AWS sends.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from .request_info import AwsCall

_REST_XML_SERVICES = {"s3", "route53", "cloudfront"}
_REST_JSON_SERVICES = {"lambda", "apigateway", "backup", "execute-api"}


def error_response(call: AwsCall, status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    """Return (status, headers, body) for an AWS error answer to ``call``."""
    request_id = "dr-emulator-0000"
    if call.headers.get("x-amz-target") or call.service in _REST_JSON_SERVICES:
        body = json.dumps({"__type": code, "message": message, "Message": message}).encode()
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "x-amzn-ErrorType": code,
            "x-amzn-RequestId": request_id,
        }
        return status, headers, body
    if call.service in _REST_XML_SERVICES:
        body = (
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        return status, {"Content-Type": "application/xml"}, body
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return status, {"Content-Type": "text/xml"}, body


def json_response(status: int, payload: object) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload, default=str).encode()


def rds_response(action: str, result: dict) -> tuple[int, dict[str, str], bytes]:
    """An RDS (query protocol) answer to ``action``, serialized by moto from botocore's model;
    ``result`` may hold moto's model objects (their attributes are picked by name)."""
    from moto.core.responses import get_service_model
    from moto.core.serialize import XFormedAttributePicker, get_serializer_class

    operation = get_service_model("rds").operation_model(action)
    serializer = get_serializer_class("rds", "query")(
        operation_model=operation, pretty_print=False, value_picker=XFormedAttributePicker())
    answer = serializer.serialize(result)
    body = answer["body"]
    return answer["status_code"], dict(answer["headers"]), body.encode() if isinstance(body, str) else body
