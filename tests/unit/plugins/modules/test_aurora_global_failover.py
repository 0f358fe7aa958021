from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import aurora_global_failover

PRIMARY = "arn:aws:rds:us-east-1:123456789012:cluster:db-primary"
DR = "arn:aws:rds:us-east-2:123456789012:cluster:db-dr"


def global_cluster(writer, status="available", members=(PRIMARY, DR)):
    return {"GlobalClusters": [{
        "GlobalClusterIdentifier": "g", "Status": status,
        "GlobalClusterMembers": [{"DBClusterArn": arn, "IsWriter": arn == writer} for arn in members]}]}


def rds_client(*states):
    """A client whose describe_global_clusters answers each state in turn (the last one repeats)."""
    client = MagicMock()
    answers = list(states)
    client.describe_global_clusters.side_effect = lambda **kw: answers.pop(0) if len(answers) > 1 else answers[0]
    client.describe_db_clusters.return_value = {"DBClusters": [{"DBClusterArn": DR, "Status": "available"}]}
    client.get_metric_statistics.return_value = {"Datapoints": [{"Maximum": 250.0}, {"Maximum": 700.0}]}
    return client


ARGS = {"global_cluster_identifier": "g", "target_db_cluster_identifier": "db-dr", "region": "us-east-2"}
WRITES = ("switchover_global_cluster", "failover_global_cluster", "remove_from_global_cluster")


@pytest.mark.parametrize("mode, call", [("switchover", "switchover_global_cluster"),
                                        ("failover", "failover_global_cluster")])
def test_promotes_target_and_reports_lag(run_module, mode, call):
    client = rds_client(global_cluster(PRIMARY), global_cluster(PRIMARY), global_cluster(DR))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode=mode), client)
    assert not failed, result
    assert result["changed"] is True
    getattr(client, call).assert_called_once()
    assert getattr(client, call).call_args.kwargs["TargetDbClusterIdentifier"] == DR
    if mode == "failover":
        assert client.failover_global_cluster.call_args.kwargs["AllowDataLoss"] is True
    assert result["previous_writer_arn"] == PRIMARY
    assert result["global_cluster"]["writer_cluster_arn"] == DR
    assert result["global_cluster"]["writer_region"] == "us-east-2"
    assert result["replication_lag_seconds"] == 0.7


@pytest.mark.parametrize("mode", ["switchover", "failover"])
def test_target_already_writer_changes_nothing(run_module, mode):
    client = rds_client(global_cluster(DR))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode=mode), client)
    assert not failed and result["changed"] is False
    for write in WRITES:
        getattr(client, write).assert_not_called()


@pytest.mark.parametrize("mode", ["switchover", "failover", "detach_and_promote"])
def test_check_mode_makes_no_write(run_module, mode):
    client = rds_client(global_cluster(PRIMARY))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode=mode), client, check_mode=True)
    assert not failed and result["changed"] is True
    for write in WRITES:
        getattr(client, write).assert_not_called()


def test_switchover_refused_when_lag_above_limit(run_module):
    client = rds_client(global_cluster(PRIMARY))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode="switchover", max_replication_lag=0.5),
                                client)
    assert failed and "above max_replication_lag" in result["msg"]
    client.switchover_global_cluster.assert_not_called()


def test_switchover_refused_without_a_lag_datapoint(run_module):
    """The guard fails closed: no datapoint does not show the target has caught up."""
    client = rds_client(global_cluster(PRIMARY))
    client.get_metric_statistics.return_value = {"Datapoints": []}
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode="switchover", max_replication_lag=0.5),
                                client)
    assert failed and "no AuroraGlobalDBReplicationLag or AuroraGlobalDBRPOLag datapoint" in result["msg"], result
    assert "SourceRegion us-east-1" in result["msg"] and result["replication_lag_seconds"] is None
    client.switchover_global_cluster.assert_not_called()
    dimensions = client.get_metric_statistics.call_args.kwargs["Dimensions"]
    assert dimensions == [{"Name": "DBClusterIdentifier", "Value": "db-dr"}, {"Name": "SourceRegion", "Value": "us-east-1"}]


@pytest.mark.parametrize("mode", ["switchover", "failover"])
def test_no_limit_no_datapoint_goes_on(run_module, mode):
    """Without max_replication_lag (the runbook's failover_force, or an unplanned failover) the
    missing datapoint is reported, not a refusal."""
    client = rds_client(global_cluster(PRIMARY), global_cluster(PRIMARY), global_cluster(DR))
    client.get_metric_statistics.return_value = {"Datapoints": []}
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode=mode), client)
    assert not failed and result["changed"] is True and result["replication_lag_seconds"] is None


def test_unplanned_failover_ignores_lag_limit(run_module):
    client = rds_client(global_cluster(PRIMARY), global_cluster(PRIMARY), global_cluster(DR))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode="failover", max_replication_lag=0.5), client)
    assert not failed and result["changed"] is True
    client.failover_global_cluster.assert_called_once()


def test_target_not_a_member_fails_naming_members(run_module):
    client = rds_client(global_cluster(PRIMARY, members=(PRIMARY,)))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode="switchover"), client)
    assert failed and "is not a member" in result["msg"] and PRIMARY in result["msg"]


def test_detach_and_promote_removes_target_until_standalone(run_module):
    client = rds_client(global_cluster(PRIMARY), global_cluster(PRIMARY), global_cluster(PRIMARY, members=(PRIMARY,)))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode="detach_and_promote"), client)
    assert not failed and result["changed"] is True
    client.remove_from_global_cluster.assert_called_once_with(
        aws_retry=True, GlobalClusterIdentifier="g", DbClusterIdentifier=DR)


def test_detach_when_already_standalone_is_a_no_op(run_module):
    client = rds_client(global_cluster(PRIMARY, members=(PRIMARY,)))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode="detach_and_promote"), client)
    assert not failed and result["changed"] is False
    client.remove_from_global_cluster.assert_not_called()


def test_waits_for_an_operation_already_under_way(run_module):
    client = rds_client(global_cluster(PRIMARY, status="failing-over"), global_cluster(DR))
    result, failed = run_module(aurora_global_failover, dict(ARGS, mode="failover"), client)
    assert not failed and result["changed"] is False
    client.failover_global_cluster.assert_not_called()
