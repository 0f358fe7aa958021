from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import secretsmanager_secret_replica
from .conftest import calls_made

NAME = "payments-db-credentials-global-test"
DR_KEY = "arn:aws:kms:us-east-2:123456789012:key/mrk-1234"
REPLICA = {"Region": "us-east-2", "KmsKeyId": DR_KEY, "Status": "InSync", "StatusMessage": "Replication succeeded"}
WRITES = ("replicate_secret_to_regions", "remove_regions_from_replication")
ARGS = {"name": NAME, "region": "us-east-1", "replica_region": "us-east-2"}


def secrets_client(secret):
    """A client whose DescribeSecret answers ``secret`` (None: not found), then the secret after a write."""
    client = MagicMock()
    if secret is None:
        client.describe_secret.side_effect = botocore.exceptions.ClientError(
            {"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "DescribeSecret")
    else:
        client.describe_secret.return_value = secret
    return client


def writes(client):
    return calls_made(client, WRITES)


def test_absent_removes_the_replica(run_module):
    client = secrets_client({"Name": NAME, "ReplicationStatus": [REPLICA]})
    result, failed = run_module(secretsmanager_secret_replica, dict(ARGS, state="absent"), client)
    assert not failed and result["changed"] is True, result
    client.remove_regions_from_replication.assert_called_once_with(
        aws_retry=True, SecretId=NAME, RemoveReplicaRegions=["us-east-2"])


@pytest.mark.parametrize("secret", [
    None,
    {"Name": NAME},
    {"Name": NAME, "ReplicationStatus": []},
    {"Name": NAME, "DeletedDate": "2030-01-01T00:00:00Z"},
    {"Name": NAME, "ReplicationStatus": [dict(REPLICA, Region="eu-west-1")]},
])
def test_absent_without_that_replica_changes_nothing(run_module, secret):
    client = secrets_client(secret)
    result, failed = run_module(secretsmanager_secret_replica, dict(ARGS, state="absent"), client)
    assert not failed and result["changed"] is False, result
    assert writes(client) == []


def test_present_adds_a_missing_replica_with_its_key(run_module):
    client = secrets_client({"Name": NAME})
    result, failed = run_module(secretsmanager_secret_replica, dict(ARGS, kms_key_id=DR_KEY), client)
    assert not failed and result["changed"] is True, result
    client.replicate_secret_to_regions.assert_called_once_with(
        aws_retry=True, SecretId=NAME, AddReplicaRegions=[{"Region": "us-east-2", "KmsKeyId": DR_KEY}])


def test_present_with_the_replica_changes_nothing(run_module):
    client = secrets_client({"Name": NAME, "ReplicationStatus": [REPLICA]})
    result, failed = run_module(secretsmanager_secret_replica, ARGS, client)
    assert not failed and result["changed"] is False
    assert writes(client) == []


@pytest.mark.parametrize("secret", [None, {"Name": NAME, "DeletedDate": "2030-01-01T00:00:00Z"}])
def test_present_needs_a_live_secret(run_module, secret):
    result, failed = run_module(secretsmanager_secret_replica, ARGS, secrets_client(secret))
    assert failed and "does not exist" in result["msg"]


def test_a_replica_is_not_managed_from_its_own_region(run_module):
    client = secrets_client({"Name": NAME, "PrimaryRegion": "us-west-2", "ReplicationStatus": [REPLICA]})
    result, failed = run_module(secretsmanager_secret_replica, dict(ARGS, state="absent"), client)
    assert failed and "us-west-2" in result["msg"]
    assert writes(client) == []


@pytest.mark.parametrize("state, secret", [
    ("absent", {"Name": NAME, "ReplicationStatus": [REPLICA]}),
    ("present", {"Name": NAME}),
])
def test_check_mode_reports_the_change_and_writes_nothing(run_module, state, secret):
    client = secrets_client(secret)
    result, failed = run_module(secretsmanager_secret_replica, dict(ARGS, state=state), client,
                                check_mode=True, diff=True)
    assert not failed and result["changed"] is True, result
    assert writes(client) == []
    regions = [r["region"] for r in result["diff"]["after"]["replication_status"]]
    assert regions == ([] if state == "absent" else ["us-east-2"])


def test_same_region_is_refused(run_module):
    client = secrets_client(None)
    result, failed = run_module(secretsmanager_secret_replica, dict(ARGS, replica_region="us-east-1"), client)
    assert failed and "must differ" in result["msg"]
    client.describe_secret.assert_not_called()
