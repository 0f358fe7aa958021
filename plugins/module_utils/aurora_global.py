# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an Aurora global cluster's topology, shared by the aurora_global_* modules.

Every call here works from any region that hosts a member, which is what lets
the failover path run while the old primary region does not answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

# Statuses of a global cluster while a failover or switchover is under way.
TRANSITION_STATUSES = ("failing-over", "switching-over", "modifying")
# How far behind a secondary is: both in milliseconds; AuroraGlobalDBRPOLag is the one AWS
# recommends for PostgreSQL, AuroraGlobalDBReplicationLag the classic one.
LAG_METRICS = ("AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag")


def arn_region(arn):
    """``arn:aws:rds:us-east-2:123456789012:cluster:x`` -> ``us-east-2``."""
    parts = (arn or "").split(":")
    return parts[3] if len(parts) > 5 else None


def arn_resource_id(arn):
    """``arn:aws:rds:...:cluster:payments-db`` -> ``payments-db``; ids pass through."""
    return arn.split(":")[-1] if arn and arn.startswith("arn:") else arn


def describe_global_cluster(client, module, identifier):
    """The GlobalCluster dict, or None when it does not exist."""
    try:
        answer = client.describe_global_clusters(aws_retry=True, GlobalClusterIdentifier=identifier)
    except is_boto3_error_code("GlobalClusterNotFoundFault"):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe global cluster %s" % identifier)
    clusters = answer.get("GlobalClusters", [])
    return clusters[0] if clusters else None


def describe_db_cluster(client, module, identifier):
    """The DBCluster dict (identifier or ARN, in the client's region), or None."""
    try:
        answer = client.describe_db_clusters(aws_retry=True, DBClusterIdentifier=identifier)
    except is_boto3_error_code("DBClusterNotFoundFault"):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to describe DB cluster %s" % identifier)
    clusters = answer.get("DBClusters", [])
    return clusters[0] if clusters else None


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


def replication_lag_seconds(cloudwatch, module, cluster_id, window):
    """Highest lag datapoint of a secondary cluster over the last ``window`` seconds, in seconds, or
    None when CloudWatch has none (a writer has no lag metric)."""
    end = datetime.datetime.now(datetime.timezone.utc)
    start = end - datetime.timedelta(seconds=window)
    highest = None
    for metric in LAG_METRICS:
        try:
            answer = cloudwatch.get_metric_statistics(
                aws_retry=True, Namespace="AWS/RDS", MetricName=metric,
                Dimensions=[{"Name": "DBClusterIdentifier", "Value": cluster_id}],
                StartTime=start, EndTime=end, Period=60, Statistics=["Maximum"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Failed to read %s for %s" % (metric, cluster_id))
        for point in answer.get("Datapoints", []):
            value = point["Maximum"] / 1000.0
            highest = value if highest is None else max(highest, value)
    return highest
