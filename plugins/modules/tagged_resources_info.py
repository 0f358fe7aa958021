#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tagged_resources_info
short_description: List the resources in a region that carry a set of tags
version_added: 0.1.0
description:
  - Lists, with the Resource Groups Tagging API C(GetResources), every resource in the module's region
    carrying all of O(tags). Global resources (Route 53 zones and health checks, CloudFront) answer in
    C(us-east-1) only.
  - C(GetResources) does not cover IAM roles; O(include_iam_roles=true) adds the account's roles carrying
    O(tags) (C(ListRoles) and C(ListRoleTags)).
  - KMS keys AWS has scheduled for deletion and secrets scheduled for deletion still exist (and keep
    their tags) until their waiting period ends; they are returned in RV(pending_deletion), not in
    RV(resources).
  - C(GetResources) may return a resource for a short while after it is deleted (eventual consistency), so
    callers that prove a teardown should retry.
  - Read-only; safe in check mode.
author:
  - payments.dr maintainers (@payments-dr)
options:
  tags:
    description: Tags a resource must all carry (key and value).
    required: true
    type: dict
  resource_type_filters:
    description: Limit to these resource types, as C(service) or C(service:type) (for example C(rds:cluster)).
    type: list
    elements: str
    default: []
  include_iam_roles:
    description: Also list IAM roles (global) carrying O(tags).
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: What is still tagged for the environment in this region
  payments.dr.tagged_resources_info:
    tags:
      Environment: prod
      ManagedBy: Ansible
      Project: PaymentProcessing
    include_iam_roles: true
  register: leftovers
"""

RETURN = r"""
resources:
  description: Resources carrying every tag, KMS keys and secrets scheduled for deletion excepted.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The resource's ARN.
      type: str
      sample: arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0
    resource_type:
      description: C(service:type) taken from the ARN.
      type: str
      sample: ec2:vpc
    tags:
      description: All the resource's tags.
      type: dict
pending_deletion:
  description: KMS keys and secrets carrying every tag that AWS has scheduled for deletion.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The resource's ARN.
      type: str
    resource_type:
      description: C(kms:key) or C(secretsmanager:secret).
      type: str
    deletion_date:
      description: When AWS deletes it (ISO 8601).
      type: str
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

KMS_PENDING = ("PendingDeletion", "PendingReplicaDeletion")


def resource_type_of(arn):
    """'service:type' of an ARN: arn:aws:ec2:r:a:vpc/vpc-1 -> ec2:vpc, arn:aws:s3:::bucket -> s3:bucket."""
    parts = arn.split(":", 5)
    service, resource = parts[2], parts[5] if len(parts) > 5 else ""
    if service == "s3" and "/" not in resource:
        return "s3:bucket"
    kind = resource.lstrip("/").split("/", 1)[0].split(":", 1)[0]
    return "%s:%s" % (service, kind)


@AWSRetry.jittered_backoff()
def _tagged_pages(client, tag_filters, types):
    kwargs = {"TagFilters": tag_filters}
    if types:
        kwargs["ResourceTypeFilters"] = types
    return client.get_paginator("get_resources").paginate(**kwargs).build_full_result()["ResourceTagMappingList"]


@AWSRetry.jittered_backoff()
def _roles(client):
    return client.get_paginator("list_roles").paginate().build_full_result()["Roles"]


def _deletion_date(module, arn, resource_type):
    """When AWS deletes this KMS key or secret, or None when it is not scheduled for deletion."""
    try:
        if resource_type == "kms:key":
            client = module.client("kms", retry_decorator=AWSRetry.jittered_backoff())
            key = client.describe_key(aws_retry=True, KeyId=arn)["KeyMetadata"]
            if key.get("KeyState") in KMS_PENDING:
                return str(key.get("DeletionDate") or key["KeyState"])
        elif resource_type == "secretsmanager:secret":
            client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff())
            secret = client.describe_secret(aws_retry=True, SecretId=arn)
            if secret.get("DeletedDate"):
                return str(secret["DeletedDate"])
    except is_boto3_error_code(["NotFoundException", "ResourceNotFoundException"]):
        return "deleted"
    except (BotoCoreError, ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the deletion state of %s" % arn)
    return None


def tagged_roles(module, tags):
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    found = []
    try:
        for role in _roles(client):
            role_tags = boto3_tag_list_to_ansible_dict(
                client.list_role_tags(aws_retry=True, RoleName=role["RoleName"]).get("Tags", []))
            if all(role_tags.get(key) == value for key, value in tags.items()):
                found.append({"arn": role["Arn"], "resource_type": "iam:role", "tags": role_tags})
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to list IAM roles")
    return found


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            tags=dict(type="dict", required=True),
            resource_type_filters=dict(type="list", elements="str", default=[]),
            include_iam_roles=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    tags = dict((str(k), str(v)) for k, v in module.params["tags"].items())
    if not tags:
        module.fail_json(msg="tags must name at least one tag: an empty filter would match every resource")
    client = module.client("resourcegroupstaggingapi", retry_decorator=AWSRetry.jittered_backoff())
    try:
        mappings = _tagged_pages(client, [{"Key": k, "Values": [v]} for k, v in tags.items()],
                                 module.params["resource_type_filters"])
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to list tagged resources")

    resources, pending = [], []
    for mapping in mappings:
        arn = mapping["ResourceARN"]
        resource_type = resource_type_of(arn)
        deletion = _deletion_date(module, arn, resource_type)
        if deletion == "deleted":
            continue  # gone since GetResources answered
        if deletion:
            pending.append({"arn": arn, "resource_type": resource_type, "deletion_date": deletion})
            continue
        resources.append({"arn": arn, "resource_type": resource_type,
                          "tags": boto3_tag_list_to_ansible_dict(mapping.get("Tags", []))})
    if module.params["include_iam_roles"]:
        resources.extend(tagged_roles(module, tags))
    module.exit_json(changed=False, resources=sorted(resources, key=lambda r: r["arn"]),
                     pending_deletion=sorted(pending, key=lambda r: r["arn"]))


if __name__ == "__main__":
    main()
