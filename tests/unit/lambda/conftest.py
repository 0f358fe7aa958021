"""Fixtures for the payment-validation Lambda tests (helpers live in payment_lambda_support)."""

from __future__ import annotations

import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

# pytest imports test modules by path (--import-mode=importlib): make the sibling helper importable.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from payment_lambda_support import DR_REGION, REGION, TABLE, TOPIC, Stack, create_table

from payment_core import aws as lambda_aws

_CLEARED = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SNS", "AWS_PROFILE",
            "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "HIGH_VALUE_THRESHOLD", "MAX_AMOUNT", "ACCEPTED_CURRENCIES",
            "DR_ROLE", "REGION", "AWS_REGION", "DYNAMODB_TABLE", "SNS_TOPIC_ARN", "CONTROL_TABLE")


@pytest.fixture
def lambda_env(monkeypatch):
    """The function's environment as the lambda_apigw role sets it (topic ARN filled in by `stack`)."""
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    # tests/emulator/server.py turns this on at import; in-process moto here needs no IAM policies
    # (loading them costs ~0.1 s per backend reset).
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("REGION", REGION)
    monkeypatch.setenv("DYNAMODB_TABLE", TABLE)
    monkeypatch.setenv("SNS_TOPIC_ARN", f"arn:aws:sns:{REGION}:123456789012:{TOPIC}")
    lambda_aws.reset_clients()
    yield monkeypatch
    lambda_aws.reset_clients()


@pytest.fixture(scope="module")
def moto_module():
    """One in-process moto per test module: starting and resetting moto costs far more than a test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SNS", "AWS_ENDPOINT_URL_SQS"):
            patch.delenv(name, raising=False)
        with mock_aws():
            sns = boto3.client("sns", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
            sqs = boto3.client("sqs", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
            topic_arn = sns.create_topic(Name=TOPIC)["TopicArn"]
            queue_url = sqs.create_queue(QueueName="alerts-probe")["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url,
                                                 AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
            dynamodb = boto3.client("dynamodb", region_name=REGION, aws_access_key_id="testing",
                                    aws_secret_access_key="testing")
            yield Stack(dynamodb=dynamodb, sqs=sqs, queue_url=queue_url, topic_arn=topic_arn)


@pytest.fixture
def stack(moto_module, lambda_env):
    """moto with an empty transactions table, the alert topic and a queue subscribed to it (drained)."""
    for region in (REGION, DR_REGION):
        dynamodb = boto3.client("dynamodb", region_name=region)
        if TABLE in dynamodb.list_tables()["TableNames"]:
            dynamodb.delete_table(TableName=TABLE)
    create_table(moto_module.dynamodb)
    moto_module.alerts()
    lambda_env.setenv("SNS_TOPIC_ARN", moto_module.topic_arn)
    return moto_module
