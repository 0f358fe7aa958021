"""DB instances report their Performance Insights settings (moto drops PerformanceInsightsEnabled)."""

from __future__ import annotations

from tests.conftest import DR


def insights(instance: dict) -> dict:
    return {key: value for key, value in instance.items() if key.startswith("PerformanceInsights")}


def make_cluster(rds):
    rds.create_db_cluster(DBClusterIdentifier="c", Engine="aurora-postgresql", MasterUsername="admin_user",
                          MasterUserPassword="not-a-real-secret-1")


def test_enabled_at_creation_with_defaults_and_read_back(aws):
    rds = aws("rds", DR)
    make_cluster(rds)
    created = rds.create_db_instance(DBInstanceIdentifier="i1", DBClusterIdentifier="c", Engine="aurora-postgresql",
                                     DBInstanceClass="db.r6g.large", EnablePerformanceInsights=True)["DBInstance"]
    expected = {"PerformanceInsightsEnabled": True, "PerformanceInsightsRetentionPeriod": 7,
                "PerformanceInsightsKMSKeyId": "arn:aws:kms:us-east-2:123456789012:alias/aws/rds"}
    assert insights(created) == expected
    assert insights(rds.describe_db_instances(DBInstanceIdentifier="i1")["DBInstances"][0]) == expected


def test_key_and_period_given_are_kept_and_disabling_clears_them(aws):
    rds = aws("rds", DR)
    make_cluster(rds)
    key = "arn:aws:kms:us-east-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    rds.create_db_instance(DBInstanceIdentifier="i1", DBClusterIdentifier="c", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large", EnablePerformanceInsights=True,
                           PerformanceInsightsKMSKeyId=key, PerformanceInsightsRetentionPeriod=31)
    assert insights(rds.describe_db_instances(DBInstanceIdentifier="i1")["DBInstances"][0]) == {
        "PerformanceInsightsEnabled": True, "PerformanceInsightsKMSKeyId": key, "PerformanceInsightsRetentionPeriod": 31}
    rds.modify_db_instance(DBInstanceIdentifier="i1", EnablePerformanceInsights=False)
    assert insights(rds.describe_db_instances(DBInstanceIdentifier="i1")["DBInstances"][0]) == {
        "PerformanceInsightsEnabled": False}


def test_off_unless_enabled_and_enabled_later_by_modify(aws):
    rds = aws("rds", DR)
    make_cluster(rds)
    rds.create_db_instance(DBInstanceIdentifier="i1", DBClusterIdentifier="c", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    assert insights(rds.describe_db_instances(DBInstanceIdentifier="i1")["DBInstances"][0]) == {
        "PerformanceInsightsEnabled": False}
    modified = rds.modify_db_instance(DBInstanceIdentifier="i1", EnablePerformanceInsights=True)["DBInstance"]
    assert modified["PerformanceInsightsEnabled"] is True
    assert rds.describe_db_instances(DBInstanceIdentifier="i1")["DBInstances"][0]["PerformanceInsightsEnabled"] is True
