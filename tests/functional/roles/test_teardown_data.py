"""destroy.yml's data layers (aurora, dynamodb, s3) against the emulator.

- Aurora after a switchover (the DR cluster writes): --check deletes nothing; without
  teardown_lift_protection the run stops, naming the protected global cluster and clusters, before
  anything is deleted in either region; with it, the secondary leaves the global cluster, then the
  writer, both regions' instances and clusters go (a final snapshot of the writer only), then the
  global cluster, the subnet groups and the role's own replicated secret; a second run changes nothing.
- DynamoDB and S3 deployed: the replica goes through the table, then the tables; replication is
  removed, both versioned buckets are emptied (versions and delete markers) and deleted, then the
  replication role; protection stops the run first; a second run changes nothing.
- Odd states: a detached DR cluster (standalone) beside the writer still in the global cluster; a
  half-deployed data tier (one table only in the DR region, one bucket only, no replication role).
"""

from __future__ import annotations

import pytest

from tests.conftest import DR, PRIMARY, deploy_playbooks
from tests.functional.ansible_run import REPO, WITHOUT_NETWORK, WITHOUT_SECURITY, run_playbook

CONFIRM = {"teardown_confirm": "local"}
LIFT = dict(CONFIRM, teardown_lift_protection=True)
GLOBAL_ID = "payments-aurora-global-local"
CLUSTERS = {PRIMARY: "payments-aurora-primary-local", DR: "payments-aurora-dr-local"}
SECRET = "payments-aurora-master-global-local"
TABLES = ["payments-transactions-global-local", "payments-dr-control-global-local"]
BUCKETS = {PRIMARY: "payments-data-primary-local", DR: "payments-data-dr-local"}
REPLICATION_ROLE = "payments-s3-replication-global-local"
WRITES = {"rds", "dynamodb", "s3", "iam", "secretsmanager", "logs"}
# The two Aurora tests start from aurora.yml deployed once per run (switchovers complete at once),
# an emulator snapshot each restores, so they share a worker.
AURORA = ("aurora-stage", deploy_playbooks("playbooks/aurora.yml", settings={"rds/settings": {"failover_delay": 0}},
                                            extra_vars=dict(WITHOUT_SECURITY, **WITHOUT_NETWORK)))
aurora_group = pytest.mark.xdist_group(name="teardown-aurora")


def stages(*names):
    """One playbook importing the stage playbooks, so facts flow from one stage to the next."""
    return [{"import_playbook": str(REPO / "playbooks" / f"{name}.yml")} for name in names]


def deploy(emulator, *names):
    run = run_playbook(stages(*names), emulator.endpoint_url, extra_vars=WITHOUT_SECURITY, timeout=1200)
    assert run.rc == 0, run.failures() or run.stdout[-3000:] + run.stderr[-2000:]


def destroy(emulator, tags, check=False, ok=True, **extra_vars):
    run = run_playbook("destroy.yml", emulator.endpoint_url, tags=tags, check=check,
                       extra_vars=dict(CONFIRM, **extra_vars), timeout=1200)
    if ok:
        assert run.rc == 0, run.failures() or run.stdout[-3000:] + run.stderr[-2000:]
    return run


def writes(control):
    return [(r["service"], r["region"], r["action"]) for r in control.counters()["rows"]
            if r["service"] in WRITES and not r["read"]]


def arn(region, name):
    return f"arn:aws:rds:{region}:123456789012:cluster:{name}"


def aurora_state(aws):
    """Global cluster, clusters, instances, subnet groups and snapshots, read back from both regions."""
    state = {"global": [g["GlobalClusterIdentifier"] for g in aws("rds", PRIMARY).describe_global_clusters()[
        "GlobalClusters"]]}
    for region in (PRIMARY, DR):
        rds = aws("rds", region)
        state[region] = {
            "clusters": sorted(c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]),
            "instances": sorted(i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]),
            "subnet_groups": sorted(g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]),
            "snapshots": sorted((s["DBClusterSnapshotIdentifier"], s["SnapshotType"])
                                for s in rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]),
        }
    return state


@aurora_group
def test_aurora_after_a_switchover(emulator, aws, control, stack_snapshots):
    stack_snapshots.restore(*AURORA)
    # The DR cluster becomes the writer; the primary region's cluster is its secondary.
    aws("rds", DR).switchover_global_cluster(GlobalClusterIdentifier=GLOBAL_ID, TargetDbClusterIdentifier=arn(
        DR, CLUSTERS[DR]))
    members = aws("rds", DR).describe_global_clusters(GlobalClusterIdentifier=GLOBAL_ID)["GlobalClusters"][0][
        "GlobalClusterMembers"]
    assert {m["DBClusterArn"]: m["IsWriter"] for m in members} == {arn(DR, CLUSTERS[DR]): True,
                                                                    arn(PRIMARY, CLUSTERS[PRIMARY]): False}
    deployed = aurora_state(aws)
    assert deployed["global"] == [GLOBAL_ID]
    for region in (PRIMARY, DR):
        assert deployed[region]["clusters"] == [CLUSTERS[region]]
        assert deployed[region]["instances"] == [f"{CLUSTERS[region]}-1", f"{CLUSTERS[region]}-2"]

    control.post("counters/reset")
    check = destroy(emulator, "aurora", check=True, **LIFT)
    assert check.changed() > 0
    assert writes(control) == [] and aurora_state(aws) == deployed

    # Protected (the global cluster and both clusters): the run names them all and deletes nothing.
    control.post("counters/reset")
    refused = destroy(emulator, "aurora", ok=False)
    assert refused.rc != 0
    message = " ".join(str(f[2]) for f in refused.failures())
    for name in (GLOBAL_ID, CLUSTERS[PRIMARY], CLUSTERS[DR]):
        assert name in message, message
    assert writes(control) == [] and aurora_state(aws) == deployed

    run = destroy(emulator, "aurora", **LIFT)
    gone = aurora_state(aws)
    assert gone["global"] == []
    for region in (PRIMARY, DR):
        assert gone[region]["clusters"] == [] and gone[region]["instances"] == []
        assert gone[region]["subnet_groups"] == []
    # The writer's data is kept (the DR cluster since the switchover); the secondary only held copies.
    assert gone[PRIMARY]["snapshots"] == []
    [(snapshot, kind)] = gone[DR]["snapshots"]
    assert kind == "manual" and snapshot.startswith(f"{CLUSTERS[DR]}-final-")
    # The role's own secret: its DR replica removed, then scheduled for deletion (7 days).
    secret = aws("secretsmanager", PRIMARY).describe_secret(SecretId=SECRET)
    assert "DeletedDate" in secret and not secret.get("ReplicationStatus")
    assert SECRET not in [s["Name"] for s in aws("secretsmanager", DR).list_secrets()["SecretList"]]
    assert run.results("payments.dr.aurora_global : Delete the master secret (after its recovery window; at once "
                       "when teardown_secret_recovery_days is 0)")["changed"] is True

    again = destroy(emulator, "aurora", **LIFT)
    assert again.changed() == 0, again.changed_tasks()


def data_state(aws):
    """Tables of each region, the data buckets with their versions and delete markers, the replication role."""
    state = {"role": [r["RoleName"] for r in aws("iam").list_roles()["Roles"] if r["RoleName"] == REPLICATION_ROLE],
             "buckets": {}}
    for region in (PRIMARY, DR):
        state[region] = sorted(aws("dynamodb", region).list_tables()["TableNames"])
        s3 = aws("s3", region)
        if BUCKETS[region] in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
            listing = s3.list_object_versions(Bucket=BUCKETS[region])
            state["buckets"][BUCKETS[region]] = len(listing.get("Versions", [])) + len(listing.get("DeleteMarkers", []))
    return state


NOTHING = {"role": [], "buckets": {}, PRIMARY: [], DR: []}


def test_dynamodb_and_s3(emulator, aws, control):
    deploy(emulator, "dynamodb", "s3")
    # Versions and a delete marker in the primary bucket, replicated to the DR bucket, and an item.
    s3 = aws("s3", PRIMARY)
    for body in (b"v1", b"v2"):
        s3.put_object(Bucket=BUCKETS[PRIMARY], Key="payments/1.json", Body=body)
    s3.delete_object(Bucket=BUCKETS[PRIMARY], Key="payments/1.json")
    aws("dynamodb", PRIMARY).put_item(TableName=TABLES[0], Item={
        "transactionId": {"S": "t-1"}, "timestamp": {"S": "2026-11-28T12:00:00.000Z"}})
    deployed = data_state(aws)
    assert deployed == {"role": [REPLICATION_ROLE], "buckets": {BUCKETS[PRIMARY]: 3, BUCKETS[DR]: 3},
                        PRIMARY: sorted(TABLES), DR: sorted(TABLES)}

    control.post("counters/reset")
    check = destroy(emulator, "dynamodb,s3", check=True, **LIFT)
    assert check.changed() > 0
    assert writes(control) == [] and data_state(aws) == deployed

    # Both tables are protected in both regions: named, and nothing of either layer is deleted.
    control.post("counters/reset")
    refused = destroy(emulator, "dynamodb,s3", ok=False)
    assert refused.rc != 0
    message = " ".join(str(f[2]) for f in refused.failures())
    for table in TABLES:
        for region in (PRIMARY, DR):
            assert f"{table} ({region})" in message, message
    assert writes(control) == [] and data_state(aws) == deployed

    control.post("counters/reset")
    destroy(emulator, "dynamodb,s3", **LIFT)
    assert data_state(aws) == NOTHING
    # The DR replicas went through their tables (UpdateTable in the primary region), never DeleteTable there.
    deletes = {r["region"]: r["count"] for r in control.counters()["rows"]
               if r["service"] == "dynamodb" and r["action"] == "DeleteTable"}
    assert deletes == {PRIMARY: 2}

    again = destroy(emulator, "dynamodb,s3", **LIFT)
    assert again.changed() == 0, again.changed_tasks()


@aurora_group
def test_detached_aurora_and_a_half_deployed_data_tier(emulator, aws, control, stack_snapshots):
    stack_snapshots.restore(*AURORA)
    # The last-resort failover detached the DR cluster: standalone, taking writes of its own.
    aws("rds", DR).remove_from_global_cluster(GlobalClusterIdentifier=GLOBAL_ID,
                                              DbClusterIdentifier=arn(DR, CLUSTERS[DR]))
    # Half deployed: one table, only in the DR region, unprotected; one bucket with versions, nothing else.
    aws("dynamodb", DR).create_table(
        TableName=TABLES[0], BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "transactionId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "transactionId", "AttributeType": "S"}])
    s3 = aws("s3", PRIMARY)
    s3.create_bucket(Bucket=BUCKETS[PRIMARY])
    s3.put_bucket_versioning(Bucket=BUCKETS[PRIMARY], VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=BUCKETS[PRIMARY], Key="a", Body=b"1")
    s3.delete_object(Bucket=BUCKETS[PRIMARY], Key="a")

    destroy(emulator, "aurora,dynamodb,s3", teardown_secret_recovery_days=0, **LIFT)
    gone = aurora_state(aws)
    assert gone["global"] == []
    for region in (PRIMARY, DR):
        assert gone[region]["clusters"] == [] and gone[region]["instances"] == []
        # Both clusters held writes of their own: each leaves a final snapshot.
        [(snapshot, kind)] = gone[region]["snapshots"]
        assert kind == "manual" and snapshot.startswith(f"{CLUSTERS[region]}-final-")
    # Deleted at once with a recovery window of 0, replica first.
    for region in (PRIMARY, DR):
        assert SECRET not in [s["Name"] for s in aws("secretsmanager", region).list_secrets(
            IncludePlannedDeletion=True)["SecretList"]]
    assert data_state(aws) == NOTHING

    again = destroy(emulator, "aurora,dynamodb,s3", teardown_secret_recovery_days=0, **LIFT)
    assert again.changed() == 0, again.changed_tasks()
