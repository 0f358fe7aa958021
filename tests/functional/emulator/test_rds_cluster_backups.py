"""DeleteDBCluster removes the cluster's automated backups unless told to keep them (moto keeps them)."""

from __future__ import annotations

from tests.conftest import PRIMARY


def create_cluster(rds, identifier):
    rds.create_db_cluster(DBClusterIdentifier=identifier, Engine="aurora-postgresql", MasterUsername="admin_user",
                          MasterUserPassword="a-Password-0123456789")


def snapshots(rds, snapshot_type):
    return sorted(s["DBClusterSnapshotIdentifier"]
                  for s in rds.describe_db_cluster_snapshots(SnapshotType=snapshot_type)["DBClusterSnapshots"])


def test_delete_removes_automated_backups_and_keeps_the_final_snapshot(aws):
    rds = aws("rds", PRIMARY)
    create_cluster(rds, "c1")
    create_cluster(rds, "c2")
    assert len(snapshots(rds, "automated")) == 2
    rds.delete_db_cluster(DBClusterIdentifier="c1", FinalDBSnapshotIdentifier="c1-final")
    assert [s.startswith("rds:c2-") for s in snapshots(rds, "automated")] == [True]
    assert snapshots(rds, "manual") == ["c1-final"]
    # The same name can be created again at once (the old automated snapshot no longer collides).
    create_cluster(rds, "c1")
    assert len(snapshots(rds, "automated")) == 2


def test_delete_keeps_automated_backups_when_asked(aws):
    rds = aws("rds", PRIMARY)
    create_cluster(rds, "c3")
    rds.delete_db_cluster(DBClusterIdentifier="c3", SkipFinalSnapshot=True, DeleteAutomatedBackups=False)
    assert [s.startswith("rds:c3-") for s in snapshots(rds, "automated")] == [True]
