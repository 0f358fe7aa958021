"""Helpers shared by the payment-validation Lambda tests (files/lambda): constants, events, read-back."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAMBDA_DIR = Path(__file__).resolve().parents[3] / "files" / "lambda"
if str(LAMBDA_DIR) not in sys.path:
    sys.path.insert(0, str(LAMBDA_DIR))


REGION = "us-east-1"
DR_REGION = "us-east-2"
TABLE = "payments-transactions-global-test"
TOPIC = "payments-alerts-primary-test"
VALID_KEY = "3f0c9a4e-7f0b-4c1e-9d55-2b8f6f0a1c7d"
CUSTOMER = "cus_AbCdEf123456"


def create_table(dynamodb, name: str = TABLE) -> None:
    """The transactions table as the dynamodb_global role shapes it: transactionId HASH + timestamp RANGE."""
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "transactionId", "KeyType": "HASH"},
                   {"AttributeName": "timestamp", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "transactionId", "AttributeType": "S"},
                              {"AttributeName": "timestamp", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@dataclass
class Stack:
    """The AWS side as moto holds it, read back through boto3."""

    dynamodb: Any
    sqs: Any
    queue_url: str
    topic_arn: str

    def items(self) -> list[dict]:
        pages = self.dynamodb.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True)
        return [item for page in pages for item in page["Items"]]

    def payments(self, transaction_id: str | None = None) -> list[dict]:
        if transaction_id is None:
            return [item for item in self.items() if item["recordType"]["S"] == "PAYMENT"]
        return self.dynamodb.query(
            TableName=TABLE, ConsistentRead=True, KeyConditionExpression="transactionId = :t",
            ExpressionAttributeValues={":t": {"S": transaction_id}})["Items"]

    def alerts(self) -> list[dict]:
        """SNS notifications delivered to the subscribed queue: [{"message": dict, "attributes": dict, ...}]."""
        found = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                             WaitTimeSeconds=0).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                envelope = json.loads(message["Body"])
                found.append({"subject": envelope.get("Subject"), "raw": envelope["Message"],
                              "message": json.loads(envelope["Message"]),
                              "attributes": {name: value["Value"]
                                             for name, value in envelope.get("MessageAttributes", {}).items()}})
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


def payment(**overrides: Any) -> dict:
    """A valid request body; overrides replace fields (value None removes the field)."""
    body = {"amount": "125.50", "currency": "USD", "customerId": CUSTOMER}
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not None}


def make_event(body: Any = None, *, key: str | None = VALID_KEY, method: str = "POST", resource: str = "/validate",
               raw: str | None = None, headers: dict | None = None, base64: bool = False) -> dict:
    """An API Gateway REST proxy event; `raw` is the body text as sent, else `body` is JSON-encoded."""
    all_headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {}),
                   **(headers or {})}
    text = raw if raw is not None else (None if body is None else json.dumps(body))
    return {
        "resource": resource, "path": resource, "httpMethod": method,
        "headers": all_headers, "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None, "pathParameters": None, "stageVariables": None,
        "requestContext": {"requestId": "api-req-1", "stage": "prod", "httpMethod": method,
                           "resourcePath": resource},
        "body": text, "isBase64Encoded": base64,
    }


class Context:
    aws_request_id = "lambda-req-1"
    function_name = "payments-validate-primary-test"


@dataclass
class Answer:
    status: int
    headers: dict
    body: Any
    text: str


def call(function, event: dict) -> Answer:
    """Invoke a handler; check the invariants every answer keeps (JSON, Content-Type, no stack trace)."""
    response = function(event, Context())
    assert set(response) == {"statusCode", "headers", "body", "isBase64Encoded"}
    assert response["isBase64Encoded"] is False
    assert response["headers"]["Content-Type"] == "application/json"
    assert "Traceback" not in response["body"] and 'File "' not in response["body"]
    return Answer(response["statusCode"], response["headers"], json.loads(response["body"]), response["body"])
