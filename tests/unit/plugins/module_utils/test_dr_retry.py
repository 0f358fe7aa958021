"""module_utils/dr_retry: a call is retried by one layer, botocore's or AWSRetry's, never both."""

from __future__ import annotations

import http.server
import threading
from types import SimpleNamespace

import boto3
import botocore.config
import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.payments.dr.plugins.module_utils import dr_retry


class FakeModule:
    def __init__(self, aws_config=None):
        self.params = {"aws_config": aws_config}
        self.made = []

    def client(self, service, retry_decorator=None, **params):
        self.made.append((service, retry_decorator, params))
        return RetryingBotoClientWrapper(SimpleNamespace(), retry_decorator)


def test_botocore_retries_configured_by_the_caller_are_the_only_layer():
    module = FakeModule({"retries": {"mode": "standard", "max_attempts": 10}})
    client = dr_retry.client(module, "kms", region="us-east-2")
    (service, decorator, params), = module.made
    assert service == "kms" and params == {"region": "us-east-2"}  # no config: the caller's retries stay

    def call():
        return "once"

    assert decorator(call) is call  # aws_retry=True adds no second layer
    assert client.retry is decorator


@pytest.mark.parametrize("aws_config", [None, {}, {"connect_timeout": 5}])
def test_without_botocore_retries_awsretry_is_the_layer_and_botocore_tries_once(aws_config):
    module = FakeModule(aws_config)
    dr_retry.client(module, "dynamodb", retry=dr_retry.RETRY)
    (_service, decorator, params), = module.made
    assert decorator is dr_retry.RETRY and params == {"config": dr_retry.ONE_ATTEMPT}


def client_error(code):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "slow down"}}, "Op")


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException", "SlowDown",
                                  "Throttling", "RequestLimitExceeded", "ServiceUnavailable"])
def test_awsretry_retries_every_throttling_code_botocore_knows(monkeypatch, code):
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    answers = [client_error(code), "done"]

    @dr_retry.aws_retry()
    def call():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert call() == "done" and len(slept) == 1


def test_awsretry_does_not_retry_a_refusal(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: pytest.fail("slept before a retry"))

    @dr_retry.aws_retry()
    def call():
        raise client_error("ValidationException")

    with pytest.raises(botocore.exceptions.ClientError):
        call()


def test_a_service_adds_its_own_codes(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    answers = [client_error("KMSInternalException"), "done"]

    @dr_retry.aws_retry("KMSInternalException")
    def call():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert call() == "done"


def test_a_paginated_read_runs_under_the_clients_layer():
    layered = []

    def retry(func):
        def run(*args, **kwargs):
            layered.append(func.__name__)
            return func(*args, **kwargs)
        return run

    @dr_retry.paginated
    def list_things(client, name):
        return [name]

    assert list_things(RetryingBotoClientWrapper(SimpleNamespace(), retry), "a") == ["a"]
    assert layered == ["list_things"]
    assert list_things(SimpleNamespace(), "b") == ["b"]  # a bare client: no layer to take


class Unavailable(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self):  # noqa: N802 (http.server's name)
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_one_attempt_makes_botocore_send_one_request():
    """ONE_ATTEMPT as botocore reads it: a 503 (which botocore retries by default) is sent once."""
    server = http.server.HTTPServer(("127.0.0.1", 0), Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url="http://127.0.0.1:%d" % server.server_port,
                              aws_access_key_id="testing", aws_secret_access_key="testing",
                              config=botocore.config.Config(**dr_retry.ONE_ATTEMPT))
        with pytest.raises(botocore.exceptions.ClientError):
            client.list_tables()
        assert Unavailable.hits == 1
    finally:
        server.shutdown()
        server.server_close()
