from __future__ import annotations

import copy

import pytest

from ansible_collections.payments.dr.plugins.filter.security_groups import FilterModule

in_state = FilterModule().filters()["security_groups_in_state"]
TAGS = {"Environment": "dev", "DR-Role": "primary"}
LAMBDA, AURORA = "payments-lambda-primary-dev", "payments-aurora-primary-dev"

WANTED = [
    {"name": LAMBDA, "description": "lambda", "rules": [],
     "rules_egress": [{"proto": "tcp", "ports": [443], "cidr_ip": ["0.0.0.0/0"], "rule_desc": "HTTPS"},
                      {"proto": "tcp", "ports": ["5432"], "cidr_ip": ["10.0.0.0/16", "10.1.0.0/16"], "rule_desc": "PG"}]},
    {"name": AURORA, "description": "aurora",
     "rules": [{"proto": "tcp", "ports": ["5432"], "group_name": LAMBDA, "rule_desc": "from lambda"},
               {"proto": "tcp", "ports": ["5432"], "cidr_ip": "10.1.0.0/16", "rule_desc": "peer"}],
     "rules_egress": []},
    {"name": "default", "tag_name": "payments-default-sg-primary-dev", "description": "default VPC security group",
     "rules": [], "rules_egress": []},
]


def found_groups():
    """The three groups as ec2_security_group_info returns them when they are as wanted."""
    return [
        {"group_name": LAMBDA, "group_id": "sg-1", "description": "lambda", "tags": dict(TAGS, Name=LAMBDA),
         "ip_permissions": [],
         "ip_permissions_egress": [
             {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
              "ip_ranges": [{"cidr_ip": "10.1.0.0/16", "description": "PG"}, {"cidr_ip": "10.0.0.0/16", "description": "PG"}]},
             {"ip_protocol": "tcp", "from_port": 443, "to_port": 443,
              "ip_ranges": [{"cidr_ip": "0.0.0.0/0", "description": "HTTPS"}]}]},
        {"group_name": AURORA, "group_id": "sg-2", "description": "aurora", "tags": dict(TAGS, Name=AURORA),
         "ip_permissions": [
             {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432,
              "ip_ranges": [{"cidr_ip": "10.1.0.0/16", "description": "peer"}],
              "user_id_group_pairs": [{"group_id": "sg-1", "description": "from lambda"}]}],
         "ip_permissions_egress": []},
        {"group_name": "default", "group_id": "sg-0", "description": "default VPC security group",
         "tags": dict(TAGS, Name="payments-default-sg-primary-dev"), "ip_permissions": [], "ip_permissions_egress": []},
    ]


def test_groups_as_wanted_are_all_in_state():
    assert in_state(WANTED, found_groups(), TAGS) == [LAMBDA, AURORA, "default"]


def drift(group_index, change):
    groups = found_groups()
    change(groups[group_index])
    return groups


@pytest.mark.parametrize("groups, drifted", [
    (found_groups()[:2], "default"),
    (drift(0, lambda g: g["ip_permissions_egress"][1]["ip_ranges"][0].update(cidr_ip="10.0.0.0/8")), LAMBDA),
    (drift(0, lambda g: g["ip_permissions_egress"].pop()), LAMBDA),
    (drift(0, lambda g: g["ip_permissions"].append(
        {"ip_protocol": "-1", "user_id_group_pairs": [{"group_id": "sg-1"}]})), LAMBDA),
    (drift(1, lambda g: g["ip_permissions"][0]["user_id_group_pairs"][0].update(group_id="sg-9")), AURORA),
    (drift(1, lambda g: g["ip_permissions"][0]["ip_ranges"][0].update(description="changed")), AURORA),
    (drift(1, lambda g: g.update(description="other")), AURORA),
    (drift(2, lambda g: g["tags"].pop("Name")), "default"),
    (drift(2, lambda g: g["ip_permissions_egress"].append(
        {"ip_protocol": "-1", "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]})), "default"),
    (drift(2, lambda g: g["ip_permissions"].append(
        {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "ipv6_ranges": [{"cidr_ipv6": "::/0"}]})), "default"),
], ids=["missing", "other cidr", "rule lost", "extra rule", "other source group", "rule description",
        "group description", "Name tag lost", "default group opened", "ipv6 rule added"])
def test_a_drifted_or_missing_group_is_not_in_state(groups, drifted):
    names = [LAMBDA, AURORA, "default"]
    assert in_state(WANTED, groups, TAGS) == [n for n in names if n != drifted]


def test_a_rule_naming_a_group_not_created_yet_is_not_in_state():
    wanted = copy.deepcopy(WANTED[1:2])
    groups = [g for g in found_groups() if g["group_name"] == AURORA]
    # The Lambda group is gone, so its id cannot be compared: the Aurora group must be rewritten.
    assert in_state(wanted, groups, TAGS) == []


def test_nothing_found_means_nothing_in_state():
    assert in_state(WANTED, [], TAGS) == []
