"""CloudWatch metric alarm evaluation and SNS alarm actions (cloudwatch_alarms)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import DR, PRIMARY

ENGINE = {"Engine": "aurora-postgresql", "EngineVersion": "15.4"}


def _topic_with_queue(aws, region: str) -> tuple[str, str]:
    """An SNS topic with an SQS subscription (moto delivers SNS to SQS in-process)."""
    sns, sqs = aws("sns", region), aws("sqs", region)
    topic = sns.create_topic(Name="dr-alarms")["TopicArn"]
    queue = sqs.create_queue(QueueName="dr-alarms")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, queue


def _notifications(aws, region: str, queue: str) -> list[tuple[str, dict]]:
    """(Subject, alarm message) of every SNS notification waiting in the queue."""
    messages = aws("sqs", region).receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    envelopes = [json.loads(m["Body"]) for m in messages]
    return [(e["Subject"], json.loads(e["Message"])) for e in envelopes]


def _alarm(aws, region: str, name: str, **overrides) -> dict:
    spec = dict(AlarmName=name, Namespace="Payments", MetricName="Latency", Statistic="Average", Period=60,
                EvaluationPeriods=1, Threshold=50.0, ComparisonOperator="GreaterThanThreshold",
                Dimensions=[{"Name": "Service", "Value": "api"}])
    spec.update(overrides)
    aws("cloudwatch", region).put_metric_alarm(**spec)
    return spec


def _put(aws, region: str, value: float, seconds_ago: float = 0, **dimensions) -> None:
    aws("cloudwatch", region).put_metric_data(Namespace="Payments", MetricData=[{
        "MetricName": "Latency", "Value": value,
        "Timestamp": datetime.now(timezone.utc) - timedelta(seconds=seconds_ago),
        "Dimensions": [{"Name": k, "Value": v} for k, v in (dimensions or {"Service": "api"}).items()]}])


def _states(aws, region: str) -> dict[str, str]:
    return {a["AlarmName"]: a["StateValue"] for a in aws("cloudwatch", region).describe_alarms()["MetricAlarms"]}


def test_replication_lag_alarm_notifies_the_sns_topic(aws, control):
    rds = aws("rds", PRIMARY)
    rds.create_global_cluster(GlobalClusterIdentifier="payments-global", **ENGINE)
    rds.create_db_cluster(DBClusterIdentifier="payments-primary", GlobalClusterIdentifier="payments-global",
                          MasterUsername="admin", MasterUserPassword="correct-horse", **ENGINE)
    rds.create_db_instance(DBInstanceIdentifier="payments-primary-1", DBClusterIdentifier="payments-primary",
                           DBInstanceClass="db.r6g.large", Engine=ENGINE["Engine"])  # a secondary needs the writer
    aws("rds", DR).create_db_cluster(DBClusterIdentifier="payments-dr", GlobalClusterIdentifier="payments-global",
                                     **ENGINE)
    topic, queue = _topic_with_queue(aws, DR)
    _alarm(aws, DR, "aurora-lag", Namespace="AWS/RDS", MetricName="AuroraGlobalDBReplicationLag",
           Statistic="Maximum", Threshold=1000.0,
           Dimensions=[{"Name": "DBClusterIdentifier", "Value": "payments-dr"}, {"Name": "SourceRegion", "Value": PRIMARY}],
           AlarmActions=[topic], OKActions=[topic])

    control.post("rds/lag", {"global_cluster": "payments-global", "lag_ms": 5000})
    [result] = control.post("cloudwatch/evaluate")["evaluated"]
    assert (result["state"], result["previous"], result["notified"]) == ("ALARM", "INSUFFICIENT_DATA", [topic])

    [alarm] = aws("cloudwatch", DR).describe_alarms(AlarmNames=["aurora-lag"])["MetricAlarms"]
    assert alarm["StateValue"] == "ALARM"
    assert alarm["StateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [5000.0 (")
    assert alarm["StateReason"].endswith(
        "was greater than the threshold (1000.0) (minimum 1 datapoint for INSUFFICIENT_DATA -> ALARM transition).")
    assert json.loads(alarm["StateReasonData"])["recentDatapoints"] == [5000.0]

    [(subject, message)] = _notifications(aws, DR, queue)
    assert subject == 'ALARM: "aurora-lag" in US East (Ohio)'
    assert {k: message[k] for k in ("AlarmName", "NewStateValue", "OldStateValue", "Region", "AWSAccountId")} == {
        "AlarmName": "aurora-lag", "NewStateValue": "ALARM", "OldStateValue": "INSUFFICIENT_DATA",
        "Region": "US East (Ohio)", "AWSAccountId": "123456789012"}
    assert message["NewStateReason"] == alarm["StateReason"]
    assert message["AlarmArn"] == alarm["AlarmArn"] and message["StateChangeTime"].endswith("+0000")
    assert message["Trigger"]["MetricName"] == "AuroraGlobalDBReplicationLag"
    assert message["Trigger"]["Statistic"] == "MAXIMUM" and message["Trigger"]["Threshold"] == 1000.0
    assert message["Trigger"]["Dimensions"] == [{"value": "payments-dr", "name": "DBClusterIdentifier"},
                                                {"value": PRIMARY, "name": "SourceRegion"}]

    # No transition, no notification; the alarm only goes back to OK once the period holds no breach.
    control.post("rds/lag", {"global_cluster": "payments-global", "lag_ms": 0})
    assert control.post("cloudwatch/evaluate")["evaluated"][0]["changed"] is False
    assert _notifications(aws, DR, queue) == []


def test_transitions_statistics_and_missing_data(aws, control):
    topic, queue = _topic_with_queue(aws, PRIMARY)
    _alarm(aws, PRIMARY, "latency", OKActions=[topic], AlarmActions=[topic])
    _alarm(aws, PRIMARY, "no-data", MetricName="Errors")
    _alarm(aws, PRIMARY, "no-data-breaching", MetricName="Errors", TreatMissingData="breaching")
    _alarm(aws, PRIMARY, "no-data-ignored", MetricName="Errors", TreatMissingData="ignore")
    _alarm(aws, PRIMARY, "two-of-two", Period=60, EvaluationPeriods=2, DatapointsToAlarm=2)
    _alarm(aws, PRIMARY, "one-of-two", Period=60, EvaluationPeriods=2, DatapointsToAlarm=1)
    _alarm(aws, PRIMARY, "other-dimension", Dimensions=[{"Name": "Service", "Value": "batch"}],
           AlarmActions=[f"arn:aws:sns:{PRIMARY}:123456789012:deleted-topic"])  # a failed action changes nothing
    _alarm(aws, PRIMARY, "muted", AlarmActions=[topic], ActionsEnabled=False, Threshold=5.0)
    _put(aws, PRIMARY, 10)
    _put(aws, PRIMARY, 90, seconds_ago=75)  # previous period only
    _put(aws, PRIMARY, 99, Service="batch")

    control.post("cloudwatch/evaluate", {"region": PRIMARY})
    assert _states(aws, PRIMARY) == {
        "latency": "OK", "no-data": "INSUFFICIENT_DATA", "no-data-breaching": "ALARM",
        "no-data-ignored": "INSUFFICIENT_DATA", "two-of-two": "OK", "one-of-two": "ALARM",
        "other-dimension": "ALARM", "muted": "ALARM"}
    [(subject, message)] = _notifications(aws, PRIMARY, queue)  # "muted" has its actions disabled
    assert subject == 'OK: "latency" in US East (N. Virginia)'
    assert (message["NewStateValue"], message["OldStateValue"]) == ("OK", "INSUFFICIENT_DATA")

    _put(aws, PRIMARY, 200)  # Average of 10 and 200 in the current period: now both periods breach
    changed = {r["alarm"]: r["state"] for r in control.post("cloudwatch/evaluate")["evaluated"] if r["changed"]}
    assert changed == {"latency": "ALARM", "two-of-two": "ALARM"}
    [(subject, message)] = _notifications(aws, PRIMARY, queue)
    assert (message["NewStateValue"], message["OldStateValue"]) == ("ALARM", "OK")
    assert "[105.0 (" in message["NewStateReason"]


def test_regions_that_are_down_are_not_evaluated(aws, control):
    _alarm(aws, DR, "latency")
    _put(aws, DR, 100)
    control.region_down(DR)
    assert control.post("cloudwatch/evaluate")["evaluated"] == []
    control.region_up(DR)
    assert _states(aws, DR) == {"latency": "OK"}  # moto's unevaluated default
    control.post("cloudwatch/evaluate")
    assert _states(aws, DR) == {"latency": "ALARM"}


def test_periodic_evaluation(aws, control):
    _alarm(aws, PRIMARY, "latency")
    _put(aws, PRIMARY, 100)
    control.post("cloudwatch/settings", {"evaluation_interval": 0.2})
    try:
        deadline = time.monotonic() + 5
        while _states(aws, PRIMARY)["latency"] != "ALARM":
            assert time.monotonic() < deadline, "the alarm was never evaluated"
            time.sleep(0.1)
    finally:
        control.post("cloudwatch/settings", {"evaluation_interval": 0})


def test_settings_reject_bad_intervals(control):
    from urllib.error import HTTPError

    with pytest.raises(HTTPError) as err:
        control.post("cloudwatch/settings", {"evaluation_interval": 0.01})
    assert err.value.code == 400
    assert control.get("cloudwatch/settings") == {"evaluation_interval": 0}
