"""module_utils/ec2.py: the flow-log calls raise AnsibleEC2Error naming the resource, also for an
``Unsuccessful`` answer; DescribeFlowLogs gets only the filters it was given."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import ec2


def client_error(code, operation):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_describe_passes_only_what_it_is_given():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"FlowLogs": [{"FlowLogId": "fl-1"}]}
    assert ec2.describe_flow_logs(client, flow_log_ids=["fl-1"]) == [{"FlowLogId": "fl-1"}]
    client.get_paginator.assert_called_once_with("describe_flow_logs")
    client.get_paginator.return_value.paginate.assert_called_once_with(FlowLogIds=["fl-1"])


def test_a_failed_describe_is_the_services_error():
    client = MagicMock()
    client.get_paginator.return_value.paginate.side_effect = client_error("UnauthorizedOperation", "DescribeFlowLogs")
    with pytest.raises(ec2.AnsibleEC2Error) as raised:
        ec2.describe_flow_logs(client, filters=[{"Name": "resource-id", "Values": ["vpc-1"]}])
    assert raised.value.message == "Failed to describe flow logs"
    assert isinstance(raised.value.exception, botocore.exceptions.ClientError)


def test_a_failed_create_names_the_resource():
    client = MagicMock()
    client.create_flow_logs.side_effect = client_error("InvalidParameter", "CreateFlowLogs")
    with pytest.raises(ec2.AnsibleEC2Error) as raised:
        ec2.create_flow_log(client, {"ResourceIds": ["vpc-1"], "ResourceType": "VPC"})
    assert raised.value.message == "Failed to create a flow log for vpc-1"


def test_an_unsuccessful_create_is_an_error_with_the_aws_reason():
    client = MagicMock()
    client.create_flow_logs.return_value = {"FlowLogIds": [], "Unsuccessful": [
        {"ResourceId": "vpc-1", "Error": {"Code": "400", "Message": "LogDestination: nope does not exist."}}]}
    with pytest.raises(ec2.AnsibleEC2Error) as raised:
        ec2.create_flow_log(client, {"ResourceIds": ["vpc-1"], "ResourceType": "VPC"})
    assert raised.value.message == "Failed to create a flow log for vpc-1: 400 LogDestination: nope does not exist."
    assert raised.value.exception is None


def test_a_successful_create_answers_the_id():
    client = MagicMock()
    client.create_flow_logs.return_value = {"FlowLogIds": ["fl-new"], "Unsuccessful": []}
    assert ec2.create_flow_log(client, {"ResourceIds": ["vpc-1"], "ResourceType": "VPC"}) == "fl-new"


def test_an_unsuccessful_delete_names_the_flow_log():
    client = MagicMock()
    client.delete_flow_logs.return_value = {"Unsuccessful": [
        {"ResourceId": "fl-1", "Error": {"Code": "InvalidFlowLogId.NotFound", "Message": "gone"}}]}
    with pytest.raises(ec2.AnsibleEC2Error) as raised:
        ec2.delete_flow_log(client, "fl-1")
    assert raised.value.message == "Failed to delete flow log fl-1: InvalidFlowLogId.NotFound gone"


@pytest.mark.parametrize("resource_id", ["fl-1", "vpce-1"])
@pytest.mark.parametrize("call, args, message", [
    ("create_tags", ({"Team": "payments"},), "Failed to tag %s"),
    ("delete_tags", (["Team"],), "Failed to untag %s"),
])
def test_a_failed_tag_call_names_the_resource(call, args, message, resource_id):
    client = MagicMock()
    getattr(client, call).side_effect = client_error("InvalidFlowLogId.NotFound", "CreateTags")
    with pytest.raises(ec2.AnsibleEC2Error) as raised:
        getattr(ec2, call)(client, resource_id, *args)
    assert raised.value.message == message % resource_id


def test_deleting_an_endpoint_already_gone_is_not_an_error_another_refusal_is():
    client = MagicMock()
    client.delete_vpc_endpoints.return_value = {"Unsuccessful": [
        {"ResourceId": "vpce-1", "Error": {"Code": "InvalidVpcEndpoint.NotFound", "Message": "gone"}}]}
    ec2.delete_vpc_endpoint(client, "vpce-1")
    client.delete_vpc_endpoints.assert_called_once_with(aws_retry=True, VpcEndpointIds=["vpce-1"])
    client.delete_vpc_endpoints.return_value = {"Unsuccessful": [
        {"ResourceId": "vpce-1", "Error": {"Code": "UnauthorizedOperation", "Message": "no"}}]}
    with pytest.raises(ec2.AnsibleEC2Error) as raised:
        ec2.delete_vpc_endpoint(client, "vpce-1")
    assert raised.value.message == "Failed to delete VPC endpoint vpce-1: UnauthorizedOperation no"


def test_a_refused_endpoint_modification_names_the_endpoint():
    client = MagicMock()
    client.modify_vpc_endpoint.side_effect = client_error("RouteAlreadyExists", "ModifyVpcEndpoint")
    with pytest.raises(ec2.AnsibleEC2Error) as raised:
        ec2.modify_vpc_endpoint(client, "vpce-1", {"AddRouteTableIds": ["rtb-1"]})
    assert raised.value.message == "Failed to modify VPC endpoint vpce-1"
