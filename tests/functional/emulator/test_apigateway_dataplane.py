"""HTTP requests to a deployed REST API stage reach its Lambda proxy integration."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DR, PRIMARY
from tests.functional.emulator.dataplane_helpers import create_function, create_proxy_api, execute_api_host, http

PROXY_HANDLER = """
import json, os

def handler(event, context):
    if event["resource"] == "/health":
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"status": "ok", "region": os.environ["AWS_REGION"]})}
    request = json.loads(event["body"] or "{}")
    if request.get("malformed"):
        return {"status": 200}
    if request.get("crash"):
        raise RuntimeError("validator crashed")
    import boto3  # imported here: a cold start without boto3 keeps the other tests quick

    boto3.client("dynamodb").put_item(TableName="payments", Item={"id": {"S": request["id"]}})
    return {"statusCode": 201, "headers": {"X-Validated-In": os.environ["AWS_REGION"]},
            "multiValueHeaders": {"X-Checks": ["luhn", "limit"]}, "body": json.dumps({"event": event})}
"""


@pytest.fixture
def api(aws, control):
    """The validation API in us-east-1: POST /validate, GET /health, ANY /items/{id}/{rest+}."""
    aws("dynamodb", PRIMARY).create_table(
        TableName="payments", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    arn = create_function(aws, PRIMARY, "validate", PROXY_HANDLER, Timeout=5)
    return create_proxy_api(aws, PRIMARY, arn, [("/validate", "POST"), ("/health", "GET"),
                                                ("/items/{id}/{rest+}", "ANY")])


def test_post_through_the_execute_api_host_reaches_the_function(emulator, aws, api):
    host = execute_api_host(api, PRIMARY)
    status, headers, body = http(emulator.endpoint_url, "POST", "/prod/validate?mode=strict&mode=fast", host=host,
                                 body={"id": "pay-1"}, headers={"Content-Type": "application/json"})
    assert status == 201, body
    assert headers["X-Validated-In"] == PRIMARY
    assert headers["X-Checks"] == "luhn, limit"
    event = json.loads(body)["event"]
    assert event["resource"] == "/validate" and event["path"] == "/validate" and event["httpMethod"] == "POST"
    assert json.loads(event["body"]) == {"id": "pay-1"} and event["isBase64Encoded"] is False
    assert event["headers"]["Content-Type"] == "application/json"
    assert event["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert event["queryStringParameters"] == {"mode": "fast"}
    assert event["multiValueQueryStringParameters"] == {"mode": ["strict", "fast"]}
    assert event["pathParameters"] is None and event["stageVariables"] is None
    context = event["requestContext"]
    assert context["stage"] == "prod" and context["apiId"] == api and context["domainName"] == host
    assert context["resourcePath"] == "/validate" and context["path"] == "/prod/validate"
    assert context["identity"]["sourceIp"] == "127.0.0.1" and context["requestId"]
    # The handler's boto3 call went to the emulator.
    assert aws("dynamodb", PRIMARY).scan(TableName="payments")["Items"] == [{"id": {"S": "pay-1"}}]


def test_user_request_path_and_path_parameters(emulator, api):
    status, _, body = http(emulator.endpoint_url, "GET", f"/restapis/{api}/prod/_user_request_/health")
    assert status == 200 and json.loads(body) == {"status": "ok", "region": PRIMARY}
    status, _, body = http(emulator.endpoint_url, "PUT", f"/restapis/{api}/prod/_user_request_/items/42/a/b",
                           body={"id": "pay-2"})
    assert status == 201, body
    event = json.loads(body)["event"]
    assert event["resource"] == "/items/{id}/{rest+}"
    assert event["pathParameters"] == {"id": "42", "rest": "a/b"}


def test_unknown_routes_stages_and_apis_are_refused_like_aws(emulator, api):
    host = execute_api_host(api, PRIMARY)
    missing_token = {"message": "Missing Authentication Token"}
    for method, path in [("GET", "/prod/nowhere"), ("GET", "/prod/validate"), ("GET", "/staging/health"),
                         ("GET", "/prod/items/42")]:
        status, _, body = http(emulator.endpoint_url, method, path, host=host)
        assert (status, json.loads(body)) == (403, missing_token), (method, path)
    status, _, body = http(emulator.endpoint_url, "GET", "/prod/health", host=execute_api_host("nope123", PRIMARY))
    assert (status, json.loads(body)) == (403, {"message": "Forbidden"})


def test_function_failures_and_malformed_results_are_gateway_errors(emulator, api):
    host = execute_api_host(api, PRIMARY)
    for payload in ({"malformed": True}, {"crash": True}):
        status, _, body = http(emulator.endpoint_url, "POST", "/prod/validate", host=host, body=payload)
        assert (status, json.loads(body)) == (502, {"message": "Internal server error"}), payload


def test_without_lambda_permission_the_integration_fails(emulator, aws, control):
    arn = create_function(aws, DR, "private", PROXY_HANDLER)
    api_id = create_proxy_api(aws, DR, arn, [("/health", "GET")], grant=False)
    status, _, body = http(emulator.endpoint_url, "GET", "/prod/health", host=execute_api_host(api_id, DR))
    assert (status, json.loads(body)) == (500, {"message": "Internal server error"})


def test_region_outage_makes_the_api_unreachable_and_requests_are_counted(emulator, aws, control, api):
    host = execute_api_host(api, PRIMARY)
    control.post("counters/reset")
    assert http(emulator.endpoint_url, "GET", "/prod/health", host=host)[0] == 200
    control.region_down(PRIMARY)
    assert http(emulator.endpoint_url, "GET", "/prod/health", host=host)[0] == 503
    assert http(emulator.endpoint_url, "GET", f"/restapis/{api}/prod/_user_request_/health")[0] == 503
    control.region_up(PRIMARY)
    assert http(emulator.endpoint_url, "GET", "/prod/health", host=host)[0] == 200
    rows = [r for r in control.counters()["rows"] if r["service"] == "execute-api"]
    assert rows == [{"service": "execute-api", "region": PRIMARY, "action": "GET", "read": True, "count": 4}]


def test_stage_serves_its_deployment_not_later_edits(emulator, aws, api):
    client = aws("apigateway", PRIMARY)
    root = next(r["id"] for r in client.get_resources(restApiId=api)["items"] if r["path"] == "/")
    resource = client.create_resource(restApiId=api, parentId=root, pathPart="ping")["id"]
    client.put_method(restApiId=api, resourceId=resource, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api, resourceId=resource, httpMethod="GET", type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
    client.put_integration_response(restApiId=api, resourceId=resource, httpMethod="GET", statusCode="200",
                                    responseTemplates={"application/json": '{"pong": true}'},
                                    responseParameters={"method.response.header.X-Mock": "'yes'"})
    host = execute_api_host(api, PRIMARY)
    assert http(emulator.endpoint_url, "GET", "/prod/ping", host=host)[0] == 403  # not deployed yet
    client.create_deployment(restApiId=api, stageName="prod")
    status, headers, body = http(emulator.endpoint_url, "GET", "/prod/ping", host=host)
    assert (status, json.loads(body), headers["X-Mock"]) == (200, {"pong": True}, "yes")


def test_openapi_import_with_lower_case_integration_type_serves(aws, control, emulator):
    """x-amazon-apigateway-integration may spell the type "aws_proxy"; API Gateway treats it as AWS_PROXY."""
    arn = create_function(aws, PRIMARY, "health", PROXY_HANDLER)
    client = aws("apigateway", PRIMARY)
    api_id = client.create_rest_api(name="imported")["id"]
    uri = f"arn:aws:apigateway:{PRIMARY}:lambda:path/2015-03-31/functions/{arn}/invocations"
    document = {"openapi": "3.0.1", "info": {"title": "imported", "version": "1"}, "paths": {"/health": {"get": {
        "responses": {"200": {"description": "ok"}},
        "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": uri}}}}}
    client.put_rest_api(restApiId=api_id, mode="overwrite", body=json.dumps(document).encode())
    client.create_deployment(restApiId=api_id, stageName="prod")
    aws("lambda", PRIMARY).add_permission(
        FunctionName=arn, StatementId="apigw", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{PRIMARY}:123456789012:{api_id}/*")
    status, _headers, body = http(emulator.endpoint_url, "GET", "/prod/health", host=execute_api_host(api_id, PRIMARY))
    assert status == 200 and json.loads(body)["region"] == PRIMARY
