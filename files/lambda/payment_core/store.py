"""DynamoDB persistence: one payment record plus one idempotency marker, written atomically.

The table's key is (transactionId HASH, timestamp RANGE). A condition on the payment record
alone cannot stop a retry from creating a second record: the retry's timestamp differs, so its
key differs. The guard is therefore an idempotency marker whose whole key is derived from the
idempotency key (transactionId "idempotency#<txn>", timestamp "IDEMPOTENCY"). One
TransactWriteItems puts the marker (attribute_not_exists) and the payment record together:
either both are written or neither, and of two concurrent requests with the same key exactly one
transaction can succeed. The loser reads the marker, which holds the winner's fingerprint and
response.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

MARKER_PREFIX = "idempotency#"
MARKER_SORT_KEY = "IDEMPOTENCY"
RECORD_TYPE_PAYMENT = "PAYMENT"
RECORD_TYPE_MARKER = "IDEMPOTENCY"
_NOT_EXISTS = "attribute_not_exists(transactionId)"
_PROGRAMMING_ERRORS = frozenset({"ValidationException", "SerializationException"})


class StoreUnavailable(Exception):
    """DynamoDB could not be reached or refused the call (HTTP 503, the client may retry)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredResult:
    """What an earlier request with the same idempotency key stored."""

    transaction_id: str
    fingerprint: str
    status_code: int
    body: str


# The item payments.dr.routing_control writes; see roles/failover.
ROUTING_CONTROL_KEY = {"name": {"S": "routing"}}


def marker_key(transaction_id: str) -> dict[str, dict[str, str]]:
    return {"transactionId": {"S": MARKER_PREFIX + transaction_id}, "timestamp": {"S": MARKER_SORT_KEY}}


def record_item(*, transaction_id: str, timestamp: str, customer_id: str, status: str, reasons: tuple[str, ...],
                amount: str, currency: str, region: str, fingerprint: str, merchant_id: str | None = None,
                description: str | None = None, dr_role: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "transactionId": {"S": transaction_id},
        "timestamp": {"S": timestamp},
        "recordType": {"S": RECORD_TYPE_PAYMENT},
        "customerId": {"S": customer_id},
        "status": {"S": status},
        "amount": {"N": amount},
        "currency": {"S": currency},
        "region": {"S": region},
        "requestFingerprint": {"S": fingerprint},
    }
    optional = {"reasons": {"L": [{"S": reason} for reason in reasons]} if reasons else None,
                "merchantId": {"S": merchant_id} if merchant_id else None,
                "description": {"S": description} if description else None,
                "drRole": {"S": dr_role} if dr_role else None}
    item.update({name: value for name, value in optional.items() if value is not None})
    return item


def marker_item(*, transaction_id: str, timestamp: str, fingerprint: str, status_code: int, body: str,
                region: str) -> dict[str, Any]:
    return {
        **marker_key(transaction_id),
        "recordType": {"S": RECORD_TYPE_MARKER},
        "paymentTransactionId": {"S": transaction_id},
        "paymentTimestamp": {"S": timestamp},
        "requestFingerprint": {"S": fingerprint},
        "responseStatusCode": {"N": str(status_code)},
        "responseBody": {"S": body},
        "region": {"S": region},
    }


def save_payment(client: Any, table: str, record: dict[str, Any], marker: dict[str, Any]) -> StoredResult | None:
    """Write record + marker atomically. None when written; the earlier result when the key was used."""
    transaction_id = record["transactionId"]["S"]
    with _dynamodb_call():
        try:
            client.transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "Item": marker, "ConditionExpression": _NOT_EXISTS,
                         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
                {"Put": {"TableName": table, "Item": record, "ConditionExpression": _NOT_EXISTS}},
            ])
            return None
        except ClientError as exc:
            if _code(exc) != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons") or []
    first = reasons[0] if reasons else {}
    if first.get("Code") == "ConditionalCheckFailed" and first.get("Item"):
        return _stored(first["Item"])
    # Cancelled for another reason (e.g. TransactionConflict with a concurrent retry still in
    # flight): the marker tells whether the other request has committed meanwhile.
    stored = read_marker(client, table, transaction_id)
    if stored is None:
        codes = ",".join(str(reason.get("Code")) for reason in reasons) or "unknown"
        raise StoreUnavailable(f"dynamodb:TransactionCanceled({codes})")
    return stored


def read_marker(client: Any, table: str, transaction_id: str) -> StoredResult | None:
    with _dynamodb_call():
        item = client.get_item(TableName=table, Key=marker_key(transaction_id), ConsistentRead=True).get("Item")
    return _stored(item) if item else None


# A key no payment or marker ever has (their transactionIds are UUIDs or "idempotency#...").
HEALTH_PROBE_KEY = {"transactionId": {"S": "health#probe"}, "timestamp": {"S": "HEALTH"}}


def probe(client: Any, table: str) -> None:
    """Read the table through the data plane (one GetItem of a key never written): it returns when
    this region's replica serves reads, raises StoreUnavailable when it does not. Health must not
    depend on the control plane (DescribeTable): a control-plane hiccup would move traffic away
    from a region whose table still serves."""
    with _dynamodb_call():
        client.get_item(TableName=table, Key=HEALTH_PROBE_KEY)


def fenced_regions(client: Any, control_table: str) -> frozenset[str]:
    """Regions fenced by the failover runbook (the routing-control item of the control table)."""
    with _dynamodb_call():
        item = client.get_item(TableName=control_table, Key=ROUTING_CONTROL_KEY).get("Item") or {}
    return frozenset(value["S"] for value in item.get("fenced_regions", {}).get("L", []))


@contextmanager
def _dynamodb_call() -> Iterator[None]:
    """Map DynamoDB outages (any error response, no connection, timeouts) to StoreUnavailable."""
    try:
        yield
    except ClientError as exc:
        code = _code(exc)
        if code in _PROGRAMMING_ERRORS:  # the service will never accept this call: a bug, not an outage
            raise
        raise StoreUnavailable(f"dynamodb:{code}") from exc
    except (BotoConnectionError, HTTPClientError) as exc:
        raise StoreUnavailable(f"dynamodb:{type(exc).__name__}") from exc


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


def _stored(item: dict[str, Any]) -> StoredResult:
    return StoredResult(
        transaction_id=item["paymentTransactionId"]["S"],
        fingerprint=item["requestFingerprint"]["S"],
        status_code=int(item["responseStatusCode"]["N"]),
        body=item["responseBody"]["S"],
    )
