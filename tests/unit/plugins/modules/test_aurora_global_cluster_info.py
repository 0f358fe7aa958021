from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import aurora_global_cluster_info

PRIMARY = "arn:aws:rds:us-east-1:123456789012:cluster:db-primary"
DR = "arn:aws:rds:us-east-2:123456789012:cluster:db-dr"
ARGS = {"global_cluster_identifier": "g", "db_cluster_identifier": "db-dr", "region": "us-east-2"}


def client_for(writer=PRIMARY, members=(PRIMARY, DR), found=True, datapoints=({"Maximum": 250.0}, {"Maximum": 700.0}),
               status="available"):
    client = MagicMock()
    if found:
        client.describe_global_clusters.return_value = {"GlobalClusters": [{
            "GlobalClusterIdentifier": "g", "Status": status,
            "GlobalClusterMembers": [{"DBClusterArn": arn, "IsWriter": arn == writer} for arn in members]}]}
    else:
        client.describe_global_clusters.return_value = {"GlobalClusters": []}
    client.describe_db_clusters.return_value = {"DBClusters": [{"DBClusterArn": DR, "Status": "available"}]}
    client.get_metric_statistics.return_value = {"Datapoints": list(datapoints)}
    return client


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_secondary_is_a_member_not_the_writer_with_its_highest_lag(run_module, check_mode):
    client = client_for()
    result, failed = run_module(aurora_global_cluster_info, ARGS, client, check_mode=check_mode)
    assert not failed, result
    assert (result["changed"], result["exists"], result["is_member"], result["is_writer"]) == (False, True, True, False)
    assert result["db_cluster_arn"] == DR
    assert result["replication_lag_seconds"] == 0.7  # both lag metrics read, the highest point, in seconds
    assert result["global_cluster"]["writer_region"] == "us-east-1" and result["in_transition"] is False
    metrics = {c.kwargs["MetricName"] for c in client.get_metric_statistics.call_args_list}
    assert metrics == {"AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag"}
    # The dimensions Aurora publishes them with: the secondary and the writer's Region.
    assert {tuple(map(tuple, (d.values() for d in c.kwargs["Dimensions"]))) for c in client.get_metric_statistics.call_args_list} == {
        (("DBClusterIdentifier", "db-dr"), ("SourceRegion", "us-east-1"))}


def test_the_writer_has_no_lag_to_read(run_module):
    client = client_for(writer=DR)
    result, failed = run_module(aurora_global_cluster_info, ARGS, client)
    assert not failed and result["is_writer"] is True and result["replication_lag_seconds"] is None
    client.get_metric_statistics.assert_not_called()


def test_a_cluster_outside_the_global_cluster_is_not_a_member(run_module):
    result, failed = run_module(aurora_global_cluster_info, ARGS, client_for(members=(PRIMARY,)))
    assert not failed and (result["is_member"], result["is_writer"], result["replication_lag_seconds"]) == (
        False, False, None)


def test_a_missing_global_cluster_is_reported_not_failed(run_module):
    result, failed = run_module(aurora_global_cluster_info, ARGS, client_for(found=False))
    assert not failed and result["exists"] is False and result["global_cluster"] == {} and not result["is_member"]


def test_no_datapoint_is_no_lag_rather_than_zero(run_module):
    result, failed = run_module(aurora_global_cluster_info, ARGS, client_for(datapoints=()))
    assert not failed and result["replication_lag_seconds"] is None


def test_a_lag_window_shorter_than_a_period_is_refused_before_any_call(run_module):
    client = client_for()
    result, failed = run_module(aurora_global_cluster_info, dict(ARGS, lag_window=30), client)
    assert failed and "lag_window must be at least 60" in result["msg"]
    assert client.method_calls == []


@pytest.mark.parametrize("status", ["failing-over", "switching-over", "modifying"])
def test_an_operation_under_way_is_reported(run_module, status):
    result, failed = run_module(aurora_global_cluster_info, ARGS, client_for(status=status))
    assert not failed and result["in_transition"] is True
