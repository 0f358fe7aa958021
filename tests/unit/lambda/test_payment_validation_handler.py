"""The payment-validation handlers end to end on moto: records, idempotency, alerts, errors, health."""

from __future__ import annotations

import json
import re
import socket
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber
from payment_lambda_support import (
    CUSTOMER,
    DR_REGION,
    REGION,
    TABLE,
    VALID_KEY,
    call,
    create_table,
    make_event,
    payment,
)

import payment_validation
from payment_core import aws as lambda_aws
from payment_core import idempotency, store

ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
TXN = idempotency.transaction_id(VALID_KEY)


def log_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- accepted payments
def test_valid_payment_is_recorded(stack, capsys):
    answer = call(payment_validation.handler, make_event(payment(merchantId="mer_42", description="Invoice 7")))

    assert answer.status == 201
    assert answer.headers["X-Served-Region"] == REGION
    assert "Idempotent-Replay" not in answer.headers
    assert answer.body == {"transactionId": TXN, "status": "APPROVED", "reasons": [], "amount": "125.50",
                           "currency": "USD", "region": REGION, "timestamp": answer.body["timestamp"]}
    assert ISO_UTC.fullmatch(answer.body["timestamp"])

    [record] = stack.payments(TXN)
    assert record == {
        "transactionId": {"S": TXN}, "timestamp": {"S": answer.body["timestamp"]}, "recordType": {"S": "PAYMENT"},
        "customerId": {"S": CUSTOMER}, "status": {"S": "APPROVED"}, "amount": {"N": "125.50"},
        "currency": {"S": "USD"}, "region": {"S": REGION}, "merchantId": {"S": "mer_42"},
        "description": {"S": "Invoice 7"}, "requestFingerprint": record["requestFingerprint"]}
    assert Decimal(record["amount"]["N"]) == Decimal("125.50")
    assert stack.alerts() == []

    [line] = log_lines(capsys)
    assert line["requestId"] == "lambda-req-1" and line["apiRequestId"] == "api-req-1"
    assert (line["transactionId"], line["outcome"], line["statusCode"]) == (TXN, "approved", 201)
    assert line["region"] == REGION
    assert isinstance(line["latency_ms"], float) and line["latency_ms"] >= 0
    assert CUSTOMER not in json.dumps(line)


@pytest.mark.parametrize(("body", "status", "reasons", "alerted"), [
    (payment(amount="9999.99"), "APPROVED", [], False),
    (payment(amount="10000"), "REVIEW", ["HIGH_VALUE"], True),
    (payment(amount=250000.75), "REVIEW", ["HIGH_VALUE"], True),
    (payment(amount="10", currency="XTS"), "REJECTED", ["CURRENCY_NOT_ACCEPTED"], True),
    (payment(amount="1500", currency="JPY"), "APPROVED", [], False),
])
def test_status_and_alerts(stack, body, status, reasons, alerted):
    answer = call(payment_validation.handler, make_event(body))
    assert (answer.status, answer.body["status"], answer.body["reasons"]) == (201, status, reasons)
    [record] = stack.payments(TXN)
    assert record["status"] == {"S": status}
    assert record.get("reasons", {"L": []}) == {"L": [{"S": reason} for reason in reasons]}
    assert len(stack.alerts()) == (1 if alerted else 0)


def test_high_value_alert_is_minimal(stack, capsys):
    body = payment(amount="15000.5", merchantId="mer_42", description="private note")
    answer = call(payment_validation.handler, make_event(body))

    [alert] = stack.alerts()
    assert alert["subject"] == f"Payment REVIEW: {TXN}"
    assert alert["message"] == {"eventType": "payment.review", "transactionId": TXN, "status": "REVIEW",
                                "reasons": ["HIGH_VALUE"], "amount": "15000.50", "currency": "USD",
                                "region": REGION, "timestamp": answer.body["timestamp"]}
    assert alert["attributes"] == {"eventType": "payment.review", "status": "REVIEW", "currency": "USD",
                                   "region": REGION}
    for private in (CUSTOMER, "private note", "mer_42", VALID_KEY):
        assert private not in alert["raw"]
    assert log_lines(capsys)[0]["notification"] == "sent"


def test_rejected_payment_alert(stack):
    call(payment_validation.handler, make_event(payment(currency="XAU")))
    [alert] = stack.alerts()
    assert alert["attributes"]["eventType"] == "payment.rejected"
    assert alert["message"]["reasons"] == ["CURRENCY_NOT_ACCEPTED"]


def test_failed_alert_keeps_the_payment(stack, lambda_env, capsys):
    lambda_env.setenv("SNS_TOPIC_ARN", f"arn:aws:sns:{REGION}:123456789012:no-such-topic")
    answer = call(payment_validation.handler, make_event(payment(amount="20000")))
    assert (answer.status, answer.body["status"]) == (201, "REVIEW")
    assert len(stack.payments(TXN)) == 1
    line = log_lines(capsys)[0]
    assert (line["notification"], line["notificationError"]) == ("failed", "sns:NotFound")


def test_dr_region_serves_and_records_its_region(stack, lambda_env):
    lambda_env.setenv("REGION", DR_REGION)
    lambda_env.setenv("DR_ROLE", "dr")
    dynamodb = boto3.client("dynamodb", region_name=DR_REGION)
    create_table(dynamodb)
    answer = call(payment_validation.handler, make_event(payment()))
    assert (answer.status, answer.body["region"], answer.headers["X-Served-Region"]) == (201, DR_REGION, DR_REGION)
    item = dynamodb.get_item(TableName=TABLE, ConsistentRead=True, Key={
        "transactionId": {"S": TXN}, "timestamp": {"S": answer.body["timestamp"]}})["Item"]
    assert (item["region"], item["drRole"]) == ({"S": DR_REGION}, {"S": "dr"})
    assert stack.items() == []  # nothing in the primary region's table


def test_region_falls_back_to_aws_region(stack, lambda_env):
    lambda_env.delenv("REGION")
    lambda_env.setenv("AWS_REGION", REGION)
    assert call(payment_validation.handler, make_event(payment())).body["region"] == REGION


# ---------------------------------------------------------------- idempotency
def test_retry_returns_the_original_answer_and_writes_nothing(stack):
    first = call(payment_validation.handler, make_event(payment(amount="12000")))
    items_after_first = stack.items()
    second = call(payment_validation.handler, make_event(payment(amount="12000")))

    assert (first.status, second.status) == (201, 200)
    assert second.text == first.text
    assert second.headers["Idempotent-Replay"] == "true"
    assert len(stack.payments(TXN)) == 1
    assert stack.items() == items_after_first
    assert len(items_after_first) == 2  # the payment record and its idempotency marker
    assert len(stack.alerts()) == 1     # the retry does not alert again


def test_marker_item_shape(stack):
    first = call(payment_validation.handler, make_event(payment()))
    marker = stack.dynamodb.get_item(TableName=TABLE, Key=store.marker_key(TXN), ConsistentRead=True)["Item"]
    assert marker["transactionId"] == {"S": f"idempotency#{TXN}"}
    assert marker["timestamp"] == {"S": "IDEMPOTENCY"}
    assert marker["recordType"] == {"S": "IDEMPOTENCY"}
    assert marker["paymentTimestamp"] == {"S": first.body["timestamp"]}
    assert (marker["responseStatusCode"], marker["responseBody"]) == ({"N": "201"}, {"S": first.text})


@pytest.mark.parametrize(("retry_body", "retry_key"), [
    (payment(amount="125.5"), VALID_KEY),                                # same amount, other spelling
    (payment(amount=125.50), VALID_KEY),                                 # JSON number
    (payment(idempotencyKey=VALID_KEY), None),                           # key in the body instead
    ({"customerId": CUSTOMER, "currency": "USD", "amount": "125.50"}, VALID_KEY),  # field order
])
def test_equivalent_retries_replay(stack, retry_body, retry_key):
    first = call(payment_validation.handler, make_event(payment()))
    retry = call(payment_validation.handler, make_event(retry_body, key=retry_key))
    assert (retry.status, retry.text) == (200, first.text)
    assert len(stack.payments(TXN)) == 1


@pytest.mark.parametrize("changed", [
    payment(amount="125.51"), payment(currency="EUR"), payment(customerId="cus_Other0000001"),
    payment(description="changed"), payment(merchantId="mer_9"),
])
def test_reused_key_with_another_payment_conflicts(stack, changed, capsys):
    first = call(payment_validation.handler, make_event(payment()))
    records_before = stack.items()
    conflict = call(payment_validation.handler, make_event(changed))

    assert conflict.status == 409
    assert conflict.body["error"] == "IDEMPOTENCY_CONFLICT"
    assert stack.items() == records_before
    assert call(payment_validation.handler, make_event(payment())).text == first.text
    assert [line["outcome"] for line in log_lines(capsys)] == ["approved", "conflict", "replayed"]


def test_different_keys_make_different_transactions(stack):
    first = call(payment_validation.handler, make_event(payment()))
    second = call(payment_validation.handler, make_event(payment(), key="another-key-0001"))
    assert first.body["transactionId"] != second.body["transactionId"]
    assert len(stack.payments()) == 2


def test_concurrent_requests_commit_once(stack):
    """Two requests with one key that both prepared their write before either committed: one wins."""
    client = boto3.client("dynamodb", region_name=REGION)
    writes = []
    for timestamp, status in (("2026-11-28T10:00:00.000001Z", "APPROVED"), ("2026-11-28T10:00:00.000002Z", "APPROVED")):
        record = store.record_item(transaction_id=TXN, timestamp=timestamp, customer_id=CUSTOMER, status=status,
                                   reasons=(), amount="1.00", currency="USD", region=REGION, fingerprint="f")
        marker = store.marker_item(transaction_id=TXN, timestamp=timestamp, fingerprint="f", status_code=201,
                                   body=json.dumps({"timestamp": timestamp}), region=REGION)
        writes.append((record, marker))

    assert store.save_payment(client, TABLE, *writes[0]) is None
    loser = store.save_payment(client, TABLE, *writes[1])
    assert loser == store.StoredResult(TXN, "f", 201, json.dumps({"timestamp": "2026-11-28T10:00:00.000001Z"}))
    assert [item["timestamp"]["S"] for item in stack.payments(TXN)] == ["2026-11-28T10:00:00.000001Z"]


@pytest.mark.parametrize(("marker", "outcome"), [
    (None, store.StoreUnavailable),
    ({"paymentTransactionId": {"S": TXN}, "requestFingerprint": {"S": "f"}, "responseStatusCode": {"N": "201"},
      "responseBody": {"S": "{}"}}, store.StoredResult(TXN, "f", 201, "{}")),
])
def test_transaction_conflict_reads_the_marker(lambda_env, marker, outcome):
    """TransactionConflict (a concurrent retry in flight) cannot be produced by moto: botocore's Stubber plays it."""
    client = boto3.client("dynamodb", region_name=REGION)
    record = store.record_item(transaction_id=TXN, timestamp="t", customer_id=CUSTOMER, status="APPROVED",
                               reasons=(), amount="1", currency="USD", region=REGION, fingerprint="f")
    with Stubber(client) as stubber:
        stubber.add_client_error(
            "transact_write_items", "TransactionCanceledException", "cancelled",
            modeled_fields={"CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}]})
        stubber.add_response("get_item", {"Item": marker} if marker else {},
                             {"TableName": TABLE, "Key": store.marker_key(TXN), "ConsistentRead": True})
        if outcome is store.StoreUnavailable:
            with pytest.raises(store.StoreUnavailable, match="TransactionConflict"):
                store.save_payment(client, TABLE, record, {})
        else:
            assert store.save_payment(client, TABLE, record, {}) == outcome


# ---------------------------------------------------------------- refused requests write nothing
@pytest.mark.parametrize(("event", "field", "code"), [
    (make_event(payment(amount="-1")), "amount", "NOT_POSITIVE"),
    (make_event(payment(amount=True)), "amount", "INVALID_TYPE"),
    (make_event(payment(), key=None), "Idempotency-Key", "REQUIRED"),
    (make_event(payment(transactionId="txn_mine")), "transactionId", "UNKNOWN_FIELD"),
    (make_event(raw="{"), "body", "INVALID_JSON"),
    (make_event(raw='["a"]'), "body", "NOT_AN_OBJECT"),
    (make_event(raw='{"amount": 1e400}'), "amount", "INVALID_FORMAT"),
    (make_event(raw="x" * 20000), "body", "BODY_TOO_LARGE"),
    (make_event(), "body", "BODY_REQUIRED"),
])
def test_invalid_requests_answer_400_and_write_nothing(stack, capsys, event, field, code):
    answer = call(payment_validation.handler, event)
    assert answer.status == 400
    assert answer.body["error"] in ("VALIDATION_FAILED", "INVALID_REQUEST")
    assert (field, code) in [(error["field"], error["code"]) for error in answer.body["fieldErrors"]]
    assert answer.body["requestId"] == "lambda-req-1"
    assert stack.items() == [] and stack.alerts() == []
    assert log_lines(capsys)[0]["outcome"] == "invalid"


@pytest.mark.parametrize(("method", "resource", "status", "allow"), [
    ("GET", "/validate", 405, "POST"),
    ("POST", "/health", 405, "GET"),
    ("POST", "/payments", 404, None),
])
def test_unknown_routes(stack, method, resource, status, allow):
    answer = call(payment_validation.handler, make_event(payment(), method=method, resource=resource))
    assert answer.status == status
    assert answer.headers.get("Allow") == allow
    assert stack.items() == []


def test_proxy_resource_routes_by_path(stack):
    event = make_event(payment())
    event["resource"] = "/{proxy+}"
    assert call(payment_validation.handler, event).status == 201


# ---------------------------------------------------------------- failures map to clean answers
def test_missing_table_answers_503(stack, capsys):
    stack.dynamodb.delete_table(TableName=TABLE)
    answer = call(payment_validation.handler, make_event(payment()))
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.body == {"error": "SERVICE_UNAVAILABLE", "message": "the payment store is unavailable; retry later",
                           "requestId": "lambda-req-1"}
    line = log_lines(capsys)[0]
    assert (line["outcome"], line["error"]) == ("unavailable", "dynamodb:ResourceNotFoundException")


def test_unreachable_dynamodb_answers_503(lambda_env, capsys):
    lambda_env.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")
    lambda_env.setenv("AWS_MAX_ATTEMPTS", "1")
    answer = call(payment_validation.handler, make_event(payment()))
    assert (answer.status, answer.headers["Retry-After"], answer.body["error"]) == (503, "2", "SERVICE_UNAVAILABLE")
    assert log_lines(capsys)[0]["error"] == "dynamodb:EndpointConnectionError"


def test_unexpected_error_answers_500_without_details(stack, monkeypatch, capsys):
    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(payment_validation.rules, "decide", explode)
    answer = call(payment_validation.handler, make_event(payment()))
    assert answer.status == 500
    assert answer.body == {"error": "INTERNAL_ERROR", "message": "internal error", "requestId": "lambda-req-1"}
    assert "secret" not in answer.text
    line = log_lines(capsys)[0]
    assert (line["outcome"], line["error"]) == ("error", "RuntimeError")
    assert "secret internal detail" in line["stack"]
    assert stack.items() == []


def test_dynamodb_validation_error_is_a_bug_not_an_outage(stack):
    """A ValidationException will never succeed on retry: 500, not 503 (moto does not raise it for a
    well-formed call, so botocore's Stubber plays it)."""
    client = lambda_aws.client("dynamodb", REGION)
    with Stubber(client) as stubber:
        stubber.add_client_error("transact_write_items", "ValidationException", "Item size has exceeded the limit")
        answer = call(payment_validation.handler, make_event(payment()))
    assert (answer.status, answer.body["error"]) == (500, "INTERNAL_ERROR")
    assert stack.items() == []


def test_missing_configuration_answers_500(lambda_env, capsys):
    lambda_env.delenv("DYNAMODB_TABLE")
    answer = call(payment_validation.handler, make_event(payment()))
    assert (answer.status, answer.body["error"]) == (500, "INTERNAL_ERROR")
    assert log_lines(capsys)[0]["outcome"] == "config_error"


def test_non_dict_event(lambda_env):
    assert call(payment_validation.handler, None).status == 404


# ---------------------------------------------------------------- health
def health_event() -> dict:
    return make_event(method="GET", resource="/health", key=None)


@pytest.mark.parametrize("function", [payment_validation.health_handler, payment_validation.handler])
def test_health_is_healthy_with_an_active_table(stack, function, capsys):
    answer = call(function, health_event())
    assert (answer.status, answer.body) == (200, {"status": "healthy", "region": REGION,
                                                  "checks": {"dynamodb": "OK"}})
    assert answer.headers["Cache-Control"] == "no-store"
    line = log_lines(capsys)[0]
    assert (line["outcome"], line["statusCode"], line["region"]) == ("healthy", 200, REGION)


def test_health_does_not_need_the_topic(stack, lambda_env):
    lambda_env.delenv("SNS_TOPIC_ARN")
    assert call(payment_validation.health_handler, health_event()).status == 200


def test_health_without_table_is_unhealthy(stack):
    stack.dynamodb.delete_table(TableName=TABLE)
    answer = call(payment_validation.health_handler, health_event())
    assert (answer.status, answer.body) == (503, {"status": "unhealthy", "region": REGION,
                                                  "checks": {"dynamodb": "UNAVAILABLE"}})


def test_health_with_unreachable_dynamodb_is_unhealthy(lambda_env):
    lambda_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{closed_port()}")
    lambda_env.setenv("AWS_MAX_ATTEMPTS", "1")
    assert call(payment_validation.health_handler, health_event()).status == 503


def test_health_reads_only_the_data_plane(lambda_env):
    """One GetItem on the transactions table and one on the routing-control item, nothing else:
    the Stubber fails on any other call (a DescribeTable would)."""
    lambda_env.setenv("CONTROL_TABLE", "payments-routing-control-global-test")
    client = lambda_aws.client("dynamodb", REGION)
    with Stubber(client) as stubber:
        stubber.add_response("get_item", {}, {"TableName": TABLE, "Key": store.HEALTH_PROBE_KEY})
        stubber.add_response("get_item", {}, {"TableName": "payments-routing-control-global-test",
                                              "Key": store.ROUTING_CONTROL_KEY})
        answer = call(payment_validation.health_handler, health_event())
        stubber.assert_no_pending_responses()
    assert (answer.status, answer.body["checks"]) == (200, {"dynamodb": "OK"})


@pytest.mark.parametrize("code", ["InternalServerError", "ProvisionedThroughputExceededException",
                                  "ResourceNotFoundException", "ThrottlingException"])
def test_health_is_unhealthy_when_the_data_plane_read_fails(lambda_env, code):
    client = lambda_aws.client("dynamodb", REGION)
    with Stubber(client) as stubber:
        stubber.add_client_error("get_item", service_error_code=code, http_status_code=400)
        answer = call(payment_validation.health_handler, health_event())
    assert (answer.status, answer.body["checks"]) == (503, {"dynamodb": "UNAVAILABLE"})
