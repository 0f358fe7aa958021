"""SNS alerts for payments that need a human: REVIEW (high value) and REJECTED.

The message carries what an operator needs to find the payment and nothing about the customer:
no customerId, no description.
"""

from __future__ import annotations

import json
from typing import Any

EVENT_TYPES = {"REVIEW": "payment.review", "REJECTED": "payment.rejected"}


def alert_message(*, transaction_id: str, status: str, reasons: tuple[str, ...], amount: str, currency: str,
                  region: str, timestamp: str) -> dict[str, Any]:
    """Keyword arguments of SNS Publish for one payment."""
    event_type = EVENT_TYPES.get(status, "payment." + status.lower())
    message = {
        "eventType": event_type,
        "transactionId": transaction_id,
        "status": status,
        "reasons": list(reasons),
        "amount": amount,
        "currency": currency,
        "region": region,
        "timestamp": timestamp,
    }
    return {
        "Subject": f"Payment {status}: {transaction_id}",
        "Message": json.dumps(message, separators=(",", ":")),
        "MessageAttributes": {
            "eventType": {"DataType": "String", "StringValue": event_type},
            "status": {"DataType": "String", "StringValue": status},
            "currency": {"DataType": "String", "StringValue": currency},
            "region": {"DataType": "String", "StringValue": region},
        },
    }


def publish(client: Any, topic_arn: str, message: dict[str, Any]) -> str:
    return client.publish(TopicArn=topic_arn, **message)["MessageId"]
