# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reads of the payments.dr tagged_resources_info module: one function per call, for the
Resource Groups Tagging API and IAM (its KMS and Secrets Manager reads are kms.describe_key and
secretsmanager.describe_secret).

Each raises AnsibleResourceTagsError (module_utils/dr_errors.py says why). Retries: one layer, chosen by dr_retry.client with RETRY (``aws_retry=True``
on every call; ``dr_retry.paginated`` on the reads that page).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()


class AnsibleResourceTagsError(AnsibleAWSError):
    pass


class ResourceTagsErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleResourceTagsError
    _MISSING_CODES = ("NotFoundException", "ResourceNotFoundException")


# --- Resource Groups Tagging API -----------------------------------------------------------------

@ResourceTagsErrorHandler.common_error_handler("list tagged resources")
@dr_retry.paginated
def get_resources(client, tags, resource_types):
    """ResourceTagMappingList of the resources carrying every tag of ``tags`` (a dict), of
    ``resource_types`` only when given (all pages)."""
    kwargs = {"TagFilters": [{"Key": key, "Values": [value]} for key, value in tags.items()]}
    if resource_types:
        kwargs["ResourceTypeFilters"] = resource_types
    return client.get_paginator("get_resources").paginate(**kwargs).build_full_result()["ResourceTagMappingList"]


# --- IAM -----------------------------------------------------------------------------------------

@ResourceTagsErrorHandler.common_error_handler("list IAM roles")
@dr_retry.paginated
def list_roles(client):
    return client.get_paginator("list_roles").paginate().build_full_result()["Roles"]


@ResourceTagsErrorHandler.common_error_handler("list the tags of IAM role {role_name}")
def list_role_tags(client, role_name):
    """The role's tags as a dict (one page: a role has at most 50 tags, a page holds 100)."""
    return boto3_tag_list_to_ansible_dict(client.list_role_tags(aws_retry=True, RoleName=role_name).get("Tags", []))
