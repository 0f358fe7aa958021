from __future__ import annotations

import copy
from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import backup_plan
from .conftest import calls_made, client_for

DR_VAULT = "arn:aws:backup:us-east-2:123456789012:backup-vault:payments-vault-dr-test"
WRITES = ("create_backup_plan", "update_backup_plan", "delete_backup_plan", "tag_resource", "untag_resource",
          "delete_backup_selection")
RULE = {"rule_name": "daily", "target_backup_vault_name": "payments-vault-primary-test",
        "schedule_expression": "cron(0 3 * * ? *)", "lifecycle": {"delete_after_days": 35},
        "copy_actions": [{"destination_backup_vault_arn": DR_VAULT, "lifecycle": {"delete_after_days": 35}}]}
ARGS = {"name": "payments-backup-primary-test", "rules": [RULE], "tags": {"Environment": "test"}}
# The same rule as AWS Backup answers it: defaults filled in, a rule id, explicit false flags.
API_RULE = {
    "RuleName": "daily", "TargetBackupVaultName": "payments-vault-primary-test",
    "ScheduleExpression": "cron(0 3 * * ? *)", "ScheduleExpressionTimezone": "Etc/UTC",
    "StartWindowMinutes": 480, "CompletionWindowMinutes": 10080, "RuleId": "rule-1",
    "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": False},
    "CopyActions": [{"DestinationBackupVaultArn": DR_VAULT,
                     "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": False}}],
    "EnableContinuousBackup": False, "RecoveryPointTags": {},
}
PLAN_ARN = "arn:aws:backup:us-east-1:123456789012:backup-plan:plan-1"


class FakeBackup:
    def __init__(self, rules=None, tags=None, deleted_twin=False, selections=()):
        self.plans = {}
        self.tags = {}
        self.selections = {"plan-1": list(selections)}
        if deleted_twin:  # a deleted plan of the same name must be ignored
            self.plans["old"] = {"BackupPlanId": "old", "BackupPlanArn": PLAN_ARN.replace("plan-1", "old"),
                                 "VersionId": "v0", "DeletionDate": 1,
                                 "BackupPlan": {"BackupPlanName": ARGS["name"], "Rules": []}}
        if rules is not None:
            self.plans["plan-1"] = {"BackupPlanId": "plan-1", "BackupPlanArn": PLAN_ARN, "VersionId": "v1",
                                    "BackupPlan": {"BackupPlanName": ARGS["name"], "Rules": copy.deepcopy(rules)}}
            self.tags[PLAN_ARN] = dict(tags or {})

    def get_paginator(self, name):
        paginator = MagicMock()
        if name == "list_backup_selections":
            paginator.paginate.side_effect = lambda BackupPlanId: MagicMock(build_full_result=lambda: {
                "BackupSelectionsList": [{"SelectionId": s, "BackupPlanId": BackupPlanId}
                                         for s in self.selections.get(BackupPlanId, [])]})
            return paginator
        assert name == "list_backup_plans"
        paginator.paginate.return_value.build_full_result.side_effect = lambda: {"BackupPlansList": [
            dict({k: v for k, v in p.items() if k != "BackupPlan"}, BackupPlanName=p["BackupPlan"]["BackupPlanName"])
            for p in self.plans.values()]}
        return paginator

    def get_backup_plan(self, BackupPlanId, **kw):
        return copy.deepcopy(self.plans[BackupPlanId])

    def list_tags(self, ResourceArn, **kw):
        return {"Tags": dict(self.tags.get(ResourceArn, {}))}

    def create_backup_plan(self, BackupPlan, BackupPlanTags=None, **kw):
        rules = [dict(rule, RuleId="rule-new") for rule in copy.deepcopy(BackupPlan["Rules"])]
        self.plans["plan-1"] = {"BackupPlanId": "plan-1", "BackupPlanArn": PLAN_ARN, "VersionId": "v1",
                                "BackupPlan": dict(BackupPlan, Rules=rules)}
        self.tags[PLAN_ARN] = dict(BackupPlanTags or {})
        return {"BackupPlanId": "plan-1", "BackupPlanArn": PLAN_ARN, "VersionId": "v1"}

    def update_backup_plan(self, BackupPlanId, BackupPlan, **kw):
        self.plans[BackupPlanId]["BackupPlan"] = copy.deepcopy(BackupPlan)
        self.plans[BackupPlanId]["VersionId"] = "v2"

    def delete_backup_plan(self, BackupPlanId, **kw):
        if self.selections.get(BackupPlanId):
            raise botocore.exceptions.ClientError({"Error": {
                "Code": "InvalidRequestException",
                "Message": "Related backup plan selections must be deleted prior to backup plan deletion."}},
                "DeleteBackupPlan")
        self.plans[BackupPlanId]["DeletionDate"] = 2

    def delete_backup_selection(self, BackupPlanId, SelectionId, **kw):
        self.selections[BackupPlanId].remove(SelectionId)

    def tag_resource(self, ResourceArn, Tags, **kw):
        self.tags.setdefault(ResourceArn, {}).update(Tags)

    def untag_resource(self, ResourceArn, TagKeyList, **kw):
        for key in TagKeyList:
            self.tags[ResourceArn].pop(key, None)


def writes(client):
    return calls_made(client, WRITES)


@pytest.mark.parametrize("deleted_twin", [False, True])
def test_creates_the_plan_with_defaults_spelled_out(run_module, deleted_twin):
    fake = FakeBackup(deleted_twin=deleted_twin)
    client = client_for(fake)
    result, failed = run_module(backup_plan, ARGS, client)
    assert not failed, result
    assert result["changed"] is True
    client.create_backup_plan.assert_called_once()
    sent = client.create_backup_plan.call_args.kwargs
    assert sent["BackupPlanTags"] == {"Environment": "test"}
    assert sent["BackupPlan"]["Rules"][0] == {
        "RuleName": "daily", "TargetBackupVaultName": "payments-vault-primary-test",
        "ScheduleExpression": "cron(0 3 * * ? *)", "ScheduleExpressionTimezone": "Etc/UTC",
        "StartWindowMinutes": 480, "CompletionWindowMinutes": 10080, "EnableContinuousBackup": False,
        "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": False},
        "CopyActions": [{"DestinationBackupVaultArn": DR_VAULT,
                         "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": False}}]}
    plan = result["backup_plan"]
    assert plan["backup_plan_id"] == "plan-1" and plan["tags"] == {"Environment": "test"}
    assert plan["rules"][0]["copy_actions"] == [{"destination_backup_vault_arn": DR_VAULT,
                                                 "lifecycle": {"delete_after_days": 35}}]


def test_plan_as_aws_answers_it_changes_nothing(run_module):
    client = client_for(FakeBackup(rules=[API_RULE], tags={"Environment": "test"}))
    result, failed = run_module(backup_plan, ARGS, client)
    assert not failed and result["changed"] is False, result
    assert writes(client) == []


@pytest.mark.parametrize("rule, tags, expected", [
    (dict(API_RULE, ScheduleExpression="cron(0 4 * * ? *)"), {"Environment": "test"}, ["update_backup_plan"]),
    (dict(API_RULE, CopyActions=[]), {"Environment": "test"}, ["update_backup_plan"]),
    (dict(API_RULE, Lifecycle={"DeleteAfterDays": 7}), {"Environment": "test"}, ["update_backup_plan"]),
    (API_RULE, {"Environment": "old", "Stale": "1"}, ["tag_resource", "untag_resource"]),
])
def test_drift_is_repaired_with_only_the_calls_it_needs(run_module, rule, tags, expected):
    fake = FakeBackup(rules=[rule], tags=tags)
    client = client_for(fake)
    result, failed = run_module(backup_plan, ARGS, client)
    assert not failed and result["changed"] is True, result
    assert sorted(writes(client)) == sorted(expected)
    assert fake.tags[PLAN_ARN] == {"Environment": "test"}
    again, dummy = run_module(backup_plan, ARGS, client_for(fake))
    assert again["changed"] is False, again


DRIFTED = FakeBackup(rules=[dict(API_RULE, StartWindowMinutes=60)], tags={"Environment": "old"})


@pytest.mark.parametrize("fake", [FakeBackup(), DRIFTED])
def test_check_mode_reports_the_change_and_writes_nothing(run_module, fake):
    client = client_for(fake)
    result, failed = run_module(backup_plan, ARGS, client, check_mode=True, diff=True)
    assert not failed and result["changed"] is True, result
    assert writes(client) == []
    after = result["diff"]["after"]
    assert after["tags"] == {"Environment": "test"} and after["rules"][0]["start_window_minutes"] == 480


def test_check_mode_on_a_tagged_plan_in_the_desired_state_changes_nothing(run_module):
    client = client_for(FakeBackup(rules=[API_RULE], tags={"Environment": "test", "Project": "x"}))
    args = dict(ARGS, tags={"Environment": "test", "Project": "x"})
    result, failed = run_module(backup_plan, args, client, check_mode=True)
    assert not failed and result["changed"] is False, result


def test_unset_tags_are_left_alone(run_module):
    client = client_for(FakeBackup(rules=[API_RULE], tags={"Other": "1"}))
    result, failed = run_module(backup_plan, {"name": ARGS["name"], "rules": [RULE]}, client)
    assert not failed and result["changed"] is False
    assert result["backup_plan"]["tags"] == {"Other": "1"}


def test_absent_deletes_the_plan_once(run_module):
    fake = FakeBackup(rules=[API_RULE])
    client = client_for(fake)
    result, failed = run_module(backup_plan, {"name": ARGS["name"], "state": "absent"}, client)
    assert not failed and result["changed"] is True and result["backup_plan"] == {}
    client.delete_backup_plan.assert_called_once_with(aws_retry=True, BackupPlanId="plan-1")
    again, dummy = run_module(backup_plan, {"name": ARGS["name"], "state": "absent"}, client_for(fake))
    assert again["changed"] is False


def test_absent_with_force_deletes_the_selections_first(run_module):
    fake = FakeBackup(rules=[API_RULE], selections=["sel-1", "sel-2"])
    client = client_for(fake)
    result, failed = run_module(backup_plan, {"name": ARGS["name"], "state": "absent", "force": True}, client)
    assert not failed and result["changed"] is True, result
    assert [c.kwargs["SelectionId"] for c in client.delete_backup_selection.call_args_list] == ["sel-1", "sel-2"]
    assert fake.plans["plan-1"].get("DeletionDate")


def test_absent_without_force_fails_on_a_plan_with_selections(run_module):
    fake = FakeBackup(rules=[API_RULE], selections=["sel-1"])
    client = client_for(fake)
    result, failed = run_module(backup_plan, {"name": ARGS["name"], "state": "absent"}, client)
    assert failed and "selections must be deleted" in result["msg"]
    client.delete_backup_selection.assert_not_called()


def test_absent_with_force_in_check_mode_writes_nothing(run_module):
    fake = FakeBackup(rules=[API_RULE], selections=["sel-1"])
    client = client_for(fake)
    result, failed = run_module(backup_plan, {"name": ARGS["name"], "state": "absent", "force": True}, client,
                                check_mode=True)
    assert not failed and result["changed"] is True
    assert writes(client) == []


@pytest.mark.parametrize("rule, message", [
    (dict(RULE, start_window_minutes=30), "at least 60"),
    (dict(RULE, lifecycle={"move_to_cold_storage_after_days": 30, "delete_after_days": 60}), "90 more"),
    (dict(RULE, copy_actions=[{"destination_backup_vault_arn": "payments-vault-dr-test"}]), "vault ARN"),
])
def test_bad_rules_fail_before_any_call(run_module, rule, message):
    client = client_for(FakeBackup())
    result, failed = run_module(backup_plan, dict(ARGS, rules=[rule]), client)
    assert failed and message in result["msg"], result
    assert client.method_calls == []


def test_duplicate_rule_names_fail(run_module):
    client = client_for(FakeBackup())
    result, failed = run_module(backup_plan, dict(ARGS, rules=[RULE, RULE]), client)
    assert failed and "unique" in result["msg"]


def test_api_errors_fail_with_the_aws_message(run_module):
    client = client_for(FakeBackup())
    client.create_backup_plan.side_effect = botocore.exceptions.ClientError(
        {"Error": {"Code": "AlreadyExistsException", "Message": "exists"}}, "CreateBackupPlan")
    result, failed = run_module(backup_plan, ARGS, client)
    assert failed and "Failed to create backup plan" in result["msg"]
