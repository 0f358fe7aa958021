"""Automated backups of a deleted Aurora cluster, which moto 5.2.5 keeps.

moto takes an automated cluster snapshot named ``rds:<cluster>-<YYYY-MM-DD-HH-MM>``
when a cluster is created and never removes it, so the snapshot outlives its
cluster and a cluster created again under the same name within the same minute
fails with DBClusterSnapshotAlreadyExistsFault. AWS documents
DeleteDBCluster's DeleteAutomatedBackups as "the default is to remove
automated backups immediately after the DB cluster is deleted"; with
``DeleteAutomatedBackups=false`` they are retained. A manual or final snapshot
is never touched.
"""

from __future__ import annotations

from ..request_info import AwsCall
from .base import Extension


class RdsClusterAutomatedBackups(Extension):
    name = "rds-cluster-backups"
    order = 60

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "rds" or call.action != "DeleteDBCluster" or status != 200 or not call.region:
            return None
        if str(call.param("DeleteAutomatedBackups", "true")).lower() == "false":
            return None
        cluster_id = call.param("DBClusterIdentifier", "").split(":")[-1].lower()
        snapshots = self.emulator.backend("rds", call.region).cluster_snapshots
        for snapshot_id, snapshot in list(snapshots.items()):
            if snapshot.snapshot_type == "automated" and snapshot.db_cluster_identifier.lower() == cluster_id:
                del snapshots[snapshot_id]
        return None


EXTENSIONS = [RdsClusterAutomatedBackups]
