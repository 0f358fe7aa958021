"""ec2_vpc_gateway_endpoint against the emulator: create, no-op, tables and policy moved in place
(routes follow), check mode, delete; amazon.aws.ec2_vpc_endpoint, given the new tables, would not."""

from __future__ import annotations

import json

from tests.functional.ansible_run import play, run_playbook

SERVICE = "com.amazonaws.us-east-1.dynamodb"
# Given explicitly so this test does not depend on meta/runtime.yml's action group.
CONNECTION = {"region": "{{ region }}", "endpoint_url": "{{ aws_endpoint_url }}",
              "access_key": "{{ aws_access_key }}", "secret_key": "{{ aws_secret_key }}"}
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "dynamodb:*",
                                                  "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/t"}]}


def endpoint_task(name, vpc_id, check_mode=False, **options):
    task = {"name": name, "register": name.replace(" ", "_"),
            "payments.dr.ec2_vpc_gateway_endpoint": dict(CONNECTION, vpc_id=vpc_id, service_name=SERVICE, **options)}
    if check_mode:
        task["check_mode"] = True
    return task


def routed_tables(ec2, vpc_id):
    """{route table id: the endpoint its prefix-list route goes to}."""
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    return {t["RouteTableId"]: r["GatewayId"] for t in tables for r in t["Routes"] if r.get("DestinationPrefixListId")}


def live(ec2, vpc_id):
    return ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                               {"Name": "vpc-endpoint-state", "Values": ["available"]}])["VpcEndpoints"]


def test_gateway_endpoint_lifecycle(emulator, aws):
    ec2 = aws("ec2", "us-east-1")
    vpc_id = ec2.create_vpc(CidrBlock="10.21.0.0/16")["Vpc"]["VpcId"]
    a, b, c = (ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"] for unused in range(3))
    url = emulator.endpoint_url

    first = run_playbook(play([
        endpoint_task("check create", vpc_id, check_mode=True, route_table_ids=[a, b]),
        endpoint_task("create", vpc_id, route_table_ids=[a, b], tags={"Name": "ddb"}),
        endpoint_task("again", vpc_id, route_table_ids=[b, a], tags={"Name": "ddb"}),
    ], hosts="primary", preflight=False), url)
    assert first.rc == 0, first.stdout
    assert [first.results(t)["changed"] for t in ("check create", "create", "again")] == [True, True, False]
    (endpoint,) = live(ec2, vpc_id)
    endpoint_id = endpoint["VpcEndpointId"]
    assert endpoint["VpcEndpointType"] == "Gateway" and first.results("create")["endpoint"]["vpc_endpoint_id"] == endpoint_id
    assert routed_tables(ec2, vpc_id) == {a: endpoint_id, b: endpoint_id}
    assert {t["Key"]: t["Value"] for t in endpoint["Tags"]} == {"Name": "ddb"}

    second = run_playbook(play([
        endpoint_task("check move", vpc_id, check_mode=True, route_table_ids=[c], policy=POLICY),
        endpoint_task("move", vpc_id, route_table_ids=[b, c], policy=POLICY, tags={"Name": "ddb"}),
        endpoint_task("moved", vpc_id, route_table_ids=[b, c], policy=POLICY, tags={"Name": "ddb"}),
    ], hosts="primary", preflight=False), url)
    assert second.rc == 0, second.stdout
    assert [second.results(t)["changed"] for t in ("check move", "move", "moved")] == [True, True, False]
    (moved,) = live(ec2, vpc_id)
    assert moved["VpcEndpointId"] == endpoint_id  # modified, not a second endpoint
    assert sorted(moved["RouteTableIds"]) == sorted([b, c]) and json.loads(moved["PolicyDocument"]) == POLICY
    assert routed_tables(ec2, vpc_id) == {b: endpoint_id, c: endpoint_id}

    third = run_playbook(play([
        endpoint_task("check delete", vpc_id, check_mode=True, state="absent"),
        endpoint_task("delete", vpc_id, state="absent"),
        endpoint_task("delete again", vpc_id, state="absent"),
    ], hosts="primary", preflight=False), url)
    assert third.rc == 0, third.stdout
    assert [third.results(t)["changed"] for t in ("check delete", "delete", "delete again")] == [True, True, False]
    assert live(ec2, vpc_id) == [] and routed_tables(ec2, vpc_id) == {}
