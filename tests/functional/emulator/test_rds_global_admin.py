"""ModifyGlobalCluster and global cluster tags (moto: 500 / tags dropped / ARN refused)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY


def create(rds, identifier="g1", **extra):
    return rds.create_global_cluster(GlobalClusterIdentifier=identifier, Engine="aurora-postgresql", **extra)[
        "GlobalCluster"]


def error_code(call) -> str:
    with pytest.raises(ClientError) as err:
        call()
    return err.value.response["Error"]["Code"]


def test_create_keeps_its_tags(aws):
    rds = aws("rds", PRIMARY)
    created = create(rds, Tags=[{"Key": "Project", "Value": "PaymentProcessing"}, {"Key": "Odd", "Value": "a<b&c"}])
    expected = [{"Key": "Project", "Value": "PaymentProcessing"}, {"Key": "Odd", "Value": "a<b&c"}]
    assert created["TagList"] == expected
    # Read back from another region, as AWS serves global clusters from any region.
    described = aws("rds", DR).describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0]
    assert described["TagList"] == expected


def test_tags_round_trip_on_the_global_cluster_arn_from_any_region(aws):
    arn = create(aws("rds", PRIMARY), Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])["GlobalClusterArn"]
    dr = aws("rds", DR)
    dr.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "a", "Value": "one"}, {"Key": "c", "Value": "3"}])
    dr.remove_tags_from_resource(ResourceName=arn, TagKeys=["b"])
    tags = {t["Key"]: t["Value"] for t in aws("rds", PRIMARY).list_tags_for_resource(ResourceName=arn)["TagList"]}
    assert tags == {"a": "one", "c": "3"}
    described = dr.describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0]
    assert {t["Key"]: t["Value"] for t in described["TagList"]} == tags


def test_tags_of_an_unknown_global_cluster_are_not_found(aws):
    rds = aws("rds", PRIMARY)
    assert error_code(lambda: rds.list_tags_for_resource(
        ResourceName="arn:aws:rds::123456789012:global-cluster:nope")) == "GlobalClusterNotFoundFault"


def test_modify_turns_deletion_protection_on_and_off(aws):
    rds = aws("rds", PRIMARY)
    create(rds)
    answer = rds.modify_global_cluster(GlobalClusterIdentifier="g1", DeletionProtection=True)["GlobalCluster"]
    assert answer["DeletionProtection"] is True
    assert aws("rds", DR).describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0][
        "DeletionProtection"] is True
    rds.modify_global_cluster(GlobalClusterIdentifier="g1", DeletionProtection=False)
    assert rds.describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0][
        "DeletionProtection"] is False


def test_modify_of_an_unknown_global_cluster_is_not_found(aws):
    assert error_code(lambda: aws("rds", PRIMARY).modify_global_cluster(
        GlobalClusterIdentifier="nope", DeletionProtection=True)) == "GlobalClusterNotFoundFault"


def test_modify_refuses_what_the_emulator_does_not_model(aws):
    rds = aws("rds", PRIMARY)
    create(rds)
    with pytest.raises(ClientError) as err:
        rds.modify_global_cluster(GlobalClusterIdentifier="g1", EngineVersion="17.1")
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "EngineVersion" in err.value.response["Error"]["Message"]


def test_modify_during_a_switchover_is_refused(aws, control):
    primary, dr = aws("rds", PRIMARY), aws("rds", DR)
    control.post("rds/settings", {"failover_delay": 600})
    create(primary)
    primary.create_db_cluster(DBClusterIdentifier="p", Engine="aurora-postgresql", MasterUsername="admin_user",
                              MasterUserPassword="not-a-real-secret-1", GlobalClusterIdentifier="g1")
    primary.create_db_instance(DBInstanceIdentifier="p-1", DBClusterIdentifier="p", Engine="aurora-postgresql",
                               DBInstanceClass="db.r6g.large")  # a secondary joins a primary with a writer
    secondary = dr.create_db_cluster(DBClusterIdentifier="s", Engine="aurora-postgresql",
                                     GlobalClusterIdentifier="g1")["DBCluster"]
    dr.create_db_instance(DBInstanceIdentifier="s-1", DBClusterIdentifier="s", Engine="aurora-postgresql",
                          DBInstanceClass="db.r6g.large")
    dr.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=secondary["DBClusterArn"])
    assert error_code(lambda: primary.modify_global_cluster(
        GlobalClusterIdentifier="g1", DeletionProtection=True)) == "InvalidGlobalClusterStateFault"
