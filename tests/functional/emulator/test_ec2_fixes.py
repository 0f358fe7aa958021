"""EC2 answers the amazon.aws VPC modules rely on: DescribeTags resource types, filters and paging;
DescribeVpcPeeringConnections filters; each region's own tags on a cross-region peering."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

PRIMARY, DR = "us-east-1", "us-east-2"


def tag_spec(resource_type: str, **tags: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


@pytest.fixture
def nat_gateway(aws):
    ec2 = aws("ec2", PRIMARY)
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    allocation_id = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", Name="eip"))[
        "AllocationId"]
    nat_id = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation_id,
                                    TagSpecifications=tag_spec("natgateway", Name="nat", Team="pay"))[
        "NatGateway"]["NatGatewayId"]
    return ec2, vpc_id, nat_id, allocation_id


def test_describe_tags_uses_aws_resource_type_names(nat_gateway):
    ec2, _vpc_id, nat_id, allocation_id = nat_gateway
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [nat_id, allocation_id]}])["Tags"]
    assert {(t["ResourceId"], t["ResourceType"], t["Key"]) for t in tags} == {
        (nat_id, "natgateway", "Name"), (nat_id, "natgateway", "Team"), (allocation_id, "elastic-ip", "Name")}


def test_resource_type_filter_with_aws_names_finds_the_tags(nat_gateway):
    # What ec2_vpc_nat_gateway asks before deciding whether to re-tag the gateway.
    ec2, _vpc_id, nat_id, _allocation_id = nat_gateway
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [nat_id]},
                                      {"Name": "resource-type", "Values": ["natgateway"]}])["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"Name": "nat", "Team": "pay"}
    assert ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["nat-gateway"]}])["Tags"] == []


def test_flow_log_tags_are_of_type_vpc_flow_log(aws, nat_gateway):
    ec2, vpc_id, _nat_id, _allocation_id = nat_gateway
    aws("logs", PRIMARY).create_log_group(logGroupName="flow")
    flow_log_id = ec2.create_flow_logs(
        ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL", LogGroupName="flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow",
        TagSpecifications=tag_spec("vpc-flow-log", Name="flow"))["FlowLogIds"][0]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["vpc-flow-log"]}])["Tags"]
    assert [(t["ResourceId"], t["Key"]) for t in tags] == [(flow_log_id, "Name")]


def test_key_value_and_tag_filters_with_wildcards(nat_gateway):
    ec2, _vpc_id, nat_id, allocation_id = nat_gateway
    by_key = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["Te*"]}])["Tags"]
    assert [(t["ResourceId"], t["Key"]) for t in by_key] == [(nat_id, "Team")]
    by_value = ec2.describe_tags(Filters=[{"Name": "value", "Values": ["ei?"]}])["Tags"]
    assert [(t["ResourceId"], t["Key"]) for t in by_value] == [(allocation_id, "Name")]
    # tag:<key> selects resources; every tag of a selected resource is listed.
    by_tag = ec2.describe_tags(Filters=[{"Name": "tag:Team", "Values": ["pay"]}])["Tags"]
    assert sorted(t["Key"] for t in by_tag) == ["Name", "Team"]
    assert {t["ResourceId"] for t in by_tag} == {nat_id}


def test_describe_tags_pages_with_max_results(nat_gateway):
    ec2, vpc_id, _nat_id, _allocation_id = nat_gateway
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": f"k{i}", "Value": str(i)} for i in range(7)])
    first = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc_id]}], MaxResults=5)
    assert len(first["Tags"]) == 5 and first["NextToken"]
    second = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc_id]}], MaxResults=5,
                               NextToken=first["NextToken"])
    assert len(second["Tags"]) == 2 and "NextToken" not in second
    paged = ec2.get_paginator("describe_tags").paginate(
        Filters=[{"Name": "resource-id", "Values": [vpc_id]}], PaginationConfig={"PageSize": 5})
    assert sorted(t["Key"] for page in paged for t in page["Tags"]) == [f"k{i}" for i in range(7)]


def test_describe_tags_rejects_unknown_filters(aws, control):
    with pytest.raises(ClientError) as err:
        aws("ec2").describe_tags(Filters=[{"Name": "colour", "Values": ["red"]}])
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"


@pytest.fixture
def two_peerings(aws, control):
    """A cross-region peering primary -> DR, plus an unrelated same-region peering in the primary region."""
    east1, east2 = aws("ec2", PRIMARY), aws("ec2", DR)
    vpc_a = east1.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    vpc_other = east1.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    vpc_b = east2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    unrelated = east1.create_vpc_peering_connection(
        VpcId=vpc_other, PeerVpcId=vpc_a)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    cross = east1.create_vpc_peering_connection(
        VpcId=vpc_a, PeerVpcId=vpc_b, PeerRegion=DR,
        TagSpecifications=tag_spec("vpc-peering-connection", Side="requester"))[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    return east1, east2, vpc_a, vpc_b, cross, unrelated


def test_peering_filters_select_by_vpc(two_peerings):
    # The lookup ec2_vpc_peering makes before creating a peering.
    east1, _east2, vpc_a, vpc_b, cross, _unrelated = two_peerings
    found = east1.describe_vpc_peering_connections(Filters=[
        {"Name": "requester-vpc-info.vpc-id", "Values": [vpc_a]},
        {"Name": "accepter-vpc-info.vpc-id", "Values": [vpc_b]}])["VpcPeeringConnections"]
    assert [p["VpcPeeringConnectionId"] for p in found] == [cross]
    reversed_ = east1.describe_vpc_peering_connections(Filters=[
        {"Name": "requester-vpc-info.vpc-id", "Values": [vpc_b]},
        {"Name": "accepter-vpc-info.vpc-id", "Values": [vpc_a]}])["VpcPeeringConnections"]
    assert reversed_ == []


def test_peering_filters_on_status_cidr_id_and_tags(two_peerings):
    east1, _east2, _vpc_a, _vpc_b, cross, unrelated = two_peerings

    def ids(*filters):
        answer = east1.describe_vpc_peering_connections(Filters=list(filters))["VpcPeeringConnections"]
        return sorted(p["VpcPeeringConnectionId"] for p in answer)

    assert ids({"Name": "status-code", "Values": ["pending-acceptance"]}) == sorted([cross, unrelated])
    assert ids({"Name": "accepter-vpc-info.cidr-block", "Values": ["10.1.0.0/16"]}) == [cross]
    assert ids({"Name": "vpc-peering-connection-id", "Values": [unrelated]}) == [unrelated]
    assert ids({"Name": "tag:Side", "Values": ["requester"]}) == [cross]
    assert ids({"Name": "tag-key", "Values": ["Side"]}) == [cross]
    assert ids({"Name": "status-code", "Values": ["active"]}) == []


def test_peering_rejects_unknown_filters(two_peerings):
    east1 = two_peerings[0]
    with pytest.raises(ClientError) as err:
        east1.describe_vpc_peering_connections(Filters=[{"Name": "vpc-id", "Values": ["x"]}])
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_each_region_sees_its_own_tags_on_a_cross_region_peering(two_peerings):
    east1, east2, _vpc_a, _vpc_b, cross, _unrelated = two_peerings
    accepted = east2.accept_vpc_peering_connection(VpcPeeringConnectionId=cross)["VpcPeeringConnection"]
    assert accepted.get("Tags", []) == []  # the requester's tags stay in the requester's region
    east2.create_tags(Resources=[cross], Tags=[{"Key": "Side", "Value": "accepter"}])

    def side(client):
        peering = client.describe_vpc_peering_connections(VpcPeeringConnectionIds=[cross])[
            "VpcPeeringConnections"][0]
        assert peering["Status"]["Code"] == "active"
        return {t["Key"]: t["Value"] for t in peering["Tags"]}

    assert side(east1) == {"Side": "requester"}
    assert side(east2) == {"Side": "accepter"}
