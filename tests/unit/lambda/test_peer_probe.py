"""The scheduled peer probe: GET the other region's /health, publish PeerHealthy here."""

from __future__ import annotations

import http.server
import threading
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from payment_lambda_support import REGION, Context

import payment_validation
from payment_core import peer_probe

PEER = "us-east-2"


@pytest.fixture
def peer():
    """A loopback stand-in for the peer's API answering /prod/health with the status set in `answer`."""
    answer = {"status": 200, "hosts": []}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            answer["hosts"].append(self.headers["Host"])
            self.send_response(answer["status"] if self.path == "/prod/health" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield answer, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def event(connect_url):
    return {"peer_probe": {"url": f"https://abc123.execute-api.{PEER}.amazonaws.com/prod/health", "region": PEER,
                           "connect_url": connect_url}}


def published(function_name="payments-validate-dr-test"):
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    points = boto3.client("cloudwatch", region_name=REGION).get_metric_statistics(
        Namespace="PaymentsDR", MetricName="PeerHealthy", StartTime=end - timedelta(minutes=10), EndTime=end,
        Period=600, Statistics=["Minimum", "SampleCount"],
        Dimensions=[{"Name": "FunctionName", "Value": function_name}, {"Name": "ProbedRegion", "Value": PEER}])
    return points["Datapoints"]


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False), (403, False)])
def test_the_probe_publishes_whether_the_peer_answered_200(stack, lambda_env, peer, status, healthy):
    answer, url = peer
    answer["status"] = status
    lambda_env.setenv("AWS_LAMBDA_FUNCTION_NAME", f"payments-validate-dr-test-{status}")
    result = payment_validation.handler(event(url), Context())
    assert result == {"probedRegion": PEER, "healthy": healthy, "status": status}
    assert answer["hosts"] == [f"abc123.execute-api.{PEER}.amazonaws.com"]  # the peer's own API host
    [point] = published(f"payments-validate-dr-test-{status}")
    assert point["Minimum"] == (1.0 if healthy else 0.0)


def test_a_peer_that_does_not_answer_is_unhealthy(stack, lambda_env):
    lambda_env.setenv("AWS_LAMBDA_FUNCTION_NAME", "payments-validate-dr-test-dark")
    probe = peer_probe.Probe.from_event(event("http://127.0.0.1:9"))  # nothing listens on the discard port
    assert peer_probe.check(probe)[:2] == (False, 0)


@pytest.mark.parametrize("bad", [{}, {"peer_probe": "x"}, {"peer_probe": {"url": "ftp://x/health", "region": PEER}},
                                 {"peer_probe": {"region": PEER}}])
def test_a_probe_without_what_to_probe_is_a_function_error(stack, bad):
    if "peer_probe" not in bad:
        assert not peer_probe.is_probe_event(bad)
        return
    with pytest.raises(peer_probe.ProbeConfigError):
        payment_validation.handler(bad, Context())
