"""module_utils/secretsmanager.py: a missing secret is None, any other error is
AnsibleSecretsManagerError naming the secret (and the region)."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import secretsmanager


def client_error(code, operation="DescribeSecret"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_a_missing_secret_is_none():
    client = MagicMock()
    client.describe_secret.side_effect = client_error("ResourceNotFoundException")
    assert secretsmanager.describe_secret(client, "s1") is None


def test_a_failed_describe_names_the_secret():
    client = MagicMock()
    client.describe_secret.side_effect = client_error("AccessDeniedException")
    with pytest.raises(secretsmanager.AnsibleSecretsManagerError) as raised:
        secretsmanager.describe_secret(client, "s1")
    assert raised.value.message == "Failed to describe secret s1"


def test_replicating_passes_the_key_only_when_given():
    client = MagicMock()
    secretsmanager.replicate_secret_to_region(client, "s1", "us-east-2")
    client.replicate_secret_to_regions.assert_called_once_with(
        aws_retry=True, SecretId="s1", AddReplicaRegions=[{"Region": "us-east-2"}])


@pytest.mark.parametrize("call, client_call, operation, message", [
    ("replicate_secret_to_region", "replicate_secret_to_regions", "ReplicateSecretToRegions",
     "Failed to replicate secret s1 into us-east-2"),
    ("remove_region_from_replication", "remove_regions_from_replication", "RemoveRegionsFromReplication",
     "Failed to remove the us-east-2 replica of secret s1"),
])
def test_a_failed_write_names_the_secret_and_the_region(call, client_call, operation, message):
    client = MagicMock()
    # ResourceNotFoundException is "missing" only for the read: a write that hits it fails.
    getattr(client, client_call).side_effect = client_error("ResourceNotFoundException", operation)
    with pytest.raises(secretsmanager.AnsibleSecretsManagerError) as raised:
        getattr(secretsmanager, call)(client, "s1", "us-east-2")
    assert raised.value.message == message
