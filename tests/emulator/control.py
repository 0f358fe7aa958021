"""A small client for the emulator's control API (/_dr/...), used by tests and scripts."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Callable

import boto3


class EmulatorControl:
    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")

    def call(self, method: str, route: str, payload: dict | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.endpoint_url}/_dr/{route}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return json.loads(response.read() or b"null")

    def get(self, route: str) -> Any:
        return self.call("GET", route)

    def post(self, route: str, payload: dict | None = None) -> Any:
        return self.call("POST", route, payload or {})

    # Convenience wrappers for the core routes.
    def reset(self) -> None:
        self.post("reset")

    def region_down(self, region: str) -> None:
        self.post("outage", {"region": region, "down": True})

    def region_up(self, region: str) -> None:
        self.post("outage", {"region": region, "down": False})

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator's clock forward: what takes time there (deletions, switchovers) is
        that much further along, without the test sleeping."""
        return self.post("clock", {"advance": seconds})["offset"]

    def counters(self) -> dict:
        return self.get("counters")

    def inject_faults(self, service: str, rate: float, kind: str = "throttle", seed: int | None = None) -> None:
        payload = {"service": service, "rate": rate, "kind": kind}
        if seed is not None:
            payload["seed"] = seed
        self.post("faults", payload)


def aws_client(endpoint_url: str, service: str, region: str = "us-east-1"):
    """A boto3 client of ``service`` in ``region`` on the emulator, with its dummy credentials."""
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def subscribe_queue(endpoint_url: str, topic_arn: str, name: str) -> Callable[[], list[dict]]:
    """Subscribe a new SQS queue ``name`` to the topic (in the topic's region); returns a function
    answering the SNS envelopes that reached the queue so far (``Subject``, ``Message``...)."""
    region = topic_arn.split(":")[3]
    sns, sqs = aws_client(endpoint_url, "sns", region), aws_client(endpoint_url, "sqs", region)
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return lambda: [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get(
        "Messages", [])]
