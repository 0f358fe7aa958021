from __future__ import annotations

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import ec2_vpc_gateway_endpoint

VPC = "vpc-0123456789abcdef0"
SERVICE = "com.amazonaws.us-east-1.s3"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
                                                  "Condition": {"StringEquals": {"aws:ResourceAccount": "123456789012"}}}]}
FULL_ACCESS = {"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def endpoint(endpoint_id="vpce-1", tables=("rtb-a", "rtb-b"), policy=None, tags=None, state="available"):
    policy = POLICY if policy is None else policy
    return {"VpcEndpointId": endpoint_id, "VpcEndpointType": "Gateway", "VpcId": VPC, "ServiceName": SERVICE,
            "State": state, "RouteTableIds": list(tables), "PolicyDocument": json.dumps(policy),
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {"Name": "s3"}).items()]}


class FakeEc2:
    """A MagicMock EC2 client whose endpoint calls act on an in-memory list."""

    def __init__(self, *existing):
        self.endpoints = list(existing)
        self.client = MagicMock()
        self.client.get_paginator.return_value.paginate.side_effect = self._describe
        self.client.create_vpc_endpoint.side_effect = self._create
        self.client.delete_vpc_endpoints.return_value = {"Unsuccessful": []}

    def _describe(self, Filters):
        found = self.endpoints
        values = {f["Name"]: f["Values"] for f in Filters}
        assert values["vpc-endpoint-type"] == ["Gateway"] and "available" in values["vpc-endpoint-state"]
        found = [e for e in found if e["VpcId"] in values["vpc-id"] and e["ServiceName"] in values["service-name"]
                 and e["State"] in values["vpc-endpoint-state"]]
        page = MagicMock()
        page.build_full_result.return_value = {"VpcEndpoints": found}
        return page

    def _create(self, **params):
        tags = {t["Key"]: t["Value"] for spec in params.get("TagSpecifications", []) for t in spec["Tags"]}
        created = endpoint("vpce-new", params["RouteTableIds"], json.loads(params.get("PolicyDocument", json.dumps(FULL_ACCESS))), tags)
        self.endpoints.append(created)
        return {"VpcEndpoint": created}


def args(**overrides):
    base = {"vpc_id": VPC, "service_name": SERVICE, "route_table_ids": ["rtb-b", "rtb-a"], "policy": POLICY,
            "tags": {"Name": "s3"}}
    base.update(overrides)
    return base


WRITES = ("create_vpc_endpoint", "modify_vpc_endpoint", "delete_vpc_endpoints", "create_tags", "delete_tags")


def writes(fake):
    return [name for name in WRITES if getattr(fake.client, name).called]


@pytest.mark.parametrize("check_mode", [False, True])
def test_creates_a_missing_endpoint_with_its_tables_policy_and_tags(run_module, check_mode):
    fake = FakeEc2(endpoint("vpce-gone", state="deleted"))
    result, failed = run_module(ec2_vpc_gateway_endpoint, args(), fake.client, check_mode=check_mode, diff=True)
    assert not failed and result["changed"]
    assert result["diff"]["before"] == {}
    if check_mode:
        assert writes(fake) == []
        return
    params = fake.client.create_vpc_endpoint.call_args.kwargs
    assert (params["VpcId"], params["ServiceName"], params["VpcEndpointType"]) == (VPC, SERVICE, "Gateway")
    assert params["RouteTableIds"] == ["rtb-a", "rtb-b"] and json.loads(params["PolicyDocument"]) == POLICY
    assert params["TagSpecifications"] == [{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "s3"}]}]
    assert result["endpoint"]["vpc_endpoint_id"] == "vpce-new"


def test_matching_endpoint_is_left_alone(run_module):
    fake = FakeEc2(endpoint())
    result, failed = run_module(ec2_vpc_gateway_endpoint, args(policy=json.dumps(POLICY)), fake.client)
    assert not failed and not result["changed"] and writes(fake) == []
    assert result["endpoint"]["route_table_ids"] == ["rtb-a", "rtb-b"] and result["endpoint"]["policy"] == POLICY


@pytest.mark.parametrize("check_mode", [False, True])
def test_route_tables_and_policy_are_modified_in_place(run_module, check_mode):
    fake = FakeEc2(endpoint(tables=["rtb-a", "rtb-old"], policy=FULL_ACCESS))
    result, failed = run_module(ec2_vpc_gateway_endpoint, args(route_table_ids=["rtb-a", "rtb-b", "rtb-c"]), fake.client,
                                check_mode=check_mode, diff=True)
    assert not failed and result["changed"]
    assert result["diff"]["before"]["route_table_ids"] == ["rtb-a", "rtb-old"]
    assert result["diff"]["after"]["route_table_ids"] == ["rtb-a", "rtb-b", "rtb-c"]
    assert result["diff"]["after"]["policy"] == POLICY
    if check_mode:
        assert writes(fake) == []
        return
    assert writes(fake) == ["modify_vpc_endpoint"]  # never a second endpoint
    call = fake.client.modify_vpc_endpoint.call_args.kwargs
    assert call["VpcEndpointId"] == "vpce-1"
    assert (call["AddRouteTableIds"], call["RemoveRouteTableIds"]) == (["rtb-b", "rtb-c"], ["rtb-old"])
    assert json.loads(call["PolicyDocument"]) == POLICY


def test_an_omitted_policy_is_not_compared(run_module):
    fake = FakeEc2(endpoint(policy=FULL_ACCESS))
    result, failed = run_module(ec2_vpc_gateway_endpoint, args(policy=None), fake.client)
    assert not failed and not result["changed"] and writes(fake) == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_tags_are_changed_in_place(run_module, check_mode):
    fake = FakeEc2(endpoint(tags={"Name": "s3", "Stale": "x"}))
    result, failed = run_module(ec2_vpc_gateway_endpoint, args(tags={"Name": "s3", "Environment": "test"}), fake.client,
                                check_mode=check_mode)
    assert not failed and result["changed"]
    assert result["endpoint"]["tags"] == {"Name": "s3", "Environment": "test"}
    assert writes(fake) == ([] if check_mode else ["create_tags", "delete_tags"])


@pytest.mark.parametrize("existing, changed", [((endpoint(),), True), ((), False), ((endpoint(state="deleted"),), False)])
@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_deletes_the_live_endpoint(run_module, existing, changed, check_mode):
    fake = FakeEc2(*existing)
    result, failed = run_module(ec2_vpc_gateway_endpoint, {"vpc_id": VPC, "service_name": SERVICE, "state": "absent"},
                                fake.client, check_mode=check_mode)
    assert not failed and result["changed"] is changed and result["endpoint"] == {}
    if changed and not check_mode:
        fake.client.delete_vpc_endpoints.assert_called_once_with(aws_retry=True, VpcEndpointIds=["vpce-1"])
    else:
        assert writes(fake) == []


def test_refused_deletion_fails_with_the_aws_error(run_module):
    fake = FakeEc2(endpoint())
    fake.client.delete_vpc_endpoints.return_value = {"Unsuccessful": [
        {"ResourceId": "vpce-1", "Error": {"Code": "UnauthorizedOperation", "Message": "not allowed"}}]}
    result, failed = run_module(ec2_vpc_gateway_endpoint, {"vpc_id": VPC, "service_name": SERVICE, "state": "absent"},
                                fake.client)
    assert failed and "UnauthorizedOperation" in result["msg"]


def test_two_endpoints_of_the_service_fail_naming_them(run_module):
    fake = FakeEc2(endpoint("vpce-1"), endpoint("vpce-2"))
    result, failed = run_module(ec2_vpc_gateway_endpoint, args(), fake.client)
    assert failed and "vpce-1, vpce-2" in result["msg"] and writes(fake) == []


def test_present_needs_route_tables_before_any_call(run_module):
    fake = FakeEc2()
    result, failed = run_module(ec2_vpc_gateway_endpoint, {"vpc_id": VPC, "service_name": SERVICE}, fake.client)
    assert failed and "route_table_ids" in result["msg"]
    fake.client.get_paginator.assert_not_called()
