# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Aurora global database calls and topology of the aurora_global_* modules.

Every call here works from any region that hosts a member, which is what lets
the failover path run while the old primary region does not answer. Each raises
AnsibleAuroraError (module_utils/dr_errors.py says why); a missing global cluster or
DB cluster is None, not an error. Retries: one layer, chosen by dr_retry.client with
RETRY (``aws_retry=True`` on every call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()

# Statuses of a global cluster while a failover or switchover is under way.
TRANSITION_STATUSES = ("failing-over", "switching-over", "modifying")
# How far behind a secondary is: both in milliseconds; AuroraGlobalDBRPOLag is the one AWS
# recommends for PostgreSQL, AuroraGlobalDBReplicationLag the classic one.
LAG_METRICS = ("AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag")


class AnsibleAuroraError(AnsibleAWSError):
    pass


class AuroraErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleAuroraError
    _MISSING_CODES = ("GlobalClusterNotFoundFault", "DBClusterNotFoundFault", "DBInstanceNotFound")


def arn_region(arn):
    """``arn:aws:rds:us-east-2:123456789012:cluster:x`` -> ``us-east-2``."""
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 5 else None


def arn_resource_id(arn):
    """``arn:aws:rds:...:cluster:payments-db`` -> ``payments-db``; ids pass through."""
    return arn.split(":")[-1] if arn and arn.startswith("arn:") else arn


@AuroraErrorHandler.list_error_handler("describe global cluster {identifier}")
def describe_global_cluster(client, identifier):
    """The GlobalCluster dict, or None when it does not exist."""
    clusters = client.describe_global_clusters(aws_retry=True, GlobalClusterIdentifier=identifier).get("GlobalClusters", [])
    return clusters[0] if clusters else None


@AuroraErrorHandler.list_error_handler("describe DB cluster {identifier}")
def describe_db_cluster(client, identifier):
    """The DBCluster dict (identifier or ARN, in the client's region), or None."""
    clusters = client.describe_db_clusters(aws_retry=True, DBClusterIdentifier=identifier).get("DBClusters", [])
    return clusters[0] if clusters else None


@AuroraErrorHandler.list_error_handler("describe DB instance {identifier}")
def describe_db_instance(client, identifier):
    """The DBInstance dict (identifier or ARN, in the client's region), or None."""
    instances = client.describe_db_instances(aws_retry=True, DBInstanceIdentifier=identifier).get("DBInstances", [])
    return instances[0] if instances else None


@AuroraErrorHandler.common_error_handler("create global cluster {request[GlobalClusterIdentifier]}")
def create_global_cluster(client, request):
    return client.create_global_cluster(aws_retry=True, **request)["GlobalCluster"]


@AuroraErrorHandler.common_error_handler("modify global cluster {identifier}")
def modify_global_cluster(client, identifier, deletion_protection):
    client.modify_global_cluster(aws_retry=True, GlobalClusterIdentifier=identifier, DeletionProtection=deletion_protection)


@AuroraErrorHandler.common_error_handler("tag global cluster {arn}")
def add_tags(client, arn, tags):
    client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@AuroraErrorHandler.common_error_handler("untag global cluster {arn}")
def remove_tags(client, arn, keys):
    client.remove_tags_from_resource(aws_retry=True, ResourceName=arn, TagKeys=keys)


# A member already gone has nothing left to detach (False).
@AuroraErrorHandler.deletion_error_handler("remove {member_arn} from global cluster {identifier}")
def remove_from_global_cluster(client, identifier, member_arn):
    client.remove_from_global_cluster(aws_retry=True, GlobalClusterIdentifier=identifier, DbClusterIdentifier=member_arn)
    return True


@AuroraErrorHandler.deletion_error_handler("delete global cluster {identifier}")
def delete_global_cluster(client, identifier):
    client.delete_global_cluster(aws_retry=True, GlobalClusterIdentifier=identifier)
    return True


@AuroraErrorHandler.common_error_handler("switch global cluster {identifier} over to {target_arn}")
def switchover_global_cluster(client, identifier, target_arn):
    client.switchover_global_cluster(aws_retry=True, GlobalClusterIdentifier=identifier, TargetDbClusterIdentifier=target_arn)


@AuroraErrorHandler.common_error_handler("fail global cluster {identifier} over to {target_arn}")
def failover_global_cluster(client, identifier, target_arn):
    client.failover_global_cluster(aws_retry=True, GlobalClusterIdentifier=identifier, TargetDbClusterIdentifier=target_arn,
                                   AllowDataLoss=True)


def writer_arn(global_cluster):
    """ARN of the member that takes writes, or None (headless or mid-failover)."""
    for member in (global_cluster or {}).get("GlobalClusterMembers", []):
        if member.get("IsWriter"):
            return member["DBClusterArn"]
    return None


def member_arns(global_cluster):
    return [m["DBClusterArn"] for m in (global_cluster or {}).get("GlobalClusterMembers", [])]


def topology(global_cluster):
    """The global cluster in the shape the modules return (snake_case, members with roles and regions)."""
    if not global_cluster:
        return {}
    members = []
    for member in global_cluster.get("GlobalClusterMembers", []):
        members.append({
            "db_cluster_arn": member["DBClusterArn"],
            "db_cluster_identifier": arn_resource_id(member["DBClusterArn"]),
            "region": arn_region(member["DBClusterArn"]),
            "is_writer": bool(member.get("IsWriter")),
            "readers": member.get("Readers", []),
            "synchronization_status": member.get("SynchronizationStatus"),
        })
    writer = writer_arn(global_cluster)
    return {
        "global_cluster_identifier": global_cluster.get("GlobalClusterIdentifier"),
        "global_cluster_arn": global_cluster.get("GlobalClusterArn"),
        "status": global_cluster.get("Status"),
        "engine": global_cluster.get("Engine"),
        "engine_version": global_cluster.get("EngineVersion"),
        "deletion_protection": global_cluster.get("DeletionProtection"),
        "storage_encrypted": global_cluster.get("StorageEncrypted"),
        "failover_state": global_cluster.get("FailoverState", {}),
        "writer_cluster_arn": writer,
        "writer_region": arn_region(writer),
        "members": members,
    }


def lag_dimensions(cluster_id, source_region):
    """The dimensions Aurora publishes a secondary's global-database lag metrics with, in the
    secondary's region: the secondary cluster and the Region it replicates from (AWS/RDS,
    DBClusterIdentifier + SourceRegion). A query or an alarm on DBClusterIdentifier alone matches
    no datapoint."""
    return [{"Name": "DBClusterIdentifier", "Value": cluster_id}, {"Name": "SourceRegion", "Value": source_region}]


@AuroraErrorHandler.common_error_handler("read {metric} for {cluster_id}")
def _lag_datapoints(cloudwatch, metric, cluster_id, source_region, start, end):
    return cloudwatch.get_metric_statistics(
        aws_retry=True, Namespace="AWS/RDS", MetricName=metric, Dimensions=lag_dimensions(cluster_id, source_region),
        StartTime=start, EndTime=end, Period=60, Statistics=["Maximum"]).get("Datapoints", [])


def replication_lag_seconds(cloudwatch, cluster_id, source_region, window):
    """Highest lag datapoint of a secondary cluster replicating from ``source_region`` (the
    writer's Region) over the last ``window`` seconds, in seconds, or None when CloudWatch has none
    (a writer has no lag metric; a headless global cluster has no source)."""
    if not source_region:
        return None
    end = datetime.datetime.now(datetime.timezone.utc)
    start = end - datetime.timedelta(seconds=window)
    highest = None
    for metric in LAG_METRICS:
        for point in _lag_datapoints(cloudwatch, metric, cluster_id, source_region, start, end):
            value = point["Maximum"] / 1000.0
            highest = value if highest is None else max(highest, value)
    return highest
