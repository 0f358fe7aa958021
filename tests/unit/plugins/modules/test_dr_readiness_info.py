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
        "GlobalClusterMembers": [{"DBClusterArn": PRIMARY, "IsWriter": True}, {"DBClusterArn": DR, "IsWriter": False}]}]}
    client.describe_db_instances.return_value = {"DBInstances": [
        {"DBInstanceStatus": "available"}, {"DBInstanceStatus": "available"}]}
    client.describe_db_clusters.return_value = {"DBClusters": [{"EngineVersion": "16.4"}]}
    client.get_metric_statistics.return_value = {"Datapoints": [{"Maximum": lag_ms}]}
    client.describe_table.return_value = {"Table": {"TableStatus": "ACTIVE", "Replicas": [
        {"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]}}
    client.describe_continuous_backups.return_value = {"ContinuousBackupsDescription": {
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}}}
    client.describe_alarms.return_value = {"MetricAlarms": [{"AlarmName": "payments-aurora-replication-lag-dr-dev"}]}
    client.describe_secret.return_value = {"PrimaryRegion": "us-east-1"}
    client.describe_backup_vault.return_value = {"BackupVaultName": "payments-backup-dr-dev"}
    client.list_recovery_points_by_backup_vault.return_value = {"RecoveryPoints": [
        {"CreationDate": NOW - datetime.timedelta(hours=3)}]}
    return client


ARGS = {"region": "us-east-2", "peer_region": "us-east-1",
        "global_cluster_identifier": "payments-aurora-global-dev", "db_cluster_identifier": "payments-aurora-dr-dev",
        "table_names": ["payments-transactions-global-dev"],
        "alarm_names": ["payments-aurora-replication-lag-dr-dev"],
        "secret_id": "payments-db-credentials-global-dev", "backup_vault_name": "payments-backup-dr-dev"}


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
    (lambda c: c.describe_table.configure_mock(return_value={"Table": {"TableStatus": "ACTIVE", "Replicas": []}}),
     "dynamodb payments-transactions-global-dev replica", "table ACTIVE, replica in us-east-1 missing"),
    (lambda c: c.describe_alarms.configure_mock(return_value={"MetricAlarms": []}),
     "alarms present", "missing: payments-aurora-replication-lag-dr-dev"),
    (lambda c: c.describe_backup_vault.configure_mock(side_effect=ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": "no vault"}}, "DescribeBackupVault")),
     "backup vault", "error: An error occurred (ResourceNotFoundException) when calling the DescribeBackupVault "
                     "operation: no vault"),
], ids=["lag over the limit", "no lag datapoint", "one instance", "no replica", "alarm missing", "vault error"])
def test_a_failed_critical_control_makes_the_region_not_ready(run_module, breaking, control, detail):
    client = healthy_client()
    breaking(client)
    result, failed = run_module(dr_readiness_info, ARGS, client)
    assert not failed and result["ready"] is False
    failing = [c for c in result["controls"] if not c["ok"]]
    assert [(c["control"], c["detail"], c["severity"]) for c in failing] == [(control, detail, "critical")]


def test_warnings_do_not_block_readiness(run_module):
    client = healthy_client()
    client.describe_continuous_backups.return_value = {"ContinuousBackupsDescription": {
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}}
    client.list_recovery_points_by_backup_vault.return_value = {"RecoveryPoints": []}
    result, failed = run_module(dr_readiness_info, ARGS, client)
    assert not failed and result["ready"] is True
    assert sorted(c["control"] for c in result["controls"] if not c["ok"]) == \
        ["backups recent", "dynamodb payments-transactions-global-dev PITR"]


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
