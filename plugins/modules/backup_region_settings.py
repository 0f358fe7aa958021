#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: backup_region_settings
short_description: Set AWS Backup's service opt-in and full-management preferences of a region
version_added: 0.1.0
description:
  - Sets the resource types named in O(resource_type_opt_in_preference) and
    O(resource_type_management_preference) (C(UpdateRegionSettings)); the types not named are left as they are.
  - Compares them with C(DescribeRegionSettings) first, so a rerun changes nothing and check mode reports
    exactly what a real run would do.
  - O(resource_type_management_preference) with C(DynamoDB) set to C(true) enables AWS Backup's advanced DynamoDB
    backup in the region. Without it a DynamoDB backup is not fully managed by AWS Backup and cannot be
    copied to another region or account, so a plan with a cross-region copy action needs it in the region
    the backups are taken in.
  - The settings are per account and region; they have no tags and cannot be deleted.
author:
  - payments.dr maintainers (@payments-dr)
options:
  resource_type_opt_in_preference:
    description:
      - Resource type (C(DynamoDB), C(Aurora), C(RDS), ...) to whether tag-based assignments of backup plans include it.
    type: dict
    default: {}
  resource_type_management_preference:
    description:
      - Resource type (C(DynamoDB) or C(EFS)) to whether AWS Backup fully manages its backups.
    type: dict
    default: {}
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Advanced DynamoDB backup, so DynamoDB recovery points can be copied to the DR region
  payments.dr.backup_region_settings:
    resource_type_opt_in_preference:
      DynamoDB: true
      Aurora: true
    resource_type_management_preference:
      DynamoDB: true
"""

RETURN = r"""
region_settings:
  description: The region's settings as they now stand (all resource types, not only the ones set).
  returned: always
  type: dict
  contains:
    resource_type_opt_in_preference:
      description: Resource type to its opt-in.
      type: dict
    resource_type_management_preference:
      description: Resource type to whether AWS Backup fully manages its backups.
      type: dict
  sample: {
    "resource_type_opt_in_preference": {"Aurora": true, "DynamoDB": true, "EBS": true, "S3": false},
    "resource_type_management_preference": {"DynamoDB": true, "EFS": true}}
"""

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import backup

FIELDS = (("resource_type_opt_in_preference", "ResourceTypeOptInPreference"),
          ("resource_type_management_preference", "ResourceTypeManagementPreference"))


def to_result(settings):
    return dict((option, dict(settings.get(field) or {})) for option, field in FIELDS)


def desired_preferences(module):
    """Each option as resource type -> bool (YAML may give 'yes' or 'true' strings)."""
    desired = {}
    for option, dummy in FIELDS:
        try:
            desired[option] = dict((str(k), boolean(v, strict=True)) for k, v in module.params[option].items())
        except TypeError as e:
            module.fail_json(msg="%s: every value must be a boolean (%s)" % (option, e))
    return desired


def changes(current, desired):
    """The entries of ``desired`` that differ from ``current``, per option."""
    return dict((option, dict((k, v) for k, v in desired[option].items() if current[option].get(k) != v))
                for option, dummy in FIELDS)


def main():
    argument_spec = dict(
        resource_type_opt_in_preference=dict(type="dict", default={}),
        resource_type_management_preference=dict(type="dict", default={}),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    desired = desired_preferences(module)
    client = dr_retry.client(module, "backup", retry=backup.RETRY)
    try:
        before = to_result(backup.describe_region_settings(client))
        wanted = changes(before, desired)
        changed = any(wanted.values())
        after = before
        if changed:
            after = dict((option, dict(before[option], **wanted[option])) for option, dummy in FIELDS)
            if not module.check_mode:
                backup.update_region_settings(client, wanted["resource_type_opt_in_preference"],
                                              wanted["resource_type_management_preference"])
                after = to_result(backup.describe_region_settings(client))
        result = dict(changed=changed, region_settings=after)
        if module._diff:
            result["diff"] = {"before": before, "after": after}
        module.exit_json(**result)
    except backup.AnsibleBackupError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
