"""playbooks/network.yml against the emulator: VPCs, subnets, NAT, gateway endpoints, peering, routes,
security groups, flow logs and tags read back through the AWS APIs; a rerun repairs drift and then changes nothing,
and a bad address plan is rejected before any AWS call. (That a rerun and a --check run of the
deployed stack change nothing is proven once for every stage: test_faults.py and test_stack_e2e.py.)"""

from __future__ import annotations

import json
import time

import pytest

from tests.emulator.control import EmulatorControl, aws_client
from tests.functional.ansible_run import run_playbook

PLAYBOOK = "playbooks/network.yml"
REGIONS = {"primary": "us-east-1", "dr": "us-east-2"}
CIDRS = {"primary": "10.0.0.0/16", "dr": "10.1.0.0/16"}
PUBLIC = {"primary": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
          "dr": ["10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24"]}
PRIVATE = {"primary": ["10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/20"],
           "dr": ["10.1.16.0/20", "10.1.32.0/20", "10.1.48.0/20"]}
ROLES = pytest.mark.parametrize("role", ["primary", "dr"])


def peer(role: str) -> str:
    return "dr" if role == "primary" else "primary"


def standard_tags(role: str) -> dict:
    return {"Environment": "local", "ManagedBy": "Ansible", "Project": "PaymentProcessing",
            "Purpose": "DisasterRecovery", "Region": REGIONS[role], "DR-Role": role,
            "CostCenter": "payments-platform"}  # dr_extra_tags of the local inventory


# One worker runs this module, so its one deploy (the module fixture) is not repeated on the other.
pytestmark = pytest.mark.xdist_group(name="network-role")


@pytest.fixture(scope="module")
def deployed(emulator):
    """Deploy once for the module (the `control`/`aws` fixtures would reset the emulator: not used here)."""
    EmulatorControl(emulator.endpoint_url).reset()
    first = run_playbook(PLAYBOOK, emulator.endpoint_url)
    assert first.rc == 0, first.stdout + first.stderr
    return first


@pytest.fixture(scope="module")
def client(emulator):
    return lambda service, role: aws_client(emulator.endpoint_url, service, REGIONS.get(role, role))


def by_name(items: list, name: str) -> dict:
    (found,) = [i for i in items if {"Key": "Name", "Value": name} in i.get("Tags", [])]
    return found


def vpc_of(client, role):
    vpcs = client("ec2", role).describe_vpcs(
        Filters=[{"Name": "tag:Name", "Values": [f"payments-vpc-{role}-local"]}])["Vpcs"]
    assert len(vpcs) == 1, vpcs
    return vpcs[0]


def in_vpc(client, role, call, key, **kwargs):
    ec2 = client("ec2", role)
    filters = [{"Name": "vpc-id", "Values": [vpc_of(client, role)["VpcId"]]}] + kwargs.pop("Filters", [])
    return getattr(ec2, call)(Filters=filters, **kwargs)[key]


@ROLES
def test_vpc_has_the_planned_cidr_and_dns(deployed, client, role):
    vpc = vpc_of(client, role)
    assert vpc["CidrBlock"] == CIDRS[role]
    ec2 = client("ec2", role)
    assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"]["Value"] is True
    facts = deployed.results("payments.dr.network : Record the VPC id", role)["ansible_facts"]
    assert facts["network_vpc_id"] == vpc["VpcId"]


@ROLES
def test_public_and_private_subnets_span_three_zones(deployed, client, role):
    subnets = in_vpc(client, role, "describe_subnets", "Subnets")
    tiers = {tier: sorted((s for s in subnets if {"Key": "Tier", "Value": tier} in s["Tags"]),
                          key=lambda s: s["AvailabilityZone"]) for tier in ("public", "private")}
    assert len(subnets) == 6
    for tier, planned in (("public", PUBLIC), ("private", PRIVATE)):
        assert [s["CidrBlock"] for s in tiers[tier]] == planned[role]
        assert [s["AvailabilityZone"] for s in tiers[tier]] == [REGIONS[role] + z for z in "abc"]
        assert not any(s["MapPublicIpOnLaunch"] for s in tiers[tier])
    facts = deployed.results("payments.dr.network : Record the subnet ids", role)["ansible_facts"]
    assert sorted(facts["network_public_subnet_ids"]) == sorted(s["SubnetId"] for s in tiers["public"])
    assert sorted(facts["network_private_subnet_ids"]) == sorted(s["SubnetId"] for s in tiers["private"])


@ROLES
def test_routes_public_to_igw_private_to_own_zone_nat_and_peer(deployed, client, role):
    ec2 = client("ec2", role)
    vpc_id = vpc_of(client, role)["VpcId"]
    subnets = {s["SubnetId"]: s for s in in_vpc(client, role, "describe_subnets", "Subnets")}
    (igw,) = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    nats = in_vpc(client, role, "describe_nat_gateways", "NatGateways",
                  Filters=[{"Name": "state", "Values": ["available"]}])
    assert len(nats) == 3
    nat_zone = {n["NatGatewayId"]: subnets[n["SubnetId"]]["AvailabilityZone"] for n in nats}
    assert all({"Key": "Tier", "Value": "public"} in subnets[n["SubnetId"]]["Tags"] for n in nats)
    assert sorted(nat_zone.values()) == [REGIONS[role] + z for z in "abc"]
    (pcx,) = ec2.describe_vpc_peering_connections(
        Filters=[{"Name": "status-code", "Values": ["active"]}])["VpcPeeringConnections"]

    tables = in_vpc(client, role, "describe_route_tables", "RouteTables")
    table_of = {a["SubnetId"]: t for t in tables for a in t["Associations"] if a.get("SubnetId")}
    assert set(table_of) == set(subnets)
    endpoint_routes = {prefix_list(client, role, service): endpoint["VpcEndpointId"]
                       for service, endpoint in gateway_endpoints(client, role).items()}
    for subnet_id, subnet in subnets.items():
        routes = {r["DestinationCidrBlock"]: r for r in table_of[subnet_id]["Routes"] if "DestinationCidrBlock" in r}
        to_endpoints = {r["DestinationPrefixListId"]: r["GatewayId"] for r in table_of[subnet_id]["Routes"]
                        if "DestinationPrefixListId" in r}
        if {"Key": "Tier", "Value": "public"} in subnet["Tags"]:
            assert set(routes) == {CIDRS[role], "0.0.0.0/0"}
            assert routes["0.0.0.0/0"]["GatewayId"] == igw["InternetGatewayId"]
            assert to_endpoints == {}  # nothing in the public subnets calls S3 or DynamoDB
        else:
            assert set(routes) == {CIDRS[role], "0.0.0.0/0", CIDRS[peer(role)]}
            assert to_endpoints == endpoint_routes and len(to_endpoints) == 2  # S3 and DynamoDB skip the NAT
            assert nat_zone[routes["0.0.0.0/0"]["NatGatewayId"]] == subnet["AvailabilityZone"]
            assert routes[CIDRS[peer(role)]]["VpcPeeringConnectionId"] == pcx["VpcPeeringConnectionId"]


def gateway_endpoints(client, role) -> dict:
    """{service (s3, dynamodb): the VPC's live gateway endpoint of it}."""
    found = in_vpc(client, role, "describe_vpc_endpoints", "VpcEndpoints",
                   Filters=[{"Name": "vpc-endpoint-state", "Values": ["pending", "available"]}])
    by_service = {e["ServiceName"].rsplit(".", 1)[-1]: e for e in found}
    assert len(by_service) == len(found), found  # one per service
    return by_service


def prefix_list(client, role, service) -> str:
    (found,) = client("ec2", role).describe_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [f"com.amazonaws.{REGIONS[role]}.{service}"]}])["PrefixLists"]
    return found["PrefixListId"]


def private_table_ids(client, role) -> list:
    private = {s["SubnetId"] for s in in_vpc(client, role, "describe_subnets", "Subnets",
                                             Filters=[{"Name": "tag:Tier", "Values": ["private"]}])}
    return sorted({t["RouteTableId"] for t in in_vpc(client, role, "describe_route_tables", "RouteTables")
                   for a in t["Associations"] if a.get("SubnetId") in private})


@ROLES
def test_s3_and_dynamodb_gateway_endpoints_serve_every_private_table_with_scoped_policies(deployed, client, role):
    endpoints = gateway_endpoints(client, role)
    assert sorted(endpoints) == ["dynamodb", "s3"]
    tables = private_table_ids(client, role)
    assert len(tables) == 3
    for service, endpoint in endpoints.items():
        assert endpoint["VpcEndpointType"] == "Gateway"
        assert endpoint["ServiceName"] == f"com.amazonaws.{REGIONS[role]}.{service}"
        assert sorted(endpoint["RouteTableIds"]) == tables
        tags = {t["Key"]: t["Value"] for t in endpoint["Tags"]}
        assert tags.items() >= standard_tags(role).items() and tags["Name"] == f"payments-{service}-endpoint-{role}-local"
    account = {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
    (s3,) = json.loads(endpoints["s3"]["PolicyDocument"])["Statement"]
    bucket = f"arn:aws:s3:::payments-data-{role}-local"
    assert (s3["Effect"], s3["Principal"], s3["Condition"]) == ("Allow", "*", account)
    assert sorted(s3["Resource"]) == [bucket, bucket + "/*"]
    assert "s3:GetObject" in s3["Action"] and not [a for a in s3["Action"] if "*" in a]
    (dynamodb,) = json.loads(endpoints["dynamodb"]["PolicyDocument"])["Statement"]
    arn = f"arn:aws:dynamodb:{REGIONS[role]}:123456789012:table/"
    assert (dynamodb["Effect"], dynamodb["Principal"], dynamodb["Condition"]) == ("Allow", "*", account)
    assert {"dynamodb:PutItem", "dynamodb:GetItem"} <= set(dynamodb["Action"])
    assert not [a for a in dynamodb["Action"] if "*" in a]
    assert sorted(dynamodb["Resource"]) == sorted(arn + name + tail for name in (
        "payments-transactions-global-local", "payments-dr-control-global-local") for tail in ("", "/*"))
    facts = deployed.results("payments.dr.network : Record the gateway endpoints", role)["ansible_facts"]
    assert sorted(facts["network_gateway_endpoint_ids"]) == sorted(e["VpcEndpointId"] for e in endpoints.values())


def test_peering_requested_by_primary_and_active_in_both_regions(deployed, client):
    seen = {}
    for role in REGIONS:
        (pcx,) = client("ec2", role).describe_vpc_peering_connections()["VpcPeeringConnections"]
        seen[role] = pcx
        assert pcx["Status"]["Code"] == "active"
    assert seen["primary"]["VpcPeeringConnectionId"] == seen["dr"]["VpcPeeringConnectionId"]
    pcx = seen["primary"]
    assert (pcx["RequesterVpcInfo"]["VpcId"], pcx["RequesterVpcInfo"]["Region"]) == (
        vpc_of(client, "primary")["VpcId"], "us-east-1")
    assert (pcx["AccepterVpcInfo"]["VpcId"], pcx["AccepterVpcInfo"]["Region"]) == (
        vpc_of(client, "dr")["VpcId"], "us-east-2")


def rules(permissions: list) -> set:
    found = set()
    for p in permissions:
        for r in p.get("IpRanges", []):
            found.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["CidrIp"]))
        for g in p.get("UserIdGroupPairs", []):
            found.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), g["GroupId"]))
    return found


@ROLES
def test_aurora_accepts_5432_only_from_lambda_and_peer_vpc_and_default_group_is_empty(deployed, client, role):
    groups = in_vpc(client, role, "describe_security_groups", "SecurityGroups")
    aurora = next(g for g in groups if g["GroupName"] == f"payments-aurora-{role}-local")
    lam = next(g for g in groups if g["GroupName"] == f"payments-lambda-{role}-local")
    assert rules(aurora["IpPermissions"]) == {("tcp", 5432, 5432, lam["GroupId"]),
                                              ("tcp", 5432, 5432, CIDRS[peer(role)])}
    assert rules(aurora["IpPermissionsEgress"]) == set()
    assert rules(lam["IpPermissions"]) == set()
    assert rules(lam["IpPermissionsEgress"]) == {("tcp", 443, 443, "0.0.0.0/0"), ("tcp", 5432, 5432, CIDRS[role]),
                                                 ("tcp", 5432, 5432, CIDRS[peer(role)])}
    default = next(g for g in groups if g["GroupName"] == "default")
    assert rules(default["IpPermissions"]) == set() and rules(default["IpPermissionsEgress"]) == set()
    facts = deployed.results("payments.dr.network : Record the security group ids", role)["ansible_facts"]
    assert (facts["network_aurora_sg_id"], facts["network_lambda_sg_id"]) == (aurora["GroupId"], lam["GroupId"])


@ROLES
def test_every_resource_carries_the_standard_tags(deployed, client, role):
    ec2 = client("ec2", role)
    vpc_id = vpc_of(client, role)["VpcId"]
    nats = in_vpc(client, role, "describe_nat_gateways", "NatGateways")
    resources = {vpc_id}
    resources |= {s["SubnetId"] for s in in_vpc(client, role, "describe_subnets", "Subnets")}
    resources |= {t["RouteTableId"] for t in in_vpc(client, role, "describe_route_tables", "RouteTables")
                  if not any(a.get("Main") for a in t["Associations"])}
    resources |= {g["GroupId"] for g in in_vpc(client, role, "describe_security_groups", "SecurityGroups")}
    resources |= {g["InternetGatewayId"] for g in ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]}
    resources |= {n["NatGatewayId"] for n in nats}
    resources |= {a["AllocationId"] for n in nats for a in n["NatGatewayAddresses"]}
    resources |= {p["VpcPeeringConnectionId"] for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]}
    resources |= {f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"]}
    resources |= {e["VpcEndpointId"] for e in gateway_endpoints(client, role).values()}
    # VPC, subnets, route tables, security groups (with the default one), IGW, NATs, EIPs, peering, flow log,
    # gateway endpoints
    assert len(resources) == 1 + 6 + 4 + 3 + 1 + 3 + 3 + 1 + 1 + 2

    tags: dict[str, dict] = {}
    for t in ec2.get_paginator("describe_tags").paginate(
            Filters=[{"Name": "resource-id", "Values": sorted(resources)}]).build_full_result()["Tags"]:
        tags.setdefault(t["ResourceId"], {})[t["Key"]] = t["Value"]
    for resource_id in resources:
        assert tags.get(resource_id, {}).items() >= standard_tags(role).items(), resource_id
        assert tags[resource_id]["Name"].endswith(f"-{role}-local"), (resource_id, tags[resource_id]["Name"])


@ROLES
def test_flow_logs_go_to_a_tagged_log_group_through_a_least_privilege_role(deployed, client, role):
    vpc_id = vpc_of(client, role)["VpcId"]
    group = f"payments-vpc-flow-logs-{role}-local"
    (flow_log,) = client("ec2", role).describe_flow_logs(
        Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    role_arn = "arn:aws:iam::123456789012:role/payments-vpc-flow-logs-global-local"
    assert (flow_log["LogDestinationType"], flow_log["LogGroupName"], flow_log["TrafficType"]) == (
        "cloud-watch-logs", group, "ALL")
    assert flow_log["DeliverLogsPermissionArn"] == role_arn and flow_log["DeliverLogsStatus"] == "SUCCESS"

    logs = client("logs", role)
    (log_group,) = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert log_group["retentionInDays"] == 90
    assert logs.list_tags_log_group(logGroupName=group)["tags"].items() >= standard_tags(role).items()

    iam = client("iam", "us-east-1")
    iam_role = iam.get_role(RoleName="payments-vpc-flow-logs-global-local")["Role"]
    (statement,) = iam_role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    role_tags = {t["Key"]: t["Value"] for t in iam_role["Tags"]}
    assert role_tags["DR-Role"] == "global" and role_tags["ManagedBy"] == "Ansible"
    policy = iam.get_role_policy(RoleName="payments-vpc-flow-logs-global-local",
                                 PolicyName="payments-vpc-flow-logs-delivery")["PolicyDocument"]
    policy = json.loads(policy) if isinstance(policy, str) else policy
    (allow,) = policy["Statement"]
    assert sorted(allow["Resource"]) == [
        "arn:aws:logs:us-east-1:123456789012:log-group:payments-vpc-flow-logs-primary-local:*",
        "arn:aws:logs:us-east-2:123456789012:log-group:payments-vpc-flow-logs-dr-local:*"]
    assert "logs:PutLogEvents" in allow["Action"] and "logs:*" not in allow["Action"]


def test_rerun_repairs_a_missing_subnet_a_lost_route_a_lost_tag_and_changed_rules(deployed, emulator, client):
    # The role reads the subnets, NAT gateways and route tables once and writes only what drifted.
    ec2 = client("ec2", "dr")
    subnets = in_vpc(client, "dr", "describe_subnets", "Subnets")
    (gone,) = [s for s in subnets if s["CidrBlock"] == PRIVATE["dr"][2]]
    (public,) = [s for s in subnets if s["CidrBlock"] == PUBLIC["dr"][0]]
    for table in in_vpc(client, "dr", "describe_route_tables", "RouteTables"):
        for association in table["Associations"]:
            if association.get("SubnetId") == gone["SubnetId"]:
                ec2.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
    ec2.delete_subnet(SubnetId=gone["SubnetId"])
    ec2.delete_tags(Resources=[public["SubnetId"]], Tags=[{"Key": "Tier"}])
    table_a = by_name(in_vpc(client, "dr", "describe_route_tables", "RouteTables"), "payments-private-rt-a-dr-local")
    ec2.delete_route(RouteTableId=table_a["RouteTableId"], DestinationCidrBlock=CIDRS["primary"])
    groups = {g["GroupName"]: g for g in in_vpc(client, "dr", "describe_security_groups", "SecurityGroups")}
    ec2.revoke_security_group_ingress(GroupId=groups["payments-aurora-dr-local"]["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": CIDRS["primary"]}]}])
    ec2.authorize_security_group_ingress(GroupId=groups["default"]["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])

    repair = run_playbook(PLAYBOOK, emulator.endpoint_url)
    assert repair.rc == 0, repair.stdout
    subnets = {s["CidrBlock"]: s for s in in_vpc(client, "dr", "describe_subnets", "Subnets")}
    assert sorted(subnets) == sorted(PUBLIC["dr"] + PRIVATE["dr"])
    new = subnets[PRIVATE["dr"][2]]
    assert new["AvailabilityZone"] == "us-east-2c" and new["SubnetId"] != gone["SubnetId"]
    assert {t["Key"]: t["Value"] for t in subnets[PUBLIC["dr"][0]]["Tags"]}["Tier"] == "public"
    tables = in_vpc(client, "dr", "describe_route_tables", "RouteTables")
    table_c = by_name(tables, "payments-private-rt-c-dr-local")
    assert [a["SubnetId"] for a in table_c["Associations"] if "SubnetId" in a] == [new["SubnetId"]]
    table_a = by_name(tables, "payments-private-rt-a-dr-local")
    assert CIDRS["primary"] in [r.get("DestinationCidrBlock") for r in table_a["Routes"]]
    assert private_routing(client, "dr") == {z: (f"payments-private-rt-{z[-1]}-dr-local", z)
                                             for z in ["us-east-2" + z for z in "abc"]}
    groups = {g["GroupName"]: g for g in in_vpc(client, "dr", "describe_security_groups", "SecurityGroups")}
    assert rules(groups["payments-aurora-dr-local"]["IpPermissions"]) == {
        ("tcp", 5432, 5432, groups["payments-lambda-dr-local"]["GroupId"]), ("tcp", 5432, 5432, CIDRS["primary"])}
    assert rules(groups["default"]["IpPermissions"]) == set()
    assert run_playbook(PLAYBOOK, emulator.endpoint_url).changed() == 0


def test_rerun_after_a_stop_around_nat_creation_leaves_no_unnamed_or_unassociated_address(deployed, emulator, client):
    # As a run killed there leaves them: gateway a's address never tagged (killed while the gateway
    # was created), gateway b missing but its address allocated (killed between the two calls).
    ec2 = client("ec2", "dr")
    nats = {n["SubnetId"]: n for n in in_vpc(client, "dr", "describe_nat_gateways", "NatGateways",
                                             Filters=[{"Name": "state", "Values": ["available"]}])}
    subnets = {s["CidrBlock"]: s["SubnetId"] for s in in_vpc(client, "dr", "describe_subnets", "Subnets")}
    nat_a, nat_b = nats[subnets[PUBLIC["dr"][0]]], nats[subnets[PUBLIC["dr"][1]]]
    ec2.delete_tags(Resources=[nat_a["NatGatewayAddresses"][0]["AllocationId"]], Tags=[{"Key": "Name"}])
    kept = nat_b["NatGatewayAddresses"][0]["AllocationId"]
    ec2.delete_nat_gateway(NatGatewayId=nat_b["NatGatewayId"])
    for _ in range(30):
        if not [a for a in ec2.describe_addresses(AllocationIds=[kept])["Addresses"] if a.get("AssociationId")]:
            break
        time.sleep(1)

    rerun = run_playbook(PLAYBOOK, emulator.endpoint_url)
    assert rerun.rc == 0, rerun.stdout
    addresses = ec2.describe_addresses()["Addresses"]
    names = sorted(({t["Key"]: t["Value"] for t in a.get("Tags", [])}.get("Name", ""), bool(a.get("AssociationId")))
                   for a in addresses)
    assert names == [(f"payments-nat-eip-{z}-dr-local", True) for z in "abc"]
    nats = {n["SubnetId"]: n for n in in_vpc(client, "dr", "describe_nat_gateways", "NatGateways",
                                             Filters=[{"Name": "state", "Values": ["available"]}])}
    assert nats[subnets[PUBLIC["dr"][1]]]["NatGatewayAddresses"][0]["AllocationId"] == kept  # reused, not leaked
    assert private_routing(client, "dr") == {z: (f"payments-private-rt-{z[-1]}-dr-local", z)
                                             for z in ["us-east-2" + z for z in "abc"]}
    assert run_playbook(PLAYBOOK, emulator.endpoint_url).changed() == 0


def private_routing(client, role):
    """{private subnet's zone: (Name of its route table, zone of the NAT gateway its default route uses)}."""
    zone_of = {s["SubnetId"]: s["AvailabilityZone"] for s in in_vpc(client, role, "describe_subnets", "Subnets")}
    private = {s["SubnetId"] for s in in_vpc(client, role, "describe_subnets", "Subnets",
                                             Filters=[{"Name": "tag:Tier", "Values": ["private"]}])}
    nat_subnet = {n["NatGatewayId"]: n["SubnetId"] for n in in_vpc(client, role, "describe_nat_gateways", "NatGateways")}
    found = {}
    for table in in_vpc(client, role, "describe_route_tables", "RouteTables"):
        name = {t["Key"]: t["Value"] for t in table["Tags"]}.get("Name")
        default = next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), {})
        for association in table["Associations"]:
            if association.get("SubnetId") in private:
                found[zone_of[association["SubnetId"]]] = (
                    name, zone_of.get(nat_subnet.get(default.get("NatGatewayId"))))
    return found


def nat_layout(client, role) -> tuple:
    """(Names of the available NAT gateways, Names of the region's Elastic IPs, Names of the private
    route tables, whether both endpoints are in exactly those tables)."""
    nats = in_vpc(client, role, "describe_nat_gateways", "NatGateways", Filters=[{"Name": "state", "Values": ["available"]}])
    addresses = client("ec2", role).describe_addresses()["Addresses"]
    tables = [t for t in in_vpc(client, role, "describe_route_tables", "RouteTables")
              if {t2["Key"]: t2["Value"] for t2 in t.get("Tags", [])}.get("Name", "").startswith("payments-private-rt")]
    endpoints_in_tables = all(sorted(e["RouteTableIds"]) == sorted(t["RouteTableId"] for t in tables)
                              for e in gateway_endpoints(client, role).values())

    def names(items):
        return sorted({t["Key"]: t["Value"] for t in i.get("Tags", [])}.get("Name", "") for i in items)
    return names(nats), names(addresses), names(tables), endpoints_in_tables


def test_nat_mode_switch_reroutes_every_private_subnet_and_removes_what_the_layout_no_longer_has(deployed, emulator, client):
    # amazon.aws.ec2_vpc_route_table only detaches a subnet another table holds; the role re-attaches it.
    single = run_playbook(PLAYBOOK, emulator.endpoint_url, extra_vars={"network_nat_gateway_mode": "single"})
    assert single.rc == 0, single.stdout
    zones = [REGIONS["dr"] + z for z in "abc"]
    assert private_routing(client, "dr") == {z: ("payments-private-rt-dr-local", zones[0]) for z in zones}
    for role in REGIONS:  # one gateway, one address, one private table with both endpoints: nothing left over
        assert nat_layout(client, role) == ([f"payments-nat-a-{role}-local"], [f"payments-nat-eip-a-{role}-local"],
                                            [f"payments-private-rt-{role}-local"], True)
    again = run_playbook(PLAYBOOK, emulator.endpoint_url, extra_vars={"network_nat_gateway_mode": "single"})
    assert again.rc == 0 and again.changed() == 0, again.stdout

    back = run_playbook(PLAYBOOK, emulator.endpoint_url)
    assert back.rc == 0, back.stdout
    assert private_routing(client, "dr") == {z: (f"payments-private-rt-{z[-1]}-dr-local", z) for z in zones}
    for role in REGIONS:
        assert nat_layout(client, role) == ([f"payments-nat-{z}-{role}-local" for z in "abc"],
                                            [f"payments-nat-eip-{z}-{role}-local" for z in "abc"],
                                            [f"payments-private-rt-{z}-{role}-local" for z in "abc"], True)
    assert run_playbook(PLAYBOOK, emulator.endpoint_url).changed() == 0


def test_an_endpoint_taken_out_of_the_list_is_deleted_with_its_routes(deployed, emulator, client):
    run = run_playbook(PLAYBOOK, emulator.endpoint_url, extra_vars={"network_gateway_endpoints": ["dynamodb"]})
    assert run.rc == 0, run.stdout
    for role in REGIONS:
        assert sorted(gateway_endpoints(client, role)) == ["dynamodb"]
        s3 = prefix_list(client, role, "s3")
        assert not [r for t in in_vpc(client, role, "describe_route_tables", "RouteTables") for r in t["Routes"]
                    if r.get("DestinationPrefixListId") == s3]
    back = run_playbook(PLAYBOOK, emulator.endpoint_url)
    assert back.rc == 0, back.stdout
    assert all(sorted(gateway_endpoints(client, role)) == ["dynamodb", "s3"] for role in REGIONS)


@pytest.mark.parametrize("cidrs, message", [
    ({"primary": "10.0.0.0/16", "dr": "10.1.300.0/16"}, '"10.1.300.0/16"'),
    ({"primary": "10.0.0.1/16", "dr": "10.1.0.0/16"}, '"10.0.0.1/16"'),
    ({"primary": "10.0.0.0/8", "dr": "10.1.0.0/16"}, '"10.0.0.0/8"'),
    ({"primary": "10.0.0.0/16", "dr": "10.0.128.0/17"}, "network_vpc_cidrs overlap"),
])
def test_bad_address_plan_is_rejected_before_any_aws_call(emulator, cidrs, message):
    ctl = EmulatorControl(emulator.endpoint_url)
    ctl.post("counters/reset")
    run = run_playbook(PLAYBOOK, emulator.endpoint_url, extra_vars={"network_vpc_cidrs": cidrs})
    assert run.rc != 0
    assert message in run.stdout and "network_vpc_cidr" in run.stdout
    assert ctl.counters()["total"] == 0, ctl.counters()["rows"]
