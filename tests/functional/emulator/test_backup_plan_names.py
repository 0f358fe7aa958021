"""AWS Backup plan names: held by live plans only, so a rebuilt stack can recreate its plan."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY

PLAN = {"BackupPlanName": "payments-backup-primary-local",
        "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "vault"}]}


def test_a_deleted_plans_name_can_be_used_again_and_the_deleted_plan_stays_readable(aws, control):
    backup = aws("backup", PRIMARY)
    backup.create_backup_vault(BackupVaultName="vault")
    first = backup.create_backup_plan(BackupPlan=PLAN)
    backup.delete_backup_plan(BackupPlanId=first["BackupPlanId"])

    second = backup.create_backup_plan(BackupPlan=PLAN, BackupPlanTags={"Environment": "local"})
    assert second["BackupPlanId"] != first["BackupPlanId"]
    live = backup.list_backup_plans()["BackupPlansList"]
    assert [(p["BackupPlanId"], p["BackupPlanName"]) for p in live] == [(second["BackupPlanId"], PLAN["BackupPlanName"])]
    assert "DeletionDate" in backup.get_backup_plan(BackupPlanId=first["BackupPlanId"])
    assert backup.list_tags(ResourceArn=second["BackupPlanArn"])["Tags"] == {"Environment": "local"}


def test_a_live_plans_name_is_still_refused(aws, control):
    backup = aws("backup", PRIMARY)
    backup.create_backup_vault(BackupVaultName="vault")
    first = backup.create_backup_plan(BackupPlan=PLAN)
    backup.delete_backup_plan(BackupPlanId=first["BackupPlanId"])
    backup.create_backup_plan(BackupPlan=PLAN)
    with pytest.raises(ClientError) as err:
        backup.create_backup_plan(BackupPlan=PLAN)
    assert err.value.response["Error"]["Code"] == "AlreadyExistsException"
