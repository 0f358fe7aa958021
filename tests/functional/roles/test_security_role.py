"""playbooks/security.yml against the emulator: multi-Region key, replicated secret, trail, backups, budget, tags."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DR, PRIMARY
from tests.emulator.control import EmulatorControl, aws_client
from tests.functional.ansible_run import run_playbook

PLAYBOOK = "playbooks/security.yml"
ACCOUNT = "123456789012"
SECRET = "payments-db-credentials-global-local"
TRAIL, TRAIL_BUCKET = "payments-trail-global-local", "payments-cloudtrail-global-local"
VAULTS = {PRIMARY: "payments-vault-primary-local", DR: "payments-vault-dr-local"}
PLAN = "payments-backup-primary-local"
BACKUP_ROLE = "payments-backup-global-local"
STANDARD = {"Environment": "local", "ManagedBy": "Ansible", "Project": "PaymentProcessing",
            "Purpose": "DisasterRecovery"}


def standard_tags(region, role):
    return dict(STANDARD, Region=region, **{"DR-Role": role})


def as_dict(tags, key="Key", value="Value"):
    return {t[key]: t[value] for t in tags}


# One worker runs this module, so its one deploy (the module fixture) is not repeated on the other.
pytestmark = pytest.mark.xdist_group(name="security-role")


@pytest.fixture(scope="module")
def endpoint(emulator):
    return emulator.endpoint_url


@pytest.fixture(scope="module")
def client(endpoint):
    return lambda service, region=PRIMARY: aws_client(endpoint, service, region)


@pytest.fixture(scope="module")
def deployed(endpoint):
    """One deployment for the module's tests, run with -v so its output can be searched for the password."""
    EmulatorControl(endpoint).reset()
    run = run_playbook(PLAYBOOK, endpoint, verbosity=1)
    assert run.rc == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return run


@pytest.fixture(scope="module")
def key_id(deployed, client):
    aliases = as_dict(client("kms").list_aliases()["Aliases"], "AliasName", "TargetKeyId")
    return aliases["alias/payments-kms-primary-local"]


def key_arn(region, key):
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key}"


def test_multi_region_key_primary_and_replica(client, key_id):
    kms = client("kms")
    primary = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert primary["MultiRegion"] is True and primary["KeyState"] == "Enabled"
    assert primary["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    assert primary["MultiRegionConfiguration"]["ReplicaKeys"] == [{"Arn": key_arn(DR, key_id), "Region": DR}]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True

    kms_dr = client("kms", DR)
    replica = kms_dr.describe_key(KeyId=key_arn(DR, key_id))["KeyMetadata"]
    assert replica["MultiRegion"] is True and replica["KeyState"] == "Enabled"
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["MultiRegionConfiguration"]["PrimaryKey"] == {"Arn": key_arn(PRIMARY, key_id), "Region": PRIMARY}
    assert kms_dr.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True  # shared with the primary
    dr_aliases = as_dict(kms_dr.list_aliases()["Aliases"], "AliasName", "TargetKeyId")
    assert dr_aliases["alias/payments-kms-dr-local"] == key_id

    for kms_client, region, role in ((kms, PRIMARY, "primary"), (kms_dr, DR, "dr")):
        tags = as_dict(kms_client.list_resource_tags(KeyId=key_id)["Tags"], "TagKey", "TagValue")
        assert tags.items() >= standard_tags(region, role).items()


@pytest.mark.parametrize("region", [PRIMARY, DR])
def test_key_policy_is_least_privilege(client, key_id, region):
    policy = json.loads(client("kms", region).get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    expected = {"AccountAdministersTheKeyThroughIam", "AccountUsesTheKeyOnlyThroughTheStackServices",
                "CloudWatchAlarmsPublishToEncryptedTopics"}
    if region == PRIMARY:  # only the primary region's key encrypts the trail's logs
        expected |= {"CloudTrailEncryptsTheTrailLogs", "CloudTrailDescribesTheKey"}
    assert set(statements) == expected
    root = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    admin = statements["AccountAdministersTheKeyThroughIam"]
    assert admin["Principal"] == root and "kms:*" not in admin["Action"]
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"} & set(admin["Action"])
    use = statements["AccountUsesTheKeyOnlyThroughTheStackServices"]
    assert use["Condition"]["StringEquals"]["kms:ViaService"] == [
        f"{service}.{region}.amazonaws.com" for service in ("rds", "dynamodb", "s3", "sns", "secretsmanager", "backup")]
    assert use["Condition"]["StringEquals"]["kms:CallerAccount"] == ACCOUNT
    if region == PRIMARY:
        trail = statements["CloudTrailEncryptsTheTrailLogs"]
        assert trail["Condition"]["StringEquals"]["aws:SourceArn"] == \
            f"arn:aws:cloudtrail:{PRIMARY}:{ACCOUNT}:trail/{TRAIL}"


def test_secret_is_encrypted_and_replicated_with_the_replica_key(client, key_id):
    sm = client("secretsmanager")
    secret = sm.describe_secret(SecretId=SECRET)
    assert secret["KmsKeyId"] == key_arn(PRIMARY, key_id)
    assert secret["ReplicationStatus"] == [{"Region": DR, "KmsKeyId": key_arn(DR, key_id), "Status": "InSync",
                                            "StatusMessage": "Replication succeeded"}]
    assert as_dict(secret["Tags"]).items() >= standard_tags(PRIMARY, "global").items()
    value = json.loads(sm.get_secret_value(SecretId=SECRET)["SecretString"])
    assert value["username"] == "payments_admin"
    assert len(value["password"]) == 32 and value["password"].isalnum()

    replica = client("secretsmanager", DR).describe_secret(SecretId=SECRET)
    assert replica["ARN"] == secret["ARN"].replace(PRIMARY, DR)
    assert replica["PrimaryRegion"] == PRIMARY and replica["KmsKeyId"] == key_arn(DR, key_id)
    assert json.loads(client("secretsmanager", DR).get_secret_value(SecretId=SECRET)["SecretString"]) == value


def test_facts_are_published_per_region(deployed, client, key_id):
    primary = deployed.results("payments.dr.security : Publish the primary key", "primary")["ansible_facts"]
    replica = deployed.results("payments.dr.security : Publish the replica key", "dr")["ansible_facts"]
    assert primary == {"security_kms_key_arn": key_arn(PRIMARY, key_id), "security_kms_key_id": key_id}
    assert replica == {"security_kms_key_arn": key_arn(DR, key_id), "security_kms_key_id": key_id}
    arn = client("secretsmanager").describe_secret(SecretId=SECRET)["ARN"]
    task = "payments.dr.security : Publish this region's copy of the secret"
    assert deployed.results(task, "primary")["ansible_facts"] == {"security_db_secret_arn": arn}
    assert deployed.results(task, "dr")["ansible_facts"] == {"security_db_secret_arn": arn.replace(PRIMARY, DR)}


def test_password_never_appears_in_verbose_output(deployed, client):
    password = json.loads(client("secretsmanager").get_secret_value(SecretId=SECRET)["SecretString"])["password"]
    assert password not in deployed.stdout and password not in deployed.stderr
    created = deployed.results(
        "payments.dr.security : Create the database credentials once, encrypted, replicated to the DR region with "
        "its replica key", "primary")
    assert created.get("changed") is True and "censored" in created


def test_trail_is_multi_region_validated_encrypted_and_tagged(client, key_id):
    cloudtrail = client("cloudtrail")
    trail = cloudtrail.get_trail(Name=TRAIL)["Trail"]
    assert trail["IsMultiRegionTrail"] is True and trail["LogFileValidationEnabled"] is True
    assert trail["IncludeGlobalServiceEvents"] is True and trail["S3BucketName"] == TRAIL_BUCKET
    assert trail["KmsKeyId"] == key_arn(PRIMARY, key_id)
    assert cloudtrail.get_trail_status(Name=TRAIL)["IsLogging"] is True
    tags = cloudtrail.list_tags(ResourceIdList=[trail["TrailARN"]])["ResourceTagList"][0]["TagsList"]
    assert as_dict(tags).items() >= standard_tags(PRIMARY, "global").items()


def test_trail_bucket_is_encrypted_private_tls_only_and_admits_only_cloudtrail(client, key_id):
    s3 = client("s3")
    rule = s3.get_bucket_encryption(Bucket=TRAIL_BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms",
                                                          "KMSMasterKeyID": key_arn(PRIMARY, key_id)}
    assert s3.get_public_access_block(Bucket=TRAIL_BUCKET)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert s3.get_bucket_versioning(Bucket=TRAIL_BUCKET)["Status"] == "Enabled"
    policy = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=TRAIL_BUCKET)["Policy"])["Statement"]}
    assert policy["DenyInsecureTransport"]["Effect"] == "Deny"
    assert policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    source = f"arn:aws:cloudtrail:{PRIMARY}:{ACCOUNT}:trail/{TRAIL}"
    write = policy["CloudTrailWritesThisAccountsLogs"]
    assert write["Principal"] == {"Service": "cloudtrail.amazonaws.com"} and write["Action"] == "s3:PutObject"
    assert write["Resource"] == f"arn:aws:s3:::{TRAIL_BUCKET}/AWSLogs/{ACCOUNT}/*"
    assert write["Condition"]["StringEquals"] == {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": source}
    assert policy["CloudTrailChecksTheBucketAcl"]["Action"] == "s3:GetBucketAcl"
    rules = s3.get_bucket_lifecycle_configuration(Bucket=TRAIL_BUCKET)["Rules"]
    assert [(r["ID"], r["Expiration"]["Days"]) for r in rules] == [("cloudtrail-retention", 365)]
    assert as_dict(s3.get_bucket_tagging(Bucket=TRAIL_BUCKET)["TagSet"]).items() >= \
        standard_tags(PRIMARY, "global").items()


@pytest.mark.parametrize("region, role", [(PRIMARY, "primary"), (DR, "dr")])
def test_backup_vault_per_region_encrypted_with_its_key(client, key_id, region, role):
    backup = client("backup", region)
    vault = backup.describe_backup_vault(BackupVaultName=VAULTS[region])
    assert vault["EncryptionKeyArn"] == key_arn(region, key_id)
    assert backup.list_tags(ResourceArn=vault["BackupVaultArn"])["Tags"].items() >= standard_tags(region, role).items()


def test_backup_plan_copies_to_the_dr_vault_and_selects_the_stack_by_tags(client):
    backup = client("backup")
    dr_vault_arn = client("backup", DR).describe_backup_vault(BackupVaultName=VAULTS[DR])["BackupVaultArn"]
    plans = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == PLAN]
    assert len(plans) == 1
    plan = backup.get_backup_plan(BackupPlanId=plans[0]["BackupPlanId"])
    [rule] = plan["BackupPlan"]["Rules"]
    assert rule["RuleName"] == "daily" and rule["TargetBackupVaultName"] == VAULTS[PRIMARY]
    assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)" and rule["Lifecycle"]["DeleteAfterDays"] == 35
    assert [(c["DestinationBackupVaultArn"], c["Lifecycle"]["DeleteAfterDays"]) for c in rule["CopyActions"]] == [
        (dr_vault_arn, 35)]
    assert backup.list_tags(ResourceArn=plan["BackupPlanArn"])["Tags"].items() >= \
        standard_tags(PRIMARY, "primary").items()

    [listed] = backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])["BackupSelectionsList"]
    selection = backup.get_backup_selection(BackupPlanId=plan["BackupPlanId"],
                                            SelectionId=listed["SelectionId"])["BackupSelection"]
    role_arn = client("iam").get_role(RoleName=BACKUP_ROLE)["Role"]["Arn"]
    assert selection["IamRoleArn"] == role_arn
    assert selection["Resources"] == [f"arn:aws:rds:{PRIMARY}:{ACCOUNT}:cluster:*",
                                      f"arn:aws:dynamodb:{PRIMARY}:{ACCOUNT}:table/*"]
    assert selection["Conditions"]["StringEquals"] == [
        {"ConditionKey": "aws:ResourceTag/Project", "ConditionValue": "PaymentProcessing"},
        {"ConditionKey": "aws:ResourceTag/Environment", "ConditionValue": "local"}]
    assert selection["ListOfTags"] == []


@pytest.mark.parametrize("region", [PRIMARY, DR])
def test_advanced_dynamodb_backup_is_enabled_in_each_region(deployed, client, region):
    settings = client("backup", region).describe_region_settings()
    assert settings["ResourceTypeManagementPreference"]["DynamoDB"] is True
    assert settings["ResourceTypeOptInPreference"]["DynamoDB"] is True
    assert settings["ResourceTypeOptInPreference"]["Aurora"] is True


def test_a_table_backup_can_be_copied_to_the_dr_vault(deployed, client):
    """What the plan's copy action does: AWS refuses the copy of a DynamoDB backup taken without advanced backup."""
    backup = client("backup")
    role_arn = client("iam").get_role(RoleName=BACKUP_ROLE)["Role"]["Arn"]
    dr_vault_arn = client("backup", DR).describe_backup_vault(BackupVaultName=VAULTS[DR])["BackupVaultArn"]
    point = backup.start_backup_job(BackupVaultName=VAULTS[PRIMARY], IamRoleArn=role_arn,
                                    ResourceArn=f"arn:aws:dynamodb:{PRIMARY}:{ACCOUNT}:table/payments-role-test")
    job = backup.start_copy_job(RecoveryPointArn=point["RecoveryPointArn"], SourceBackupVaultName=VAULTS[PRIMARY],
                                DestinationBackupVaultArn=dr_vault_arn, IamRoleArn=role_arn)
    copy_job = backup.describe_copy_job(CopyJobId=job["CopyJobId"])["CopyJob"]
    assert copy_job["State"] == "COMPLETED"
    copied = client("backup", DR).list_recovery_points_by_backup_vault(BackupVaultName=VAULTS[DR])["RecoveryPoints"]
    assert [p["RecoveryPointArn"] for p in copied] == [copy_job["DestinationRecoveryPointArn"]]


def test_backup_role_trusts_only_backup_with_the_aws_managed_policy(client):
    iam = client("iam")
    role = iam.get_role(RoleName=BACKUP_ROLE)["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"] == [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
                                   "Action": "sts:AssumeRole"}]
    attached = {p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=BACKUP_ROLE)["AttachedPolicies"]}
    assert "AWSBackupServiceRolePolicyForBackup" in attached
    assert iam.list_role_policies(RoleName=BACKUP_ROLE)["PolicyNames"] == []
    assert as_dict(iam.list_role_tags(RoleName=BACKUP_ROLE)["Tags"]).items() >= standard_tags(PRIMARY, "global").items()


def test_budget_alerts_on_the_stacks_cost(client):
    # The limit: docs/real-aws.md's estimate of the default stack (1,013) plus 25 % (tests/unit/test_cost_estimate.py).
    budgets = client("budgets")
    name = "payments-dr-global-local"
    found = budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"]
    assert found["BudgetType"] == "COST" and found["TimeUnit"] == "MONTHLY"
    assert float(found["BudgetLimit"]["Amount"]) == 1267.0 and found["BudgetLimit"]["Unit"] == "USD"
    assert found["FilterExpression"] == {"And": [
        {"Tags": {"Key": "Environment", "Values": ["local"], "MatchOptions": ["EQUALS"]}},
        {"Tags": {"Key": "Project", "Values": ["PaymentProcessing"], "MatchOptions": ["EQUALS"]}}]}
    notifications = budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName=name)["Notifications"]
    assert sorted((n["NotificationType"], n["Threshold"]) for n in notifications) == [("ACTUAL", 80.0),
                                                                                     ("FORECASTED", 100.0)]
    for notification in notifications:
        subscribers = budgets.describe_subscribers_for_notification(
            AccountId=ACCOUNT, BudgetName=name, Notification=notification)["Subscribers"]
        assert subscribers == [{"SubscriptionType": "EMAIL", "Address": "payments-oncall@example.com"}]
    tags = budgets.list_tags_for_resource(ResourceARN=f"arn:aws:budgets::{ACCOUNT}:budget/{name}")["ResourceTags"]
    assert as_dict(tags).items() >= standard_tags(PRIMARY, "global").items()


def test_second_run_and_check_run_change_nothing_and_keep_the_password(deployed, endpoint, client):
    sm = client("secretsmanager")
    before = sm.get_secret_value(SecretId=SECRET)
    second = run_playbook(PLAYBOOK, endpoint)
    assert second.rc == 0 and second.changed() == 0, second.stats
    check = run_playbook(PLAYBOOK, endpoint, check=True)
    assert check.rc == 0 and check.changed() == 0, check.stats
    after = sm.get_secret_value(SecretId=SECRET)
    assert after["SecretString"] == before["SecretString"] and after["VersionId"] == before["VersionId"]


def test_check_mode_on_an_empty_account_writes_nothing(endpoint, client):
    EmulatorControl(endpoint).reset()
    run = run_playbook(PLAYBOOK, endpoint, check=True)
    assert run.rc == 0, run.stdout[-4000:]
    assert run.changed() > 0
    assert client("kms").list_keys()["Keys"] == []
    assert client("secretsmanager").list_secrets()["SecretList"] == []
    assert client("backup").list_backup_vaults()["BackupVaultList"] == []
    assert client("backup").describe_region_settings()["ResourceTypeManagementPreference"]["DynamoDB"] is False
    assert client("cloudtrail").describe_trails()["trailList"] == []
    assert client("budgets").describe_budgets(AccountId=ACCOUNT).get("Budgets", []) == []


@pytest.mark.parametrize("extra_vars", [{"security_db_password_length": 8}, {"security_backup_schedule": "daily"},
                                        {"security_db_username": "1admin"}])
def test_bad_inputs_fail_before_any_api_call(endpoint, extra_vars):
    control = EmulatorControl(endpoint)
    control.reset()
    run = run_playbook(PLAYBOOK, endpoint, extra_vars=extra_vars)
    assert run.rc != 0
    assert next(iter(extra_vars)) in run.stdout
    assert control.counters()["total"] == 0


def test_a_key_left_without_its_alias_is_adopted_not_duplicated(endpoint, client):
    """A deploy killed between amazon.aws.kms_key's CreateKey and CreateAlias leaves a tagged key with
    no alias: the next run points the alias at it instead of creating a second stack key."""
    EmulatorControl(endpoint).reset()
    # The tags kms_key gave it at CreateKey: dr_tags, the inventory's CostCenter included.
    tags = [{"TagKey": k, "TagValue": v}
            for k, v in dict(standard_tags(PRIMARY, "primary"), CostCenter="payments-platform").items()]
    orphan = client("kms").create_key(MultiRegion=True, Tags=tags)["KeyMetadata"]["KeyId"]
    run = run_playbook(PLAYBOOK, endpoint)
    assert run.rc == 0, run.failures() or run.stdout[-4000:]
    assert [k["KeyId"] for k in client("kms").list_keys()["Keys"]] == [orphan]
    aliases = as_dict(client("kms").list_aliases()["Aliases"], "AliasName", "TargetKeyId")
    assert aliases["alias/payments-kms-primary-local"] == orphan
