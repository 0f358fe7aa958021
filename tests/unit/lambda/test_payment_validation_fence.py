"""The routing-control fence: a fenced region refuses payments and fails its health check."""

from __future__ import annotations

import pytest
from payment_lambda_support import REGION, TABLE, call, make_event, payment

import payment_validation

CONTROL = "payments-dr-control-global-test"


@pytest.fixture
def control(stack, lambda_env):
    stack.dynamodb.create_table(TableName=CONTROL, BillingMode="PAY_PER_REQUEST",
                                KeySchema=[{"AttributeName": "name", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "name", "AttributeType": "S"}])
    lambda_env.setenv("CONTROL_TABLE", CONTROL)
    yield lambda regions: stack.dynamodb.put_item(TableName=CONTROL, Item={
        "name": {"S": "routing"}, "fenced_regions": {"L": [{"S": r} for r in regions]}})
    stack.dynamodb.delete_table(TableName=CONTROL)


def stored_items(stack):
    return stack.dynamodb.scan(TableName=TABLE)["Items"]


def test_unfenced_region_serves(stack, control):
    control(["us-west-2"])
    assert call(payment_validation.handler, make_event(payment())).status == 201
    assert call(payment_validation.health_handler, make_event(method="GET", resource="/health")).status == 200


def test_fenced_region_refuses_payments_and_writes_nothing(stack, control):
    control([REGION])
    answer = call(payment_validation.handler, make_event(payment()))
    assert answer.status == 503
    assert answer.body["error"] == "REGION_FENCED"
    assert answer.headers["Retry-After"]
    assert stored_items(stack) == []


def test_fenced_region_fails_its_health_check(stack, control):
    control([REGION])
    answer = call(payment_validation.health_handler, make_event(method="GET", resource="/health"))
    assert answer.status == 503 and answer.body["status"] == "fenced"


def test_no_control_item_means_not_fenced(stack, control):
    assert call(payment_validation.health_handler, make_event(method="GET", resource="/health")).status == 200
