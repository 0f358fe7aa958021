"""EC2 deletions refused while something depends on the resource, and NAT gateways that take time to go."""

from __future__ import annotations


import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


@pytest.fixture
def vpc(aws):
    ec2 = aws("ec2", PRIMARY)
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    return ec2, vpc_id, subnet_id


def nat_gateway(ec2, vpc_id, subnet_id):
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    return igw, allocation, nat


def test_subnet_with_a_network_interface_cannot_be_deleted(vpc):
    ec2, _, subnet_id = vpc
    eni = ec2.create_network_interface(SubnetId=subnet_id, Description="AWS Lambda VPC ENI-payments")
    with pytest.raises(ClientError) as err:
        ec2.delete_subnet(SubnetId=subnet_id)
    assert error_code(err) == "DependencyViolation"
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterface"]["NetworkInterfaceId"])
    ec2.delete_subnet(SubnetId=subnet_id)
    assert ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])["Subnets"] == []


def test_security_group_referenced_or_in_use_cannot_be_deleted(vpc):
    ec2, vpc_id, subnet_id = vpc
    lam = ec2.create_security_group(GroupName="lambda", Description="l", VpcId=vpc_id)["GroupId"]
    db = ec2.create_security_group(GroupName="aurora", Description="a", VpcId=vpc_id)["GroupId"]
    permission = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": lam}]}
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[permission])

    with pytest.raises(ClientError) as err:
        ec2.delete_security_group(GroupId=lam)
    assert error_code(err) == "DependencyViolation"
    assert lam in err.value.response["Error"]["Message"]

    ec2.revoke_security_group_ingress(GroupId=db, IpPermissions=[permission])
    eni = ec2.create_network_interface(SubnetId=subnet_id, Groups=[lam])["NetworkInterface"]["NetworkInterfaceId"]
    with pytest.raises(ClientError) as err:
        ec2.delete_security_group(GroupId=lam)
    assert error_code(err) == "DependencyViolation"

    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.delete_security_group(GroupId=lam)
    ec2.delete_security_group(GroupId=db)
    names = {g["GroupName"] for g in ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]}
    assert names == {"default"}


def test_default_security_group_cannot_be_deleted(vpc):
    ec2, vpc_id, _ = vpc
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                    {"Name": "group-name", "Values": ["default"]}])
    with pytest.raises(ClientError) as err:
        ec2.delete_security_group(GroupId=default["SecurityGroups"][0]["GroupId"])
    assert error_code(err) == "CannotDelete"


def test_nat_gateway_holds_its_subnet_address_and_gateway_until_deleted(vpc, control):
    ec2, vpc_id, subnet_id = vpc
    control.post("ec2-dependencies/settings", {"nat_gateway_delete_seconds": 1})
    igw, allocation, nat = nat_gateway(ec2, vpc_id, subnet_id)

    with pytest.raises(ClientError) as err:
        ec2.release_address(AllocationId=allocation)
    assert error_code(err) == "InvalidIPAddress.InUse"
    with pytest.raises(ClientError) as err:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    assert error_code(err) == "DependencyViolation"
    with pytest.raises(ClientError) as err:
        ec2.delete_subnet(SubnetId=subnet_id)
    assert error_code(err) == "DependencyViolation"

    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleting"
    with pytest.raises(ClientError) as err:  # still holds its network interface
        ec2.delete_subnet(SubnetId=subnet_id)
    assert error_code(err) == "DependencyViolation"

    control.advance_clock(1.1)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleted"
    address = ec2.describe_addresses(AllocationIds=[allocation])["Addresses"][0]
    assert not address.get("AssociationId") and not address.get("NetworkInterfaceId")  # kept, unmapped
    assert ec2.describe_network_interfaces(
        Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])["NetworkInterfaces"] == []

    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    ec2.delete_internet_gateway(InternetGatewayId=igw)
    ec2.release_address(AllocationId=allocation)
    ec2.delete_subnet(SubnetId=subnet_id)


def test_nat_gateway_deletion_completes_at_once_by_default(vpc):
    ec2, vpc_id, subnet_id = vpc
    _, allocation, nat = nat_gateway(ec2, vpc_id, subnet_id)
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleted"
    assert ec2.describe_network_interfaces(
        Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])["NetworkInterfaces"] == []
    ec2.release_address(AllocationId=allocation)
    ec2.delete_subnet(SubnetId=subnet_id)


def test_vpc_with_an_attached_gateway_or_its_own_group_cannot_be_deleted(aws):
    ec2 = aws("ec2", PRIMARY)
    vpc_id = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    with pytest.raises(ClientError) as err:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(err) == "DependencyViolation"
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)

    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
    with pytest.raises(ClientError) as err:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(err) == "DependencyViolation"
    ec2.delete_security_group(GroupId=group)
    ec2.delete_vpc(VpcId=vpc_id)  # the default group goes with it
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] == []


def test_tagging_api_stops_listing_deleted_nat_gateways_and_peerings(vpc, aws):
    ec2, vpc_id, subnet_id = vpc
    tags = [{"Key": "Environment", "Value": "gone"}]
    _, _, nat = nat_gateway(ec2, vpc_id, subnet_id)
    ec2.create_tags(Resources=[nat], Tags=tags)
    peer = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_id, PeerVpcId=peer)["VpcPeeringConnection"]
    ec2.create_tags(Resources=[pcx["VpcPeeringConnectionId"]], Tags=tags)
    tagging = aws("resourcegroupstaggingapi", PRIMARY)

    def listed():
        pages = tagging.get_paginator("get_resources").paginate(
            TagFilters=[{"Key": "Environment", "Values": ["gone"]}])
        return sorted(m["ResourceARN"].rsplit("/", 1)[-1] for page in pages for m in page["ResourceTagMappingList"])

    assert listed() == sorted([nat, pcx["VpcPeeringConnectionId"]])
    ec2.delete_nat_gateway(NatGatewayId=nat)
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    assert listed() == []
    # Still described (with their tags) for a while, as on AWS.
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["Tags"] == tags


def endpoint_routes(ec2, table_id):
    (table,) = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
    return [(r["DestinationPrefixListId"], r["GatewayId"]) for r in table["Routes"] if r.get("DestinationPrefixListId")]


def test_vpc_with_a_gateway_endpoint_cannot_be_deleted_until_the_endpoint_is(vpc):
    ec2, vpc_id, subnet_id = vpc
    ec2.delete_subnet(SubnetId=subnet_id)
    (main,) = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=f"com.amazonaws.{PRIMARY}.s3",
                                       VpcEndpointType="Gateway", RouteTableIds=[main["RouteTableId"]])["VpcEndpoint"]
    with pytest.raises(ClientError) as err:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(err) == "DependencyViolation"
    assert ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])["Unsuccessful"] == []
    ec2.delete_vpc(VpcId=vpc_id)
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] == []


def test_modifying_a_gateway_endpoints_route_tables_adds_and_removes_its_routes(vpc):
    ec2, vpc_id = vpc[0], vpc[1]
    first, second = (ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"] for unused in range(2))
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=f"com.amazonaws.{PRIMARY}.dynamodb",
                                       VpcEndpointType="Gateway", RouteTableIds=[first])["VpcEndpoint"]
    endpoint_id = endpoint["VpcEndpointId"]
    (prefix_list,) = ec2.describe_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{PRIMARY}.dynamodb"]}])["PrefixLists"]
    route = (prefix_list["PrefixListId"], endpoint_id)
    assert endpoint_routes(ec2, first) == [route] and endpoint_routes(ec2, second) == []

    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=[second], RemoveRouteTableIds=[first])
    assert endpoint_routes(ec2, first) == [] and endpoint_routes(ec2, second) == [route]
    (found,) = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    assert found["RouteTableIds"] == [second]

    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=[second])  # already there: one route
    assert endpoint_routes(ec2, second) == [route]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    assert endpoint_routes(ec2, second) == []
