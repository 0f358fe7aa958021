"""KMS key states as AWS sets them: deletion by ARN, replicas before their primary, no rescheduling, no enabling a key pending deletion."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


def test_schedule_by_arn_answers_arn_state_and_window(aws, control):
    kms = aws("kms", PRIMARY)
    key = kms.create_key()["KeyMetadata"]
    answer = kms.schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    assert answer["KeyId"] == key["Arn"]
    assert answer["KeyState"] == "PendingDeletion" and answer["PendingWindowInDays"] == 7
    assert "DeletionDate" in answer
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "PendingDeletion" and metadata["Enabled"] is False

    with pytest.raises(ClientError) as err:
        kms.schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    assert error_code(err) == "KMSInvalidStateException"

    assert kms.cancel_key_deletion(KeyId=key["Arn"])["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as err:
        kms.cancel_key_deletion(KeyId=key["Arn"])
    assert error_code(err) == "KMSInvalidStateException"


@pytest.mark.parametrize("window", [6, 31])
def test_window_outside_7_to_30_days_is_refused(aws, control, window):
    kms = aws("kms", PRIMARY)
    key = kms.create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as err:
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=window)
    assert error_code(err) == "ValidationException"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_primary_with_replicas_waits_for_them(aws, control):
    kms, kms_dr = aws("kms", PRIMARY), aws("kms", DR)
    primary = kms.create_key(MultiRegion=True)["KeyMetadata"]
    replica = kms.replicate_key(KeyId=primary["Arn"], ReplicaRegion=DR)["ReplicaKeyMetadata"]

    answer = kms_dr.schedule_key_deletion(KeyId=replica["Arn"], PendingWindowInDays=7)
    assert answer["KeyState"] == "PendingDeletion"

    answer = kms.schedule_key_deletion(KeyId=primary["Arn"], PendingWindowInDays=10)
    assert answer["KeyState"] == "PendingReplicaDeletion" and "DeletionDate" not in answer
    metadata = kms.describe_key(KeyId=primary["Arn"])["KeyMetadata"]
    assert metadata["KeyState"] == "PendingReplicaDeletion"
    assert metadata["PendingDeletionWindowInDays"] == 10 and "DeletionDate" not in metadata
    with pytest.raises(ClientError) as err:
        kms.schedule_key_deletion(KeyId=primary["Arn"], PendingWindowInDays=10)
    assert error_code(err) == "KMSInvalidStateException"



@pytest.mark.parametrize("by", ["Arn", "KeyId"])
def test_a_key_pending_deletion_is_enabled_only_after_its_deletion_is_cancelled(aws, control, by):
    """What a rebuild after a teardown does: EnableKey is refused while the key is pending deletion,
    then, after CancelKeyDeletion (the key is Disabled), enables it; by key id or key ARN."""
    kms = aws("kms", PRIMARY)
    key = kms.create_key(MultiRegion=True)["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    for call in (kms.enable_key, kms.disable_key):
        with pytest.raises(ClientError) as err:
            call(KeyId=key[by])
        assert error_code(err) == "KMSInvalidStateException"
    assert kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]["KeyState"] == "PendingDeletion"

    kms.cancel_key_deletion(KeyId=key[by])
    kms.enable_key(KeyId=key[by])
    metadata = kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]
    assert metadata["KeyState"] == "Enabled" and metadata["Enabled"] is True
    kms.disable_key(KeyId=key[by])
    assert kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]["KeyState"] == "Disabled"


def test_enabling_a_key_of_another_region_by_arn_is_not_found(aws, control):
    key = aws("kms", PRIMARY).create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as err:
        aws("kms", DR).enable_key(KeyId=key["Arn"])
    assert error_code(err) == "NotFoundException"
