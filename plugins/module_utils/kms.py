# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The KMS calls of the payments.dr modules (kms_replica_key, kms_alias): one function per call.

Each raises AnsibleKMSError (module_utils/dr_errors.py says why); a missing key or alias is
None, not an error. Retries: one layer, chosen by dr_retry.client (RETRY adds KMS's internal
error to the throttling codes; ``aws_retry=True`` on every call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry("KMSInternalException")
POLICY_NAME = "default"  # the only key policy name KMS supports


class AnsibleKMSError(AnsibleAWSError):
    pass


class KMSErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleKMSError
    _MISSING_CODES = ("NotFoundException",)


# --- keys ----------------------------------------------------------------------------------------

@KMSErrorHandler.list_error_handler("describe key {key_id}")
def describe_key(client, key_id):
    """KeyMetadata, or None when the key does not exist in the client's region."""
    return client.describe_key(aws_retry=True, KeyId=key_id)["KeyMetadata"]


@KMSErrorHandler.common_error_handler("replicate {primary_arn} into {replica_region}")
def replicate_key(client, primary_arn, replica_region, params):
    return client.replicate_key(aws_retry=True, KeyId=primary_arn, ReplicaRegion=replica_region,
                                **params)["ReplicaKeyMetadata"]


@KMSErrorHandler.common_error_handler("get the key policy of {key_arn}")
def get_key_policy(client, key_arn):
    return json.loads(client.get_key_policy(aws_retry=True, KeyId=key_arn, PolicyName=POLICY_NAME)["Policy"])


@KMSErrorHandler.common_error_handler("put the key policy of {key_arn}")
def put_key_policy(client, key_arn, policy):
    client.put_key_policy(aws_retry=True, KeyId=key_arn, PolicyName=POLICY_NAME, Policy=policy)


@KMSErrorHandler.common_error_handler("update the description of {key_arn}")
def update_key_description(client, key_arn, description):
    client.update_key_description(aws_retry=True, KeyId=key_arn, Description=description)


@KMSErrorHandler.common_error_handler("cancel the deletion of {key_arn}")
def cancel_key_deletion(client, key_arn):
    client.cancel_key_deletion(aws_retry=True, KeyId=key_arn)


@KMSErrorHandler.common_error_handler("enable {key_arn}")
def enable_key(client, key_arn):
    client.enable_key(aws_retry=True, KeyId=key_arn)


@KMSErrorHandler.common_error_handler("schedule the deletion of {key_arn}")
def schedule_key_deletion(client, key_arn, days):
    client.schedule_key_deletion(aws_retry=True, KeyId=key_arn, PendingWindowInDays=days)


# --- tags ----------------------------------------------------------------------------------------

@KMSErrorHandler.common_error_handler("list the tags of {key_arn}")
def list_resource_tags(client, key_arn):
    """Tags as a dict (ListResourceTags has no paginator)."""
    tags, kwargs = [], {}
    while True:
        page = client.list_resource_tags(aws_retry=True, KeyId=key_arn, **kwargs)
        tags.extend(page.get("Tags", []))
        if not page.get("Truncated"):
            break
        kwargs["Marker"] = page["NextMarker"]
    return boto3_tag_list_to_ansible_dict(tags, "TagKey", "TagValue")


@KMSErrorHandler.common_error_handler("tag {key_arn}")
def tag_resource(client, key_arn, tags):
    client.tag_resource(aws_retry=True, KeyId=key_arn, Tags=ansible_dict_to_boto3_tag_list(tags, "TagKey", "TagValue"))


@KMSErrorHandler.common_error_handler("untag {key_arn}")
def untag_resource(client, key_arn, keys):
    client.untag_resource(aws_retry=True, KeyId=key_arn, TagKeys=keys)


# --- aliases -------------------------------------------------------------------------------------

@KMSErrorHandler.common_error_handler("list the KMS aliases")
@dr_retry.paginated
def list_aliases(client):
    """Every alias of the client's region, as ListAliases answers them (all pages)."""
    return client.get_paginator("list_aliases").paginate().build_full_result().get("Aliases", [])


@KMSErrorHandler.common_error_handler("create alias {name}")
def create_alias(client, name, key_id):
    client.create_alias(aws_retry=True, AliasName=name, TargetKeyId=key_id)


@KMSErrorHandler.common_error_handler("point alias {name} at {key_id}")
def update_alias(client, name, key_id):
    client.update_alias(aws_retry=True, AliasName=name, TargetKeyId=key_id)


@KMSErrorHandler.common_error_handler("delete alias {name}")
def delete_alias(client, name):
    client.delete_alias(aws_retry=True, AliasName=name)
