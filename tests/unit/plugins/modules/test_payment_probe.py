from __future__ import annotations

import json
from unittest.mock import MagicMock
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.payments.dr.plugins.modules import payment_probe

URL = "https://api.payments.example.com/prod/validate"
PAYMENT = {"amount": "10.00", "currency": "USD", "customerId": "cus_000000000001"}


class Answer:
    def __init__(self, status=200, body=None, headers=None):
        self.status, self.body, self.headers = status, body or {}, headers or {}

    def getcode(self):
        return self.status

    def read(self):
        return json.dumps(self.body).encode()


class FakeNet:
    """open_url for the module: DNS-over-HTTPS answers from ``cnames``, POSTs answered in turn."""

    def __init__(self, answers, cnames=None):
        self.answers, self.cnames, self.posts = list(answers), cnames or {}, []

    def __call__(self, url, method="GET", data=None, headers=None, timeout=None):
        if method == "GET":
            name = parse_qs(urlsplit(url).query)["name"][0]
            target = self.cnames.get(name)
            return Answer(body={"Answer": [{"type": 5, "data": target + "."}]} if target else {})
        self.posts.append({"url": url, "body": json.loads(data), "headers": headers})
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def net(monkeypatch):
    def install(answers, cnames=None):
        fake = FakeNet(answers, cnames)
        monkeypatch.setattr(payment_probe, "open_url", fake)
        return fake
    return install


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    """The environment's credentials, which the module signs with when given none."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENVIRONMENT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(autouse=True)
def clock(monkeypatch, fake_time):
    monkeypatch.setattr(payment_probe, "time", fake_time)
    return fake_time


def served(region, status=200, transaction="txn-1"):
    return Answer(status, {"transactionId": transaction, "region": region}, {"X-Served-Region": region})


def test_follows_the_cname_chain_and_sends_to_its_end(run_module, net):
    fake = net([served("us-east-1")], cnames={"api.payments.example.com": "primary.execute-api.example.com"})
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT, "doh_url": "http://127.0.0.1:9/dns",
                                                "connect_url": "http://127.0.0.1:4566/", "headers": {"Idempotency-Key": "k"}},
                                MagicMock())
    assert not failed and result["served_region"] == "us-east-1" and result["attempts"] == 1
    assert result["resolved"] == ["api.payments.example.com", "primary.execute-api.example.com"]
    post = fake.posts[0]
    assert post["url"] == "http://127.0.0.1:4566/prod/validate" and post["body"] == PAYMENT
    assert {k: v for k, v in post["headers"].items() if k not in ("Authorization", "X-Amz-Date")} == {
        "Idempotency-Key": "k", "Content-Type": "application/json", "Host": "primary.execute-api.example.com"}
    assert post["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDENVIRONMENT/")


def test_retries_until_the_expected_region_answers(run_module, net, clock):
    fake = net([served("us-east-1"), served("us-east-1"), served("us-east-2")])
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT, "expect_region": "us-east-2",
                                                "delay": 3}, MagicMock())
    assert not failed and result["attempts"] == 3 and result["served_region"] == "us-east-2"
    assert clock.slept == [3, 3] and len(fake.posts) == 3


def test_gives_up_at_the_timeout_naming_the_last_answer(run_module, net, clock):
    net([served("us-east-1")])
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT, "expect_region": "us-east-2",
                                                "timeout": 10, "delay": 2}, MagicMock())
    assert failed and result["attempts"] == 6 and clock.now == 10
    assert result["msg"] == "no accepted answer within 10s: last status 200 from region us-east-1 (expected us-east-2)"


@pytest.mark.parametrize("error, status, body", [
    (HTTPError(URL, 400, "Bad Request", {"X-Served-Region": "us-east-1"},
               type("Body", (), {"read": lambda self: b'{"error": "amount must be positive"}',
                                 "close": lambda self: None})()),
     400, {"error": "amount must be positive"}),
    (ConnectionRefusedError("connection refused"), 0, {"error": "connection refused"}),
], ids=["http error", "region down"])
def test_an_error_answer_is_reported_with_its_status_and_body(run_module, net, error, status, body):
    net([error])
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT, "timeout": 0}, MagicMock())
    assert failed and result["status"] == status and result["body"] == body


@pytest.mark.parametrize("count, stored", [(1, True), (0, False)])
def test_the_stored_transaction_is_read_back_from_the_table(run_module, net, count, stored):
    net([served("us-east-2", transaction="txn-42")])
    client = MagicMock()
    client.query.return_value = {"Count": count, "Items": []}
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT, "table_name": "payments-transactions",
                                                "region": "us-east-2"}, client)
    assert failed is not stored and result["stored"] is stored
    assert client.query.call_args.kwargs["ExpressionAttributeValues"] == {":t": {"S": "txn-42"}}
    if not stored:
        assert result["msg"] == "transaction txn-42 was not found in payments-transactions in us-east-2"


def test_check_mode_sends_nothing(run_module, net):
    fake = net([served("us-east-1")])
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT}, MagicMock(), check_mode=True)
    assert not failed and result["skipped_in_check_mode"] and fake.posts == []


def test_the_payment_is_signed_for_execute_api_in_the_expected_region(run_module, net):
    fake = net([served("us-east-2")])
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT, "expect_region": "us-east-2",
                                                "access_key": "AKIDEXAMPLE", "secret_key": "secret",
                                                "session_token": "token", "connect_url": "http://127.0.0.1:4566"},
                                MagicMock())
    assert not failed
    headers = fake.posts[0]["headers"]
    scope = headers["Authorization"].split("Credential=")[1].split(",")[0]
    assert scope.startswith("AKIDEXAMPLE/") and scope.endswith("/us-east-2/execute-api/aws4_request")
    assert "host" in headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert headers["X-Amz-Security-Token"] == "token" and headers["Host"] == "api.payments.example.com"
    # The signature is botocore's for the name the request is addressed to, whatever address it is sent to.
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    again = AWSRequest(method="POST", url="https://api.payments.example.com/prod/validate",
                       data=json.dumps(PAYMENT).encode(), headers={k: v for k, v in headers.items()
                                                                   if k in ("Content-Type", "Host", "X-Amz-Date")})
    again.context["timestamp"] = headers["X-Amz-Date"]
    auth = SigV4Auth(Credentials("AKIDEXAMPLE", "secret", "token"), "execute-api", "us-east-2")
    again.headers["X-Amz-Security-Token"] = "token"
    assert headers["Authorization"].endswith("Signature=" + auth.signature(
        auth.string_to_sign(again, auth.canonical_request(again)), again))


@pytest.mark.parametrize("args, region", [({}, "us-east-1"), ({"signing_region": "us-west-2"}, "us-west-2")])
def test_signing_region_defaults_to_the_module_region(run_module, net, args, region):
    fake = net([served("us-east-1")])
    result, failed = run_module(payment_probe, dict(args, url=URL, payment=PAYMENT, access_key="AKIDEXAMPLE",
                                                    secret_key="secret"), MagicMock())
    assert not failed and f"/{region}/execute-api/aws4_request" in fake.posts[0]["headers"]["Authorization"]


def test_sign_false_sends_the_payment_unsigned(run_module, net):
    fake = net([served("us-east-1")])
    result, failed = run_module(payment_probe, {"url": URL, "payment": PAYMENT, "sign": False}, MagicMock())
    assert not failed and "Authorization" not in fake.posts[0]["headers"]
