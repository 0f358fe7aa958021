"""playbooks/monitoring.yml against the emulator: topics, alarms, dashboards, tags; idempotent and check-safe."""

from __future__ import annotations

import json

import pytest

from tests.emulator.control import aws_client
from tests.functional.ansible_run import WITHOUT_SECURITY, run_playbook

STANDARD = {"Environment": "local", "ManagedBy": "Ansible", "Project": "PaymentProcessing",
            "Purpose": "DisasterRecovery"}


# One worker runs this module, so its one deploy (the module fixture) is not repeated on the other.
pytestmark = pytest.mark.xdist_group(name="monitoring-role")


@pytest.fixture(scope="module")
def deployed(emulator):
    from tests.emulator.control import EmulatorControl

    EmulatorControl(emulator.endpoint_url).reset()
    first = run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY)
    assert first.rc == 0, first.stdout + first.stderr
    return first


@pytest.mark.parametrize("region, role", [("us-east-1", "primary"), ("us-east-2", "dr")])
def test_topic_alarms_and_dashboard_exist_and_are_tagged(deployed, emulator, region, role):
    def client(service):
        return aws_client(emulator.endpoint_url, service, region)

    sns = client("sns")
    topic = f"arn:aws:sns:{region}:123456789012:payments-alerts-{role}-local"
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"] == "alias/aws/sns"
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "payments-oncall@example.com")]
    tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=topic)["Tags"]}
    assert tags.items() >= dict(STANDARD, Region=region, **{"DR-Role": role}).items()

    cloudwatch = client("cloudwatch")
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    # Ten in each region, plus S3's: failures in the source region, latency in the destination's.
    assert len(alarms) == 11
    assert (f"payments-s3-replication-failures-{role}-local" in alarms) is (role == "primary")
    assert (f"payments-s3-replication-latency-{role}-local" in alarms) is (role == "dr")
    lag = alarms[f"payments-aurora-replication-lag-{role}-local"]
    assert lag["Threshold"] == 1000.0 and lag["AlarmActions"] == [topic]
    peer = "us-east-2" if role == "primary" else "us-east-1"
    assert lag["Dimensions"] == [{"Name": "DBClusterIdentifier", "Value": f"payments-aurora-{role}-local"},
                                 {"Name": "SourceRegion", "Value": peer}]
    for alarm in alarms.values():
        alarm_tags = {t["Key"]: t["Value"] for t in cloudwatch.list_tags_for_resource(
            ResourceARN=alarm["AlarmArn"])["Tags"]}
        assert alarm_tags.items() >= dict(STANDARD, Region=region, **{"DR-Role": role}).items(), alarm["AlarmName"]

    body = json.loads(cloudwatch.get_dashboard(DashboardName=f"payments-dr-{role}-local")["DashboardBody"])
    assert len(body["widgets"]) == len(alarms)  # a widget per alarm signal


def test_second_run_and_check_run_change_nothing(deployed, emulator):
    assert run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY).changed() == 0
    check = run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY, check=True)
    assert check.rc == 0 and check.changed() == 0


def test_bad_threshold_fails_before_any_aws_call(emulator, control):
    run = run_playbook("playbooks/monitoring.yml", emulator.endpoint_url,
                       extra_vars={"cloudwatch_sns_alarm_period": 7})
    assert run.rc != 0
    assert "cloudwatch_sns_alarm_period" in run.stdout
    assert control.counters()["total"] == 0


def test_rerun_reads_alarms_once_and_repairs_drift(emulator, control):
    assert run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY).rc == 0
    cloudwatch = aws_client(emulator.endpoint_url, "cloudwatch", "us-east-1")
    # A no-op rerun only reads CloudWatch: one DescribeAlarms a region, no PutMetricAlarm, no tagging.
    control.post("counters/reset")
    assert run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY).changed() == 0
    rows = [r for r in control.counters()["rows"] if r["service"] in ("cloudwatch", "monitoring")]
    assert [r for r in rows if not r["read"]] == []
    assert {r["region"]: r["count"] for r in rows if r["action"] == "DescribeAlarms"} == {"us-east-1": 1, "us-east-2": 1}

    # Drift: one alarm's threshold changed by hand, one alarm deleted, one alarm's tags removed.
    lag = "payments-aurora-replication-lag-primary-local"
    alarm = cloudwatch.describe_alarms(AlarmNames=[lag])["MetricAlarms"][0]
    cloudwatch.put_metric_alarm(**{k: alarm[k] for k in (
        "AlarmName", "AlarmDescription", "MetricName", "Namespace", "Statistic", "Dimensions", "Period", "Unit",
        "EvaluationPeriods", "ComparisonOperator", "TreatMissingData", "AlarmActions", "OKActions")}, Threshold=99.0)
    cloudwatch.delete_alarms(AlarmNames=["payments-lambda-errors-primary-local"])
    throttles = cloudwatch.describe_alarms(AlarmNames=["payments-lambda-throttles-primary-local"])["MetricAlarms"][0]
    cloudwatch.untag_resource(ResourceARN=throttles["AlarmArn"], TagKeys=["Project"])

    check = run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY, check=True)
    assert check.rc == 0 and check.changed() == 1
    assert cloudwatch.describe_alarms(AlarmNames=[lag])["MetricAlarms"][0]["Threshold"] == 99.0

    repair = run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY)
    assert repair.rc == 0 and repair.changed() == 1
    ((task, host),) = repair.changed_tasks()
    assert task.endswith("Create the region's alarms, all notifying the alert topic, with the standard tags")
    result = repair.results(task, host)
    assert (result["created"], result["updated"], result["retagged"]) == (
        ["payments-lambda-errors-primary-local"], [lag], ["payments-lambda-throttles-primary-local"])
    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    assert len(alarms) == 11 and alarms[lag]["Threshold"] == 1000.0
    for name in ("payments-lambda-errors-primary-local", "payments-lambda-throttles-primary-local"):
        tags = {t["Key"]: t["Value"] for t in cloudwatch.list_tags_for_resource(
            ResourceARN=alarms[name]["AlarmArn"])["Tags"]}
        assert tags.items() >= dict(STANDARD, Region="us-east-1", **{"DR-Role": "primary"}).items(), name
    assert run_playbook("playbooks/monitoring.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY).changed() == 0
