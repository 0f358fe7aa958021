"""AWS Backup recovery points: on-demand jobs, listing, deletion that takes a while, vaults that must be empty."""

from __future__ import annotations


import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/payments-backup-global-local"
TABLE = f"arn:aws:dynamodb:{PRIMARY}:{ACCOUNT}:table/payments"
CLUSTER = f"arn:aws:rds:{PRIMARY}:{ACCOUNT}:cluster:payments-db"
KEY = f"arn:aws:kms:{PRIMARY}:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab"


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


@pytest.fixture
def backup(aws):
    client = aws("backup", PRIMARY)
    client.create_backup_vault(BackupVaultName="vault", EncryptionKeyArn=KEY)
    return client


def test_backup_job_leaves_a_recovery_point_in_the_vault(backup):
    job = backup.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)
    assert job["RecoveryPointArn"].startswith(f"arn:aws:backup:{PRIMARY}:{ACCOUNT}:recovery-point:")
    described = backup.describe_backup_job(BackupJobId=job["BackupJobId"])
    assert described["State"] == "COMPLETED" and described["RecoveryPointArn"] == job["RecoveryPointArn"]

    backup.start_backup_job(BackupVaultName="vault", ResourceArn=CLUSTER, IamRoleArn=ROLE)
    points = backup.list_recovery_points_by_backup_vault(BackupVaultName="vault")["RecoveryPoints"]
    assert [(p["ResourceArn"], p["ResourceType"], p["Status"]) for p in points] == [
        (TABLE, "DynamoDB", "COMPLETED"), (CLUSTER, "Aurora", "COMPLETED")]
    assert all(p["EncryptionKeyArn"] == KEY and p["BackupVaultName"] == "vault" for p in points)
    only_aurora = backup.list_recovery_points_by_backup_vault(BackupVaultName="vault", ByResourceType="Aurora")
    assert [p["ResourceArn"] for p in only_aurora["RecoveryPoints"]] == [CLUSTER]
    vaults = backup.list_backup_vaults()["BackupVaultList"]
    assert [v["NumberOfRecoveryPoints"] for v in vaults if v["BackupVaultName"] == "vault"] == [2]

    point = backup.describe_recovery_point(BackupVaultName="vault", RecoveryPointArn=job["RecoveryPointArn"])
    assert point["ResourceArn"] == TABLE


def test_vault_with_recovery_points_cannot_be_deleted(backup):
    job = backup.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)
    with pytest.raises(ClientError) as err:
        backup.delete_backup_vault(BackupVaultName="vault")
    assert error_code(err) == "InvalidRequestException"

    backup.delete_recovery_point(BackupVaultName="vault", RecoveryPointArn=job["RecoveryPointArn"])
    assert backup.list_recovery_points_by_backup_vault(BackupVaultName="vault")["RecoveryPoints"] == []
    backup.delete_backup_vault(BackupVaultName="vault")
    assert backup.list_backup_vaults()["BackupVaultList"] == []


def test_deleted_recovery_point_is_deleting_for_a_while(backup, control):
    control.post("backup-recovery-points/settings", {"delete_seconds": 1})
    job = backup.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)
    backup.delete_recovery_point(BackupVaultName="vault", RecoveryPointArn=job["RecoveryPointArn"])
    points = backup.list_recovery_points_by_backup_vault(BackupVaultName="vault")["RecoveryPoints"]
    assert [p["Status"] for p in points] == ["DELETING"]
    with pytest.raises(ClientError) as err:
        backup.delete_recovery_point(BackupVaultName="vault", RecoveryPointArn=job["RecoveryPointArn"])
    assert error_code(err) == "InvalidResourceStateException"
    with pytest.raises(ClientError) as err:
        backup.delete_backup_vault(BackupVaultName="vault")
    assert error_code(err) == "InvalidRequestException"

    control.advance_clock(1.1)
    assert backup.list_recovery_points_by_backup_vault(BackupVaultName="vault")["RecoveryPoints"] == []
    backup.delete_backup_vault(BackupVaultName="vault")


def test_recovery_points_of_a_missing_vault_are_access_denied(aws, control):
    backup = aws("backup", PRIMARY)
    with pytest.raises(ClientError) as err:
        backup.start_backup_job(BackupVaultName="missing", ResourceArn=TABLE, IamRoleArn=ROLE)
    assert error_code(err) == "AccessDeniedException"
    with pytest.raises(ClientError) as err:
        backup.list_recovery_points_by_backup_vault(BackupVaultName="missing")
    assert error_code(err) == "AccessDeniedException"
