"""The handlers against the session emulator (moto server + DR extensions) through AWS_ENDPOINT_URL:
a region outage turns that region's answers into 503s while the DR region keeps serving."""

from __future__ import annotations

import time

import pytest
from payment_lambda_support import DR_REGION, REGION, TABLE, call, create_table, make_event, payment

import payment_validation
from payment_core import aws as lambda_aws


@pytest.fixture
def on_emulator(emulator, control, aws, monkeypatch):
    """Both regions' tables on the emulator; the function's boto3 finds it through AWS_ENDPOINT_URL only."""
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SNS", "AWS_PROFILE", "HIGH_VALUE_THRESHOLD",
                 "MAX_AMOUNT", "ACCEPTED_CURRENCIES", "DR_ROLE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("DYNAMODB_TABLE", TABLE)
    monkeypatch.setenv("SNS_TOPIC_ARN", f"arn:aws:sns:{REGION}:123456789012:unused")
    for region in (REGION, DR_REGION):
        create_table(aws("dynamodb", region))
    lambda_aws.reset_clients()

    def serve_from(region: str) -> None:
        monkeypatch.setenv("REGION", region)

    yield serve_from
    lambda_aws.reset_clients()
    control.region_up(REGION)


def test_outage_fails_the_region_and_the_dr_region_serves(on_emulator, control, aws):
    on_emulator(REGION)
    health = make_event(method="GET", resource="/health", key=None)
    assert call(payment_validation.health_handler, health).status == 200
    assert call(payment_validation.handler, make_event(payment(), key="before-outage-0001")).status == 201

    control.region_down(REGION)
    refused = call(payment_validation.handler, make_event(payment(), key="during-outage-0001"))
    assert (refused.status, refused.headers["Retry-After"], refused.body["error"]) == (503, "2", "SERVICE_UNAVAILABLE")
    assert call(payment_validation.health_handler, health).body == {
        "status": "unhealthy", "region": REGION, "checks": {"dynamodb": "UNAVAILABLE"}}

    on_emulator(DR_REGION)
    assert call(payment_validation.health_handler, health).status == 200
    served = call(payment_validation.handler, make_event(payment(), key="during-outage-0001"))
    assert (served.status, served.body["region"]) == (201, DR_REGION)
    items = aws("dynamodb", DR_REGION).scan(TableName=TABLE)["Items"]
    assert {item["recordType"]["S"] for item in items} == {"PAYMENT", "IDEMPOTENCY"}
    assert [item["region"]["S"] for item in items if item["recordType"]["S"] == "PAYMENT"] == [DR_REGION]

    control.region_up(REGION)
    on_emulator(REGION)
    replay = call(payment_validation.handler, make_event(payment(), key="before-outage-0001"))
    assert (replay.status, replay.headers["Idempotent-Replay"]) == (200, "true")


def wait_until_active(dynamodb, timeout: float = 15.0) -> None:
    """As a deployment does: a new replica serves only once DescribeTable says ACTIVE."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if dynamodb.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "ACTIVE":
                return
        except dynamodb.exceptions.ResourceNotFoundException:
            pass
        assert time.monotonic() < deadline, "the replica did not become ACTIVE"
        time.sleep(0.2)


def test_retry_in_the_dr_region_replays_once_replicated(on_emulator, aws):
    """On a global table (replica added with UpdateTable), the marker written in one region reaches the
    other, so a client retry that lands on the DR region after a failover gets the original answer."""
    primary = aws("dynamodb", REGION)
    primary.delete_table(TableName=TABLE)  # the fixture made two independent tables; make one global table
    aws("dynamodb", DR_REGION).delete_table(TableName=TABLE)
    create_table(primary)
    primary.update_table(TableName=TABLE, ReplicaUpdates=[{"Create": {"RegionName": DR_REGION}}])
    wait_until_active(aws("dynamodb", DR_REGION))

    on_emulator(REGION)
    first = call(payment_validation.handler, make_event(payment(), key="global-retry-0001"))
    assert first.status == 201

    on_emulator(DR_REGION)
    retry = call(payment_validation.handler, make_event(payment(), key="global-retry-0001"))
    assert (retry.status, retry.text, retry.headers["X-Served-Region"]) == (200, first.text, DR_REGION)
    conflict = call(payment_validation.handler, make_event(payment(amount="1.00"), key="global-retry-0001"))
    assert conflict.status == 409
    payments = [item for item in aws("dynamodb", DR_REGION).scan(TableName=TABLE)["Items"]
                if item["recordType"]["S"] == "PAYMENT"]
    assert [item["region"]["S"] for item in payments] == [REGION]
