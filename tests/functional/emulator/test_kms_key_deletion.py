"""KMS key deletion as AWS schedules it: by ARN, replicas before their primary, no rescheduling."""

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

