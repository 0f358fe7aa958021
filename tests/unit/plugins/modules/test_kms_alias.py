from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions

import pytest

from ansible_collections.payments.dr.plugins.modules import kms_alias
from .conftest import calls_made

KEY = "mrk-1234abcd12ab34cd56ef1234567890ab"
KEY_ARN = f"arn:aws:kms:us-east-1:123456789012:key/{KEY}"
OTHER = "0b5e8f3c-1111-2222-3333-444455556666"
NAME = "alias/payments-kms-primary-test"
WRITES = ("create_alias", "update_alias", "delete_alias")


def kms_client(aliases):
    """A client whose ListAliases answers ``aliases`` (name -> key id)."""
    client = MagicMock()
    paginator = MagicMock()
    paginator.paginate.return_value.build_full_result.return_value = {"Aliases": [
        {"AliasName": name, "AliasArn": f"arn:aws:kms:us-east-1:123456789012:{name}", "TargetKeyId": key}
        for name, key in aliases.items()] + [{"AliasName": "alias/aws/s3", "AliasArn": "arn"}]}
    client.get_paginator.return_value = paginator
    return client


def writes(client):
    return calls_made(client, WRITES)


@pytest.mark.parametrize("aliases, target, expected_writes", [
    ({}, KEY_ARN, ["create_alias"]),
    ({NAME: OTHER}, KEY_ARN, ["update_alias"]),
    ({NAME: KEY}, KEY_ARN, []),
    ({NAME: KEY}, KEY, []),
])
def test_present_creates_or_moves_the_alias_only_when_needed(run_module, aliases, target, expected_writes):
    client = kms_client(aliases)
    result, failed = run_module(kms_alias, {"name": NAME, "target_key_id": target}, client)
    assert not failed, result
    assert result["changed"] is bool(expected_writes)
    assert writes(client) == expected_writes
    for name in expected_writes:
        getattr(client, name).assert_called_once_with(aws_retry=True, AliasName=NAME, TargetKeyId=target)


@pytest.mark.parametrize("aliases, target, deleted", [
    ({NAME: KEY}, None, True),
    ({NAME: KEY}, KEY_ARN, True),
    ({NAME: OTHER}, KEY_ARN, False),  # names another key now: left alone
    ({}, None, False),
])
def test_absent_deletes_the_alias(run_module, aliases, target, deleted):
    client = kms_client(aliases)
    args = {"name": NAME.removeprefix("alias/"), "state": "absent"}
    if target:
        args["target_key_id"] = target
    result, failed = run_module(kms_alias, args, client)
    assert not failed, result
    assert result["changed"] is deleted
    if deleted:
        client.delete_alias.assert_called_once_with(aws_retry=True, AliasName=NAME)
        assert result["alias"] == {}
    else:
        client.delete_alias.assert_not_called()


@pytest.mark.parametrize("args", [{"name": NAME, "state": "absent"}, {"name": NAME, "target_key_id": KEY}])
def test_check_mode_reports_the_change_and_writes_nothing(run_module, args):
    client = kms_client({NAME: OTHER} if args.get("target_key_id") else {NAME: KEY})
    result, failed = run_module(kms_alias, args, client, check_mode=True, diff=True)
    assert not failed and result["changed"] is True, result
    assert writes(client) == []
    assert result["diff"]["before"]["alias_name"] == NAME
    assert result["diff"]["after"] == ({"alias_name": NAME, "alias_arn": f"arn:aws:kms:us-east-1:123456789012:{NAME}",
                                        "target_key_id": KEY} if args.get("target_key_id") else {})


def test_aws_reserved_names_are_refused(run_module):
    client = kms_client({})
    result, failed = run_module(kms_alias, {"name": "alias/aws/s3", "state": "absent"}, client)
    assert failed and "reserved" in result["msg"]
    client.get_paginator.assert_not_called()


def test_the_module_fails_once_with_the_message_and_the_aws_error(run_module):
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = botocore.exceptions.ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, "ListAliases")
    result, failed = run_module(kms_alias, {"name": "payments-kms-primary-test", "target_key_id": "mrk-1"}, client)
    assert failed and result["msg"].startswith("Failed to list the KMS aliases")
    assert result["error"]["code"] == "AccessDeniedException"
