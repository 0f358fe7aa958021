"""module_utils/cloudwatch.py: a missing dashboard is None (read) or False (delete), alarms are
described 100 names a request, and every other error is AnsibleCloudWatchError naming the resource."""

from __future__ import annotations

import json
from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import cloudwatch


def client_error(code, operation):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_a_missing_dashboard_is_none():
    client = MagicMock()
    client.get_dashboard.side_effect = client_error("ResourceNotFound", "GetDashboard")
    assert cloudwatch.get_dashboard(client, "d") is None


def test_a_dashboard_is_read_with_its_body_as_data():
    client = MagicMock()
    client.get_dashboard.return_value = {"DashboardName": "d", "DashboardArn": "arn:d", "DashboardBody": '{"widgets": []}'}
    assert cloudwatch.get_dashboard(client, "d") == {"dashboard_name": "d", "dashboard_arn": "arn:d", "body": {"widgets": []}}


def test_any_other_dashboard_error_names_the_dashboard():
    client = MagicMock()
    client.get_dashboard.side_effect = client_error("AccessDenied", "GetDashboard")
    with pytest.raises(cloudwatch.AnsibleCloudWatchError) as raised:
        cloudwatch.get_dashboard(client, "payments-primary-prod")
    assert raised.value.message == "Failed to get dashboard payments-primary-prod"


def test_a_dashboard_is_put_as_json_and_answers_the_validation_messages():
    client = MagicMock()
    client.put_dashboard.return_value = {"DashboardValidationMessages": [{"Message": "m"}]}
    assert cloudwatch.put_dashboard(client, "d", {"widgets": []}) == [{"Message": "m"}]
    assert json.loads(client.put_dashboard.call_args.kwargs["DashboardBody"]) == {"widgets": []}
    client.put_dashboard.side_effect = client_error("InvalidParameterInput", "PutDashboard")
    with pytest.raises(cloudwatch.AnsibleCloudWatchError) as raised:
        cloudwatch.put_dashboard(client, "d", {})
    assert raised.value.message == "Failed to put dashboard d"


def test_deleting_a_dashboard_already_gone_is_false():
    client = MagicMock()
    assert cloudwatch.delete_dashboard(client, "d") is True
    client.delete_dashboards.assert_called_once_with(aws_retry=True, DashboardNames=["d"])
    client.delete_dashboards.side_effect = client_error("ResourceNotFound", "DeleteDashboards")
    assert cloudwatch.delete_dashboard(client, "d") is False
    client.delete_dashboards.side_effect = client_error("InvalidParameterValue", "DeleteDashboards")
    with pytest.raises(cloudwatch.AnsibleCloudWatchError) as raised:
        cloudwatch.delete_dashboard(client, "d")
    assert raised.value.message == "Failed to delete dashboard d"


def test_alarms_are_described_100_names_a_request_and_keyed_by_name():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = [
        {"MetricAlarms": [{"AlarmName": "a000"}]}, {"MetricAlarms": [{"AlarmName": "a120"}]}]
    names = ["a%03d" % i for i in range(150)]
    assert cloudwatch.metric_alarms_by_name(client, names) == {"a000": {"AlarmName": "a000"}, "a120": {"AlarmName": "a120"}}
    client.get_paginator.assert_called_with("describe_alarms")
    calls = client.get_paginator.return_value.paginate.call_args_list
    assert [c.kwargs for c in calls] == [{"AlarmNames": names[:100], "AlarmTypes": ["MetricAlarm"]},
                                         {"AlarmNames": names[100:], "AlarmTypes": ["MetricAlarm"]}]


def test_a_failed_describe_is_the_services_error():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = client_error(
        "ResourceNotFound", "DescribeAlarms")  # not "missing" outside dashboards' reads and deletes
    with pytest.raises(cloudwatch.AnsibleCloudWatchError) as raised:
        cloudwatch.metric_alarms_by_name(client, ["a"])
    assert raised.value.message == "Failed to describe the alarms"


@pytest.mark.parametrize("call, args, operation, message", [
    (cloudwatch.create_metric_alarm, ({"AlarmName": "a"}, {}), "put_metric_alarm", "Failed to create alarm a"),
    (cloudwatch.update_metric_alarm, ({"AlarmName": "a"},), "put_metric_alarm", "Failed to update alarm a"),
    (cloudwatch.list_alarm_tags, ({"AlarmName": "a", "AlarmArn": "arn:a"},), "list_tags_for_resource",
     "Failed to list the tags of alarm a"),
    (cloudwatch.tag_alarm, ({"AlarmName": "a", "AlarmArn": "arn:a"}, {"k": "v"}), "tag_resource", "Failed to tag alarm a"),
    (cloudwatch.untag_alarm, ({"AlarmName": "a", "AlarmArn": "arn:a"}, ["k"]), "untag_resource", "Failed to tag alarm a"),
])
def test_alarm_errors_name_the_alarm(call, args, operation, message):
    client = MagicMock()
    getattr(client, operation).side_effect = client_error("ResourceNotFoundException", operation)
    with pytest.raises(cloudwatch.AnsibleCloudWatchError) as raised:
        call(client, *args)
    assert raised.value.message == message


def test_a_new_alarm_is_put_with_its_tags_only_when_there_are_some():
    client = MagicMock()
    cloudwatch.create_metric_alarm(client, {"AlarmName": "a"}, {"Environment": "prod"})
    client.put_metric_alarm.assert_called_once_with(aws_retry=True, AlarmName="a",
                                                    Tags=[{"Key": "Environment", "Value": "prod"}])
    client.reset_mock()
    cloudwatch.create_metric_alarm(client, {"AlarmName": "a"}, None)
    client.put_metric_alarm.assert_called_once_with(aws_retry=True, AlarmName="a")
