"""Aurora clusters and instances are created over time; a secondary joins only a primary with an available writer."""

from __future__ import annotations

import urllib.error

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY

ENGINE = {"Engine": "aurora-postgresql", "EngineVersion": "16.4"}
CREDENTIALS = {"MasterUsername": "admin_user", "MasterUserPassword": "not-a-real-secret-1"}
PRIMARY_ARN = f"arn:aws:rds:{PRIMARY}:123456789012:cluster:p"


@pytest.fixture
def primary(aws):
    rds = aws("rds", PRIMARY)
    rds.create_global_cluster(GlobalClusterIdentifier="g1", **ENGINE)
    rds.create_db_cluster(DBClusterIdentifier="p", GlobalClusterIdentifier="g1", **CREDENTIALS, **ENGINE)
    return rds


def writer(rds, identifier="p-1"):
    rds.create_db_instance(DBInstanceIdentifier=identifier, DBClusterIdentifier="p", DBInstanceClass="db.r6g.large",
                           Engine=ENGINE["Engine"])


def join(aws):
    return aws("rds", DR).create_db_cluster(DBClusterIdentifier="s", GlobalClusterIdentifier="g1", **ENGINE)


def status(rds, kind, identifier):
    if kind == "cluster":
        return rds.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0]["Status"]
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["DBInstanceStatus"]


def refused(aws) -> str:
    with pytest.raises(ClientError) as err:
        join(aws)
    assert err.value.response["Error"]["Code"] == "InvalidDBClusterStateFault"
    assert aws("rds", DR).describe_db_clusters()["DBClusters"] == []
    return err.value.response["Error"]["Message"]


def test_a_secondary_is_refused_while_the_primary_has_no_writer_instance(primary, aws):
    message = refused(aws)
    assert message == f"Source cluster: {PRIMARY_ARN} is in a state which is not valid for physical replication"
    writer(primary)
    join(aws)
    members = primary.describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0]["GlobalClusterMembers"]
    assert sorted((m["DBClusterArn"].split(":")[3], m["IsWriter"]) for m in members) == [(PRIMARY, True), (DR, False)]


def test_clusters_and_instances_are_creating_until_their_time_has_passed(aws, control):
    control.post("rds-creation/settings", {"cluster_create_seconds": 600, "instance_create_seconds": 300})
    rds = aws("rds", PRIMARY)
    rds.create_global_cluster(GlobalClusterIdentifier="g1", **ENGINE)
    rds.create_db_cluster(DBClusterIdentifier="p", GlobalClusterIdentifier="g1", **CREDENTIALS, **ENGINE)
    writer(rds)
    assert (status(rds, "cluster", "p"), status(rds, "instance", "p-1")) == ("creating", "creating")
    assert status(rds, "cluster", "p") == "creating"  # not only on the first read, as moto has it
    refused(aws)

    control.advance_clock(301)
    assert (status(rds, "cluster", "p"), status(rds, "instance", "p-1")) == ("creating", "available")
    refused(aws)  # the writer is up, the primary cluster is not

    control.advance_clock(300)
    assert status(rds, "cluster", "p") == "available"
    join(aws)
    assert status(aws("rds", DR), "cluster", "s") == "creating"
    assert control.get("rds-creation/settings") == {"cluster_create_seconds": 600.0, "instance_create_seconds": 300.0}


def test_the_first_member_and_standalone_clusters_need_no_writer(aws):
    rds = aws("rds", PRIMARY)
    rds.create_global_cluster(GlobalClusterIdentifier="g1", **ENGINE)
    rds.create_db_cluster(DBClusterIdentifier="p", GlobalClusterIdentifier="g1", **CREDENTIALS, **ENGINE)
    aws("rds", DR).create_db_cluster(DBClusterIdentifier="alone", **CREDENTIALS, **ENGINE)
    assert status(aws("rds", DR), "cluster", "alone") == "available"
    assert status(rds, "cluster", "p") == "available"


def test_settings_out_of_range_are_refused(control):
    with pytest.raises(urllib.error.HTTPError):
        control.post("rds-creation/settings", {"cluster_create_seconds": -1})
    assert control.get("rds-creation/settings")["cluster_create_seconds"] == 0.0
