"""Vended metrics: Lambda invocations, API Gateway requests and DynamoDB throttles publish the
AWS metrics an alarm watches, on AWS's dimension sets (tests/emulator/metrics.py)."""

from __future__ import annotations

import time
import urllib.error
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY
from tests.functional.emulator.dataplane_helpers import create_function, create_proxy_api, execute_api_host, http

HANDLER = """
import json

def handler(event, context):
    body = json.loads(event.get("body") or "{}")
    if body.get("crash"):
        raise RuntimeError("crashed")
    return {"statusCode": 400 if body.get("bad") else 200, "body": "{}"}
"""


def total(aws, namespace, metric, dimensions, statistic="Sum"):
    """The statistic over the last 10 minutes on exactly ``dimensions`` (None: no datapoint)."""
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    points = aws("cloudwatch", PRIMARY).get_metric_statistics(
        Namespace=namespace, MetricName=metric, StartTime=end - timedelta(minutes=10), EndTime=end, Period=600,
        Statistics=[statistic], Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()])["Datapoints"]
    return points[0][statistic] if points else None


def test_invocations_errors_and_throttles_of_a_function(aws):
    create_function(aws, PRIMARY, "metered", HANDLER)
    client = aws("lambda", PRIMARY, retries=0)
    client.invoke(FunctionName="metered", Payload=b"{}")
    answer = client.invoke(FunctionName="metered", Payload=b'{"body": "{\\"crash\\": true}"}')
    assert answer["FunctionError"] == "Unhandled"
    client.put_function_concurrency(FunctionName="metered", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as refused:
        client.invoke(FunctionName="metered", Payload=b"{}")
    assert refused.value.response["Error"]["Code"] == "TooManyRequestsException"

    for dimensions in ({"FunctionName": "metered"}, {"FunctionName": "metered", "Resource": "metered"}):
        assert total(aws, "AWS/Lambda", "Invocations", dimensions) == 2
        assert total(aws, "AWS/Lambda", "Errors", dimensions) == 1
        assert total(aws, "AWS/Lambda", "Throttles", dimensions) == 1
        assert total(aws, "AWS/Lambda", "Duration", dimensions, "Maximum") > 0


def test_requests_of_a_stage_count_4xx_5xx_and_latency(emulator, aws):
    arn = create_function(aws, PRIMARY, "behind-api", HANDLER)
    api_id = create_proxy_api(aws, PRIMARY, arn, [("/validate", "POST")])
    host = execute_api_host(api_id, PRIMARY)
    for body in ({}, {"bad": True}, {"crash": True}):
        http(emulator.endpoint_url, "POST", "/prod/validate", host=host, body=body)
    http(emulator.endpoint_url, "GET", "/prod/nowhere", host=host)  # 403 Missing Authentication Token
    http(emulator.endpoint_url, "GET", "/staging/validate", host=host)  # no such stage: not metered

    name = f"api-{PRIMARY}"
    for dimensions in ({"ApiName": name}, {"ApiName": name, "Stage": "prod"}):
        assert total(aws, "AWS/ApiGateway", "Count", dimensions) == 4
        assert total(aws, "AWS/ApiGateway", "4XXError", dimensions) == 2
        assert total(aws, "AWS/ApiGateway", "5XXError", dimensions) == 1  # the crash: 502
        assert total(aws, "AWS/ApiGateway", "Latency", dimensions, "Maximum") > 0
    assert total(aws, "AWS/ApiGateway", "Count", {"ApiName": name, "Stage": "staging"}) is None


def test_a_throttled_item_request_counts_per_table_and_operation(aws, control):
    dynamodb = aws("dynamodb", PRIMARY, retries=0)  # one attempt per call: one throttled request each
    dynamodb.create_table(TableName="payments", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    control.inject_faults("dynamodb", 1.0, kind="throttle")
    for call in (lambda: dynamodb.put_item(TableName="payments", Item={"id": {"S": "a"}}),
                 lambda: dynamodb.transact_write_items(TransactItems=[
                     {"Put": {"TableName": "payments", "Item": {"id": {"S": "b"}}}}])):
        with pytest.raises(ClientError) as throttled:
            call()
        assert throttled.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    with pytest.raises(ClientError) as control_plane:
        dynamodb.describe_table(TableName="payments")
    assert control_plane.value.response["Error"]["Code"] == "ThrottlingException"
    control.inject_faults("dynamodb", 0)

    assert total(aws, "AWS/DynamoDB", "ThrottledRequests", {"TableName": "payments", "Operation": "PutItem"}) == 1
    assert total(aws, "AWS/DynamoDB", "ThrottledRequests",
                 {"TableName": "payments", "Operation": "TransactWriteItems"}) == 1
    # Published per table and operation only: a table-wide query finds nothing, as on AWS.
    assert total(aws, "AWS/DynamoDB", "ThrottledRequests", {"TableName": "payments"}) is None


def test_a_latency_fault_slows_answers_without_failing_them(aws, control):
    dynamodb = aws("dynamodb", PRIMARY)
    with pytest.raises(urllib.error.HTTPError):  # a latency fault needs its latency
        control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "latency"})
    control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "latency", "latency_ms": 400})
    started = time.monotonic()
    assert dynamodb.list_tables()["TableNames"] == []
    assert time.monotonic() - started >= 0.4
    assert control.counters()["faults_injected"]["latency"] >= 1


def test_a_fault_can_target_one_operation(aws, control):
    dynamodb = aws("dynamodb", PRIMARY, retries=0)
    control.post("faults", {"service": "dynamodb", "rate": 1.0, "kind": "throttle", "actions": ["DescribeTable"]})
    assert dynamodb.list_tables()["TableNames"] == []
    with pytest.raises(ClientError) as throttled:
        dynamodb.describe_table(TableName="payments")
    assert throttled.value.response["Error"]["Code"] == "ThrottlingException"
