"""Aurora global database: switchover, failover, detach-and-promote, replication lag (rds_global)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY

ENGINE = {"Engine": "aurora-postgresql", "EngineVersion": "15.4"}
GLOBAL_ID = "payments-global"
PRIMARY_ARN = f"arn:aws:rds:{PRIMARY}:123456789012:cluster:payments-primary"
DR_ARN = f"arn:aws:rds:{DR}:123456789012:cluster:payments-dr"


def _cluster(rds, cluster_id: str, instances: int = 1, **extra) -> None:
    rds.create_db_cluster(DBClusterIdentifier=cluster_id, GlobalClusterIdentifier=GLOBAL_ID, **ENGINE, **extra)
    for n in range(instances):
        rds.create_db_instance(DBInstanceIdentifier=f"{cluster_id}-{n}", DBClusterIdentifier=cluster_id,
                               DBInstanceClass="db.r6g.large", Engine=ENGINE["Engine"])


@pytest.fixture
def global_db(aws, control):
    """A global cluster: writer payments-primary (us-east-1), secondary payments-dr (us-east-2)."""
    control.post("rds/settings", {"failover_delay": 0})
    aws("rds", PRIMARY).create_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, **ENGINE)
    _cluster(aws("rds", PRIMARY), "payments-primary", MasterUsername="admin", MasterUserPassword="correct-horse")
    _cluster(aws("rds", DR), "payments-dr")
    return GLOBAL_ID


def _global(aws, region: str = DR) -> dict:
    return aws("rds", region).describe_global_clusters(GlobalClusterIdentifier=GLOBAL_ID)["GlobalClusters"][0]


def _members(global_cluster: dict) -> dict[str, dict]:
    return {m["DBClusterArn"]: m for m in global_cluster["GlobalClusterMembers"]}


def _db_cluster(aws, region: str, cluster_id: str) -> dict:
    return aws("rds", region).describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]


def _info(aws, region: str = DR) -> list[dict]:
    """What amazon.aws.rds_global_cluster_info returns, run against the emulator."""
    from ansible_collections.amazon.aws.plugins.modules import rds_global_cluster_info

    class Module:
        params = {"global_cluster_identifier": GLOBAL_ID}

        def fail_json_aws(self, error, msg):  # pragma: no cover - only on a broken answer
            raise AssertionError(f"{msg}: {error}")

    return rds_global_cluster_info.cluster_info(aws("rds", region), Module())["global_clusters"]


def _last_operation(control) -> dict:
    return control.get(f"rds/operations?global_cluster={GLOBAL_ID}")["operations"][-1]


def _error(err: pytest.ExceptionInfo) -> tuple[str, int]:
    response = err.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_switchover_moves_the_writer_and_demotes_the_old_one(aws, control, global_db):
    # Before: the secondary replicates from the writer, as DescribeDBClusters shows on AWS.
    members = _members(_global(aws))
    assert members[PRIMARY_ARN]["IsWriter"] and members[PRIMARY_ARN]["Readers"] == [DR_ARN]
    assert not members[DR_ARN]["IsWriter"] and members[DR_ARN]["SynchronizationStatus"] == "connected"
    dr = _db_cluster(aws, DR, "payments-dr")
    assert dr["ReplicationSourceIdentifier"] == PRIMARY_ARN and dr["GlobalWriteForwardingStatus"] == "disabled"
    primary = _db_cluster(aws, PRIMARY, "payments-primary")
    assert "ReplicationSourceIdentifier" not in primary and "GlobalWriteForwardingStatus" not in primary

    answer = aws("rds", PRIMARY).switchover_global_cluster(
        GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=DR_ARN)["GlobalCluster"]
    assert answer["Status"] == "switching-over"
    assert answer["FailoverState"] == {"Status": "switching-over", "FromDbClusterArn": PRIMARY_ARN,
                                       "ToDbClusterArn": DR_ARN, "IsDataLossAllowed": False}

    after = _global(aws)
    assert after["Status"] == "available" and "FailoverState" not in after
    members = _members(after)
    assert members[DR_ARN]["IsWriter"] and members[DR_ARN]["Readers"] == [PRIMARY_ARN]
    assert not members[PRIMARY_ARN]["IsWriter"] and members[PRIMARY_ARN]["Readers"] == []
    assert members[PRIMARY_ARN]["GlobalWriteForwardingStatus"] == "disabled"

    dr = _db_cluster(aws, DR, "payments-dr")
    assert dr["Status"] == "available"
    assert "ReplicationSourceIdentifier" not in dr and "GlobalWriteForwardingStatus" not in dr
    assert _db_cluster(aws, PRIMARY, "payments-primary")["ReplicationSourceIdentifier"] == DR_ARN
    [info] = _info(aws)
    assert {m["db_cluster_arn"]: m["is_writer"] for m in info["global_cluster_members"]} == {
        PRIMARY_ARN: False, DR_ARN: True}
    assert _last_operation(control)["rpo_ms"] == 0


def test_status_during_the_delay_then_completion(aws, control, global_db):
    control.post("rds/settings", {"failover_delay": 3600})
    rds = aws("rds", DR)
    rds.failover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier="payments-dr")
    for _ in range(2):
        during = _global(aws)
        assert during["Status"] == "switching-over"  # no AllowDataLoss: the managed planned failover
        assert during["FailoverState"]["ToDbClusterArn"] == DR_ARN
        assert _members(during)[PRIMARY_ARN]["IsWriter"]
    assert _info(aws)[0]["failover_state"]["status"] == "switching-over"
    with pytest.raises(ClientError) as err:
        rds.switchover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=DR_ARN)
    assert _error(err) == ("InvalidGlobalClusterStateFault", 400)

    control.post("rds/settings", {"failover_delay": 0})  # applies to the operation under way
    after = _global(aws)
    assert after["Status"] == "available" and _members(after)[DR_ARN]["IsWriter"]

    # Falling back completes by itself once the delay has passed.
    control.post("rds/settings", {"failover_delay": 0.5})
    rds.switchover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=PRIMARY_ARN)
    assert _global(aws)["Status"] == "switching-over"
    control.advance_clock(0.6)
    after = _global(aws)
    assert after["Status"] == "available" and _members(after)[PRIMARY_ARN]["IsWriter"]
    assert _last_operation(control)["completed_at"]


def test_failover_with_data_loss_while_the_primary_region_is_down(aws, control, global_db):
    control.post("rds/lag", {"global_cluster": GLOBAL_ID, "lag_ms": 1500})
    control.region_down(PRIMARY)
    rds = aws("rds", DR)
    answer = rds.failover_global_cluster(
        GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=DR_ARN, AllowDataLoss=True)["GlobalCluster"]
    assert answer["Status"] == "failing-over"
    assert answer["FailoverState"]["Status"] == "failing-over" and answer["FailoverState"]["IsDataLossAllowed"]

    members = _members(_global(aws, DR))
    assert members[DR_ARN]["IsWriter"] and not members[PRIMARY_ARN]["IsWriter"]
    assert members[PRIMARY_ARN]["SynchronizationStatus"] == "pending-resync"
    dr = _db_cluster(aws, DR, "payments-dr")
    assert dr["Status"] == "available" and "ReplicationSourceIdentifier" not in dr
    operation = _last_operation(control)
    assert operation["kind"] == "failover" and operation["rpo_ms"] == 1500
    with pytest.raises(ClientError):
        aws("rds", PRIMARY, retries=1).describe_db_clusters()

    control.region_up(PRIMARY)
    assert _members(_global(aws, PRIMARY))[PRIMARY_ARN]["SynchronizationStatus"] == "connected"
    assert _db_cluster(aws, PRIMARY, "payments-primary")["ReplicationSourceIdentifier"] == DR_ARN
    assert len(_info(aws, PRIMARY)[0]["global_cluster_members"]) == 2


def test_switchover_is_refused_while_the_primary_region_is_down(aws, control, global_db):
    control.region_down(PRIMARY)
    rds = aws("rds", DR)
    with pytest.raises(ClientError) as err:
        rds.switchover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=DR_ARN)
    assert _error(err) == ("InvalidGlobalClusterStateFault", 400)
    with pytest.raises(ClientError) as err:  # a failover without AllowDataLoss is a switchover
        rds.failover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=DR_ARN)
    assert _error(err) == ("InvalidGlobalClusterStateFault", 400)
    after = _global(aws)
    assert after["Status"] == "available" and _members(after)[PRIMARY_ARN]["IsWriter"]


def test_remove_from_global_cluster_promotes_a_standalone_cluster(aws, control, global_db):
    control.post("rds/lag", {"global_cluster": GLOBAL_ID, "lag_ms": 800})
    control.post("rds/settings", {"failover_delay": 3600})
    rds = aws("rds", DR)
    with pytest.raises(ClientError) as err:  # the writer leaves last
        rds.remove_from_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DbClusterIdentifier=PRIMARY_ARN)
    assert _error(err) == ("InvalidGlobalClusterStateFault", 400)
    with pytest.raises(ClientError) as err:  # DbClusterIdentifier must be an ARN
        rds.remove_from_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DbClusterIdentifier="payments-dr")
    assert _error(err) == ("InvalidParameterValue", 400)

    answer = rds.remove_from_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DbClusterIdentifier=DR_ARN)
    assert list(_members(answer["GlobalCluster"])) == [PRIMARY_ARN]
    assert _db_cluster(aws, DR, "payments-dr")["Status"] == "promoting"
    control.post("rds/settings", {"failover_delay": 0})
    dr = _db_cluster(aws, DR, "payments-dr")
    assert dr["Status"] == "available"
    for field in ("GlobalClusterIdentifier", "ReplicationSourceIdentifier", "GlobalWriteForwardingStatus"):
        assert field not in dr
    assert list(_members(_global(aws))) == [PRIMARY_ARN]
    assert _last_operation(control)["rpo_ms"] == 800

    with pytest.raises(ClientError) as err:
        aws("rds", PRIMARY).delete_global_cluster(GlobalClusterIdentifier=GLOBAL_ID)
    assert _error(err) == ("InvalidGlobalClusterStateFault", 400)
    rds.remove_from_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DbClusterIdentifier=PRIMARY_ARN)
    aws("rds", PRIMARY).delete_global_cluster(GlobalClusterIdentifier=GLOBAL_ID)
    with pytest.raises(ClientError) as err:
        aws("rds", PRIMARY).delete_global_cluster(GlobalClusterIdentifier=GLOBAL_ID)
    assert _error(err) == ("GlobalClusterNotFoundFault", 404)
    assert _info(aws) == []

    # The promoted cluster seeds a new global database (the rebuild after a detach).
    created = rds.create_global_cluster(GlobalClusterIdentifier="payments-global-2", SourceDBClusterIdentifier=DR_ARN,
                                       Tags=[{"Key": "Project", "Value": "PaymentProcessing"}])["GlobalCluster"]
    assert _members(created)[DR_ARN]["IsWriter"] and created["Engine"] == ENGINE["Engine"]
    assert created["TagList"] == [{"Key": "Project", "Value": "PaymentProcessing"}]
    assert _db_cluster(aws, DR, "payments-dr")["GlobalClusterIdentifier"] == "payments-global-2"
    for new_id, code in (("payments-global-2", "GlobalClusterAlreadyExistsFault"),
                         ("payments-global-3", "InvalidDBClusterStateFault")):  # already a member
        with pytest.raises(ClientError) as err:
            rds.create_global_cluster(GlobalClusterIdentifier=new_id, SourceDBClusterIdentifier=DR_ARN)
        assert _error(err) == (code, 400)


def test_promotion_errors(aws, control, global_db):
    rds = aws("rds", DR)
    cases = [
        (dict(GlobalClusterIdentifier="nope", TargetDbClusterIdentifier=DR_ARN), ("GlobalClusterNotFoundFault", 404)),
        (dict(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier="missing"), ("DBClusterNotFoundFault", 404)),
        (dict(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=PRIMARY_ARN),
         ("InvalidGlobalClusterStateFault", 400)),
        (dict(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=DR_ARN, AllowDataLoss=True, Switchover=True),
         ("InvalidParameterCombination", 400)),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ClientError) as err:
            rds.failover_global_cluster(**kwargs)
        assert _error(err) == expected, kwargs

    # A cluster outside the global cluster, and a headless secondary (no instance to promote).
    rds.create_db_cluster(DBClusterIdentifier="loner", MasterUsername="admin", MasterUserPassword="correct-horse",
                          **ENGINE)
    with pytest.raises(ClientError) as err:
        rds.switchover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier="loner")
    assert _error(err) == ("DBClusterNotFoundFault", 404)
    _cluster(aws("rds", "us-west-2"), "payments-headless", instances=0)
    headless = "arn:aws:rds:us-west-2:123456789012:cluster:payments-headless"
    with pytest.raises(ClientError) as err:
        rds.failover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=headless,
                                    AllowDataLoss=True)
    assert _error(err) == ("InvalidDBClusterStateFault", 400)

    with pytest.raises(ClientError) as err:
        rds.describe_global_clusters(GlobalClusterIdentifier="nope")
    assert _error(err) == ("GlobalClusterNotFoundFault", 404)
    assert _members(_global(aws))[PRIMARY_ARN]["IsWriter"]

    # Members cannot be deleted before they leave the global cluster.
    for region, cluster_id, code in ((DR, "payments-dr", "InvalidDBClusterStateFault"),
                                     (PRIMARY, "payments-primary", "InvalidGlobalClusterStateFault")):
        with pytest.raises(ClientError) as err:
            aws("rds", region).delete_db_cluster(DBClusterIdentifier=cluster_id, SkipFinalSnapshot=True)
        assert _error(err) == (code, 400)
    assert len(_global(aws)["GlobalClusterMembers"]) == 3


def test_describe_global_clusters_filters_by_identifier_and_region(aws, global_db):
    rds = aws("rds", PRIMARY)
    rds.create_global_cluster(GlobalClusterIdentifier="elsewhere", **ENGINE)
    ids = lambda answer: sorted(g["GlobalClusterIdentifier"] for g in answer["GlobalClusters"])  # noqa: E731
    assert ids(rds.describe_global_clusters()) == ["elsewhere", GLOBAL_ID]
    assert ids(rds.describe_global_clusters(GlobalClusterIdentifier="ELSEWHERE")) == ["elsewhere"]
    assert ids(rds.describe_global_clusters(Filters=[{"Name": "region", "Values": [DR]}])) == [GLOBAL_ID]


# As Aurora publishes a secondary's lag: the cluster and the Region it replicates from.
LAG_DIMENSIONS = [{"Name": "DBClusterIdentifier", "Value": "payments-dr"}, {"Name": "SourceRegion", "Value": PRIMARY}]


def test_lag_is_not_published_on_the_cluster_dimension_alone(aws, control, global_db):
    """CloudWatch matches a dimension set exactly: a query (or alarm) on DBClusterIdentifier alone
    sees nothing, as on AWS."""
    control.post("rds/lag", {"global_cluster": GLOBAL_ID, "lag_ms": 2500})
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    for dimensions, expected in (([LAG_DIMENSIONS[0]], []), (LAG_DIMENSIONS, [2500.0])):
        points = aws("cloudwatch", DR).get_metric_statistics(
            Namespace="AWS/RDS", MetricName="AuroraGlobalDBReplicationLag", Dimensions=dimensions,
            StartTime=end - timedelta(minutes=10), EndTime=end, Period=600, Statistics=["Maximum"])["Datapoints"]
        assert [p["Maximum"] for p in points] == expected, dimensions


def test_replication_lag_metrics_are_published_in_the_secondary_region(aws, control, global_db):
    assert control.get(f"rds/lag?global_cluster={GLOBAL_ID}")["lag_ms"] == 0
    control.post("rds/lag", {"global_cluster": GLOBAL_ID})  # publishes the current value, 0
    control.post("rds/lag", {"global_cluster": GLOBAL_ID, "lag_ms": 2500})
    assert control.get(f"rds/lag?global_cluster={GLOBAL_ID}")["lag_ms"] == 2500
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    query = dict(Namespace="AWS/RDS", Dimensions=LAG_DIMENSIONS,
                 StartTime=end - timedelta(minutes=10), EndTime=end, Period=600,
                 Statistics=["Maximum", "Minimum"])
    for metric in ("AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag"):
        [point] = aws("cloudwatch", DR).get_metric_statistics(MetricName=metric, **query)["Datapoints"]
        assert (point["Maximum"], point["Minimum"], point["Unit"]) == (2500, 0, "Milliseconds")
        assert aws("cloudwatch", PRIMARY).get_metric_statistics(MetricName=metric, **query)["Datapoints"] == []


def test_lag_metrics_are_there_without_any_control_call(aws, global_db):
    """Aurora publishes the lag every minute: a reader finds a datapoint for the secondary."""
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    points = aws("cloudwatch", DR).get_metric_statistics(
        Namespace="AWS/RDS", MetricName="AuroraGlobalDBReplicationLag",
        Dimensions=LAG_DIMENSIONS,
        StartTime=end - timedelta(minutes=10), EndTime=end, Period=600, Statistics=["Maximum"])["Datapoints"]
    assert [p["Maximum"] for p in points] == [0.0]


def test_a_slow_reader_whose_window_ended_before_its_request_still_sees_the_due_datapoint(aws, global_db):
    """The readiness audit computes its window's end, then builds a client and sends the request:
    on a loaded machine seconds later. The datapoint that request makes due must be in the window,
    as the one-minute metric's last datapoint is on AWS."""
    end = datetime.now(timezone.utc) - timedelta(seconds=10)  # as if the request arrived 10 s later
    points = aws("cloudwatch", DR).get_metric_statistics(
        Namespace="AWS/RDS", MetricName="AuroraGlobalDBRPOLag",
        Dimensions=LAG_DIMENSIONS,
        StartTime=end - timedelta(seconds=120), EndTime=end, Period=60, Statistics=["Maximum"])["Datapoints"]
    assert [p["Maximum"] for p in points] == [0.0]


def test_refused_deletes_change_nothing_and_a_protected_global_cluster_stays(aws, control, global_db):
    rds = aws("rds", PRIMARY)
    rds.modify_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DeletionProtection=True)
    aws("rds", DR).remove_from_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DbClusterIdentifier=DR_ARN)

    # The writer is now the last member: AWS still refuses its deletion while it has an instance or
    # deletion protection, and a refused deletion leaves it in the global cluster.
    with pytest.raises(ClientError) as err:
        rds.delete_db_cluster(DBClusterIdentifier="payments-primary", SkipFinalSnapshot=True)
    assert _error(err) == ("InvalidDBClusterStateFault", 400)
    rds.delete_db_instance(DBInstanceIdentifier="payments-primary-0", SkipFinalSnapshot=True)
    rds.modify_db_cluster(DBClusterIdentifier="payments-primary", DeletionProtection=True, ApplyImmediately=True)
    with pytest.raises(ClientError) as err:
        rds.delete_db_cluster(DBClusterIdentifier="payments-primary", SkipFinalSnapshot=True)
    assert _error(err) == ("InvalidParameterCombination", 400)
    assert list(_members(_global(aws))) == [PRIMARY_ARN]

    rds.modify_db_cluster(DBClusterIdentifier="payments-primary", DeletionProtection=False, ApplyImmediately=True)
    rds.delete_db_cluster(DBClusterIdentifier="payments-primary", SkipFinalSnapshot=True)
    assert _global(aws)["GlobalClusterMembers"] == []

    # An empty global cluster with deletion protection is not deleted until protection is off.
    with pytest.raises(ClientError) as err:
        rds.delete_global_cluster(GlobalClusterIdentifier=GLOBAL_ID)
    assert _error(err) == ("InvalidParameterCombination", 400)
    assert _global(aws)["DeletionProtection"] is True
    rds.modify_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, DeletionProtection=False)
    rds.delete_global_cluster(GlobalClusterIdentifier=GLOBAL_ID)
    with pytest.raises(ClientError) as err:
        _global(aws)
    assert _error(err) == ("GlobalClusterNotFoundFault", 404)


def test_the_new_secondary_publishes_its_lag_at_once_after_a_switchover(aws, global_db):
    """The roles changed: the demoted cluster's lag (replicating from the new writer's Region) is
    published on the next read, not a minute later, as for a global cluster's first secondary."""
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    query = dict(Namespace="AWS/RDS", MetricName="AuroraGlobalDBReplicationLag", StartTime=end - timedelta(minutes=10),
                 EndTime=end, Period=600, Statistics=["Maximum"])
    assert aws("cloudwatch", DR).get_metric_statistics(Dimensions=LAG_DIMENSIONS, **query)["Datapoints"]
    aws("rds", PRIMARY).switchover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=DR_ARN)
    assert _global(aws)["Status"] == "available"
    demoted = [{"Name": "DBClusterIdentifier", "Value": "payments-primary"}, {"Name": "SourceRegion", "Value": DR}]
    assert [p["Maximum"] for p in aws("cloudwatch", PRIMARY).get_metric_statistics(
        Dimensions=demoted, **query)["Datapoints"]] == [0.0]
