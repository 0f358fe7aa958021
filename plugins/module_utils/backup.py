# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS Backup calls of the payments.dr modules (backup_plan, backup_recovery_points,
backup_region_settings): one function per call.

Each raises AnsibleBackupError (module_utils/dr_errors.py says why). Retries: one layer, chosen by
dr_retry.client with RETRY (``aws_retry=True`` on every call; paginated reads are dr_retry.paginated).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()


class AnsibleBackupError(AnsibleAWSError):
    pass


class BackupErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleBackupError


# --- plans and their selections ------------------------------------------------------------------

@BackupErrorHandler.common_error_handler("list the backup plans")
@dr_retry.paginated
def list_plans(client):
    return client.get_paginator("list_backup_plans").paginate().build_full_result().get("BackupPlansList", [])


@BackupErrorHandler.common_error_handler("get backup plan {plan_id}")
def get_plan(client, plan_id):
    return client.get_backup_plan(aws_retry=True, BackupPlanId=plan_id)


@BackupErrorHandler.common_error_handler("create backup plan {document[BackupPlanName]}")
def create_plan(client, document, tags):
    params = {"BackupPlan": document}
    if tags:
        params["BackupPlanTags"] = tags
    return client.create_backup_plan(aws_retry=True, **params)


@BackupErrorHandler.common_error_handler("update backup plan {plan_id}")
def update_plan(client, plan_id, document):
    client.update_backup_plan(aws_retry=True, BackupPlanId=plan_id, BackupPlan=document)


@BackupErrorHandler.common_error_handler("delete backup plan {plan_id} (remove its selections first)")
def delete_plan(client, plan_id):
    client.delete_backup_plan(aws_retry=True, BackupPlanId=plan_id)


@BackupErrorHandler.common_error_handler("list the selections of backup plan {plan_id}")
@dr_retry.paginated
def list_selections(client, plan_id):
    paginator = client.get_paginator("list_backup_selections")
    return paginator.paginate(BackupPlanId=plan_id).build_full_result().get("BackupSelectionsList", [])


@BackupErrorHandler.common_error_handler("delete selection {selection_id} of backup plan {plan_id}")
def delete_selection(client, plan_id, selection_id):
    client.delete_backup_selection(aws_retry=True, BackupPlanId=plan_id, SelectionId=selection_id)


# --- vaults and recovery points ------------------------------------------------------------------

# ListBackupVaults, not DescribeBackupVault, to tell whether a vault exists: AWS answers
# AccessDeniedException for a missing vault, which would hide a real permission problem.
@BackupErrorHandler.common_error_handler("list the backup vaults")
@dr_retry.paginated
def list_vaults(client):
    return client.get_paginator("list_backup_vaults").paginate().build_full_result().get("BackupVaultList", [])


@BackupErrorHandler.common_error_handler("list the recovery points of {vault_name}")
@dr_retry.paginated
def list_recovery_points(client, vault_name):
    paginator = client.get_paginator("list_recovery_points_by_backup_vault")
    return paginator.paginate(BackupVaultName=vault_name).build_full_result().get("RecoveryPoints", [])


@BackupErrorHandler.common_error_handler("delete recovery point {arn} of {vault_name}")
def delete_recovery_point(client, vault_name, arn):
    client.delete_recovery_point(aws_retry=True, BackupVaultName=vault_name, RecoveryPointArn=arn)


# --- region settings -----------------------------------------------------------------------------

@BackupErrorHandler.common_error_handler("describe the region settings")
def describe_region_settings(client):
    return client.describe_region_settings(aws_retry=True)


@BackupErrorHandler.common_error_handler("update the region settings")
def update_region_settings(client, opt_in, management):
    params = {}
    if opt_in:
        params["ResourceTypeOptInPreference"] = opt_in
    if management:
        params["ResourceTypeManagementPreference"] = management
    client.update_region_settings(aws_retry=True, **params)


# --- tags ----------------------------------------------------------------------------------------

@BackupErrorHandler.common_error_handler("list the tags of {arn}")
def list_tags(client, arn):
    tags, kwargs = {}, {}
    while True:  # ListTags has no paginator
        page = client.list_tags(aws_retry=True, ResourceArn=arn, **kwargs)
        tags.update(page.get("Tags") or {})
        if not page.get("NextToken"):
            return tags
        kwargs["NextToken"] = page["NextToken"]


@BackupErrorHandler.common_error_handler("tag {arn}")
def tag_resource(client, arn, tags):
    client.tag_resource(aws_retry=True, ResourceArn=arn, Tags=tags)


@BackupErrorHandler.common_error_handler("untag {arn}")
def untag_resource(client, arn, keys):
    client.untag_resource(aws_retry=True, ResourceArn=arn, TagKeyList=keys)
