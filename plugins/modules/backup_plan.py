#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: backup_plan
short_description: Manage an AWS Backup plan, its rules and tags, idempotently and check-mode safe
version_added: 0.1.0
description:
  - Creates, updates (C(UpdateBackupPlan)) or deletes an AWS Backup plan found by name, with its rules
    (schedule, windows, lifecycle, cross-region copy actions) and tags.
  - The rules read back are normalized (the defaults AWS Backup fills in, rule ids, rule order) and
    compared with the desired ones as data, so a rerun changes nothing and check mode reports
    exactly what a real run would do.
  - Written because M(amazon.aws.backup_plan) reports a change in check mode whenever the plan has
    tags, and reports one on every run unless every default AWS fills in is spelled out.
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description: Name of the plan (unique in the region).
    required: true
    type: str
    aliases: ['backup_plan_name']
  state:
    description: Whether the plan exists.
    choices: ['present', 'absent']
    default: present
    type: str
  force:
    description:
      - With O(state=absent), delete the plan's backup selections first. AWS refuses to delete a plan
        that still has selections; without O(force) such a plan makes the module fail.
    type: bool
    default: false
  rules:
    description: The plan's rules (the whole set). Required when O(state=present).
    type: list
    elements: dict
    suboptions:
      rule_name:
        description: Name of the rule, unique in the plan.
        required: true
        type: str
      target_backup_vault_name:
        description: Vault (in the plan's region) the recovery points are stored in.
        required: true
        type: str
      schedule_expression:
        description: When the rule runs (cron or rate expression).
        default: cron(0 5 ? * * *)
        type: str
      schedule_expression_timezone:
        description: Time zone of O(rules[].schedule_expression).
        default: Etc/UTC
        type: str
      start_window_minutes:
        description: Minutes after the scheduled time a job may start before it is cancelled.
        default: 480
        type: int
      completion_window_minutes:
        description: Minutes after it starts a job must complete before it is cancelled.
        default: 10080
        type: int
      lifecycle:
        description: When recovery points move to cold storage and expire.
        type: dict
        suboptions:
          move_to_cold_storage_after_days:
            description: Days after creation the recovery point moves to cold storage.
            type: int
          delete_after_days:
            description: Days after creation the recovery point is deleted.
            type: int
          opt_in_to_archive_for_supported_resources:
            description: Archive to cold storage the resource types that support it.
            type: bool
            default: false
      recovery_point_tags:
        description: Tags put on the recovery points.
        type: dict
      copy_actions:
        description: Copies of each recovery point into other vaults (for example in the DR region).
        type: list
        elements: dict
        suboptions:
          destination_backup_vault_arn:
            description: ARN of the vault the copy goes to.
            required: true
            type: str
          lifecycle:
            description: Lifecycle of the copy (same keys as O(rules[].lifecycle)).
            type: dict
            suboptions:
              move_to_cold_storage_after_days:
                description: Days after creation the copy moves to cold storage.
                type: int
              delete_after_days:
                description: Days after creation the copy is deleted.
                type: int
              opt_in_to_archive_for_supported_resources:
                description: Archive to cold storage the resource types that support it.
                type: bool
                default: false
      enable_continuous_backup:
        description: Continuous backups (point-in-time restore) for the resource types that support them.
        type: bool
        default: false
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Daily backups kept 35 days, copied to the DR region's vault
  payments.dr.backup_plan:
    name: payments-backup-primary-prod
    rules:
      - rule_name: daily
        target_backup_vault_name: payments-vault-primary-prod
        schedule_expression: cron(0 3 * * ? *)
        lifecycle:
          delete_after_days: 35
        copy_actions:
          - destination_backup_vault_arn: arn:aws:backup:us-east-2:123456789012:backup-vault:payments-vault-dr-prod
            lifecycle:
              delete_after_days: 35
    tags:
      Environment: prod

- name: Remove the plan (its selections must be removed first)
  payments.dr.backup_plan:
    name: payments-backup-primary-prod
    state: absent

- name: Remove the plan and its selections
  payments.dr.backup_plan:
    name: payments-backup-primary-prod
    state: absent
    force: true
"""

RETURN = r"""
backup_plan:
  description: The plan as it now stands; empty when absent.
  returned: always
  type: dict
  contains:
    backup_plan_id:
      description: Id of the plan (empty in check mode for a plan not created yet).
      type: str
    backup_plan_arn:
      description: ARN of the plan.
      type: str
    version_id:
      description: Version of the plan, changed by every update.
      type: str
    backup_plan_name:
      description: Name of the plan.
      type: str
    rules:
      description: The rules, normalized and sorted by name, in snake case.
      type: list
      elements: dict
    tags:
      description: Tags of the plan.
      type: dict
  sample: {
    "backup_plan_id": "8a3c1e4e-7b43-4a5e-9b7c-2d4f5b7c9e10",
    "backup_plan_arn": "arn:aws:backup:us-east-1:123456789012:backup-plan:8a3c1e4e-7b43-4a5e-9b7c-2d4f5b7c9e10",
    "version_id": "ZjQ5ODk3YzQtOGM0Mi00YjRlLWI3NjAtNzQ4ZDg4ZjY0ZWI0",
    "backup_plan_name": "payments-backup-primary-prod",
    "rules": [{"rule_name": "daily", "target_backup_vault_name": "payments-vault-primary-prod",
               "schedule_expression": "cron(0 3 * * ? *)", "schedule_expression_timezone": "Etc/UTC",
               "start_window_minutes": 480, "completion_window_minutes": 10080,
               "lifecycle": {"delete_after_days": 35}}],
    "tags": {"Environment": "prod"}}
"""

import copy
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import backup
from ansible_collections.payments.dr.plugins.module_utils.dr_tags import sync_tags

VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$")
LIFECYCLE_KEYS = (
    ("move_to_cold_storage_after_days", "MoveToColdStorageAfterDays"),
    ("delete_after_days", "DeleteAfterDays"),
    ("opt_in_to_archive_for_supported_resources", "OptInToArchiveForSupportedResources"),
)


# --- state ------------------------------------------------------------------------------------

def find_plan_id(client, name):
    for plan in backup.list_plans(client):
        if plan.get("BackupPlanName") == name and not plan.get("DeletionDate"):
            return plan["BackupPlanId"]
    return None


# --- desired and current plan, in one normalized shape ----------------------------------------

def build_lifecycle(lifecycle):
    built = {}
    for option, field in LIFECYCLE_KEYS:
        if (lifecycle or {}).get(option) is not None:
            built[field] = lifecycle[option]
    return built


def build_rule(rule):
    built = {
        "RuleName": rule["rule_name"],
        "TargetBackupVaultName": rule["target_backup_vault_name"],
        "ScheduleExpression": rule["schedule_expression"],
        "ScheduleExpressionTimezone": rule["schedule_expression_timezone"],
        "StartWindowMinutes": rule["start_window_minutes"],
        "CompletionWindowMinutes": rule["completion_window_minutes"],
        "EnableContinuousBackup": rule["enable_continuous_backup"],
    }
    if rule["lifecycle"]:
        built["Lifecycle"] = build_lifecycle(rule["lifecycle"])
    if rule["recovery_point_tags"]:
        built["RecoveryPointTags"] = dict((k, str(v)) for k, v in rule["recovery_point_tags"].items())
    if rule["copy_actions"]:
        built["CopyActions"] = []
        for action in rule["copy_actions"]:
            copy_action = {"DestinationBackupVaultArn": action["destination_backup_vault_arn"]}
            if action["lifecycle"]:
                copy_action["Lifecycle"] = build_lifecycle(action["lifecycle"])
            built["CopyActions"].append(copy_action)
    return built


def desired_document(module):
    return {"BackupPlanName": module.params["name"], "Rules": [build_rule(rule) for rule in module.params["rules"]]}


def normalize_lifecycle(lifecycle):
    """Lifecycle settings that mean something: unset, zero and false ones are AWS's defaults."""
    return dict((k, v) for k, v in (lifecycle or {}).items() if v not in (None, False, 0))


def normalize_copy_action(action):
    normalized = {"DestinationBackupVaultArn": action.get("DestinationBackupVaultArn")}
    lifecycle = normalize_lifecycle(action.get("Lifecycle"))
    if lifecycle:
        normalized["Lifecycle"] = lifecycle
    return normalized


def normalize_rule(rule):
    """A rule without its id and without the empty or false settings AWS reports as defaults."""
    normalized = {}
    for key, value in rule.items():
        if key == "Lifecycle":
            value = normalize_lifecycle(value)
        elif key == "CopyActions":
            value = sorted((normalize_copy_action(action) for action in value or []),
                           key=lambda action: action["DestinationBackupVaultArn"])
        if key != "RuleId" and value not in (None, False, {}, []):
            normalized[key] = value
    return normalized


def normalize(document):
    if not document:
        return {}
    rules = sorted((normalize_rule(rule) for rule in document.get("Rules", [])), key=lambda r: r.get("RuleName"))
    return {"BackupPlanName": document.get("BackupPlanName"), "Rules": rules}


def to_result(plan, document, tags):
    """The module's answer: ids from ``plan`` (may be empty), rules from ``document``."""
    if not document:
        return {}
    normalized = normalize(document)
    return {
        "backup_plan_id": plan.get("BackupPlanId", ""),
        "backup_plan_arn": plan.get("BackupPlanArn", ""),
        "version_id": plan.get("VersionId", ""),
        "backup_plan_name": normalized["BackupPlanName"],
        "rules": [camel_dict_to_snake_dict(rule, ignore_list=["RecoveryPointTags"]) for rule in normalized["Rules"]],
        "tags": dict(tags or {}),
    }


def validate_params(module):
    """Checks that need no AWS call, made before any."""
    params = module.params
    if params["state"] != "present":
        return
    if not params["rules"]:
        module.fail_json(msg="rules must hold at least one rule when state=present")
    names = [rule["rule_name"] for rule in params["rules"]]
    if len(set(names)) != len(names):
        module.fail_json(msg="rule names must be unique, got %s" % ", ".join(names))
    for rule in params["rules"]:
        where = "rule %s: " % rule["rule_name"]
        if rule["start_window_minutes"] < 60:
            module.fail_json(msg=where + "start_window_minutes must be at least 60")
        lifecycles = [rule["lifecycle"]] + [action["lifecycle"] for action in rule["copy_actions"] or []]
        for lifecycle in lifecycles:
            cold = (lifecycle or {}).get("move_to_cold_storage_after_days")
            delete = (lifecycle or {}).get("delete_after_days")
            if cold is not None and delete is not None and delete < cold + 90:
                module.fail_json(msg=where + "delete_after_days must be at least 90 more than "
                                             "move_to_cold_storage_after_days")
        for action in rule["copy_actions"] or []:
            if not VAULT_ARN.match(action["destination_backup_vault_arn"]):
                module.fail_json(msg=where + "destination_backup_vault_arn must be a backup vault ARN, got %s"
                                 % action["destination_backup_vault_arn"])


def main():
    lifecycle_options = dict(
        move_to_cold_storage_after_days=dict(type="int"),
        delete_after_days=dict(type="int"),
        opt_in_to_archive_for_supported_resources=dict(type="bool", default=False),
    )
    rule_options = dict(
        rule_name=dict(type="str", required=True),
        target_backup_vault_name=dict(type="str", required=True),
        schedule_expression=dict(type="str", default="cron(0 5 ? * * *)"),
        schedule_expression_timezone=dict(type="str", default="Etc/UTC"),
        start_window_minutes=dict(type="int", default=480),
        completion_window_minutes=dict(type="int", default=10080),
        lifecycle=dict(type="dict", options=lifecycle_options),
        recovery_point_tags=dict(type="dict"),
        copy_actions=dict(type="list", elements="dict", options=dict(
            destination_backup_vault_arn=dict(type="str", required=True),
            lifecycle=dict(type="dict", options=copy.deepcopy(lifecycle_options)),
        )),
        enable_continuous_backup=dict(type="bool", default=False),
    )
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["backup_plan_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        force=dict(type="bool", default=False),
        rules=dict(type="list", elements="dict", options=rule_options),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["rules"])],
        supports_check_mode=True,
    )
    validate_params(module)
    client = dr_retry.client(module, "backup", retry=backup.RETRY)
    try:
        plan_id = find_plan_id(client, module.params["name"])
        plan = backup.get_plan(client, plan_id) if plan_id else {}
        current_tags = backup.list_tags(client, plan["BackupPlanArn"]) if plan else {}
        before = to_result(plan, plan.get("BackupPlan"), current_tags)

        if module.params["state"] == "present":
            document = desired_document(module)
            desired_tags = module.params["tags"]
            if not plan:
                changed = True
                if module.check_mode:
                    after = to_result({}, document, desired_tags)
                else:
                    created = backup.create_plan(client, document, desired_tags)
                    plan = backup.get_plan(client, created["BackupPlanId"])
                    after = to_result(plan, plan["BackupPlan"], backup.list_tags(client, plan["BackupPlanArn"]))
            else:
                rules_changed = normalize(document) != normalize(plan["BackupPlan"])
                if rules_changed and not module.check_mode:
                    backup.update_plan(client, plan_id, document)
                arn = plan["BackupPlanArn"]
                tags_changed, tags = sync_tags(module, current_tags, desired_tags, module.params["purge_tags"],
                                               lambda wanted: backup.tag_resource(client, arn, wanted),
                                               lambda keys: backup.untag_resource(client, arn, keys))
                changed = rules_changed or tags_changed
                if not changed:
                    after = before
                elif module.check_mode:
                    after = to_result(plan, document if rules_changed else plan["BackupPlan"], tags)
                else:
                    plan = backup.get_plan(client, plan_id)
                    after = to_result(plan, plan["BackupPlan"], backup.list_tags(client, plan["BackupPlanArn"]))
        else:
            changed = bool(plan)
            after = {}
            if changed and not module.check_mode:
                if module.params["force"]:
                    for selection in backup.list_selections(client, plan_id):
                        backup.delete_selection(client, plan_id, selection["SelectionId"])
                backup.delete_plan(client, plan_id)

        result = dict(changed=changed, backup_plan=after)
        if module._diff:
            result["diff"] = {"before": before, "after": after}
        module.exit_json(**result)
    except backup.AnsibleBackupError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
