from __future__ import annotations

import datetime
from unittest.mock import MagicMock

import pytest
from botocore.exceptions import ClientError

from ansible_collections.payments.dr.plugins.modules import dr_readiness_info

NOW = datetime.datetime.now(datetime.timezone.utc)
PRIMARY = "arn:aws:rds:us-east-1:123456789012:cluster:payments-aurora-primary-dev"
DR = "arn:aws:rds:us-east-2:123456789012:cluster:payments-aurora-dr-dev"


def healthy_client(lag_ms=200.0):
    """Every control of the DR region passing: Aurora secondary, table, bucket, alarms, secret, vault."""
    client = MagicMock()
    client.describe_global_clusters.return_value = {"GlobalClusters": [{
        "GlobalClusterIdentifier": "payments-aurora-global-dev", "Status": "available", "EngineVersion": "16.4",
        "DeletionProtection": True,
        "GlobalClusterMembers": [{"DBClusterArn": PRIMARY, "IsWriter": True}, {"DBClusterArn": DR, "IsWriter": False}]}]}
    client.describe_db_instances.return_value = {"DBInstances": [
        {"DBInstanceStatus": "available"}, {"DBInstanceStatus": "available"}]}
    client.describe_db_clusters.return_value = {"DBClusters": [{"EngineVersion": "16.4", "StorageEncrypted": True,
                                                                "DeletionProtection": True}]}
    client.get_metric_statistics.return_value = {"Datapoints": [{"Maximum": lag_ms}]}
    client.describe_table.return_value = {"Table": {
        "TableStatus": "ACTIVE", "Replicas": [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}],
        "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS"}, "DeletionProtectionEnabled": True}}
    client.get_item.return_value = {"Item": {"name": {"S": "routing"}, "fenced_regions": {"L": []}}}
    client.get_bucket_replication.return_value = {"ReplicationConfiguration": {"Rules": [{
        "Status": "Enabled", "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        "Destination": {"Bucket": "arn:aws:s3:::payments-data-dr-dev", "ReplicationTime": {"Status": "Enabled"},
                        "EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-2:123456789012:key/k"}}}]}}
    client.get_bucket_encryption.return_value = {"ServerSideEncryptionConfiguration": {"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}}
    client.get_bucket_versioning.return_value = {"Status": "Enabled"}
    client.get_paginator.return_value.paginate.return_value = [{"HealthChecks": [
        {"Id": "hc-dr", "HealthCheckConfig": {"Type": "HTTPS", "Disabled": False, "Inverted": False}}]}]
    client.list_tags_for_resources.return_value = {"ResourceTagSets": [
        {"ResourceId": "hc-dr", "Tags": [{"Key": "Name", "Value": "payments-api-health-dr-dev"}]}]}
    client.describe_continuous_backups.return_value = {"ContinuousBackupsDescription": {
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}}}
    client.describe_alarms.return_value = {"MetricAlarms": [{
        "AlarmName": "payments-aurora-replication-lag-dr-dev", "ActionsEnabled": True,
        "AlarmActions": ["arn:aws:sns:us-east-2:123456789012:payments-alerts-dr-dev"]}]}
    client.describe_secret.return_value = {"PrimaryRegion": "us-east-1"}
    client.describe_backup_vault.return_value = {"BackupVaultName": "payments-backup-dr-dev"}
    client.list_recovery_points_by_backup_vault.return_value = {"RecoveryPoints": [
        {"CreationDate": NOW - datetime.timedelta(hours=3)}]}
    return client


ARGS = {"region": "us-east-2", "peer_region": "us-east-1",
        "global_cluster_identifier": "payments-aurora-global-dev", "db_cluster_identifier": "payments-aurora-dr-dev",
        "table_names": ["payments-transactions-global-dev"],
        "alarm_names": ["payments-aurora-replication-lag-dr-dev"],
        "secret_id": "payments-db-credentials-global-dev", "backup_vault_name": "payments-backup-dr-dev",
        "control_table": "payments-dr-control-global-dev", "health_check_name": "payments-api-health-dr-dev",
        "source_bucket": "payments-data-primary-dev", "destination_bucket": "payments-data-dr-dev"}


def controls(result):
    return {c["control"]: c for c in result["controls"]}


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_healthy_secondary_region_is_ready(run_module, check_mode):
    result, failed = run_module(dr_readiness_info, ARGS, healthy_client(), check_mode=check_mode)
    assert not failed and result["ready"] is True and result["changed"] is False
    seen = controls(result)
    assert all(c["ok"] and c["region"] == "us-east-2" for c in seen.values()), seen
    assert seen["aurora replication lag"]["detail"] == "0.200 s (limit 1.000 s)"
    assert seen["aurora global membership"]["detail"] == \
        "2 members, writer in us-east-1, this cluster reader, status available"


@pytest.mark.parametrize("breaking, control, detail", [
    (lambda c: c.get_metric_statistics.configure_mock(return_value={"Datapoints": [{"Maximum": 2500.0}]}),
     "aurora replication lag", "2.500 s (limit 1.000 s)"),
    (lambda c: c.get_metric_statistics.configure_mock(return_value={"Datapoints": []}),
     "aurora replication lag", "no lag datapoint (SourceRegion us-east-1) in the last 600s"),
    (lambda c: c.describe_db_instances.configure_mock(return_value={"DBInstances": [{"DBInstanceStatus": "available"}]}),
     "aurora instances", "1 available instance(s), 2 needed"),
    (lambda c: c.describe_table.return_value["Table"].update(Replicas=[]),
     "dynamodb payments-transactions-global-dev replica", "table ACTIVE, replica in us-east-1 missing"),
    (lambda c: c.describe_alarms.configure_mock(return_value={"MetricAlarms": []}),
     "alarms present and actioned", "missing: payments-aurora-replication-lag-dr-dev"),
    (lambda c: c.describe_alarms.return_value["MetricAlarms"][0].update(ActionsEnabled=False),
     "alarms present and actioned", "without an enabled alarm action: payments-aurora-replication-lag-dr-dev"),
    (lambda c: c.describe_continuous_backups.configure_mock(return_value={"ContinuousBackupsDescription": {
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}}),
     "dynamodb payments-transactions-global-dev PITR", "point-in-time recovery DISABLED"),
    (lambda c: c.describe_table.return_value["Table"].update(DeletionProtectionEnabled=False),
     "dynamodb payments-transactions-global-dev encryption and deletion protection",
     "encryption ENABLED (KMS), deletion protection off"),
    (lambda c: c.describe_db_clusters.return_value["DBClusters"][0].update(DeletionProtection=False),
     "aurora encryption and deletion protection",
     "storage encrypted, deletion protection: cluster off, global cluster on"),
    (lambda c: c.get_item.configure_mock(side_effect=ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": "no table"}}, "GetItem")),
     "routing control", "error: An error occurred (ResourceNotFoundException) when calling the GetItem operation: no table"),
    (lambda c: c.get_bucket_replication.return_value["ReplicationConfiguration"]["Rules"][0].pop(
        "SourceSelectionCriteria"),
     "s3 replication of KMS-encrypted objects", "0 rule(s) replicating KMS-encrypted objects with a replica key"),
    (lambda c: c.get_bucket_versioning.configure_mock(return_value={"Status": "Suspended"}),
     "s3 bucket encryption and versioning", "default encryption aws:kms, versioning Suspended"),
    (lambda c: c.list_tags_for_resources.configure_mock(return_value={"ResourceTagSets": []}),
     "route53 health check", "no health check named payments-api-health-dr-dev"),
    (lambda c: c.describe_backup_vault.configure_mock(side_effect=ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": "no vault"}}, "DescribeBackupVault")),
     "backup vault", "error: An error occurred (ResourceNotFoundException) when calling the DescribeBackupVault "
                     "operation: no vault"),
], ids=["lag over the limit", "no lag datapoint", "one instance", "no replica", "alarm missing", "alarm silent",
        "pitr off", "table unprotected", "cluster unprotected", "no routing table", "kms replication lost",
        "versioning suspended", "no health check", "vault error"])
def test_a_failed_required_control_makes_the_region_not_ready(run_module, breaking, control, detail):
    client = healthy_client()
    breaking(client)
    result, failed = run_module(dr_readiness_info, ARGS, client)
    assert not failed and result["ready"] is False
    failing = [c for c in result["controls"] if not c["ok"]]
    assert [(c["control"], c["detail"], c["severity"]) for c in failing] == [(control, detail, "required")]


def test_advisory_controls_do_not_block_readiness(run_module):
    client = healthy_client()
    client.list_recovery_points_by_backup_vault.return_value = {"RecoveryPoints": []}
    result, failed = run_module(dr_readiness_info, ARGS, client)
    assert not failed and result["ready"] is True
    assert [(c["control"], c["severity"]) for c in result["controls"] if not c["ok"]] == [("backups recent", "advisory")]


def test_deletion_protection_is_required_only_when_the_stack_deploys_it(run_module):
    client = healthy_client()
    client.describe_table.return_value["Table"]["DeletionProtectionEnabled"] = False
    client.describe_db_clusters.return_value["DBClusters"][0]["DeletionProtection"] = False
    result, failed = run_module(dr_readiness_info, dict(ARGS, deletion_protection=False), client)
    assert not failed and result["ready"] is True, [c for c in result["controls"] if not c["ok"]]


def test_a_bucket_without_kms_needs_no_kms_replication_settings(run_module):
    client = healthy_client()
    client.get_bucket_encryption.return_value = {"ServerSideEncryptionConfiguration": {"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}
    client.get_bucket_replication.return_value["ReplicationConfiguration"]["Rules"][0].pop("SourceSelectionCriteria")
    result, failed = run_module(dr_readiness_info, ARGS, client)
    assert not failed and result["ready"] is True


def test_the_writer_region_skips_the_lag_and_its_secret_must_be_in_sync(run_module):
    client = healthy_client()
    client.describe_global_clusters.return_value["GlobalClusters"][0]["GlobalClusterMembers"] = [
        {"DBClusterArn": PRIMARY, "IsWriter": False}, {"DBClusterArn": DR, "IsWriter": True}]
    client.describe_secret.return_value = {"PrimaryRegion": "us-east-2",
                                           "ReplicationStatus": [{"Region": "us-east-1", "Status": "Failed"}]}
    result, failed = run_module(dr_readiness_info, ARGS, client)
    seen = controls(result)
    assert seen["aurora replication lag"] == dict(seen["aurora replication lag"], ok=True,
                                                  detail="this region holds the writer")
    assert not client.get_metric_statistics.called
    assert seen["secret replicated"]["ok"] is False and seen["secret replicated"]["detail"] == "replica in us-east-1 Failed"
    assert result["ready"] is False
