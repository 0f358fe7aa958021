"""Core emulator behaviours: region outage, injected faults, request counters."""

from __future__ import annotations

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


def test_injected_throttling_is_retried_by_clients(aws, control):
    control.inject_faults("sns", 1.0)
    with pytest.raises(ClientError) as err:
        aws("sns", PRIMARY, retries=1).list_topics()
    assert err.value.response["Error"]["Code"] == "Throttling"
    control.inject_faults("sns", 0.5)
    # With standard retries a 50% throttle rate still lets every call through.
    client = aws("sns", PRIMARY, retries=10)
    for attempt in range(10):
        assert "Topics" in client.list_topics(), attempt
    assert control.counters()["by_service_region"]["sns/us-east-1"] > 11


def test_injected_5xx_uses_json_errors_for_json_services(aws, control):
    control.inject_faults("dynamodb", 1.0, kind="5xx")
    with pytest.raises(ClientError) as err:
        aws("dynamodb", PRIMARY, retries=1).list_tables()
    assert err.value.response["Error"]["Code"] == "InternalFailure"


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
        control.get("no-such-route")
    assert err.value.code == 404


def test_emulator_refuses_non_loopback_addresses():
    from tests.emulator.server import Emulator

    with pytest.raises(ValueError):
        Emulator(host="0.0.0.0")
