from __future__ import annotations

import copy
import json
from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import kms_replica_key
from .conftest import calls_made, client_for

KEY_ID = "mrk-1234abcd12ab34cd56ef1234567890ab"
PRIMARY = f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"
REPLICA = PRIMARY.replace("us-east-1", "us-east-2")
POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "kms:DescribeKey", "Resource": "*"}]}
DEFAULT_POLICY = {"Version": "2012-10-17", "Statement": []}
WRITES = ("replicate_key", "put_key_policy", "update_key_description", "tag_resource", "untag_resource",
          "create_alias", "update_alias", "cancel_key_deletion", "enable_key", "schedule_key_deletion")
ARGS = {"primary_key_arn": PRIMARY, "region": "us-east-2", "description": "stack key (DR)",
        "policy": json.dumps(POLICY), "alias": "payments-kms-dr-test", "tags": {"DR-Role": "dr"}}


def not_found(operation):
    return botocore.exceptions.ClientError({"Error": {"Code": "NotFoundException", "Message": "gone"}}, operation)


class FakeKms:
    """Keys by ARN (the region is in the ARN), aliases of the replica region."""

    def __init__(self, replica=None, primary_multi_region=True):
        self.keys = {PRIMARY: {"Arn": PRIMARY, "KeyId": KEY_ID, "KeyState": "Enabled", "Description": "primary",
                               "MultiRegion": primary_multi_region,
                               "MultiRegionConfiguration": {"MultiRegionKeyType": "PRIMARY"}}}
        self.policies = {PRIMARY: copy.deepcopy(DEFAULT_POLICY)}
        self.tags = {PRIMARY: []}
        self.aliases = {}
        if replica is not None:
            self.add_replica(**replica)

    def add_replica(self, description="", policy=None, tags=None, state="Enabled", aliases=()):
        self.keys[REPLICA] = {"Arn": REPLICA, "KeyId": KEY_ID, "KeyState": state, "Description": description,
                              "MultiRegion": True, "MultiRegionConfiguration": {"MultiRegionKeyType": "REPLICA"}}
        self.policies[REPLICA] = copy.deepcopy(policy or DEFAULT_POLICY)
        self.tags[REPLICA] = [{"TagKey": k, "TagValue": v} for k, v in (tags or {}).items()]
        for alias in aliases:
            self.aliases[alias] = KEY_ID

    # -- API --------------------------------------------------------------------------------
    def describe_key(self, KeyId, **kw):
        if KeyId not in self.keys:
            raise not_found("DescribeKey")
        return {"KeyMetadata": copy.deepcopy(self.keys[KeyId])}

    def replicate_key(self, KeyId, ReplicaRegion, Description="", Policy=None, Tags=None, **kw):
        assert KeyId == PRIMARY and ReplicaRegion == "us-east-2"
        self.add_replica(Description, json.loads(Policy) if Policy else None,
                         {t["TagKey"]: t["TagValue"] for t in Tags or []})
        return {"ReplicaKeyMetadata": copy.deepcopy(self.keys[REPLICA])}

    def get_key_policy(self, KeyId, PolicyName, **kw):
        return {"Policy": json.dumps(self.policies[KeyId])}

    def put_key_policy(self, KeyId, PolicyName, Policy, **kw):
        self.policies[KeyId] = json.loads(Policy)

    def update_key_description(self, KeyId, Description, **kw):
        self.keys[KeyId]["Description"] = Description

    def list_resource_tags(self, KeyId, **kw):
        return {"Tags": copy.deepcopy(self.tags[KeyId]), "Truncated": False}

    def tag_resource(self, KeyId, Tags, **kw):
        current = {t["TagKey"]: t["TagValue"] for t in self.tags[KeyId]}
        current.update({t["TagKey"]: t["TagValue"] for t in Tags})
        self.tags[KeyId] = [{"TagKey": k, "TagValue": v} for k, v in current.items()]

    def untag_resource(self, KeyId, TagKeys, **kw):
        self.tags[KeyId] = [t for t in self.tags[KeyId] if t["TagKey"] not in TagKeys]

    def get_paginator(self, name):
        assert name == "list_aliases"
        paginator = MagicMock()
        paginator.paginate.return_value.build_full_result.side_effect = lambda: {"Aliases": [
            {"AliasName": n, "TargetKeyId": t} for n, t in self.aliases.items()]}
        return paginator

    def create_alias(self, AliasName, TargetKeyId, **kw):
        assert AliasName not in self.aliases
        self.aliases[AliasName] = TargetKeyId.split("/")[-1]

    def update_alias(self, AliasName, TargetKeyId, **kw):
        self.aliases[AliasName] = TargetKeyId.split("/")[-1]

    def cancel_key_deletion(self, KeyId, **kw):
        self.keys[KeyId]["KeyState"] = "Disabled"

    def enable_key(self, KeyId, **kw):
        self.keys[KeyId]["KeyState"] = "Enabled"

    def schedule_key_deletion(self, KeyId, PendingWindowInDays, **kw):
        self.keys[KeyId]["KeyState"] = "PendingDeletion"


def writes(client):
    return calls_made(client, WRITES)


def test_creates_the_replica_with_its_own_properties(run_module):
    fake = FakeKms()
    client = client_for(fake)
    result, failed = run_module(kms_replica_key, ARGS, client)
    assert not failed, result
    assert result["changed"] is True
    client.replicate_key.assert_called_once_with(
        aws_retry=True, KeyId=PRIMARY, ReplicaRegion="us-east-2", Description="stack key (DR)",
        Policy=json.dumps(POLICY), Tags=[{"TagKey": "DR-Role", "TagValue": "dr"}])
    assert fake.aliases == {"alias/payments-kms-dr-test": KEY_ID}
    key = result["key"]
    assert key["key_arn"] == REPLICA and key["key_state"] == "Enabled"
    assert key["policy"] == POLICY and key["tags"] == {"DR-Role": "dr"}
    assert key["aliases"] == ["alias/payments-kms-dr-test"]


def test_existing_replica_in_the_desired_state_changes_nothing(run_module):
    fake = FakeKms(replica={"description": "stack key (DR)", "policy": POLICY, "tags": {"DR-Role": "dr"},
                            "aliases": ["alias/payments-kms-dr-test"]})
    client = client_for(fake)
    result, failed = run_module(kms_replica_key, ARGS, client)
    assert not failed and result["changed"] is False, result
    assert writes(client) == []


@pytest.mark.parametrize("replica, expected_writes", [
    ({"description": "old", "policy": POLICY, "tags": {"DR-Role": "dr"}, "aliases": ["alias/payments-kms-dr-test"]},
     ["update_key_description"]),
    ({"description": "stack key (DR)", "policy": DEFAULT_POLICY, "tags": {"DR-Role": "dr"},
      "aliases": ["alias/payments-kms-dr-test"]}, ["put_key_policy"]),
    ({"description": "stack key (DR)", "policy": POLICY, "tags": {"Stale": "x"},
      "aliases": ["alias/payments-kms-dr-test"]}, ["tag_resource", "untag_resource"]),
    ({"description": "stack key (DR)", "policy": POLICY, "tags": {"DR-Role": "dr"}}, ["create_alias"]),
    ({"description": "stack key (DR)", "policy": POLICY, "tags": {"DR-Role": "dr"},
      "aliases": ["alias/payments-kms-dr-test"], "state": "PendingDeletion"}, ["cancel_key_deletion", "enable_key"]),
])
def test_drift_is_repaired_with_only_the_calls_it_needs(run_module, replica, expected_writes):
    fake = FakeKms(replica=replica)
    client = client_for(fake)
    result, failed = run_module(kms_replica_key, ARGS, client)
    assert not failed and result["changed"] is True, result
    assert sorted(writes(client)) == sorted(expected_writes)
    assert fake.keys[REPLICA]["Description"] == "stack key (DR)" and fake.keys[REPLICA]["KeyState"] == "Enabled"
    assert fake.policies[REPLICA] == POLICY
    assert fake.tags[REPLICA] == [{"TagKey": "DR-Role", "TagValue": "dr"}]
    assert fake.aliases["alias/payments-kms-dr-test"] == KEY_ID


def test_alias_pointing_at_another_key_is_moved(run_module):
    fake = FakeKms(replica={"description": "stack key (DR)", "policy": POLICY, "tags": {"DR-Role": "dr"}})
    fake.aliases["alias/payments-kms-dr-test"] = "some-other-key"
    client = client_for(fake)
    result, failed = run_module(kms_replica_key, ARGS, client)
    assert not failed and result["changed"] is True
    client.update_alias.assert_called_once_with(aws_retry=True, AliasName="alias/payments-kms-dr-test",
                                                TargetKeyId=REPLICA)
    client.create_alias.assert_not_called()


def test_unset_options_are_left_alone(run_module):
    fake = FakeKms(replica={"description": "whatever", "tags": {"Other": "1"}})
    client = client_for(fake)
    result, failed = run_module(kms_replica_key, {"primary_key_arn": PRIMARY, "region": "us-east-2"}, client)
    assert not failed and result["changed"] is False, result
    assert writes(client) == []


@pytest.mark.parametrize("replica", [None, {"description": "old", "tags": {"Stale": "x"}}])
def test_check_mode_reports_the_change_and_writes_nothing(run_module, replica):
    fake = FakeKms(replica=replica)
    client = client_for(fake)
    result, failed = run_module(kms_replica_key, ARGS, client, check_mode=True, diff=True)
    assert not failed and result["changed"] is True, result
    assert writes(client) == []
    assert result["diff"]["after"]["description"] == "stack key (DR)"
    assert result["diff"]["after"]["tags"] == {"DR-Role": "dr"}
    assert result["diff"]["after"]["aliases"] == ["alias/payments-kms-dr-test"]
    assert result["diff"]["before"] == ({} if replica is None else result["diff"]["before"])


def test_absent_schedules_deletion_once(run_module):
    fake = FakeKms(replica={})
    client = client_for(fake)
    args = {"primary_key_arn": PRIMARY, "region": "us-east-2", "state": "absent", "pending_window": 7}
    result, failed = run_module(kms_replica_key, args, client)
    assert not failed and result["changed"] is True
    client.schedule_key_deletion.assert_called_once_with(aws_retry=True, KeyId=REPLICA, PendingWindowInDays=7)
    assert result["key"]["key_state"] == "PendingDeletion"
    again, dummy = run_module(kms_replica_key, args, client_for(fake))
    assert again["changed"] is False


def test_absent_when_missing_changes_nothing(run_module):
    client = client_for(FakeKms())
    result, failed = run_module(kms_replica_key, {"primary_key_arn": PRIMARY, "region": "us-east-2",
                                                  "state": "absent"}, client)
    assert not failed and result["changed"] is False and result["key"] == {}


@pytest.mark.parametrize("args, message", [
    ({"primary_key_arn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
     "multi-Region key"),
    ({"region": "us-east-1"}, "must differ"),
    ({"pending_window": 3}, "between 7 and 30"),
    ({"policy": "{not json"}, "JSON"),
])
def test_bad_input_fails_before_any_call(run_module, args, message):
    client = client_for(FakeKms())
    result, failed = run_module(kms_replica_key, dict(ARGS, **args), client)
    assert failed and message in result["msg"], result
    assert client.method_calls == []


def test_single_region_primary_is_refused(run_module):
    client = client_for(FakeKms(primary_multi_region=False))
    result, failed = run_module(kms_replica_key, ARGS, client)
    assert failed and "not a multi-Region primary key" in result["msg"]
    assert writes(client) == []


def test_api_errors_fail_with_the_aws_message(run_module):
    client = client_for(FakeKms())
    client.replicate_key.side_effect = botocore.exceptions.ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ReplicateKey")
    result, failed = run_module(kms_replica_key, ARGS, client)
    assert failed and "Failed to replicate" in result["msg"]
