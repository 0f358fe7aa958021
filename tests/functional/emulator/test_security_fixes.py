"""KMS multi-Region replicas, Secrets Manager replica keys and AWS Backup selections, as on AWS."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY

ACCOUNT = "123456789012"
POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": ["kms:DescribeKey", "kms:PutKeyPolicy"], "Resource": "*"}]}


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


def mrk(aws, description="primary", **replica_args):
    primary = aws("kms", PRIMARY).create_key(MultiRegion=True, Description=description)["KeyMetadata"]
    answer = aws("kms", PRIMARY).replicate_key(KeyId=primary["Arn"], ReplicaRegion=DR, **replica_args)
    return primary, answer


# -- KMS ------------------------------------------------------------------------------------

def test_replicate_key_applies_description_policy_and_tags_to_the_replica(aws, control):
    primary, answer = mrk(aws, Description="replica", Policy=json.dumps(POLICY),
                          Tags=[{"TagKey": "DR-Role", "TagValue": "dr"}])
    assert answer["ReplicaKeyMetadata"]["Description"] == "replica"
    assert answer["ReplicaKeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert json.loads(answer["ReplicaPolicy"]) == POLICY
    assert answer["ReplicaTags"] == [{"TagKey": "DR-Role", "TagValue": "dr"}]

    dr = aws("kms", DR)
    replica_arn = answer["ReplicaKeyMetadata"]["Arn"]
    assert dr.describe_key(KeyId=replica_arn)["KeyMetadata"]["Description"] == "replica"
    assert json.loads(dr.get_key_policy(KeyId=replica_arn, PolicyName="default")["Policy"]) == POLICY
    assert dr.list_resource_tags(KeyId=replica_arn)["Tags"] == [{"TagKey": "DR-Role", "TagValue": "dr"}]
    # The primary keeps its own description, default policy and (no) tags.
    kms = aws("kms", PRIMARY)
    assert kms.describe_key(KeyId=primary["Arn"])["KeyMetadata"]["Description"] == "primary"
    assert "Enable IAM User Permissions" in kms.get_key_policy(KeyId=primary["Arn"], PolicyName="default")["Policy"]
    assert kms.list_resource_tags(KeyId=primary["Arn"])["Tags"] == []


def test_replica_without_description_or_policy_gets_the_defaults(aws, control):
    _, answer = mrk(aws)
    replica_arn = answer["ReplicaKeyMetadata"]["Arn"]
    assert aws("kms", DR).describe_key(KeyId=replica_arn)["KeyMetadata"]["Description"] == ""
    assert "Enable IAM User Permissions" in answer["ReplicaPolicy"]


def test_each_key_keeps_its_own_multi_region_type(aws, control):
    primary, answer = mrk(aws)
    replica = aws("kms", DR).describe_key(KeyId=answer["ReplicaKeyMetadata"]["Arn"])["KeyMetadata"]
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    # Describing the replica must not turn the primary into a replica.
    again = aws("kms", PRIMARY).describe_key(KeyId=primary["Arn"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert again["MultiRegionKeyType"] == "PRIMARY"
    assert again["ReplicaKeys"] == [{"Arn": replica["Arn"], "Region": DR}]
    assert replica["MultiRegionConfiguration"]["ReplicaKeys"] == again["ReplicaKeys"]


def test_replicating_twice_into_a_region_is_refused(aws, control):
    primary, _ = mrk(aws)
    with pytest.raises(ClientError) as err:
        aws("kms", PRIMARY).replicate_key(KeyId=primary["Arn"], ReplicaRegion=DR)
    assert error_code(err) == "AlreadyExistsException"


def test_rotation_is_managed_on_the_primary_and_shared_by_replicas(aws, control):
    primary, answer = mrk(aws)
    replica_arn = answer["ReplicaKeyMetadata"]["Arn"]
    dr = aws("kms", DR)
    assert dr.get_key_rotation_status(KeyId=replica_arn)["KeyRotationEnabled"] is False
    aws("kms", PRIMARY).enable_key_rotation(KeyId=primary["Arn"])
    assert dr.get_key_rotation_status(KeyId=replica_arn)["KeyRotationEnabled"] is True
    for call in (dr.enable_key_rotation, dr.disable_key_rotation):
        with pytest.raises(ClientError) as err:
            call(KeyId=replica_arn)
        assert error_code(err) == "UnsupportedOperationException"
    # Single-Region keys in the DR region rotate as before.
    single = dr.create_key()["KeyMetadata"]["Arn"]
    dr.enable_key_rotation(KeyId=single)
    assert dr.get_key_rotation_status(KeyId=single)["KeyRotationEnabled"] is True


# -- Secrets Manager ------------------------------------------------------------------------

@pytest.mark.parametrize("replicate_later", [False, True])
def test_secret_replica_is_encrypted_with_its_regions_key(aws, control, replicate_later):
    primary, answer = mrk(aws)
    replica_key = answer["ReplicaKeyMetadata"]["Arn"]
    sm = aws("secretsmanager", PRIMARY)
    replicas = [{"Region": DR, "KmsKeyId": replica_key}]
    if replicate_later:
        created = sm.create_secret(Name="db", SecretString="{}", KmsKeyId=primary["Arn"])
        status = sm.replicate_secret_to_regions(SecretId="db", AddReplicaRegions=replicas)["ReplicationStatus"]
    else:
        created = sm.create_secret(Name="db", SecretString="{}", KmsKeyId=primary["Arn"], AddReplicaRegions=replicas)
        status = created["ReplicationStatus"]
    assert status[0]["KmsKeyId"] == replica_key
    assert sm.describe_secret(SecretId="db")["ReplicationStatus"][0]["KmsKeyId"] == replica_key
    assert sm.describe_secret(SecretId="db")["KmsKeyId"] == primary["Arn"]
    in_dr = aws("secretsmanager", DR).describe_secret(SecretId="db")
    assert in_dr["KmsKeyId"] == replica_key
    assert in_dr["PrimaryRegion"] == PRIMARY
    assert in_dr["ARN"] == created["ARN"].replace(PRIMARY, DR)


def test_secret_replica_without_key_keeps_the_aws_managed_key(aws, control):
    sm = aws("secretsmanager", PRIMARY)
    created = sm.create_secret(Name="plain", SecretString="{}", AddReplicaRegions=[{"Region": DR}])
    assert created["ReplicationStatus"][0]["KmsKeyId"] == "alias/aws/secretsmanager"


# -- AWS Backup -----------------------------------------------------------------------------

def test_missing_vault_answers_access_denied(aws, control):
    backup = aws("backup", DR)
    with pytest.raises(ClientError) as err:
        backup.describe_backup_vault(BackupVaultName="missing")
    assert error_code(err) == "AccessDeniedException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    backup.create_backup_vault(BackupVaultName="present")
    assert backup.describe_backup_vault(BackupVaultName="present")["BackupVaultName"] == "present"
    assert [v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]] == ["present"]


RULE = {"RuleName": "daily", "TargetBackupVaultName": "vault", "ScheduleExpression": "cron(0 3 * * ? *)"}
SELECTION = {
    "SelectionName": "stack", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
    "Resources": ["arn:aws:dynamodb:us-east-1:123456789012:table/*"],
    "Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/Project", "ConditionValue": "Payments"}]},
}


def plan(aws, region=PRIMARY):
    return aws("backup", region).create_backup_plan(BackupPlan={"BackupPlanName": "p", "Rules": [RULE]})


def test_backup_selection_lifecycle(aws, control):
    backup = aws("backup")
    plan_id = plan(aws)["BackupPlanId"]
    created = backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=SELECTION)
    assert created["BackupPlanId"] == plan_id and created["SelectionId"]

    listing = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert [(s["SelectionName"], s["IamRoleArn"], s["SelectionId"]) for s in listing] == [
        ("stack", SELECTION["IamRoleArn"], created["SelectionId"])]

    got = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert got["BackupSelection"] == {
        "SelectionName": "stack", "IamRoleArn": SELECTION["IamRoleArn"], "Resources": SELECTION["Resources"],
        "ListOfTags": [], "NotResources": [],
        "Conditions": {"StringEquals": SELECTION["Conditions"]["StringEquals"], "StringNotEquals": [],
                       "StringLike": [], "StringNotLike": []}}
    assert got["SelectionId"] == created["SelectionId"] and got["CreatorRequestId"]

    with pytest.raises(ClientError) as err:
        backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=SELECTION)
    assert error_code(err) == "AlreadyExistsException"
    # Selections are regional: the DR region's plans know nothing of it.
    with pytest.raises(ClientError) as err:
        aws("backup", DR).list_backup_selections(BackupPlanId=plan_id)
    assert error_code(err) == "ResourceNotFoundException"

    # A plan with selections cannot be deleted; once they are gone it can.
    with pytest.raises(ClientError) as err:
        backup.delete_backup_plan(BackupPlanId=plan_id)
    assert error_code(err) == "InvalidRequestException"
    backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"] == []
    with pytest.raises(ClientError) as err:
        backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert error_code(err) == "ResourceNotFoundException"
    backup.delete_backup_plan(BackupPlanId=plan_id)


def test_selection_needs_a_live_plan_and_a_role(aws, control):
    backup = aws("backup")
    with pytest.raises(ClientError) as err:
        backup.create_backup_selection(BackupPlanId="no-such-plan", BackupSelection=SELECTION)
    assert error_code(err) == "ResourceNotFoundException"
    plan_id = plan(aws)["BackupPlanId"]
    with pytest.raises(ClientError) as err:
        backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=dict(SELECTION, IamRoleArn=""))
    assert error_code(err) == "MissingParameterValueException"


def test_update_backup_plan_replaces_the_rules_and_versions_the_plan(aws, control):
    backup = aws("backup")
    created = plan(aws)
    before = backup.get_backup_plan(BackupPlanId=created["BackupPlanId"])
    rule_id = before["BackupPlan"]["Rules"][0]["RuleId"]
    copy = {"DestinationBackupVaultArn": f"arn:aws:backup:{DR}:{ACCOUNT}:backup-vault:dr",
            "Lifecycle": {"DeleteAfterDays": 35}}
    updated = backup.update_backup_plan(BackupPlanId=created["BackupPlanId"], BackupPlan={
        "BackupPlanName": "p", "Rules": [dict(RULE, CopyActions=[copy]), dict(RULE, RuleName="weekly")]})
    assert updated["BackupPlanId"] == created["BackupPlanId"]
    assert updated["VersionId"] != created["VersionId"]
    after = backup.get_backup_plan(BackupPlanId=created["BackupPlanId"])
    rules = {r["RuleName"]: r for r in after["BackupPlan"]["Rules"]}
    assert rules["daily"]["CopyActions"] == [copy]
    assert rules["daily"]["RuleId"] == rule_id  # same rule, same id
    assert rules["weekly"]["RuleId"] != rule_id
    assert rules["weekly"]["StartWindowMinutes"] == 480 and rules["weekly"]["ScheduleExpressionTimezone"] == "Etc/UTC"
    assert after["VersionId"] == updated["VersionId"]
    with pytest.raises(ClientError) as err:
        backup.update_backup_plan(BackupPlanId="missing", BackupPlan={"BackupPlanName": "p", "Rules": [RULE]})
    assert error_code(err) == "ResourceNotFoundException"


def test_reset_forgets_selections(aws, control, emulator):
    plan_id = plan(aws)["BackupPlanId"]
    aws("backup").create_backup_selection(BackupPlanId=plan_id, BackupSelection=SELECTION)
    control.reset()
    extension = next(e for e in emulator.extensions if e.name == "security-fixes")
    assert extension._selections == {}


# -- AWS Budgets ----------------------------------------------------------------------------

BUDGET = {"BudgetName": "stack", "BudgetLimit": {"Amount": "500", "Unit": "USD"}, "TimeUnit": "MONTHLY",
          "BudgetType": "COST"}
NOTIFICATION = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0,
                "ThresholdType": "PERCENTAGE"}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "oncall@example.com"}
BUDGET_ARN = f"arn:aws:budgets::{ACCOUNT}:budget/stack"


def budget(aws, tags=None):
    client = aws("budgets")
    client.create_budget(AccountId=ACCOUNT, Budget=BUDGET, ResourceTags=tags or [],
                         NotificationsWithSubscribers=[{"Notification": NOTIFICATION, "Subscribers": [EMAIL]}])
    return client


def test_update_budget_replaces_the_budget(aws, control):
    client = budget(aws)
    client.update_budget(AccountId=ACCOUNT, NewBudget=dict(BUDGET, BudgetLimit={"Amount": "750", "Unit": "USD"}))
    described = client.describe_budget(AccountId=ACCOUNT, BudgetName="stack")["Budget"]
    assert described["BudgetLimit"] == {"Amount": "750", "Unit": "USD"} and described["TimePeriod"]["Start"]
    with pytest.raises(ClientError) as err:
        client.update_budget(AccountId=ACCOUNT, NewBudget=dict(BUDGET, BudgetName="missing"))
    assert error_code(err) == "NotFoundException"


def test_subscribers_of_a_notification(aws, control):
    client = budget(aws)
    listed = client.describe_subscribers_for_notification(AccountId=ACCOUNT, BudgetName="stack",
                                                          Notification=NOTIFICATION)["Subscribers"]
    assert listed == [EMAIL]
    sns = {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:123456789012:alerts"}
    client.create_subscriber(AccountId=ACCOUNT, BudgetName="stack", Notification=NOTIFICATION, Subscriber=sns)
    with pytest.raises(ClientError) as err:
        client.create_subscriber(AccountId=ACCOUNT, BudgetName="stack", Notification=NOTIFICATION, Subscriber=sns)
    assert error_code(err) == "DuplicateRecordException"
    client.delete_subscriber(AccountId=ACCOUNT, BudgetName="stack", Notification=NOTIFICATION, Subscriber=EMAIL)
    assert client.describe_subscribers_for_notification(
        AccountId=ACCOUNT, BudgetName="stack", Notification=NOTIFICATION)["Subscribers"] == [sns]
    with pytest.raises(ClientError) as err:
        client.describe_subscribers_for_notification(AccountId=ACCOUNT, BudgetName="stack",
                                                     Notification=dict(NOTIFICATION, Threshold=90.0))
    assert error_code(err) == "NotFoundException"


def test_budget_tags(aws, control):
    client = budget(aws, tags=[{"Key": "Project", "Value": "PaymentProcessing"}])
    assert client.list_tags_for_resource(ResourceARN=BUDGET_ARN)["ResourceTags"] == [
        {"Key": "Project", "Value": "PaymentProcessing"}]
    client.tag_resource(ResourceARN=BUDGET_ARN, ResourceTags=[{"Key": "Environment", "Value": "local"}])
    client.untag_resource(ResourceARN=BUDGET_ARN, ResourceTagKeys=["Project"])
    assert client.list_tags_for_resource(ResourceARN=BUDGET_ARN)["ResourceTags"] == [
        {"Key": "Environment", "Value": "local"}]
    client.delete_budget(AccountId=ACCOUNT, BudgetName="stack")
    with pytest.raises(ClientError) as err:
        client.list_tags_for_resource(ResourceARN=BUDGET_ARN)
    assert error_code(err) == "NotFoundException"
    budget(aws)  # a new budget of the same name starts untagged
    assert client.list_tags_for_resource(ResourceARN=BUDGET_ARN)["ResourceTags"] == []


def test_recovery_points_of_a_vault_are_listed(aws, control):
    backup = aws("backup", "us-east-2")
    backup.create_backup_vault(BackupVaultName="vault")
    assert backup.list_recovery_points_by_backup_vault(BackupVaultName="vault")["RecoveryPoints"] == []
    with pytest.raises(ClientError) as err:
        backup.list_recovery_points_by_backup_vault(BackupVaultName="missing")
    assert err.value.response["Error"]["Code"] == "AccessDeniedException"
