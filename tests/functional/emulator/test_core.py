"""Core emulator behaviours: region outage, injected faults, request counters."""

from __future__ import annotations

import urllib.error
from types import SimpleNamespace

import botocore.endpoint
import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY


def test_outage_fails_only_the_region_that_is_down(aws, control):
    control.region_down(PRIMARY)
    with pytest.raises(ClientError) as err:
        aws("dynamodb", PRIMARY, retries=1).list_tables()
    assert err.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert aws("dynamodb", DR).list_tables()["TableNames"] == []
    with pytest.raises(ClientError):
        aws("rds", PRIMARY, retries=1).describe_db_clusters()
    control.region_up(PRIMARY)
    assert aws("rds", PRIMARY).describe_db_clusters()["DBClusters"] == []


def test_injected_throttling_is_retried_by_clients(aws, control, monkeypatch):
    control.inject_faults("sns", 1.0)
    with pytest.raises(ClientError) as err:
        aws("sns", PRIMARY, retries=1).list_topics()
    assert err.value.response["Error"]["Code"] == "Throttling"
    control.inject_faults("sns", 0.5)
    # botocore's backoff between attempts is recorded instead of slept (up to 20 s each).
    backoffs: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=backoffs.append))
    # With standard retries a 50% throttle rate still lets every call through.
    client = aws("sns", PRIMARY, retries=10)
    for attempt in range(10):
        assert "Topics" in client.list_topics(), attempt
    assert control.counters()["by_service_region"]["sns/us-east-1"] > 11
    assert backoffs and all(delay > 0 for delay in backoffs)  # each retry after a throttle backed off


def test_injected_5xx_uses_json_errors_for_json_services(aws, control):
    control.inject_faults("dynamodb", 1.0, kind="5xx")
    with pytest.raises(ClientError) as err:
        aws("dynamodb", PRIMARY, retries=1).list_tables()
    assert err.value.response["Error"]["Code"] == "InternalFailure"


@pytest.mark.parametrize("service, call, status, code", [
    ("s3", lambda c: c.head_bucket(Bucket="b"), 503, "503"),  # a HEAD answer has no body: S3's SlowDown
    ("s3", lambda c: c.list_buckets(), 503, "SlowDown"),
    ("ec2", lambda c: c.describe_vpcs(), 503, "RequestLimitExceeded"),
    ("lambda", lambda c: c.list_functions(), 429, "TooManyRequestsException"),
    ("dynamodb", lambda c: c.list_tables(), 400, "ThrottlingException"),
    ("rds", lambda c: c.describe_db_clusters(), 400, "Throttling"),
])
def test_injected_throttling_answers_as_each_service_throttles(aws, control, service, call, status, code):
    control.inject_faults(service, 1.0)
    with pytest.raises(ClientError) as err:
        call(aws(service, PRIMARY, retries=1))
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert err.value.response["Error"]["Code"] == code


def test_mixed_faults_are_half_throttling_half_server_errors_and_replay_with_their_seed(aws, control):
    def codes(seed):
        control.inject_faults("sns", 0.5, kind="mixed", seed=seed)
        client, seen = aws("sns", PRIMARY, retries=0), []  # one request per call
        for _ in range(200):
            try:
                client.list_topics()
                seen.append("ok")
            except ClientError as error:
                seen.append(error.response["Error"]["Code"])
        return seen

    first = codes(7)
    assert 60 < first.count("Throttling") + first.count("InternalFailure") < 140
    assert first.count("Throttling") > 25 and first.count("InternalFailure") > 25
    assert control.counters()["faults_injected"] == {
        "throttle": first.count("Throttling"), "5xx": first.count("InternalFailure")}
    assert codes(7) == first  # the same seed, the same faults on the same calls
    assert codes(8) != first


def test_fault_rolls_follow_each_action_not_the_interleaving_of_calls(aws, control):
    def faults(seed, interleave):
        control.inject_faults("*", 0.3, seed=seed)
        sns, sqs, seen = aws("sns", PRIMARY, retries=0), aws("sqs", DR, retries=0), []
        for _ in range(40):
            for _ in range(interleave):
                try:
                    sqs.list_queues()
                except ClientError:
                    pass
            try:
                sns.list_topics()
                seen.append(False)
            except ClientError:
                seen.append(True)
        return seen

    assert faults(3, 0) == faults(3, 2)


def test_counters_split_reads_and_writes_by_service_and_region(aws, control):
    aws("sns", DR).create_topic(Name="t")
    aws("sns", DR).list_topics()
    aws("sns", DR).list_topics()
    report = control.counters()
    assert report["by_service_region"] == {"sns/us-east-2": 3}
    assert report["reads"] == 2 and report["writes"] == 1


def test_control_api_rejects_bad_input(control):
    from urllib.error import HTTPError

    with pytest.raises(HTTPError) as err:
        control.post("faults", {"service": "s3", "rate": 2})
    assert err.value.code == 400
    with pytest.raises(HTTPError) as err:
        control.post("faults", {"service": "s3", "rate": 0.1, "kind": "sometimes"})
    assert err.value.code == 400
    with pytest.raises(HTTPError) as err:
        control.get("no-such-route")
    assert err.value.code == 404


def test_emulator_refuses_non_loopback_addresses():
    from tests.emulator.server import Emulator

    with pytest.raises(ValueError):
        Emulator(host="0.0.0.0")


def test_the_clock_only_moves_forward_and_survives_a_reset(emulator, control):
    start = control.get("clock")["offset"]
    assert control.advance_clock(2.5) == start + 2.5
    control.reset()  # deadlines taken before a reset stay in the past
    assert control.get("clock")["offset"] == start + 2.5
    for bad in (-1, 86401):
        with pytest.raises(urllib.error.HTTPError) as err:
            control.advance_clock(bad)
        assert err.value.code == 400
    assert control.get("clock")["offset"] == start + 2.5
