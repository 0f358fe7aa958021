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
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import kms
from ansible_collections.payments.dr.plugins.module_utils import resource_tags
from ansible_collections.payments.dr.plugins.module_utils import secretsmanager

KMS_PENDING = ("PendingDeletion", "PendingReplicaDeletion")
RETRIES = {"kms": kms.RETRY}


def resource_type_of(arn):
    """'service:type' of an ARN: arn:aws:ec2:r:a:vpc/vpc-1 -> ec2:vpc, arn:aws:s3:::bucket -> s3:bucket."""
    parts = arn.split(":", 5)
    service, resource = parts[2], parts[5] if len(parts) > 5 else ""
    if service == "s3" and "/" not in resource:
        return "s3:bucket"
    kind = resource.lstrip("/").split("/", 1)[0].split(":", 1)[0]
    return "%s:%s" % (service, kind)


class Clients:
    """The module's clients, each made once, when first needed."""

    def __init__(self, module):
        self.module = module
        self.made = {}

    def __call__(self, service):
        if service not in self.made:
            self.made[service] = dr_retry.client(self.module, service, retry=RETRIES.get(service, resource_tags.RETRY))
        return self.made[service]


def _deletion_date(clients, arn, resource_type):
    """When AWS deletes this KMS key or secret, "deleted" when it is gone, or None when it is not
    scheduled for deletion."""
    if resource_type == "kms:key":
        key = kms.describe_key(clients("kms"), arn)
        if key is None:
            return "deleted"
        if key.get("KeyState") in KMS_PENDING:
            return str(key.get("DeletionDate") or key["KeyState"])
    elif resource_type == "secretsmanager:secret":
        secret = secretsmanager.describe_secret(clients("secretsmanager"), arn)
        if secret is None:
            return "deleted"
        if secret.get("DeletedDate"):
            return str(secret["DeletedDate"])
    return None


def tagged_roles(clients, tags):
    client = clients("iam")
    found = []
    for role in resource_tags.list_roles(client):
        role_tags = resource_tags.list_role_tags(client, role["RoleName"])
        if all(role_tags.get(key) == value for key, value in tags.items()):
            found.append({"arn": role["Arn"], "resource_type": "iam:role", "tags": role_tags})
    return found


def find(module, tags):
    """The module's result: resources carrying every tag, and those scheduled for deletion."""
    clients = Clients(module)
    mappings = resource_tags.get_resources(clients("resourcegroupstaggingapi"), tags,
                                           module.params["resource_type_filters"])
    resources, pending = [], []
    for mapping in mappings:
        arn = mapping["ResourceARN"]
        resource_type = resource_type_of(arn)
        deletion = _deletion_date(clients, arn, resource_type)
        if deletion == "deleted":
            continue  # gone since GetResources answered
        if deletion:
            pending.append({"arn": arn, "resource_type": resource_type, "deletion_date": deletion})
            continue
        resources.append({"arn": arn, "resource_type": resource_type,
                          "tags": boto3_tag_list_to_ansible_dict(mapping.get("Tags", []))})
    if module.params["include_iam_roles"]:
        resources.extend(tagged_roles(clients, tags))
    return dict(changed=False, resources=sorted(resources, key=lambda r: r["arn"]),
                pending_deletion=sorted(pending, key=lambda r: r["arn"]))


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
    try:
        module.exit_json(**find(module, tags))
    except (resource_tags.AnsibleResourceTagsError, kms.AnsibleKMSError, secretsmanager.AnsibleSecretsManagerError) as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
