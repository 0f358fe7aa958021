from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import ec2_vpc_flow_log

VPC = "vpc-0123456789abcdef0"
ROLE = "arn:aws:iam::123456789012:role/flow-logs"
GROUP = "payments-vpc-flow-logs-primary-test"
DEFAULT_FORMAT = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${log-status}"


def flow_log(flow_log_id="fl-1", resource_id=VPC, group=GROUP, traffic="ALL", role=ROLE, interval=600,
             tags=None, destination_type="cloud-watch-logs", destination=None):
    entry = {
        "FlowLogId": flow_log_id, "ResourceId": resource_id, "TrafficType": traffic,
        "LogDestinationType": destination_type, "DeliverLogsPermissionArn": role,
        "MaxAggregationInterval": interval, "LogFormat": DEFAULT_FORMAT, "FlowLogStatus": "ACTIVE",
        "DeliverLogsStatus": "SUCCESS", "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }
    if group:
        entry["LogGroupName"] = group
    if destination:
        entry["LogDestination"] = destination
    return entry


class FakeEc2:
    """A MagicMock EC2 client whose flow-log calls act on an in-memory list."""

    def __init__(self, *existing):
        self.flow_logs = list(existing)
        self.client = MagicMock()
        self.client.get_paginator.return_value.paginate.side_effect = self._describe
        self.client.create_flow_logs.side_effect = self._create
        self.client.delete_flow_logs.return_value = {"Unsuccessful": []}

    def _describe(self, Filters=None, FlowLogIds=None):
        found = self.flow_logs
        if FlowLogIds:
            found = [fl for fl in found if fl["FlowLogId"] in FlowLogIds]
        for flt in Filters or []:
            assert flt["Name"] == "resource-id"
            found = [fl for fl in found if fl["ResourceId"] in flt["Values"]]
        page = MagicMock()
        page.build_full_result.return_value = {"FlowLogs": found}
        return page

    def _create(self, **params):
        tags = {t["Key"]: t["Value"] for spec in params.get("TagSpecifications", []) for t in spec["Tags"]}
        self.flow_logs.append(flow_log("fl-new", params["ResourceIds"][0], params.get("LogGroupName"),
                                       params["TrafficType"], params.get("DeliverLogsPermissionArn"),
                                       params["MaxAggregationInterval"], tags, params["LogDestinationType"],
                                       params.get("LogDestination")))
        return {"FlowLogIds": ["fl-new"], "Unsuccessful": []}


def args(**overrides):
    base = {"resource_id": VPC, "log_group_name": GROUP, "deliver_logs_permission_arn": ROLE,
            "tags": {"Environment": "test", "Name": "flow"}}
    base.update(overrides)
    return base


@pytest.mark.parametrize("check_mode", [False, True])
def test_creates_a_missing_flow_log(run_module, check_mode):
    fake = FakeEc2(flow_log("fl-other", group="some-other-group"))  # another destination: not ours
    result, failed = run_module(ec2_vpc_flow_log, args(), fake.client, check_mode=check_mode, diff=True)
    assert not failed and result["changed"] and not result["replaced"]
    assert result["diff"]["before"] == {}
    assert result["flow_log"]["log_group_name"] == GROUP
    assert result["flow_log"]["tags"] == {"Environment": "test", "Name": "flow"}
    if check_mode:
        fake.client.create_flow_logs.assert_not_called()
        assert result["flow_log"]["flow_log_id"] == ""
        return
    params = fake.client.create_flow_logs.call_args.kwargs
    assert params["ResourceIds"] == [VPC] and params["ResourceType"] == "VPC"
    assert (params["TrafficType"], params["LogDestinationType"], params["LogGroupName"]) == (
        "ALL", "cloud-watch-logs", GROUP)
    assert params["DeliverLogsPermissionArn"] == ROLE and params["MaxAggregationInterval"] == 600
    assert params["TagSpecifications"] == [{"ResourceType": "vpc-flow-log", "Tags": [
        {"Key": "Environment", "Value": "test"}, {"Key": "Name", "Value": "flow"}]}]
    assert "LogFormat" not in params and "LogDestination" not in params
    assert result["flow_log"]["flow_log_id"] == "fl-new"


@pytest.mark.parametrize("check_mode", [False, True])
def test_matching_flow_log_is_left_alone(run_module, check_mode):
    fake = FakeEc2(flow_log(tags={"Environment": "test", "Name": "flow"}))
    result, failed = run_module(ec2_vpc_flow_log, args(), fake.client, check_mode=check_mode)
    assert not failed and not result["changed"]
    assert result["flow_log"]["flow_log_id"] == "fl-1"
    for write in ("create_flow_logs", "delete_flow_logs", "create_tags", "delete_tags"):
        getattr(fake.client, write).assert_not_called()


@pytest.mark.parametrize("purge, added, removed", [
    (True, {"Environment": "test"}, ["Stale"]),
    (False, {"Environment": "test"}, []),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_tags_are_changed_in_place(run_module, purge, added, removed, check_mode):
    fake = FakeEc2(flow_log(tags={"Environment": "old", "Name": "flow", "Stale": "x"}))
    result, failed = run_module(ec2_vpc_flow_log, args(purge_tags=purge), fake.client, check_mode=check_mode)
    assert not failed and result["changed"] and not result["replaced"]
    expected = {"Environment": "test", "Name": "flow"}
    if not purge:
        expected["Stale"] = "x"
    assert result["flow_log"]["tags"] == expected
    fake.client.create_flow_logs.assert_not_called()
    fake.client.delete_flow_logs.assert_not_called()
    if check_mode:
        fake.client.create_tags.assert_not_called()
        fake.client.delete_tags.assert_not_called()
        return
    fake.client.create_tags.assert_called_once_with(
        aws_retry=True, Resources=["fl-1"], Tags=[{"Key": k, "Value": v} for k, v in added.items()])
    if removed:
        fake.client.delete_tags.assert_called_once_with(aws_retry=True, Resources=["fl-1"],
                                                        Tags=[{"Key": "Stale"}])
    else:
        fake.client.delete_tags.assert_not_called()


@pytest.mark.parametrize("change", [
    {"traffic_type": "REJECT"},
    {"max_aggregation_interval": 60},
    {"deliver_logs_permission_arn": "arn:aws:iam::123456789012:role/other"},
    {"log_format": "${srcaddr} ${dstaddr}"},
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_changed_settings_replace_the_flow_log(run_module, change, check_mode):
    fake = FakeEc2(flow_log(tags={"Environment": "test", "Name": "flow"}))
    result, failed = run_module(ec2_vpc_flow_log, args(**change), fake.client, check_mode=check_mode, diff=True)
    assert not failed and result["changed"] and result["replaced"]
    assert result["diff"]["before"]["flow_log_id"] == "fl-1"
    if check_mode:
        fake.client.delete_flow_logs.assert_not_called()
        fake.client.create_flow_logs.assert_not_called()
        return
    fake.client.delete_flow_logs.assert_called_once_with(aws_retry=True, FlowLogIds=["fl-1"])
    fake.client.create_flow_logs.assert_called_once()
    assert result["flow_log"]["flow_log_id"] == "fl-new"


def test_unset_log_format_is_not_compared(run_module):
    fake = FakeEc2(flow_log(tags={"Environment": "test", "Name": "flow"}))
    fake.flow_logs[0]["LogFormat"] = "${custom}"
    result, failed = run_module(ec2_vpc_flow_log, args(), fake.client)
    assert not failed and not result["changed"]


@pytest.mark.parametrize("existing, changed", [([flow_log()], True), ([], False),
                                               ([flow_log(group="another")], False)])
@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_deletes_only_the_matching_flow_log(run_module, existing, changed, check_mode):
    fake = FakeEc2(*existing)
    result, failed = run_module(ec2_vpc_flow_log, {"resource_id": VPC, "log_group_name": GROUP, "state": "absent"},
                                fake.client, check_mode=check_mode)
    assert not failed and result["changed"] is changed and result["flow_log"] == {}
    if changed and not check_mode:
        fake.client.delete_flow_logs.assert_called_once_with(aws_retry=True, FlowLogIds=["fl-1"])
    else:
        fake.client.delete_flow_logs.assert_not_called()


def test_s3_destination_is_matched_by_arn(run_module):
    bucket = "arn:aws:s3:::flow-logs/vpc/"
    fake = FakeEc2(flow_log(group=None, role=None, destination_type="s3", destination=bucket))
    result, failed = run_module(ec2_vpc_flow_log, {"resource_id": VPC, "log_destination_type": "s3",
                                                   "log_destination": bucket}, fake.client)
    assert not failed and not result["changed"]
    result, failed = run_module(ec2_vpc_flow_log, {"resource_id": VPC, "log_destination_type": "s3",
                                                   "log_destination": "arn:aws:s3:::other"}, fake.client)
    assert not failed and result["changed"] and not result["replaced"]
    assert fake.client.create_flow_logs.call_args.kwargs["LogDestination"] == "arn:aws:s3:::other"


def test_unsuccessful_creation_fails_with_the_aws_error(run_module):
    fake = FakeEc2()
    fake.client.create_flow_logs.side_effect = None
    fake.client.create_flow_logs.return_value = {"FlowLogIds": [], "Unsuccessful": [
        {"ResourceId": VPC, "Error": {"Code": "400", "Message": "LogDestination: nope does not exist."}}]}
    result, failed = run_module(ec2_vpc_flow_log, args(), fake.client)
    assert failed and "does not exist" in result["msg"] and VPC in result["msg"]


@pytest.mark.parametrize("bad_args, message", [
    ({"resource_id": VPC, "log_group_name": GROUP}, "needs deliver_logs_permission_arn"),
    ({"resource_id": VPC, "deliver_logs_permission_arn": ROLE}, "needs log_group_name or log_destination"),
    ({"resource_id": VPC, "log_destination_type": "s3"}, "log_destination"),
    ({"resource_id": VPC, "log_destination_type": "s3", "log_destination": "arn:aws:s3:::b",
      "log_group_name": GROUP}, "mutually exclusive"),
    ({"resource_id": VPC, "log_destination_type": "kinesis-data-firehose", "log_destination": "arn:x",
      "deliver_logs_permission_arn": ROLE, "max_aggregation_interval": 30}, "one of"),
])
def test_invalid_arguments_fail_before_any_call(run_module, bad_args, message):
    fake = FakeEc2()
    result, failed = run_module(ec2_vpc_flow_log, bad_args, fake.client)
    assert failed and message in result["msg"]
    fake.client.get_paginator.assert_not_called()
    fake.client.create_flow_logs.assert_not_called()
