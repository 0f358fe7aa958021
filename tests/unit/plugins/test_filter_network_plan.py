from __future__ import annotations

import pytest

from ansible_collections.payments.dr.plugins.filter.network_plan import FilterModule

FILTERS = FilterModule().filters()
TAGS = {"Environment": "dev", "DR-Role": "primary"}
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
PUBLIC = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
PRIVATE = ["10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/20"]


def subnet_plan(found):
    return FILTERS["subnet_plan"](ZONES, PUBLIC, PRIVATE, found, TAGS, "primary", "dev")


def subnet(cidr, zone, name, tier, **changes):
    return dict({"id": "subnet-" + cidr.split("/")[0], "cidr_block": cidr, "availability_zone": zone,
                 "map_public_ip_on_launch": False, "tags": dict(TAGS, Name=name, Tier=tier)}, **changes)


def test_an_empty_vpc_plans_six_named_subnets_to_create():
    plan = subnet_plan([])
    assert [(p["tier"], p["name"], p["az"], p["cidr"], p["id"], p["in_state"]) for p in plan] == [
        ("public", "payments-public-a-primary-dev", "us-east-1a", "10.0.0.0/24", "", False),
        ("public", "payments-public-b-primary-dev", "us-east-1b", "10.0.1.0/24", "", False),
        ("public", "payments-public-c-primary-dev", "us-east-1c", "10.0.2.0/24", "", False),
        ("private", "payments-private-a-primary-dev", "us-east-1a", "10.0.16.0/20", "", False),
        ("private", "payments-private-b-primary-dev", "us-east-1b", "10.0.32.0/20", "", False),
        ("private", "payments-private-c-primary-dev", "us-east-1c", "10.0.48.0/20", "", False)]
    assert plan[3]["tags"] == dict(TAGS, Name="payments-private-a-primary-dev", Tier="private")


@pytest.mark.parametrize("changes, in_state", [
    ({}, True),
    ({"availability_zone": "us-east-1b"}, False),
    ({"map_public_ip_on_launch": True}, False),
    ({"tags": dict(TAGS, Name="payments-public-a-primary-dev")}, False),
    ({"tags": dict(TAGS, Name="payments-public-a-primary-dev", Tier="public", Owner="x")}, False),
], ids=["as wanted", "other zone", "public ips", "Tier tag lost", "extra tag"])
def test_a_found_subnet_is_in_state_only_as_wanted(changes, in_state):
    found = [subnet("10.0.0.0/24", "us-east-1a", "payments-public-a-primary-dev", "public", **changes)]
    first = subnet_plan(found)[0]
    assert first["id"] == "subnet-10.0.0.0" and first["in_state"] is in_state
    assert not any(p["in_state"] for p in subnet_plan(found)[1:])


SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]


def nat_plan(mode="per_az", found=(), addresses=()):
    return FILTERS["nat_gateway_plan"](SUBNETS, ZONES, mode, list(found), list(addresses), TAGS, "primary", "dev")


def gateway(subnet_id, letter, state="available", allocation="eipalloc-1", **changes):
    return dict({"nat_gateway_id": "nat-" + letter, "subnet_id": subnet_id, "state": state,
                 "tags": dict(TAGS, Name="payments-nat-%s-primary-dev" % letter),
                 "nat_gateway_addresses": [{"allocation_id": allocation}] if allocation else []}, **changes)


@pytest.mark.parametrize("mode, subnets", [("per_az", SUBNETS), ("single", SUBNETS[:1])])
def test_per_az_plans_a_gateway_per_zone_single_one(mode, subnets):
    plan = nat_plan(mode)
    assert [p["subnet_id"] for p in plan] == subnets
    assert [p["tags"]["Name"] for p in plan] == ["payments-nat-%s-primary-dev" % z[-1] for z in ZONES[:len(subnets)]]
    assert all(p["id"] == "" and not p["in_state"] and p["eip_in_state"] and p["eip_id"] == "" for p in plan)
    assert plan[0]["eip_name"] == "payments-nat-eip-a-primary-dev"
    assert plan[0]["eip_tags"] == dict(TAGS, Name="payments-nat-eip-a-primary-dev")


EIP_OK = {"allocation_id": "eipalloc-1", "tags": dict(TAGS, Name="payments-nat-eip-a-primary-dev")}


@pytest.mark.parametrize("found, addresses, in_state, eip_in_state", [
    ([gateway("subnet-a", "a")], [EIP_OK], True, True),
    ([gateway("subnet-a", "a", state="pending")], [EIP_OK], False, True),
    ([gateway("subnet-a", "a", tags={})], [EIP_OK], False, True),
    ([gateway("subnet-a", "a")], [{"allocation_id": "eipalloc-1"}], True, False),
    ([gateway("subnet-a", "a")], [], True, False),
    ([gateway("subnet-a", "a", allocation=None)], [], True, True),
], ids=["as wanted", "pending", "untagged gateway", "untagged address", "address not found", "no address yet"])
def test_a_found_gateway_and_its_address_are_compared(found, addresses, in_state, eip_in_state):
    first = nat_plan(found=found, addresses=addresses)[0]
    assert first["id"] == "nat-a" and first["in_state"] is in_state and first["eip_in_state"] is eip_in_state


PRIVATE_SUBNETS = ["subnet-pa", "subnet-pb", "subnet-pc"]
PEER = [{"dest": "10.1.0.0/16", "vpc_peering_connection_id": "pcx-1"}]


def test_single_plans_one_private_table_for_every_subnet_routed_to_the_one_gateway():
    single = nat_plan("single")
    nat_ids = ["nat-a"]
    (table,) = FILTERS["private_route_table_plan"](PRIVATE_SUBNETS, ZONES, "single", nat_ids, PEER, "primary", "dev")
    assert len(single) == 1
    assert table == {"name": "payments-private-rt-primary-dev", "subnets": PRIVATE_SUBNETS,
                     "routes": [{"dest": "0.0.0.0/0", "gateway_id": "nat-a"}] + PEER}


def test_per_az_plans_a_private_table_per_zone_routed_to_its_zones_gateway():
    tables = FILTERS["private_route_table_plan"](PRIVATE_SUBNETS, ZONES, "per_az", ["nat-a", "nat-b", "nat-c"], [],
                                                 "primary", "dev")
    assert [(t["name"], t["subnets"], t["routes"]) for t in tables] == [
        ("payments-private-rt-%s-primary-dev" % z, ["subnet-p" + z], [{"dest": "0.0.0.0/0", "gateway_id": "nat-" + z}])
        for z in "abc"]


@pytest.mark.parametrize("mode, unplanned", [("single", ["nat-b", "nat-c"]), ("per_az", [])])
def test_gateways_the_layout_no_longer_has_are_the_ones_to_remove(mode, unplanned):
    found = [gateway(subnet_id, letter) for subnet_id, letter in zip(SUBNETS, "abc")]
    found.append(gateway("subnet-old", "z", state="deleting"))
    assert [n["nat_gateway_id"] for n in FILTERS["nat_gateways_unplanned"](found, nat_plan(mode))] == unplanned


def test_route_tables_the_layout_no_longer_has_are_only_this_roles_private_ones():
    def table(name):
        return {"id": "rtb-" + name, "tags": {"Name": name}}
    found = [table(n) for n in ("payments-private-rt-a-primary-dev", "payments-private-rt-b-primary-dev",
                                "payments-private-rt-primary-dev", "payments-public-rt-primary-dev",
                                "payments-private-rt-a-dr-dev", "payments-private-rt-a-primary-prod",
                                "payments-private-rt-extra-primary-dev")] + [{"id": "rtb-main", "tags": {}}]
    unplanned = FILTERS["route_tables_unplanned"](found, ["payments-private-rt-primary-dev"], "primary", "dev")
    assert [t["id"] for t in unplanned] == ["rtb-payments-private-rt-a-primary-dev", "rtb-payments-private-rt-b-primary-dev"]
    per_az = ["payments-private-rt-%s-primary-dev" % z for z in "abc"]
    unplanned = FILTERS["route_tables_unplanned"](found, per_az, "primary", "dev")
    assert [t["id"] for t in unplanned] == ["rtb-payments-private-rt-primary-dev"]
