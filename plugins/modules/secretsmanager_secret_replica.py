#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: secretsmanager_secret_replica
short_description: Add or remove the replica of a Secrets Manager secret in another region
version_added: 0.1.0
description:
  - Replicates a secret of the module's O(region) (its primary region) into O(replica_region)
    (C(ReplicateSecretToRegions)), or removes that replica (C(RemoveRegionsFromReplication)), which
    deletes the replica secret at once.
  - AWS refuses to delete a secret that still has replicas, so a teardown removes them first.
    M(community.aws.secretsmanager_secret) removes replicas only as part of O(state=present) (which
    also restores a secret scheduled for deletion) and not at all with O(state=absent).
  - A secret that does not exist, or is scheduled for deletion, has no replica to remove.
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description: Name or ARN of the secret, in its primary region O(region).
    required: true
    type: str
    aliases: ['secret_id']
  replica_region:
    description: Region of the replica.
    required: true
    type: str
  kms_key_id:
    description:
      - KMS key (id, ARN or alias of O(replica_region)) that encrypts a new replica; AWS's own key when unset.
      - The key of an existing replica is not changed.
    type: str
  state:
    description: Whether the replica exists.
    choices: ['present', 'absent']
    default: present
    type: str
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Remove the DR replica before deleting the secret
  payments.dr.secretsmanager_secret_replica:
    name: payments-db-credentials-global-prod
    region: us-east-1
    replica_region: us-east-2
    state: absent
"""

RETURN = r"""
replication_status:
  description: The secret's replicas after the run (empty when it has none or does not exist).
  returned: always
  type: list
  elements: dict
  sample: [{"region": "us-east-2", "kms_key_id": "arn:aws:kms:us-east-2:123456789012:key/mrk-1234",
            "status": "InSync", "status_message": "Replication succeeded"}]
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import secretsmanager


# --- state ------------------------------------------------------------------------------------

def replicas_of(secret):
    return [camel_dict_to_snake_dict(r) for r in (secret or {}).get("ReplicationStatus") or []]


def run(client, module, name, replica_region):
    """The module's result."""
    secret = secretsmanager.describe_secret(client, name)
    if secret is not None and secret.get("PrimaryRegion") not in (None, module.region):
        module.fail_json(msg="%s in %s is a replica of the secret in %s; manage replicas from there"
                         % (name, module.region, secret["PrimaryRegion"]))
    before = replicas_of(secret)
    has_replica = any(r["region"] == replica_region for r in before)

    if module.params["state"] == "present":
        if secret is None or secret.get("DeletedDate"):
            module.fail_json(msg="secret %s does not exist in %s (or is scheduled for deletion)" % (name, module.region))
        changed = not has_replica
        after = before + [{"region": replica_region, "kms_key_id": module.params["kms_key_id"] or "",
                           "status": "InProgress"}] if changed else before
        if changed and not module.check_mode:
            secretsmanager.replicate_secret_to_region(client, name, replica_region, module.params["kms_key_id"])
            after = replicas_of(secretsmanager.describe_secret(client, name))
    else:
        changed = has_replica
        after = [r for r in before if r["region"] != replica_region]
        if changed and not module.check_mode:
            secretsmanager.remove_region_from_replication(client, name, replica_region)
            after = replicas_of(secretsmanager.describe_secret(client, name))

    result = dict(changed=changed, replication_status=after)
    if module._diff:
        result["diff"] = {"before": {"replication_status": before}, "after": {"replication_status": after}}
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["secret_id"]),
        replica_region=dict(type="str", required=True),
        kms_key_id=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    name, replica_region = module.params["name"], module.params["replica_region"]
    if replica_region == module.region:
        module.fail_json(msg="replica_region must differ from the secret's region (%s)" % module.region)

    client = dr_retry.client(module, "secretsmanager", retry=secretsmanager.RETRY)
    try:
        module.exit_json(**run(client, module, name, replica_region))
    except secretsmanager.AnsibleSecretsManagerError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
