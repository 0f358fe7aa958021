"""Credentials of clusters joining a global cluster: refused for a secondary, required and kept for the primary."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY

ENGINE = {"Engine": "aurora-postgresql", "EngineVersion": "16.4"}


@pytest.fixture
def global_cluster(aws):
    aws("rds", PRIMARY).create_global_cluster(GlobalClusterIdentifier="g1", **ENGINE)
    return "g1"


def test_primary_keeps_its_master_password(aws, emulator, global_cluster):
    aws("rds", PRIMARY).create_db_cluster(DBClusterIdentifier="p", GlobalClusterIdentifier=global_cluster,
                                          MasterUsername="admin_user", MasterUserPassword="not-a-real-secret-1", **ENGINE)
    # moto's model makes the password write-only; the stored value is the private attribute.
    assert emulator.backend("rds", PRIMARY).clusters["p"]._master_user_password == "not-a-real-secret-1"


@pytest.mark.parametrize("extra, named", [
    ({}, "MasterUsername"),
    ({"MasterUsername": "admin_user", "MasterUserPassword": "short"}, "MasterUserPassword"),
])
def test_primary_needs_a_master_user_name_and_a_valid_password(aws, global_cluster, extra, named):
    with pytest.raises(ClientError) as err:
        aws("rds", PRIMARY).create_db_cluster(DBClusterIdentifier="p", GlobalClusterIdentifier=global_cluster,
                                              **ENGINE, **extra)
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert named in err.value.response["Error"]["Message"]


@pytest.mark.parametrize("extra, what", [
    ({"MasterUsername": "admin_user"}, "user name"),
    ({"MasterUserPassword": "not-a-real-secret-1"}, "password"),
    ({"DatabaseName": "payments"}, "database name"),
])
def test_secondary_refuses_credentials_and_database_name(aws, global_cluster, extra, what):
    aws("rds", PRIMARY).create_db_cluster(DBClusterIdentifier="p", GlobalClusterIdentifier=global_cluster,
                                          MasterUsername="admin_user", MasterUserPassword="not-a-real-secret-1", **ENGINE)
    aws("rds", PRIMARY).create_db_instance(DBInstanceIdentifier="p-1", DBClusterIdentifier="p",
                                           DBInstanceClass="db.r6g.large", Engine=ENGINE["Engine"])
    dr = aws("rds", DR)
    with pytest.raises(ClientError) as err:
        dr.create_db_cluster(DBClusterIdentifier="s", GlobalClusterIdentifier=global_cluster, **ENGINE, **extra)
    assert err.value.response["Error"]["Code"] == "InvalidParameterCombination"
    assert err.value.response["Error"]["Message"] == f"Cannot specify {what} for cross region replication cluster"
    assert dr.describe_db_clusters()["DBClusters"] == []
    # Without them it joins as a secondary.
    dr.create_db_cluster(DBClusterIdentifier="s", GlobalClusterIdentifier=global_cluster, **ENGINE)
    members = aws("rds", PRIMARY).describe_global_clusters(GlobalClusterIdentifier=global_cluster)[
        "GlobalClusters"][0]["GlobalClusterMembers"]
    assert sorted((m["DBClusterArn"].split(":")[3], m["IsWriter"]) for m in members) == [(PRIMARY, True), (DR, False)]
