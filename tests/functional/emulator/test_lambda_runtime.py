"""Lambda Invoke runs the uploaded Python handler without Docker (moto alone needs Docker)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY
from tests.functional.emulator.dataplane_helpers import create_function, package

HANDLER = """
import json, os, time

print("init phase")

def handler(event, context):
    print("event", json.dumps(event))
    action = event.get("action")
    if action == "fail":
        raise ValueError("card number rejected")
    if action == "sleep":
        time.sleep(event["seconds"])
    if action == "put":
        import boto3  # imported here: a cold start without boto3 keeps the other tests quick

        boto3.client("dynamodb").put_item(TableName=event["table"], Item={"id": {"S": event["id"]}})
    return {
        "echo": event,
        "env": {k: os.environ.get(k) for k in ("STAGE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                                             "AWS_ACCESS_KEY_ID", "AWS_LAMBDA_FUNCTION_NAME",
                                             "AWS_LAMBDA_FUNCTION_VERSION")},
        "context": {"name": context.function_name, "arn": context.invoked_function_arn,
                    "request_id": context.aws_request_id,
                    "remaining_ms": context.get_remaining_time_in_millis()},
    }
"""


def _invoke(client, name, payload, **kwargs):
    answer = client.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), **kwargs)
    return answer, json.loads(answer["Payload"].read() or b"null")


def test_invoke_returns_the_handler_result_with_lambda_environment(aws, control, emulator):
    create_function(aws, DR, "validate", HANDLER, Timeout=5, Environment={"Variables": {"STAGE": "dr"}})
    answer, result = _invoke(aws("lambda", DR), "validate", {"amount": 42})
    assert answer["StatusCode"] == 200 and "FunctionError" not in answer
    assert answer["ExecutedVersion"] == "$LATEST"
    assert result["echo"] == {"amount": 42}
    assert result["env"] == {
        "STAGE": "dr", "AWS_REGION": DR, "AWS_DEFAULT_REGION": DR, "AWS_ENDPOINT_URL": emulator.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_LAMBDA_FUNCTION_NAME": "validate",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST"}
    assert result["context"]["name"] == "validate"
    assert result["context"]["arn"].endswith(f":{DR}:123456789012:function:validate")
    assert 0 < result["context"]["remaining_ms"] <= 5000


def test_handler_reaches_the_emulator_through_aws_endpoint_url(aws, control):
    aws("dynamodb", PRIMARY).create_table(
        TableName="payments", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    create_function(aws, PRIMARY, "writer", HANDLER)
    answer, _ = _invoke(aws("lambda", PRIMARY), "writer", {"action": "put", "table": "payments", "id": "p-1"})
    assert "FunctionError" not in answer
    items = aws("dynamodb", PRIMARY).scan(TableName="payments")["Items"]
    assert items == [{"id": {"S": "p-1"}}]


def test_exception_is_an_unhandled_function_error_with_logs(aws, control):
    create_function(aws, PRIMARY, "failing", HANDLER)
    answer, error = _invoke(aws("lambda", PRIMARY), "failing", {"action": "fail"}, LogType="Tail")
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "card number rejected"
    assert any("raise ValueError" in frame for frame in error["stackTrace"])
    assert all("_lambda_worker" not in frame for frame in error["stackTrace"])
    log = base64.b64decode(answer["LogResult"]).decode()
    assert "START RequestId:" in log and "REPORT RequestId:" in log
    assert "[ERROR] ValueError: card number rejected" in log
    assert "init phase" in log  # the init phase logs into the first invocation
    events = aws("logs", PRIMARY).filter_log_events(logGroupName="/aws/lambda/failing")["events"]
    assert any("card number rejected" in e["message"] for e in events)  # and to CloudWatch Logs


def test_timeout_ends_the_invocation_like_lambda(aws, control):
    create_function(aws, PRIMARY, "slow", HANDLER, Timeout=1)
    client = aws("lambda", PRIMARY)
    _invoke(client, "slow", {})  # warm the environment: the init phase has its own budget
    started = time.monotonic()
    answer, error = _invoke(client, "slow", {"action": "sleep", "seconds": 10}, LogType="Tail")
    assert time.monotonic() - started < 5
    assert answer["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in error["errorMessage"]
    assert "Task timed out after 1.00 seconds" in base64.b64decode(answer["LogResult"]).decode()
    # The killed environment is replaced on the next call.
    answer, result = _invoke(client, "slow", {"n": 1})
    assert "FunctionError" not in answer and result["echo"] == {"n": 1}


def test_event_and_dry_run_invocations(aws, control):
    aws("dynamodb", PRIMARY).create_table(
        TableName="events", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    create_function(aws, PRIMARY, "async", HANDLER)
    client = aws("lambda", PRIMARY)
    answer = client.invoke(FunctionName="async", InvocationType="Event",
                           Payload=json.dumps({"action": "put", "table": "events", "id": "e-1"}).encode())
    assert answer["StatusCode"] == 202 and answer["Payload"].read() == b""
    deadline = time.monotonic() + 10
    while not aws("dynamodb", PRIMARY).scan(TableName="events")["Items"]:
        assert time.monotonic() < deadline, "the Event invocation never ran"
        time.sleep(0.05)
    assert client.invoke(FunctionName="async", InvocationType="DryRun")["StatusCode"] == 204


def test_new_code_recycles_the_warm_worker_and_versions_keep_theirs(aws, control):
    create_function(aws, PRIMARY, "versioned", "def handler(event, context):\n    return 'v1'\n")
    client = aws("lambda", PRIMARY)
    assert _invoke(client, "versioned", {})[1] == "v1"
    client.publish_version(FunctionName="versioned")
    client.update_function_code(FunctionName="versioned",
                                ZipFile=package("def handler(event, context):\n    return 'v2'\n"))
    assert _invoke(client, "versioned", {})[1] == "v2"
    assert _invoke(client, "versioned", {}, Qualifier="1")[1] == "v1"
    workers = control.get("lambda/workers")["workers"]
    assert sorted(w["version"] for w in workers) == ["$LATEST", "1"]


def test_invoke_errors_of_the_api_itself(aws, control):
    client = aws("lambda", PRIMARY, retries=1)
    with pytest.raises(ClientError) as err:
        client.invoke(FunctionName="missing", Payload=b"{}")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    create_function(aws, PRIMARY, "throttled", HANDLER)
    client.put_function_concurrency(FunctionName="throttled", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as err:
        client.invoke(FunctionName="throttled", Payload=b"{}")
    assert err.value.response["Error"]["Code"] == "TooManyRequestsException"
    create_function(aws, PRIMARY, "broken", HANDLER, Handler="nomodule.handler")
    answer, error = _invoke(client, "broken", {})
    assert answer["FunctionError"] == "Unhandled" and error["errorType"] == "Runtime.ImportModuleError"


def test_the_function_region_outage_refuses_invoke_until_it_is_back(aws, control):
    create_function(aws, PRIMARY, "regional", HANDLER)
    create_function(aws, DR, "regional", HANDLER)
    control.region_down(PRIMARY)
    with pytest.raises(ClientError) as err:
        aws("lambda", PRIMARY, retries=1).invoke(FunctionName="regional", Payload=b"{}")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert _invoke(aws("lambda", DR), "regional", {})[1]["env"]["AWS_REGION"] == DR
    control.region_up(PRIMARY)
    assert _invoke(aws("lambda", PRIMARY), "regional", {})[1]["env"]["AWS_REGION"] == PRIMARY
