"""aurora_global_cluster against the emulator: create, no-op, modify, check mode, from a source, absent in AWS's order."""

from __future__ import annotations

from tests.conftest import DR, PRIMARY
from tests.functional.ansible_run import play, run_playbook

GID = "payments-aurora-global-test"


def task(**args):
    return [{"name": "global cluster", "payments.dr.aurora_global_cluster": dict(global_cluster_identifier=GID, **args)}]


def run(url, check=False, **args):
    return run_playbook(play(task(**args), hosts="primary", preflight=False), url, check=check, diff=True)


def live(aws, region=DR):
    found = aws("rds", region).describe_global_clusters(GlobalClusterIdentifier=GID)["GlobalClusters"]
    return found[0]


def tags_of(global_cluster):
    return {t["Key"]: t["Value"] for t in global_cluster["TagList"]}


def rds_writes(control):
    return [(r["region"], r["action"], r["count"]) for r in control.counters()["rows"]
            if r["service"] == "rds" and not r["read"]]


def test_lifecycle_of_an_empty_global_cluster(emulator, aws, control):
    url = emulator.endpoint_url
    desired = dict(engine="aurora-postgresql", engine_version="16.4", storage_encrypted=True, deletion_protection=True,
                   tags={"Project": "PaymentProcessing", "DR-Role": "global"})
    first = run(url, **desired)
    assert first.rc == 0, first.stdout[-3000:]
    assert first.changed() == 1
    created = live(aws)
    assert (created["Engine"], created["EngineVersion"]) == ("aurora-postgresql", "16.4")
    assert created["StorageEncrypted"] is True and created["DeletionProtection"] is True
    assert tags_of(created) == {"Project": "PaymentProcessing", "DR-Role": "global"}
    result = first.results("global cluster")["global_cluster"]
    assert result["global_cluster_arn"] == created["GlobalClusterArn"]
    assert result["members"] == [] and result["writer_cluster_arn"] is None

    again = run(url, **desired)
    assert again.rc == 0 and again.changed() == 0

    # Check mode reports the change and writes nothing.
    control.post("counters/reset")
    check = run(url, check=True, deletion_protection=False, tags={"Project": "PaymentProcessing"})
    assert check.rc == 0 and check.changed() == 1
    assert check.results("global cluster")["diff"]["after"]["deletion_protection"] is False
    assert rds_writes(control) == []
    assert live(aws)["DeletionProtection"] is True

    changed = run(url, deletion_protection=False, tags={"Project": "PaymentProcessing"})
    assert changed.rc == 0 and changed.changed() == 1
    modified = live(aws, PRIMARY)
    assert modified["DeletionProtection"] is False
    assert tags_of(modified) == {"Project": "PaymentProcessing"}

    # The engine cannot change: the module says so instead of calling AWS.
    wrong = run(url, engine="aurora-mysql")
    assert wrong.rc != 0
    assert "cannot be changed" in wrong.results("global cluster")["msg"]

    gone = run(url, state="absent")
    assert gone.rc == 0 and gone.changed() == 1
    assert aws("rds", PRIMARY).describe_global_clusters()["GlobalClusters"] == []
    assert run(url, state="absent").changed() == 0


def test_from_a_source_cluster_then_absent_removes_secondaries_first(emulator, aws, control):
    url = emulator.endpoint_url
    control.post("rds/settings", {"failover_delay": 0})
    primary, dr = aws("rds", PRIMARY), aws("rds", DR)
    primary.create_db_cluster(DBClusterIdentifier="db-primary", Engine="aurora-postgresql", EngineVersion="16.4",
                              MasterUsername="admin_user", MasterUserPassword="not-a-real-secret-1",
                              StorageEncrypted=True)
    made = run(url, source_db_cluster_identifier="db-primary", deletion_protection=True)
    assert made.rc == 0, made.stdout[-3000:]
    primary_arn = primary.describe_db_clusters(DBClusterIdentifier="db-primary")["DBClusters"][0]["DBClusterArn"]
    assert made.results("global cluster")["global_cluster"]["writer_cluster_arn"] == primary_arn

    # a secondary joins a primary with an available writer instance, as on AWS
    primary.create_db_instance(DBInstanceIdentifier="db-primary-1", DBClusterIdentifier="db-primary",
                               Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    secondary_arn = dr.create_db_cluster(DBClusterIdentifier="db-dr", Engine="aurora-postgresql", EngineVersion="16.4",
                                         GlobalClusterIdentifier=GID, StorageEncrypted=True)["DBCluster"]["DBClusterArn"]
    dr.create_db_instance(DBInstanceIdentifier="db-dr-1", DBClusterIdentifier="db-dr", Engine="aurora-postgresql",
                          DBInstanceClass="db.r6g.large")
    # After a switchover the DR cluster is the writer: absent must follow the live roles.
    dr.switchover_global_cluster(GlobalClusterIdentifier=GID, TargetDbClusterIdentifier=secondary_arn)
    topology = run(url, deletion_protection=True)
    assert topology.rc == 0 and topology.changed() == 0
    reported = topology.results("global cluster")["global_cluster"]
    assert reported["writer_cluster_arn"] == secondary_arn and reported["writer_region"] == DR
    assert {(m["db_cluster_arn"], m["is_writer"]) for m in reported["members"]} == {
        (primary_arn, False), (secondary_arn, True)}

    refused = run(url, state="absent")
    assert refused.rc != 0 and "deletion protection" in refused.results("global cluster")["msg"]
    assert len(live(aws)["GlobalClusterMembers"]) == 2

    check = run(url, check=True, state="absent", deletion_protection=False)
    assert check.rc == 0 and check.changed() == 1
    assert len(live(aws)["GlobalClusterMembers"]) == 2

    deleted = run(url, state="absent", deletion_protection=False)
    assert deleted.rc == 0, deleted.stdout[-3000:]
    assert deleted.results("global cluster")["removed_members"] == [primary_arn, secondary_arn]
    detaches = [op["to_db_cluster_arn"] for op in control.get(f"rds/operations?global_cluster={GID}")["operations"]
                if op["kind"] == "detach"]
    assert detaches == [primary_arn, secondary_arn]
    assert primary.describe_global_clusters()["GlobalClusters"] == []
    # The member clusters are not deleted: they are standalone now.
    for client, name in ((primary, "db-primary"), (dr, "db-dr")):
        cluster = client.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]
        assert not cluster.get("GlobalClusterIdentifier")


def test_unknown_engine_fails_before_any_api_call(emulator, control):
    control.post("counters/reset")
    bad = run(emulator.endpoint_url, engine="postgres")
    assert bad.rc != 0
    message = bad.results("global cluster")["msg"]
    assert "engine" in message and "postgres" in message
    assert [r for r in control.counters()["rows"] if r["service"] == "rds"] == []
