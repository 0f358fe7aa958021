from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import cloudwatch_metric_alarms

TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"
TAGS = {"Environment": "prod", "Project": "PaymentProcessing"}


def alarm(name, **overrides):
    return dict({"name": name, "description": "d", "namespace": "AWS/Lambda", "metric_name": "Errors",
                 "statistic": "Sum", "comparison": "GreaterThanOrEqualToThreshold", "threshold": 1,
                 "unit": "Count", "period": 60, "dimensions": {"FunctionName": "f", "Resource": "r"},
                 "treat_missing_data": "notBreaching", "alarm_actions": [TOPIC], "ok_actions": [TOPIC]},
                **overrides)


def described(name, **overrides):
    """An alarm as DescribeAlarms returns it for alarm(name): dimensions in another order, extra fields."""
    return dict({"AlarmName": name, "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + name,
                 "AlarmDescription": "d", "ActionsEnabled": True, "OKActions": [TOPIC], "AlarmActions": [TOPIC],
                 "InsufficientDataActions": [], "MetricName": "Errors", "Namespace": "AWS/Lambda",
                 "Statistic": "Sum", "Dimensions": [{"Name": "Resource", "Value": "r"}, {"Name": "FunctionName", "Value": "f"}],
                 "Period": 60, "Unit": "Count", "EvaluationPeriods": 1, "Threshold": 1.0,
                 "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
                 "StateValue": "OK", "StateReason": "x"}, **overrides)


def client_with(existing, tags=None):
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"MetricAlarms": existing}
    client.list_tags_for_resource.return_value = {
        "Tags": [{"Key": k, "Value": v} for k, v in (TAGS if tags is None else tags).items()]}
    return client


def put_names(client):
    return [c.kwargs["AlarmName"] for c in client.put_metric_alarm.call_args_list]


@pytest.mark.parametrize("check_mode", [False, True])
def test_missing_alarms_are_created_tagged(run_module, check_mode):
    client = client_with([described("a")])
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [alarm("a"), alarm("b")], "tags": TAGS},
                                client, check_mode=check_mode, diff=True)
    assert not failed, result
    assert result["changed"] and result["created"] == ["b"] and result["updated"] == []
    client.get_paginator.return_value.paginate.assert_called_once_with(AlarmNames=["a", "b"], AlarmTypes=["MetricAlarm"])
    if check_mode:
        client.put_metric_alarm.assert_not_called()
    else:
        client.put_metric_alarm.assert_called_once()
        put = client.put_metric_alarm.call_args.kwargs
        assert put["AlarmName"] == "b" and put["Threshold"] == 1.0
        assert put["Dimensions"] == [{"Name": "FunctionName", "Value": "f"}, {"Name": "Resource", "Value": "r"}]
        assert put["Tags"] == [{"Key": k, "Value": v} for k, v in TAGS.items()]
        assert "ExtendedStatistic" not in put and "InsufficientDataActions" not in put
    assert result["diff"]["before"]["b"] == {}


def test_alarms_in_desired_state_make_only_reads(run_module):
    client = client_with([described("a"), described("b")])
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [alarm("a"), alarm("b")], "tags": TAGS}, client)
    assert not failed, result
    assert not result["changed"]
    client.put_metric_alarm.assert_not_called()
    client.tag_resource.assert_not_called()
    client.untag_resource.assert_not_called()
    assert [a["alarm_name"] for a in result["alarms"]] == ["a", "b"]
    assert result["alarms"][0]["tags"] == TAGS and result["alarms"][0]["threshold"] == 1.0


@pytest.mark.parametrize("drift", [
    {"Threshold": 5.0}, {"ComparisonOperator": "GreaterThanThreshold"}, {"AlarmActions": []},
    {"Dimensions": [{"Name": "FunctionName", "Value": "other"}]}, {"ExtendedStatistic": "p99"},
    {"TreatMissingData": "missing"}, {"ActionsEnabled": False}, {"Unit": "Seconds"},
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_drifted_alarm_alone_is_put_back(run_module, drift, check_mode):
    client = client_with([described("a"), described("b", **drift)])
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [alarm("a"), alarm("b")], "tags": TAGS},
                                client, check_mode=check_mode)
    assert not failed, result
    assert result["changed"] and result["updated"] == ["b"] and result["created"] == []
    assert put_names(client) == ([] if check_mode else ["b"])
    if not check_mode:
        put = client.put_metric_alarm.call_args.kwargs
        assert put["Threshold"] == 1.0 and "Tags" not in put and "ExtendedStatistic" not in put


def test_drifted_tags_are_fixed_without_putting_the_alarm(run_module):
    client = client_with([described("a")], tags={"Environment": "old", "Stale": "x"})
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [alarm("a")], "tags": TAGS}, client)
    assert not failed, result
    assert result["changed"] and result["retagged"] == ["a"] and result["updated"] == []
    client.put_metric_alarm.assert_not_called()
    arn = described("a")["AlarmArn"]
    client.untag_resource.assert_called_once_with(aws_retry=True, ResourceARN=arn, TagKeys=["Stale"])
    assert {t["Key"]: t["Value"] for t in client.tag_resource.call_args.kwargs["Tags"]} == TAGS
    assert result["alarms"][0]["tags"] == TAGS


def test_tags_left_alone_when_not_given(run_module):
    client = client_with([described("a")], tags={"Other": "x"})
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [alarm("a")]}, client)
    assert not failed and not result["changed"]
    client.untag_resource.assert_not_called()


@pytest.mark.parametrize("bad, message", [
    ({"statistic": "Sum", "extended_statistic": "p99"}, "mutually exclusive"),
    ({}, "one of the following is required"),
])
def test_statistic_is_exactly_one_of_two(run_module, bad, message):
    client = client_with([])
    definition = alarm("a", **bad) if bad else dict((k, v) for k, v in alarm("a").items() if k != "statistic")
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [definition]}, client)
    assert failed and message in result["msg"]
    client.put_metric_alarm.assert_not_called()


def test_duplicate_names_fail_before_any_write(run_module):
    client = client_with([])
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [alarm("a"), alarm("a")]}, client)
    assert failed and "unique" in result["msg"]
    client.put_metric_alarm.assert_not_called()


def test_more_than_100_alarms_are_described_in_pages_of_100(run_module):
    client = client_with([])
    names = ["a%03d" % i for i in range(150)]
    result, failed = run_module(cloudwatch_metric_alarms, {"alarms": [alarm(n) for n in names]}, client, check_mode=True)
    assert not failed, result
    calls = client.get_paginator.return_value.paginate.call_args_list
    assert [len(c.kwargs["AlarmNames"]) for c in calls] == [100, 50]
