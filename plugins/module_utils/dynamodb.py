# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DynamoDB calls of the payments.dr modules (dynamodb_global_table, routing_control,
payment_probe): one function per call.

Each raises AnsibleDynamoDBError (module_utils/dr_errors.py says why); a missing table is None
for ``describe_table``, an error for every other call. Retries: one layer, chosen by
dr_retry.client (RETRY adds a table busy with an earlier change to the throttling codes;
``aws_retry=True`` on every call, ``@dr_retry.paginated`` on the paginated read).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

# ResourceInUseException: the table is busy with an earlier change (UpdateTable). LimitExceededException
# (too many table operations at once) is among dr_retry's throttling codes already.
RETRY = dr_retry.aws_retry("ResourceInUseException")


class AnsibleDynamoDBError(AnsibleAWSError):
    pass


class DynamoDBErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleDynamoDBError
    _MISSING_CODES = ("ResourceNotFoundException",)


# --- tables --------------------------------------------------------------------------------------

@DynamoDBErrorHandler.list_error_handler("describe table {name}")
def describe_table(client, name):
    """The Table dict, or None when the table does not exist in the client's region."""
    return client.describe_table(aws_retry=True, TableName=name)["Table"]


def update_table(client, name, changes):
    """UpdateTable with ``changes`` (its parameters besides TableName); a failure names their keys."""
    _update_table(client, name, sorted(changes), changes)


@DynamoDBErrorHandler.common_error_handler("update table {name} with {fields}")
def _update_table(client, name, fields, changes):
    client.update_table(aws_retry=True, TableName=name, **changes)


@DynamoDBErrorHandler.common_error_handler("describe continuous backups of {name}")
def describe_point_in_time_recovery(client, name):
    """Whether point-in-time recovery is on."""
    answer = client.describe_continuous_backups(aws_retry=True, TableName=name)
    description = answer.get("ContinuousBackupsDescription", {}).get("PointInTimeRecoveryDescription", {})
    return description.get("PointInTimeRecoveryStatus") == "ENABLED"


@DynamoDBErrorHandler.common_error_handler("set point-in-time recovery of {name}")
def update_point_in_time_recovery(client, name, enabled):
    client.update_continuous_backups(
        aws_retry=True, TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": enabled})


# --- tags ----------------------------------------------------------------------------------------

@DynamoDBErrorHandler.common_error_handler("list tags of {arn}")
@dr_retry.paginated
def list_tags(client, arn):
    """Tags as a dict (all pages)."""
    paginator = client.get_paginator("list_tags_of_resource")
    return boto3_tag_list_to_ansible_dict(paginator.paginate(ResourceArn=arn).build_full_result().get("Tags", []))


@DynamoDBErrorHandler.common_error_handler("tag {arn}")
def tag_resource(client, arn, tags):
    client.tag_resource(aws_retry=True, ResourceArn=arn, Tags=ansible_dict_to_boto3_tag_list(tags))


@DynamoDBErrorHandler.common_error_handler("untag {arn}")
def untag_resource(client, arn, keys):
    client.untag_resource(aws_retry=True, ResourceArn=arn, TagKeys=keys)


# --- items: ``what`` names the item in the message ("the routing control", "transaction txn-1") ----

@DynamoDBErrorHandler.common_error_handler("read {what} from {table}")
def get_item(client, table, key, what, consistent=False):
    """The item at ``key``, or None when there is none."""
    return client.get_item(aws_retry=True, TableName=table, Key=key, ConsistentRead=consistent).get("Item")


@DynamoDBErrorHandler.common_error_handler("write {what} to {table}")
def put_item(client, table, item, what):
    client.put_item(aws_retry=True, TableName=table, Item=item)


@DynamoDBErrorHandler.common_error_handler("read {what} from {table}")
def query(client, table, what, key_condition, values, limit=None):
    """One Query page (the answer as DynamoDB gives it); ``limit`` caps the items it reads."""
    params = dict(TableName=table, KeyConditionExpression=key_condition, ExpressionAttributeValues=values)
    if limit:
        params["Limit"] = limit
    return client.query(aws_retry=True, **params)
