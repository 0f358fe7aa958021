"""Route 53 health checks probe their targets; failover answers follow them, also during outages."""

from __future__ import annotations

import http.server
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY
from tests.functional.emulator.dataplane_helpers import create_function, create_proxy_api, execute_api_host

HEALTH_HANDLER = """
import json, os

def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"status": "ok", "region": os.environ["AWS_REGION"]})}
"""


@pytest.fixture
def r53(aws, control):
    # Only explicit probes in these tests: a background round would break threshold counting.
    control.post("route53/settings", {"probe_interval": 3600})
    return aws("route53", PRIMARY)


class _Target(http.server.BaseHTTPRequestHandler):
    status = 200
    body = b"payments: ok"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def target() -> Iterator[tuple[type[_Target], int]]:
    """A loopback HTTP endpoint whose status the test sets."""
    handler = type("Target", (_Target,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, server.server_address[1]
    server.shutdown()
    server.server_close()


def _health_check(r53, **config) -> str:
    config.setdefault("RequestInterval", 10)
    return r53.create_health_check(CallerReference=str(uuid.uuid4()), HealthCheckConfig=config)["HealthCheck"]["Id"]


def _status(control) -> dict[str, dict]:
    return {row["id"]: row for row in control.get("route53/status")["health_checks"]}


def _probe(control, times: int = 1) -> dict[str, dict]:
    for _ in range(times):
        control.post("route53/probe")
    return _status(control)


def _cname(zone_id, name, value, set_id=None, failover=None, check=None):
    record = {"Name": name, "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": value}]}
    if set_id:
        record.update(SetIdentifier=set_id, Failover=failover)
    if check:
        record["HealthCheckId"] = check
    return {"Action": "UPSERT", "ResourceRecordSet": record}


def test_failover_record_follows_the_primary_api_through_a_region_outage(aws, control, r53):
    apis = {}
    for region in (PRIMARY, DR):
        arn = create_function(aws, region, "health", HEALTH_HANDLER)
        apis[region] = execute_api_host(create_proxy_api(aws, region, arn, [("/health", "GET")]), region)
    checks = {region: _health_check(r53, Type="HTTPS", FullyQualifiedDomainName=host, Port=443,
                                    ResourcePath="/prod/health", FailureThreshold=1)
              for region, host in apis.items()}
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="z")["HostedZone"]["Id"]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        _cname(zone, "api.example.com", apis[PRIMARY], "primary", "PRIMARY", checks[PRIMARY]),
        _cname(zone, "api.example.com", apis[DR], "secondary", "SECONDARY", checks[DR])]})

    assert all(row["healthy"] for row in _probe(control).values())
    answer = control.get("route53/resolve?name=api.example.com&type=A")
    assert answer == {"name": "api.example.com.", "type": "CNAME", "values": [apis[PRIMARY]],
                      "set_identifier": "primary", "failover": "PRIMARY", "ttl": 60, "alias": False}
    observations = r53.get_health_check_status(HealthCheckId=checks[PRIMARY])["HealthCheckObservations"]
    assert observations and observations[0]["StatusReport"]["Status"] == "Success: HTTP Status Code 200, OK"
    assert {"Region", "IPAddress", "StatusReport"} <= set(observations[0])

    control.region_down(PRIMARY)
    status = _probe(control)
    assert not status[checks[PRIMARY]]["healthy"] and status[checks[DR]]["healthy"]
    assert status[checks[PRIMARY]]["report"].startswith("Failure: Connection timed out")
    answer = control.get("route53/resolve?name=api.example.com&type=CNAME")
    assert (answer["values"], answer["failover"]) == ([apis[DR]], "SECONDARY")
    with pytest.raises(ClientError):  # Route 53's control plane is in the region that is down
        aws("route53", PRIMARY, retries=1).get_health_check_status(HealthCheckId=checks[PRIMARY])

    control.region_up(PRIMARY)
    report = r53.get_health_check_status(HealthCheckId=checks[PRIMARY])["HealthCheckObservations"][0]
    assert report["StatusReport"]["Status"].startswith("Failure")  # nothing probed since the outage
    assert _probe(control)[checks[PRIMARY]]["healthy"]
    assert control.get("route53/resolve?name=api.example.com&type=CNAME")["failover"] == "PRIMARY"


def test_thresholds_string_match_inverted_and_disabled(control, r53, target):
    handler, port = target
    common = {"IPAddress": "127.0.0.1", "Port": port, "ResourcePath": "/status"}
    match = _health_check(r53, Type="HTTP_STR_MATCH", SearchString="payments: ok", FailureThreshold=2, **common)
    inverted = _health_check(r53, Type="HTTP", FailureThreshold=1, Inverted=True, **common)
    disabled = _health_check(r53, Type="HTTP", FailureThreshold=1, Disabled=True, **common)
    tcp = _health_check(r53, Type="TCP", FailureThreshold=1, IPAddress="127.0.0.1", Port=port)
    status = _probe(control)
    assert status[match]["healthy"] and not status[inverted]["healthy"] and status[tcp]["healthy"]
    assert status[disabled]["healthy"] and status[disabled]["report"] is None  # never probed

    handler.body = b"degraded"
    status = _probe(control)
    assert status[match]["healthy"], "one failure is below FailureThreshold=2"
    assert status[match]["report"].startswith("Failure")
    assert not _probe(control)[match]["healthy"]

    handler.status, handler.body = 500, b"payments: ok"
    status = _probe(control)
    assert status[inverted]["healthy"]
    assert status[inverted]["report"] == "Failure: HTTP Status Code 500, Internal Server Error"
    handler.status = 200
    assert _probe(control, times=2)[match]["healthy"], "two successes restore it"


def test_only_loopback_targets_are_probed(control, r53):
    remote = _health_check(r53, Type="HTTP", IPAddress="192.0.2.10", Port=80, FailureThreshold=1)
    named = _health_check(r53, Type="HTTPS", FullyQualifiedDomainName="pay.example.org", FailureThreshold=1)
    plain_http_api = _health_check(r53, Type="HTTP", FullyQualifiedDomainName=execute_api_host("abc123", DR),
                                   Port=80, FailureThreshold=1)
    status = _probe(control)
    assert not any(status[c]["healthy"] for c in (remote, named, plain_http_api))
    assert status[remote]["report"].startswith("Failure: Connection timed out")


def test_calculated_and_cloudwatch_alarm_health_checks(aws, control, r53, target):
    _, port = target
    up = _health_check(r53, Type="HTTP", IPAddress="127.0.0.1", Port=port, FailureThreshold=1)
    down = _health_check(r53, Type="HTTP", IPAddress="127.0.0.1", Port=1, FailureThreshold=1)
    any_one = r53.create_health_check(CallerReference="c1", HealthCheckConfig={
        "Type": "CALCULATED", "ChildHealthChecks": [up, down], "HealthThreshold": 1})["HealthCheck"]["Id"]
    both = r53.create_health_check(CallerReference="c2", HealthCheckConfig={
        "Type": "CALCULATED", "ChildHealthChecks": [up, down], "HealthThreshold": 2})["HealthCheck"]["Id"]
    cloudwatch = aws("cloudwatch", DR)
    cloudwatch.put_metric_alarm(AlarmName="errors", MetricName="Errors", Namespace="AWS/Lambda", Statistic="Sum",
                                Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    alarm = r53.create_health_check(CallerReference="a1", HealthCheckConfig={
        "Type": "CLOUDWATCH_METRIC", "AlarmIdentifier": {"Region": DR, "Name": "errors"},
        "InsufficientDataHealthStatus": "Unhealthy"})["HealthCheck"]["Id"]
    cloudwatch.set_alarm_state(AlarmName="errors", StateValue="OK", StateReason="test")
    status = _probe(control)
    assert status[any_one]["healthy"] and not status[both]["healthy"] and status[alarm]["healthy"]
    with pytest.raises(ClientError) as err:
        r53.get_health_check_status(HealthCheckId=any_one)
    assert err.value.response["Error"]["Code"] == "InvalidInput"

    cloudwatch.set_alarm_state(AlarmName="errors", StateValue="ALARM", StateReason="test")
    assert not _probe(control)[alarm]["healthy"]
    cloudwatch.set_alarm_state(AlarmName="errors", StateValue="INSUFFICIENT_DATA", StateReason="test")
    assert not _probe(control)[alarm]["healthy"]  # InsufficientDataHealthStatus=Unhealthy

    datapoints = aws("cloudwatch", PRIMARY).get_metric_statistics(
        Namespace="AWS/Route53", MetricName="HealthCheckStatus",
        Dimensions=[{"Name": "HealthCheckId", "Value": down}], StartTime=time.time() - 600, EndTime=time.time() + 60,
        Period=60, Statistics=["Maximum"])["Datapoints"]
    assert datapoints and max(d["Maximum"] for d in datapoints) == 0.0


def test_alias_records_and_the_background_prober(control, r53, target):
    handler, port = target
    check = _health_check(r53, Type="HTTP", IPAddress="127.0.0.1", Port=port, FailureThreshold=1)
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="z")["HostedZone"]["Id"]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "origin.example.com", "Type": "A", "TTL": 60,
                                                   "ResourceRecords": [{"Value": "127.0.0.1"}],
                                                   "HealthCheckId": check}},
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "SetIdentifier": "p",
                                                   "Failover": "PRIMARY", "AliasTarget": {
                                                       "HostedZoneId": zone, "DNSName": "origin.example.com",
                                                       "EvaluateTargetHealth": True}}},
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "SetIdentifier": "s",
                                                   "Failover": "SECONDARY", "TTL": 60,
                                                   "ResourceRecords": [{"Value": "127.0.0.2"}]}}]})
    answer = control.get("route53/resolve?name=www.example.com&type=A")
    assert (answer["values"], answer["alias"], answer["set_identifier"]) == (["127.0.0.1"], True, "p")

    handler.status = 503
    control.post("route53/settings", {"probe_interval": 0.1})  # now the background health checkers
    deadline = time.monotonic() + 10
    while control.get("route53/resolve?name=www.example.com&type=A")["values"] != ["127.0.0.2"]:
        assert time.monotonic() < deadline, "the background prober never marked the origin unhealthy"
        time.sleep(0.05)


def test_dns_json_api_answers_like_a_doh_resolver(control, r53):
    zone = r53.create_hosted_zone(Name="example.org", CallerReference="doh")["HostedZone"]["Id"]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        _cname(zone, "api.example.org", "abc.execute-api.us-east-2.amazonaws.com")]})
    answer = control.get("route53/dns-query?name=api.example.org&type=CNAME")
    assert answer == {"Status": 0, "Question": [{"name": "api.example.org.", "type": 5}],
                      "Answer": [{"name": "api.example.org.", "type": 5, "TTL": 60,
                                  "data": "abc.execute-api.us-east-2.amazonaws.com"}]}
    missing = control.get("route53/dns-query?name=nope.example.org&type=A")
    assert missing["Status"] == 3 and missing["Answer"] == []
