#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: backup_recovery_points
short_description: Delete the recovery points of an AWS Backup vault
version_added: 0.1.0
description:
  - Deletes every recovery point of a backup vault (C(DeleteRecoveryPoint)) and, with O(wait), waits
    until AWS has finished deleting them (a deleted point is C(DELETING) for a while).
  - AWS refuses to delete a vault that still holds recovery points, so a teardown empties it first.
    Neither amazon.aws nor community.aws has a module that deletes recovery points.
  - Recovery points are made by backup jobs, not declared, so the only state is C(absent).
  - A vault that does not exist holds nothing, and the module changes nothing.
author:
  - payments.dr maintainers (@payments-dr)
options:
  backup_vault_name:
    description: Name of the vault.
    required: true
    type: str
  state:
    description: C(absent) deletes the vault's recovery points.
    choices: ['absent']
    default: absent
    type: str
  wait:
    description: Wait until the vault holds no recovery point.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait when O(wait=true).
    type: int
    default: 600
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Empty the DR vault before deleting it
  payments.dr.backup_recovery_points:
    backup_vault_name: payments-vault-dr-prod
    region: us-east-2
    state: absent
    wait_timeout: 1800
"""

RETURN = r"""
recovery_points:
  description: The recovery points the vault held before the run (ARN, resource, status).
  returned: always
  type: list
  elements: dict
  sample: [{"recovery_point_arn": "arn:aws:backup:us-east-2:123456789012:recovery-point:1EB3B5E7-9EB0-435A",
            "resource_arn": "arn:aws:dynamodb:us-east-2:123456789012:table/payments-global-prod",
            "resource_type": "DynamoDB", "status": "COMPLETED"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import backup
from ansible_collections.payments.dr.plugins.module_utils.dr_wait import module_wait


# --- state ------------------------------------------------------------------------------------

def summary(point):
    return {"recovery_point_arn": point["RecoveryPointArn"], "resource_arn": point.get("ResourceArn", ""),
            "resource_type": point.get("ResourceType", ""), "status": point.get("Status", "")}


def main():
    argument_spec = dict(
        backup_vault_name=dict(type="str", required=True),
        state=dict(type="str", default="absent", choices=["absent"]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    name = module.params["backup_vault_name"]
    client = dr_retry.client(module, "backup", retry=backup.RETRY)
    try:
        vaults = [vault["BackupVaultName"] for vault in backup.list_vaults(client)]
        points = backup.list_recovery_points(client, name) if name in vaults else []
        to_delete = [p for p in points if p.get("Status") != "DELETING"]
        changed = bool(to_delete)
        if not module.check_mode:
            for point in to_delete:
                backup.delete_recovery_point(client, name, point["RecoveryPointArn"])
            if points and module.params["wait"]:
                module_wait(module, lambda: backup.list_recovery_points(client, name), lambda remaining: not remaining,
                            "the recovery points of %s to be deleted" % name, delay=5)

        result = dict(changed=changed, recovery_points=[summary(p) for p in points])
        if module._diff:
            result["diff"] = {"before": {"recovery_points": [p["RecoveryPointArn"] for p in points]},
                              "after": {"recovery_points": []}}
        module.exit_json(**result)
    except backup.AnsibleBackupError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
