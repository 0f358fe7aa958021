#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dr_readiness_info
short_description: Audit the disaster-recovery controls of one region of the payment stack
version_added: 0.1.0
description:
  - Reads, in the module's region, every DR control of the stack and reports each as passed or failed,
    with the reason. Read-only; safe in check mode.
  - One module call per region replaces some thirty single-purpose info calls.
  - A control whose resource name is not given is not audited.
  - Each control is C(required) (a control the stack declares; drifted, it makes the region not ready)
    or C(advisory) (reported, never blocking). Required are Aurora membership, instances, engine versions,
    lag, encryption and deletion protection; each table's replica, point-in-time recovery, encryption
    and deletion protection; the routing-control read; S3 replication with Replication Time Control
    and, for a KMS-encrypted bucket, its KMS settings; the bucket's default encryption and
    versioning; the API's health; the Route 53 health check; every alarm present and sending to an
    action; the database secret's replica; the backup vault. Advisory is how recent the newest
    recovery point is.
author:
  - payments.dr maintainers (@payments-dr)
options:
  peer_region:
    description: The other region of the stack.
    required: true
    type: str
  global_cluster_identifier:
    description: Aurora global cluster.
    type: str
  db_cluster_identifier:
    description: This region's Aurora cluster.
    type: str
  max_replication_lag:
    description: Seconds of Aurora lag (this region's cluster as a secondary) above which the region is not ready.
    type: float
    default: 1
  lag_window:
    description: Seconds of lag metrics to read.
    type: int
    default: 600
  min_instances:
    description: Available instances this region's cluster needs.
    type: int
    default: 2
  table_names:
    description: DynamoDB global tables that must be ACTIVE here with an ACTIVE replica in O(peer_region).
    type: list
    elements: str
    default: []
  source_bucket:
    description: Bucket whose replication (with Replication Time Control) to O(destination_bucket) is audited.
    type: str
  destination_bucket:
    description: Replication destination bucket.
    type: str
  deletion_protection:
    description:
      - Whether the stack deploys its Aurora clusters, global cluster and tables with deletion protection
        (the roles' default); when true, protection turned off is a failed required control.
    type: bool
    default: true
  control_table:
    description:
      - Routing-control table whose C(routing) item (the function's fence read) must be readable here; the
        detail names the fenced regions.
    type: str
  health_url:
    description: URL of this region's C(GET /health) (its own API host, not the failover name).
    type: str
  health_check_name:
    description: Name tag of this region's Route 53 health check, which must exist, enabled and not inverted.
    type: str
  connect_url:
    description: Send the health request to this base URL, keeping the URL's host in the C(Host) header.
    type: str
  alarm_names:
    description: Alarms that must exist here, each with its actions enabled and at least one alarm action.
    type: list
    elements: str
    default: []
  secret_id:
    description: Database secret; in the primary region its replica in O(peer_region) must be in sync.
    type: str
  backup_vault_name:
    description: Backup vault that must exist here.
    type: str
  backup_max_age_hours:
    description: Age of the newest recovery point above which the advisory backup control fails.
    type: int
    default: 26
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Audit the DR region
  payments.dr.dr_readiness_info:
    region: us-east-2
    peer_region: us-east-1
    global_cluster_identifier: payments-aurora-global-prod
    db_cluster_identifier: payments-aurora-dr-prod
    table_names: [payments-transactions-global-prod]
    health_url: https://abc123.execute-api.us-east-2.amazonaws.com/prod/health
  register: readiness
"""

RETURN = r"""
controls:
  description: Every audited control.
  returned: always
  type: list
  elements: dict
  contains:
    region: {description: Region audited., type: str, returned: always}
    control: {description: Name of the control., type: str, returned: always}
    ok: {description: Whether it passed., type: bool, returned: always}
    severity: {description: "C(required) (when failed the region is not ready) or C(advisory) (never blocks).", type: str, returned: always}
    detail: {description: What was seen., type: str, returned: always}
ready:
  description: True when no required control failed.
  returned: always
  type: bool
"""

import datetime

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.six.moves.urllib.parse import urlsplit
from ansible.module_utils.urls import open_url

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.aurora_global import replication_lag_seconds, topology


REQUIRED = "required"  # a drifted control: the region is not ready
ADVISORY = "advisory"  # reported, never blocking


class Audit:
    def __init__(self, module):
        self.module = module
        self.region = module.region
        self.controls = []

    def client(self, service):
        return dr_retry.client(self.module, service)

    def record(self, control, ok, detail, severity=REQUIRED):
        self.controls.append(dict(region=self.region, control=control, ok=bool(ok), severity=severity, detail=detail))

    def check(self, control, probe, severity=REQUIRED):
        """Run probe() -> (ok, detail); an AWS error fails the control with the error as detail."""
        try:
            ok, detail = probe()
        except (AnsibleAWSError, BotoCoreError, ClientError) as e:
            ok, detail = False, "error: %s" % e
        self.record(control, ok, detail, severity)

    # -- Aurora ------------------------------------------------------------------------
    def aurora(self, global_id, cluster_id):
        rds = self.client("rds")
        state = {}

        def membership():
            answer = rds.describe_global_clusters(aws_retry=True, GlobalClusterIdentifier=global_id)
            state["topology"] = topo = topology(answer["GlobalClusters"][0])
            mine = [m for m in topo["members"] if m["db_cluster_identifier"] == cluster_id]
            state["is_writer"] = bool(mine and mine[0]["is_writer"])
            ok = len(topo["members"]) >= 2 and topo["writer_cluster_arn"] and mine and topo["status"] == "available"
            return ok, "%d members, writer in %s, this cluster %s, status %s" % (
                len(topo["members"]), topo["writer_region"],
                ("writer" if state["is_writer"] else "reader") if mine else "NOT a member", topo["status"])

        def instances():
            answer = rds.describe_db_instances(aws_retry=True, Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}])
            available = [i for i in answer["DBInstances"] if i["DBInstanceStatus"] == "available"]
            return len(available) >= self.module.params["min_instances"], "%d available instance(s), %d needed" % (
                len(available), self.module.params["min_instances"])

        def versions():
            cluster = rds.describe_db_clusters(aws_retry=True, DBClusterIdentifier=cluster_id)["DBClusters"][0]
            wanted = state.get("topology", {}).get("engine_version")
            return cluster["EngineVersion"] == wanted, "cluster %s, global cluster %s" % (cluster["EngineVersion"], wanted)

        def lag():
            if state.get("is_writer"):
                return True, "this region holds the writer"
            source = state.get("topology", {}).get("writer_region")
            highest = self.highest_lag(cluster_id, source)
            if highest is None:
                # Fails closed, as the switchover guard does: no datapoint shows no lag.
                return False, "no lag datapoint (SourceRegion %s) in the last %ss" % (source, self.module.params["lag_window"])
            limit = float(self.module.params["max_replication_lag"])
            return highest <= limit, "%.3f s (limit %.3f s)" % (float(highest), limit)

        self.check("aurora global membership", membership)

        def protected():
            cluster = rds.describe_db_clusters(aws_retry=True, DBClusterIdentifier=cluster_id)["DBClusters"][0]
            wanted = self.module.params["deletion_protection"]
            global_protected = state.get("topology", {}).get("deletion_protection")
            ok = bool(cluster.get("StorageEncrypted")) and (
                not wanted or (cluster.get("DeletionProtection") and global_protected))
            return ok, "storage %s, deletion protection: cluster %s, global cluster %s" % (
                "encrypted" if cluster.get("StorageEncrypted") else "NOT encrypted",
                "on" if cluster.get("DeletionProtection") else "off", "on" if global_protected else "off")

        self.check("aurora instances", instances)
        self.check("aurora encryption and deletion protection", protected)
        self.check("aurora engine versions match", versions)
        self.check("aurora replication lag", lag)

    def highest_lag(self, cluster_id, source_region):
        return replication_lag_seconds(self.client("cloudwatch"), cluster_id, source_region, self.module.params["lag_window"])

    # -- DynamoDB ----------------------------------------------------------------------
    def tables(self, names, peer):
        dynamodb = self.client("dynamodb")
        for name in names:
            def replica(name=name):
                table = dynamodb.describe_table(aws_retry=True, TableName=name)["Table"]
                replicas = dict((r["RegionName"], r.get("ReplicaStatus")) for r in table.get("Replicas", []))
                ok = table["TableStatus"] == "ACTIVE" and replicas.get(peer) == "ACTIVE"
                return ok, "table %s, replica in %s %s" % (table["TableStatus"], peer, replicas.get(peer, "missing"))

            def pitr(name=name):
                backups = dynamodb.describe_continuous_backups(aws_retry=True, TableName=name)
                status = backups["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {}).get(
                    "PointInTimeRecoveryStatus")
                return status == "ENABLED", "point-in-time recovery %s" % status

            self.check("dynamodb %s replica" % name, replica)

            def protected(name=name):
                table = dynamodb.describe_table(aws_retry=True, TableName=name)["Table"]
                sse = table.get("SSEDescription") or {}
                encrypted = sse.get("Status") == "ENABLED"
                protection = bool(table.get("DeletionProtectionEnabled"))
                ok = encrypted and (protection or not self.module.params["deletion_protection"])
                return ok, "encryption %s (%s), deletion protection %s" % (
                    sse.get("Status", "AWS owned key"), sse.get("SSEType", "-"), "on" if protection else "off")

            self.check("dynamodb %s PITR" % name, pitr)
            self.check("dynamodb %s encryption and deletion protection" % name, protected)

    def routing(self, table):
        dynamodb = self.client("dynamodb")

        def item():
            # The read the function makes on every request: it must answer here. No item yet means
            # no region is fenced (the runbooks write it when they fence one).
            found = dynamodb.get_item(aws_retry=True, TableName=table, Key={"name": {"S": "routing"}}).get("Item") or {}
            fenced = sorted(v["S"] for v in found.get("fenced_regions", {}).get("L", []))
            return True, "%s readable here, fenced: %s" % (table, ", ".join(fenced) or "none")

        self.check("routing control", item)

    # -- S3 ----------------------------------------------------------------------------
    def replication(self, source, destination):
        s3 = self.client("s3")
        state = {}

        def rule():
            config = s3.get_bucket_replication(aws_retry=True, Bucket=source)["ReplicationConfiguration"]
            rules = [r for r in config.get("Rules", []) if r.get("Status") == "Enabled"
                     and r.get("Destination", {}).get("Bucket", "").endswith(":::%s" % destination)]
            rtc = [r for r in rules if r["Destination"].get("ReplicationTime", {}).get("Status") == "Enabled"]
            state["rules"] = rtc
            return bool(rtc), "%d enabled rule(s) to %s, %d with Replication Time Control" % (
                len(rules), destination, len(rtc))

        def bucket():
            encryption = s3.get_bucket_encryption(aws_retry=True, Bucket=source)["ServerSideEncryptionConfiguration"]
            default = (encryption.get("Rules") or [{}])[0].get("ApplyServerSideEncryptionByDefault", {})
            state["kms"] = default.get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse")
            versioning = s3.get_bucket_versioning(aws_retry=True, Bucket=source).get("Status")
            return bool(default) and versioning == "Enabled", "default encryption %s, versioning %s" % (
                default.get("SSEAlgorithm", "none"), versioning or "never enabled")

        def kms():
            # A KMS-encrypted object replicates only when the rule opts in and names the replica key.
            if not state.get("kms"):
                return True, "the bucket is not KMS-encrypted: no KMS replication settings needed"
            complete = [r for r in state.get("rules", [])
                        if r.get("SourceSelectionCriteria", {}).get("SseKmsEncryptedObjects", {}).get("Status") == "Enabled"
                        and r["Destination"].get("EncryptionConfiguration", {}).get("ReplicaKmsKeyID")]
            return bool(complete), "%d rule(s) replicating KMS-encrypted objects with a replica key" % len(complete)

        self.check("s3 replication with RTC", rule)
        self.check("s3 bucket encryption and versioning", bucket)
        self.check("s3 replication of KMS-encrypted objects", kms)

    # -- API -----------------------------------------------------------------------------
    def health(self, url, connect_url):
        def probe():
            parts = urlsplit(url)
            target = (connect_url.rstrip("/") + parts.path) if connect_url else url
            try:
                response = open_url(target, headers={"Host": parts.hostname}, timeout=10)
                status, body = response.getcode(), response.read()
            except Exception as e:  # pylint: disable=broad-except
                status, body = getattr(e, "code", 0), str(e).encode()
            return status == 200, "GET %s -> %s %s" % (url, status, body[:120].decode("utf-8", "replace"))

        self.check("api health", probe)

    # -- alarms, secret, backups ---------------------------------------------------------
    def alarms(self, names):
        cloudwatch = self.client("cloudwatch")

        def present():
            found = {}
            for start in range(0, len(names), 100):
                answer = cloudwatch.describe_alarms(aws_retry=True, AlarmNames=names[start:start + 100])
                found.update((a["AlarmName"], a) for a in answer["MetricAlarms"])
            missing = sorted(set(names) - set(found))
            # An alarm that cannot notify anyone is no control: actions disabled, or none on ALARM.
            silent = sorted(n for n, a in found.items() if not a.get("ActionsEnabled", True) or not a.get("AlarmActions"))
            problems = (["missing: %s" % ", ".join(missing)] if missing else []) + (
                ["without an enabled alarm action: %s" % ", ".join(silent)] if silent else [])
            return not problems, "; ".join(problems) or "%d alarm(s) present and actioned" % len(found)

        self.check("alarms present and actioned", present)

    def secret(self, secret_id, peer):
        secrets = self.client("secretsmanager")

        def replicated():
            answer = secrets.describe_secret(aws_retry=True, SecretId=secret_id)
            if answer.get("PrimaryRegion", self.region) != self.region:
                return True, "replica of the secret in %s" % answer["PrimaryRegion"]
            status = dict((r["Region"], r.get("Status")) for r in answer.get("ReplicationStatus", []))
            return status.get(peer) == "InSync", "replica in %s %s" % (peer, status.get(peer, "missing"))

        self.check("secret replicated", replicated)

    def backups(self, vault):
        backup = self.client("backup")

        def recent():
            points = backup.list_recovery_points_by_backup_vault(aws_retry=True, BackupVaultName=vault).get(
                "RecoveryPoints", [])
            limit = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(
                hours=self.module.params["backup_max_age_hours"])
            newest = max((p["CreationDate"] for p in points), default=None)
            return newest is not None and newest >= limit, "newest recovery point: %s" % (newest or "none")

        self.check("backup vault", lambda: (True, "vault %s exists" % backup.describe_backup_vault(
            aws_retry=True, BackupVaultName=vault)["BackupVaultName"]))
        self.check("backups recent", recent, severity=ADVISORY)

    # -- Route 53 ------------------------------------------------------------------------
    def health_check(self, name):
        route53 = self.client("route53")

        def configured():
            checks = {}
            for page in route53.get_paginator("list_health_checks").paginate():
                checks.update((c["Id"], c) for c in page["HealthChecks"])
            ids = list(checks)
            for start in range(0, len(ids), 10):
                answer = route53.list_tags_for_resources(aws_retry=True, ResourceType="healthcheck",
                                                         ResourceIds=ids[start:start + 10])
                for tag_set in answer["ResourceTagSets"]:
                    tags = dict((t["Key"], t["Value"]) for t in tag_set.get("Tags", []))
                    if tags.get("Name") == name:
                        config = checks[tag_set["ResourceId"]]["HealthCheckConfig"]
                        ok = not config.get("Disabled") and not config.get("Inverted")
                        return ok, "%s %s%s%s" % (name, tag_set["ResourceId"], " DISABLED" if config.get("Disabled") else "",
                                                  " INVERTED" if config.get("Inverted") else "")
            return False, "no health check named %s" % name

        self.check("route53 health check", configured)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            peer_region=dict(type="str", required=True),
            global_cluster_identifier=dict(type="str"),
            db_cluster_identifier=dict(type="str"),
            max_replication_lag=dict(type="float", default=1),
            lag_window=dict(type="int", default=600),
            min_instances=dict(type="int", default=2),
            table_names=dict(type="list", elements="str", default=[]),
            source_bucket=dict(type="str"),
            destination_bucket=dict(type="str"),
            deletion_protection=dict(type="bool", default=True),
            control_table=dict(type="str"),
            health_url=dict(type="str"),
            health_check_name=dict(type="str"),
            connect_url=dict(type="str"),
            alarm_names=dict(type="list", elements="str", default=[]),
            secret_id=dict(type="str"),
            backup_vault_name=dict(type="str"),
            backup_max_age_hours=dict(type="int", default=26),
        ),
        required_together=[("global_cluster_identifier", "db_cluster_identifier"),
                           ("source_bucket", "destination_bucket")],
        supports_check_mode=True,
    )
    params = module.params
    audit = Audit(module)
    if params["global_cluster_identifier"]:
        audit.aurora(params["global_cluster_identifier"], params["db_cluster_identifier"])
    audit.tables(params["table_names"], params["peer_region"])
    if params["control_table"]:
        audit.routing(params["control_table"])
    if params["source_bucket"]:
        audit.replication(params["source_bucket"], params["destination_bucket"])
    if params["health_url"]:
        audit.health(params["health_url"], params["connect_url"])
    if params["health_check_name"]:
        audit.health_check(params["health_check_name"])
    if params["alarm_names"]:
        audit.alarms(params["alarm_names"])
    if params["secret_id"]:
        audit.secret(params["secret_id"], params["peer_region"])
    if params["backup_vault_name"]:
        audit.backups(params["backup_vault_name"])
    ready = all(c["ok"] for c in audit.controls if c["severity"] == REQUIRED)
    module.exit_json(changed=False, controls=audit.controls, ready=ready)


if __name__ == "__main__":
    main()
