"""Readiness tells drift from a required control apart from advice.

On the deployed stack, point-in-time recovery is turned off on the DR region's transactions table
and the primary's Lambda-errors alarm loses its actions: readiness prints FAIL for both, says the
region is NOT ready and exits non-zero, while a stale backup (advisory) only warns.
"""

from __future__ import annotations

from tests.conftest import site_group
from tests.emulator.control import aws_client
from tests.functional.ansible_run import run_playbook

TABLE = "payments-transactions-global-local"


@site_group
def test_drifted_required_controls_fail_readiness(emulator, site_stack):
    aws_client(emulator.endpoint_url, "dynamodb", "us-east-2").update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    aws_client(emulator.endpoint_url, "cloudwatch", "us-east-1").disable_alarm_actions(
        AlarmNames=["payments-lambda-errors-primary-local"])

    run = run_playbook("playbooks/readiness.yml", emulator.endpoint_url, timeout=900)

    assert run.rc != 0
    output = run.stdout
    assert f"FAIL dynamodb {TABLE} PITR: point-in-time recovery DISABLED" in output, output[-6000:]
    assert "FAIL alarms present and actioned: without an enabled alarm action: payments-lambda-errors-primary-local" \
        in output, output[-6000:]
    failures = " ".join(str(message) for _, _, message in run.failures())
    assert "us-east-2 is NOT ready for failover" in failures and f"dynamodb {TABLE} PITR" in failures, failures
    assert "us-east-1 is NOT ready for failover" in failures and "alarms present and actioned" in failures, failures
