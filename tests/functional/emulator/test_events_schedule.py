"""EventBridge scheduled rules invoke their Lambda targets on the emulator's clock (events_schedule)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import DR
from tests.emulator.extensions.events_schedule import rate_seconds
from tests.functional.emulator.dataplane_helpers import create_function

RECORDER = """
import json, boto3

def handler(event, context):
    boto3.client("dynamodb").put_item(TableName="seen", Item={"id": {"S": json.dumps(event, sort_keys=True)}})
"""


@pytest.fixture
def scheduled(aws):
    aws("dynamodb", DR).create_table(TableName="seen", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                     BillingMode="PAY_PER_REQUEST")
    function_arn = create_function(aws, DR, "recorder", RECORDER)
    rule_arn = aws("events", DR).put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")["RuleArn"]
    aws("events", DR).put_targets(Rule="every-minute", Targets=[{"Id": "recorder", "Arn": function_arn}])
    return function_arn, rule_arn


def seen(aws):
    return [json.loads(item["id"]["S"]) for item in aws("dynamodb", DR).scan(TableName="seen")["Items"]]


def failed_invocations(aws):
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    points = aws("cloudwatch", DR).get_metric_statistics(
        Namespace="AWS/Events", MetricName="FailedInvocations", Dimensions=[{"Name": "RuleName", "Value": "every-minute"}],
        StartTime=end - timedelta(minutes=10), EndTime=end, Period=600, Statistics=["Sum"])["Datapoints"]
    return points[0]["Sum"] if points else None


def test_a_rule_runs_once_per_period_and_only_with_the_function_s_permission(aws, control, scheduled):
    function_arn, rule_arn = scheduled
    assert control.post("events/run") == {"runs": []}  # the first run is one period after creation
    control.advance_clock(60)
    [run] = control.post("events/run")["runs"]
    assert (run["rule"], run["invoked"], run["failed"]) == ("every-minute", [], ["recorder"])  # no permission
    assert seen(aws) == [] and failed_invocations(aws) == 1

    aws("lambda", DR).add_permission(FunctionName="recorder", StatementId="events", Action="lambda:InvokeFunction",
                                     Principal="events.amazonaws.com", SourceArn=rule_arn)
    assert control.post("events/run") == {"runs": []}  # not due again yet
    control.advance_clock(60)
    [run] = control.post("events/run")["runs"]
    assert run["invoked"] == ["recorder"]
    [event] = seen(aws)
    assert (event["source"], event["detail-type"], event["resources"], event["region"]) == (
        "aws.events", "Scheduled Event", [rule_arn], DR)


def test_a_target_s_constant_input_replaces_the_event_and_a_disabled_rule_stays_quiet(aws, control, scheduled):
    function_arn, rule_arn = scheduled
    aws("lambda", DR).add_permission(FunctionName="recorder", StatementId="events", Action="lambda:InvokeFunction",
                                     Principal="events.amazonaws.com", SourceArn=rule_arn)
    aws("events", DR).put_targets(Rule="every-minute", Targets=[
        {"Id": "recorder", "Arn": function_arn, "Input": json.dumps({"probe": "primary"})}])
    control.advance_clock(60)
    assert [r["invoked"] for r in control.post("events/run")["runs"]] == [["recorder"]]
    assert seen(aws) == [{"probe": "primary"}]

    aws("events", DR).disable_rule(Name="every-minute")
    control.advance_clock(120)
    assert control.post("events/run") == {"runs": []}


def test_a_region_that_is_down_runs_nothing(aws, control, scheduled):
    control.region_down(DR)
    control.advance_clock(60)
    assert control.post("events/run") == {"runs": []}


@pytest.mark.parametrize("expression, seconds", [
    ("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(2 hours)", 7200), ("rate(1 day)", 86400),
    ("rate(1 minutes)", None), ("rate(5 minute)", None), ("rate(0 minutes)", None), ("cron(0 12 * * ? *)", None),
    (None, None)])
def test_rate_expressions(expression, seconds):
    assert rate_seconds(expression) == seconds
