"""AWS Backup region settings, and cross-Region copies of DynamoDB recovery points that need advanced DynamoDB backup."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/payments-backup-global-local"
TABLE = f"arn:aws:dynamodb:{PRIMARY}:{ACCOUNT}:table/payments"
CLUSTER = f"arn:aws:rds:{PRIMARY}:{ACCOUNT}:cluster:payments-db"
DR_VAULT = f"arn:aws:backup:{DR}:{ACCOUNT}:backup-vault:dr-vault"
ADVANCED = {"ResourceTypeManagementPreference": {"DynamoDB": True}}


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


@pytest.fixture
def vaults(aws):
    """A vault in each Region; the primary Region's client."""
    backup = aws("backup", PRIMARY)
    backup.create_backup_vault(BackupVaultName="vault")
    aws("backup", DR).create_backup_vault(BackupVaultName="dr-vault")
    return backup


def copy_to_dr(backup, point_arn, destination=DR_VAULT):
    return backup.start_copy_job(RecoveryPointArn=point_arn, SourceBackupVaultName="vault",
                                 DestinationBackupVaultArn=destination, IamRoleArn=ROLE)


def test_region_settings_default_to_dynamodb_not_fully_managed_and_update_per_region(aws):
    backup, backup_dr = aws("backup", PRIMARY), aws("backup", DR)
    settings = backup.describe_region_settings()
    assert settings["ResourceTypeManagementPreference"] == {"DynamoDB": False, "EFS": True}
    assert settings["ResourceTypeOptInPreference"]["DynamoDB"] is True

    backup.update_region_settings(ResourceTypeManagementPreference={"DynamoDB": True},
                                  ResourceTypeOptInPreference={"S3": True})
    after = backup.describe_region_settings()
    assert after["ResourceTypeManagementPreference"] == {"DynamoDB": True, "EFS": True}
    assert after["ResourceTypeOptInPreference"] == dict(settings["ResourceTypeOptInPreference"], S3=True)
    # per Region: the DR Region keeps its own settings
    assert backup_dr.describe_region_settings()["ResourceTypeManagementPreference"]["DynamoDB"] is False


@pytest.mark.parametrize("update", [{"ResourceTypeManagementPreference": {"Aurora": True}},
                                    {"ResourceTypeOptInPreference": {"NoSuchService": True}}])
def test_unknown_resource_types_are_refused(aws, update):
    backup = aws("backup", PRIMARY)
    with pytest.raises(ClientError) as err:
        backup.update_region_settings(**update)
    assert error_code(err) == "InvalidParameterValueException"
    assert backup.describe_region_settings()["ResourceTypeManagementPreference"] == {"DynamoDB": False, "EFS": True}


def test_cross_region_copy_of_a_dynamodb_point_is_refused_without_advanced_backup(vaults, aws):
    point = vaults.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)["RecoveryPointArn"]
    with pytest.raises(ClientError) as err:
        copy_to_dr(vaults, point)
    assert error_code(err) == "InvalidRequestException"
    assert "advanced DynamoDB backup" in err.value.response["Error"]["Message"]
    assert aws("backup", DR).list_recovery_points_by_backup_vault(BackupVaultName="dr-vault")["RecoveryPoints"] == []

    # enabling the features later does not change a backup already taken; the next backup copies
    vaults.update_region_settings(**ADVANCED)
    with pytest.raises(ClientError) as err:
        copy_to_dr(vaults, point)
    assert error_code(err) == "InvalidRequestException"
    fresh = vaults.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)["RecoveryPointArn"]
    assert copy_to_dr(vaults, fresh)["CopyJobId"]


def test_cross_region_copy_with_advanced_backup_lands_in_the_destination_vault(vaults, aws):
    vaults.update_region_settings(**ADVANCED)
    point = vaults.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)["RecoveryPointArn"]
    job_id = copy_to_dr(vaults, point)["CopyJobId"]
    job = vaults.describe_copy_job(CopyJobId=job_id)["CopyJob"]
    assert job["State"] == "COMPLETED" and job["SourceRecoveryPointArn"] == point
    assert job["DestinationBackupVaultArn"] == DR_VAULT and job["ResourceType"] == "DynamoDB"
    [copied] = aws("backup", DR).list_recovery_points_by_backup_vault(BackupVaultName="dr-vault")["RecoveryPoints"]
    assert copied["RecoveryPointArn"] == job["DestinationRecoveryPointArn"]
    assert copied["RecoveryPointArn"].startswith(f"arn:aws:backup:{DR}:{ACCOUNT}:recovery-point:")
    assert (copied["ResourceArn"], copied["Status"]) == (TABLE, "COMPLETED")


def test_other_copies_need_no_advanced_dynamodb_backup(vaults, aws):
    aurora = vaults.start_backup_job(BackupVaultName="vault", ResourceArn=CLUSTER, IamRoleArn=ROLE)
    assert vaults.describe_copy_job(CopyJobId=copy_to_dr(vaults, aurora["RecoveryPointArn"])["CopyJobId"])[
        "CopyJob"]["State"] == "COMPLETED"
    # a copy within the Region is not cross-Region
    vaults.create_backup_vault(BackupVaultName="local-copy")
    table = vaults.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)
    copy_to_dr(vaults, table["RecoveryPointArn"], f"arn:aws:backup:{PRIMARY}:{ACCOUNT}:backup-vault:local-copy")
    assert len(vaults.list_recovery_points_by_backup_vault(BackupVaultName="local-copy")["RecoveryPoints"]) == 1


def test_copy_to_a_missing_vault_fails_as_a_job(vaults):
    vaults.update_region_settings(**ADVANCED)
    point = vaults.start_backup_job(BackupVaultName="vault", ResourceArn=TABLE, IamRoleArn=ROLE)["RecoveryPointArn"]
    job_id = copy_to_dr(vaults, point, f"arn:aws:backup:{DR}:{ACCOUNT}:backup-vault:missing")["CopyJobId"]
    job = vaults.describe_copy_job(CopyJobId=job_id)["CopyJob"]
    assert job["State"] == "FAILED" and "missing" in job["StatusMessage"]
    with pytest.raises(ClientError) as err:
        vaults.describe_copy_job(CopyJobId="NO-SUCH-JOB")
    assert error_code(err) == "ResourceNotFoundException"
