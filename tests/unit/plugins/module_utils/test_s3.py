"""module_utils/s3.py: a bucket without a replication configuration is None (read) or False
(delete), a missing bucket is False, any other error is AnsibleS3Error naming the bucket."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import s3


def client_error(code, operation="GetBucketReplication"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


@pytest.mark.parametrize("code, expected", [("ReplicationConfigurationNotFoundError", None), ("NoSuchBucket", False)])
def test_a_missing_configuration_or_bucket_is_not_an_error(code, expected):
    client = MagicMock()
    client.get_bucket_replication.side_effect = client_error(code)
    assert s3.get_bucket_replication(client, "b1") is expected


def test_a_configuration_is_answered():
    client = MagicMock()
    client.get_bucket_replication.return_value = {"ReplicationConfiguration": {"Role": "r", "Rules": []}}
    assert s3.get_bucket_replication(client, "b1") == {"Role": "r", "Rules": []}
    client.get_bucket_replication.assert_called_once_with(aws_retry=True, Bucket="b1")


@pytest.mark.parametrize("call, args, operation, message", [
    ("get_bucket_replication", (), "GetBucketReplication", "Failed to get the replication configuration of b1"),
    ("put_bucket_replication", ({"Role": "r", "Rules": []},), "PutBucketReplication",
     "Failed to put the replication configuration of b1"),
    ("delete_bucket_replication", (), "DeleteBucketReplication", "Failed to delete the replication configuration of b1"),
])
def test_any_other_error_names_the_bucket(call, args, operation, message):
    client = MagicMock()
    getattr(client, call).side_effect = client_error("AccessDenied", operation)
    with pytest.raises(s3.AnsibleS3Error) as raised:
        getattr(s3, call)(client, "b1", *args)
    assert raised.value.message == message
    assert isinstance(raised.value.exception, botocore.exceptions.ClientError)


def test_deleting_a_configuration_that_is_not_there_is_false():
    client = MagicMock()
    client.delete_bucket_replication.side_effect = client_error("ReplicationConfigurationNotFoundError",
                                                                "DeleteBucketReplication")
    assert s3.delete_bucket_replication(client, "b1") is False
    client.delete_bucket_replication.side_effect = None
    assert s3.delete_bucket_replication(client, "b1") is True


def test_a_missing_bucket_is_an_error_for_a_write():
    client = MagicMock()
    client.delete_bucket_replication.side_effect = client_error("NoSuchBucket", "DeleteBucketReplication")
    with pytest.raises(s3.AnsibleS3Error):
        s3.delete_bucket_replication(client, "b1")
