from __future__ import annotations

import json
from unittest.mock import MagicMock

import pytest
from botocore.exceptions import ClientError

from ansible_collections.payments.dr.plugins.modules import eventbridge_schedule

ARN = "arn:aws:events:us-east-2:123456789012:rule/probe"
FUNCTION = "arn:aws:lambda:us-east-2:123456789012:function:payments-validate-dr-dev"
INPUT = {"peer_probe": {"url": "https://abc.execute-api.us-east-1.amazonaws.com/prod/health", "region": "us-east-1"}}
ARGS = {"name": "probe", "schedule_expression": "rate(1 minute)", "region": "us-east-2", "tags": {"Environment": "dev"},
        "targets": [{"id": "peer-probe", "arn": FUNCTION, "input": INPUT}]}


def client_with(rule=True, targets=None, tags=None):
    client = MagicMock()
    if rule:
        client.describe_rule.return_value = {"Name": "probe", "Arn": ARN, "ScheduleExpression": "rate(1 minute)",
                                             "State": "ENABLED"}
    else:
        client.describe_rule.side_effect = ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no"}},
                                                       "DescribeRule")
    client.list_targets_by_rule.return_value = {"Targets": targets if targets is not None else [
        {"Id": "peer-probe", "Arn": FUNCTION, "Input": json.dumps(INPUT)}]}
    client.list_tags_for_resource.return_value = {"Tags": [{"Key": k, "Value": v} for k, v in (
        tags if tags is not None else {"Environment": "dev"}).items()]}
    client.put_rule.return_value = {"RuleArn": ARN}
    client.put_targets.return_value = {"FailedEntryCount": 0, "FailedEntries": []}
    return client


WRITES = ("put_rule", "put_targets", "remove_targets", "delete_rule", "tag_resource", "untag_resource")


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_rule_as_wanted_changes_nothing(run_module, check_mode):
    client = client_with()
    result, failed = run_module(eventbridge_schedule, ARGS, client, check_mode=check_mode)
    assert not failed and result["changed"] is False, result
    for write in WRITES:
        getattr(client, write).assert_not_called()


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_new_rule_is_created_with_its_tags_and_targets(run_module, check_mode):
    client = client_with(rule=False)
    result, failed = run_module(eventbridge_schedule, ARGS, client, check_mode=check_mode)
    assert not failed and result["changed"] is True
    assert client.put_rule.called is not check_mode and client.put_targets.called is not check_mode
    if not check_mode:
        assert client.put_rule.call_args.kwargs["Tags"] == [{"Key": "Environment", "Value": "dev"}]
        [target] = client.put_targets.call_args.kwargs["Targets"]
        assert json.loads(target["Input"]) == INPUT and target["Arn"] == FUNCTION
        client.tag_resource.assert_not_called()


@pytest.mark.parametrize("change, write", [
    ({"schedule_expression": "rate(5 minutes)"}, "put_rule"),
    ({"enabled": False}, "put_rule"),
    ({"targets": [{"id": "peer-probe", "arn": FUNCTION,
                   "input": {"peer_probe": {"url": "https://x/health", "region": "us-east-1"}}}]}, "put_targets"),
    ({"targets": []}, "remove_targets"),
    ({"tags": {"Environment": "prod"}}, "tag_resource"),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_drifted_part_is_written_alone(run_module, change, write, check_mode):
    client = client_with()
    result, failed = run_module(eventbridge_schedule, dict(ARGS, **change), client, check_mode=check_mode)
    assert not failed and result["changed"] is True
    for other in WRITES:
        assert getattr(client, other).called is (other == write and not check_mode), other


def test_an_input_given_as_a_json_string_compares_by_value(run_module):
    client = client_with()
    args = dict(ARGS, targets=[{"id": "peer-probe", "arn": FUNCTION, "input": json.dumps(INPUT, indent=2)}])
    result, failed = run_module(eventbridge_schedule, args, client)
    assert not failed and result["changed"] is False


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_removes_targets_then_the_rule(run_module, check_mode):
    client = client_with()
    result, failed = run_module(eventbridge_schedule, {"name": "probe", "state": "absent", "region": "us-east-2"}, client,
                                check_mode=check_mode)
    assert not failed and result["changed"] is True
    assert client.remove_targets.called is not check_mode and client.delete_rule.called is not check_mode


def test_absent_when_gone_changes_nothing(run_module):
    client = client_with(rule=False)
    result, failed = run_module(eventbridge_schedule, {"name": "probe", "state": "absent"}, client)
    assert not failed and result["changed"] is False


@pytest.mark.parametrize("args, message", [
    (dict(ARGS, schedule_expression="every minute"), "is not rate(N unit) or cron(...)"),
    (dict(ARGS, targets=[{"id": "a", "arn": FUNCTION}, {"id": "a", "arn": FUNCTION}]), "target ids must be unique"),
    (dict(ARGS, targets=[{"id": "a", "arn": FUNCTION, "input": "{not json"}]), "is not JSON"),
])
def test_bad_inputs_fail_before_any_call(run_module, args, message):
    client = client_with()
    result, failed = run_module(eventbridge_schedule, args, client)
    assert failed and message in result["msg"]
    client.describe_rule.assert_not_called()
