from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import tagged_resources_info as module_under_test

VPC = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1"
KEY = "arn:aws:kms:us-east-1:123456789012:key/k-1"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbC"
TAGS = [{"Key": "Environment", "Value": "prod"}]


@pytest.mark.parametrize("arn, expected", [
    (VPC, "ec2:vpc"),
    ("arn:aws:s3:::payments-data-primary-prod", "s3:bucket"),
    ("arn:aws:rds:us-east-1:123456789012:cluster:payments-aurora", "rds:cluster"),
    ("arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod", "apigateway:restapis"),
    ("arn:aws:route53:::hostedzone/Z1", "route53:hostedzone"),
    ("arn:aws:sns:us-east-1:123456789012:payments-alerts", "sns:payments-alerts"),
])
def test_resource_type_of(arn, expected):
    assert module_under_test.resource_type_of(arn) == expected


def client_for(mappings, key_state="Enabled", secret_deleted=None, roles=()):
    """One mocked client answering the tagging, KMS, Secrets Manager and IAM calls the module makes."""
    client = MagicMock()
    pages = {
        "get_resources": {"ResourceTagMappingList": [{"ResourceARN": arn, "Tags": TAGS} for arn in mappings]},
        "list_roles": {"Roles": [{"RoleName": name, "Arn": "arn:aws:iam::123456789012:role/" + name}
                                 for name, _tags in roles]},
    }

    def paginator(name):
        found = MagicMock()
        found.paginate.return_value.build_full_result.return_value = pages[name]
        return found

    client.get_paginator.side_effect = paginator
    client.describe_key.return_value = {"KeyMetadata": {"KeyState": key_state, "DeletionDate": "2026-12-06"}}
    client.describe_secret.return_value = {"DeletedDate": secret_deleted} if secret_deleted else {}
    client.list_role_tags.side_effect = lambda **kw: {"Tags": dict(roles)[kw["RoleName"]]}
    return client


def run(run_module, client, args):
    return run_module(module_under_test, args, client, check_mode=True)


def test_lists_tagged_resources_and_separates_scheduled_deletions(run_module):
    client = client_for([VPC, KEY, SECRET], key_state="PendingDeletion", secret_deleted="2026-12-01")
    result, failed = run(run_module, client, {"tags": {"Environment": "prod"}})
    assert not failed and result["changed"] is False
    assert [r["arn"] for r in result["resources"]] == [VPC]
    assert result["resources"][0]["tags"] == {"Environment": "prod"}
    assert [(p["resource_type"], p["deletion_date"]) for p in result["pending_deletion"]] == [
        ("kms:key", "2026-12-06"), ("secretsmanager:secret", "2026-12-01")]
    client.get_paginator.assert_called_once_with("get_resources")


def test_live_key_and_secret_are_resources(run_module):
    result, failed = run(run_module, client_for([KEY, SECRET]), {"tags": {"Environment": "prod"}})
    assert not failed
    assert [r["resource_type"] for r in result["resources"]] == ["kms:key", "secretsmanager:secret"]
    assert result["pending_deletion"] == []


def test_iam_roles_only_when_all_tags_match(run_module):
    roles = [("payments-a", [{"Key": "Environment", "Value": "prod"}, {"Key": "Project", "Value": "P"}]),
             ("other", [{"Key": "Environment", "Value": "test"}])]
    result, failed = run(run_module, client_for([], roles=roles),
                         {"tags": {"Environment": "prod", "Project": "P"}, "include_iam_roles": True})
    assert not failed
    assert [r["arn"] for r in result["resources"]] == ["arn:aws:iam::123456789012:role/payments-a"]


def test_an_empty_tag_filter_is_refused(run_module):
    result, failed = run(run_module, client_for([VPC]), {"tags": {}})
    assert failed and "at least one tag" in result["msg"]
