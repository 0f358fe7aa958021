from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import backup_recovery_points

VAULT = "payments-vault-dr-test"
TABLE = "arn:aws:dynamodb:us-east-2:123456789012:table/payments"


def point(n, status="COMPLETED"):
    return {"RecoveryPointArn": f"arn:aws:backup:us-east-2:123456789012:recovery-point:{n}",
            "ResourceArn": TABLE, "ResourceType": "DynamoDB", "Status": status}


def backup_client(vaults, *listings):
    """ListBackupVaults answers ``vaults``; each ListRecoveryPointsByBackupVault answers the next listing."""
    client = MagicMock()
    pages = {"list_backup_vaults": [{"BackupVaultList": [{"BackupVaultName": v} for v in vaults]}],
             "list_recovery_points_by_backup_vault": [{"RecoveryPoints": rps} for rps in listings]}

    def paginator(name):
        answers = pages[name]
        result = MagicMock()
        result.paginate.return_value.build_full_result.side_effect = lambda: answers.pop(0) if len(answers) > 1 \
            else answers[0]
        return result

    client.get_paginator.side_effect = paginator
    return client


def test_deletes_every_point_and_waits_until_the_vault_is_empty(run_module, fake_time):
    client = backup_client([VAULT], [point(1), point(2)], [point(1, "DELETING")], [])
    result, failed = run_module(backup_recovery_points, {"backup_vault_name": VAULT, "region": "us-east-2"}, client)
    assert not failed and result["changed"] is True, result
    assert fake_time.slept == [5]  # one poll found a point still deleting, the next an empty vault
    assert [c.kwargs["RecoveryPointArn"] for c in client.delete_recovery_point.call_args_list] == [
        point(1)["RecoveryPointArn"], point(2)["RecoveryPointArn"]]
    assert [p["status"] for p in result["recovery_points"]] == ["COMPLETED", "COMPLETED"]


@pytest.mark.parametrize("vaults, listing", [([], []), ([VAULT], []), (["other"], [point(1)])])
def test_missing_or_empty_vault_changes_nothing(run_module, vaults, listing):
    client = backup_client(vaults, listing)
    result, failed = run_module(backup_recovery_points, {"backup_vault_name": VAULT}, client)
    assert not failed and result["changed"] is False, result
    client.delete_recovery_point.assert_not_called()


def test_points_already_deleting_are_only_awaited(run_module):
    client = backup_client([VAULT], [point(1, "DELETING")], [])
    result, failed = run_module(backup_recovery_points, {"backup_vault_name": VAULT}, client)
    assert not failed and result["changed"] is False, result
    client.delete_recovery_point.assert_not_called()


def test_wait_times_out_with_a_message(run_module):
    client = backup_client([VAULT], [point(1)], [point(1, "DELETING")])
    result, failed = run_module(backup_recovery_points, {"backup_vault_name": VAULT, "wait_timeout": 0}, client)
    assert failed and "recovery points of %s" % VAULT in result["msg"]


def test_check_mode_reports_the_change_and_writes_nothing(run_module):
    client = backup_client([VAULT], [point(1)])
    result, failed = run_module(backup_recovery_points, {"backup_vault_name": VAULT}, client,
                                check_mode=True, diff=True)
    assert not failed and result["changed"] is True, result
    client.delete_recovery_point.assert_not_called()
    assert result["diff"] == {"before": {"recovery_points": [point(1)["RecoveryPointArn"]]},
                              "after": {"recovery_points": []}}
